import { render } from 'preact';
import { browser } from 'wxt/browser';
import type { OptionsActions } from '@/components/actions';
import { I18nContext } from '@/components/i18n-context';
import { OptionsApp } from '@/components/OptionsApp';
import { matchPatternFor } from '@/utils/shared/dashboard-sites';
import type { SettingsView } from '@/utils/shared/messages';
import { applyTheme, loadPageI18n, rememberAppearance } from '@/utils/ui/i18n-loader';
import { call } from '../popup/actions';

const none = {} as Record<string, never>;
const root = document.getElementById('app')!;

const actions: OptionsActions = {
  getSettings: () => call('settings/get', none),
  saveSettings: (input) => call('settings/save', input),
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
    return call('sites/add', { origin });
  },
  setSiteEnabled: (origin, enabled) => call('sites/set-enabled', { origin, enabled }),
  removeSite: (origin) => call('sites/remove', { origin }),
  authStatus: () => call('auth/status', none),
  signIn: (email, password) => call('auth/sign-in', { email, password }),
  signOut: () => call('auth/sign-out', none),
  listTemplates: () => call('templates/list', none),
  saveTemplates: (templates) => call('templates/save', { templates }),
  saveDetection: (config) => call('detection/save', config),
  applyAppearance: async (language, theme) => {
    // The popup draws with the last appearance it knows; this page is where it changes.
    rememberAppearance({ language, theme });
    applyTheme(theme);
    await show(language);
  },
};

async function show(language: SettingsView['language']) {
  const i18n = await loadPageI18n(language);
  document.title = i18n.t('options_title');
  render(
    <I18nContext.Provider value={i18n}>
      <OptionsApp actions={actions} />
    </I18nContext.Provider>,
    root,
  );
}

async function main() {
  const settings = await call('settings/get', none);
  applyTheme(settings.ok ? settings.data.theme : 'system');
  if (settings.ok) rememberAppearance(settings.data);
  await show(settings.ok ? settings.data.language : 'auto');
}

void main();
