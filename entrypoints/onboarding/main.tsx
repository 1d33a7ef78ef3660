import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/theme.css';
import './style.css';
import { sendToBackground as request } from '@/utils/shared/messenger';
import { applyTheme, loadPageI18n } from '@/utils/ui/i18n-loader';
import { onPageEvent } from '@/utils/ui/page-events';
import { OnboardingApp, type OnboardingActions } from './App';

const none = {} as Record<string, never>;

const actions: OnboardingActions = {
  getSettings: () => request('settings/get', none),
  authStatus: () => request('auth/status', none),
  openSettings: () => void browser.runtime.openOptionsPage().catch(() => window.open(browser.runtime.getURL('/options.html'), '_blank')),
  shortcut: async () => {
    const commands = await browser.commands?.getAll().catch(() => []);
    return commands?.find((c) => c.name === 'open-quick-reply')?.shortcut || null;
  },
  saveUndo: async (undoSeconds, preselected) => {
    const current = await request('settings/get', none);
    if (!current.ok || current.data.agencyCode === '') return false;
    const { environment, baseUrl, signatureMode, agencyCode } = current.data;
    const input = { environment, baseUrl, signatureMode, agencyCode, undoSeconds, undoPreselection: preselected };
    return (await request('settings/save', input)).ok;
  },
  // The background's events, not storage's: every outbox write is a storage change too (a welcome tab re-reading
  // the state on each took a 1,000-reply drain from 0.97x to 1.39x), and storage events carry the token.
  onChange: (listener) => onPageEvent(() => listener()),
};

async function main() {
  const settings = await actions.getSettings();
  applyTheme(settings.ok ? settings.data.theme : 'system');
  const i18n = await loadPageI18n(settings.ok ? settings.data.language : 'auto');
  document.title = i18n.t('onb_title');
  render(<OnboardingApp i18n={i18n} actions={actions} />, document.getElementById('app')!);
}

void main();
