import { browser } from 'wxt/browser';
import { sendToBackground } from '@/utils/shared/messenger';
import { none, type OptionsActions } from './index';
import { matchPatternFor } from '@/utils/shared/dashboard-sites';

/** The options page's actions; `applyAppearance` redraws the page, which only the entrypoint can do. */
export function createOptionsActions(applyAppearance: OptionsActions['applyAppearance']): OptionsActions {
  return {
    getSettings: () => sendToBackground('settings/get', none),
    saveSettings: (input) => sendToBackground('settings/save', input),
    addSite: async (origin) => {
      // Must run inside the click: the browser only shows the prompt for a user gesture. The pattern names no
      // port: Firefox refuses a match pattern with one (Chrome accepts it); the port is checked on each page.
      let pattern: string;
      try {
        pattern = matchPatternFor(origin);
      } catch {
        pattern = `${origin}/*`;
      }
      const granted = await browser.permissions.request({ origins: [pattern] }).catch(() => false);
      if (!granted) return { ok: false, error: { kind: 'bad_request', message: 'The browser did not grant access to this site.' } };
      return sendToBackground('sites/add', { origin });
    },
    setSiteEnabled: (origin, enabled) => sendToBackground('sites/set-enabled', { origin, enabled }),
    removeSite: (origin) => sendToBackground('sites/remove', { origin }),
    authStatus: () => sendToBackground('auth/status', none),
    signIn: (email, password) => sendToBackground('auth/sign-in', { email, password }),
    signOut: () => sendToBackground('auth/sign-out', none),
    listTemplates: () => sendToBackground('templates/list', none),
    saveTemplates: (templates) => sendToBackground('templates/save', { templates }),
    saveDetection: (config) => sendToBackground('detection/save', config),
    applyAppearance,
  };
}
