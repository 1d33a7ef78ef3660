import { render } from 'preact';
import { I18nContext } from '@/components/i18n-context';
import { OptionsApp } from '@/components/OptionsApp';
import type { SettingsView } from '@/utils/shared/messages';
import { applyTheme, loadPageI18n, rememberAppearance } from '@/utils/ui/i18n-loader';
import { createOptionsActions } from '@/utils/ui/connect/options';
import { sendToBackground } from '@/utils/shared/messenger';

const none = {} as Record<string, never>;
const root = document.getElementById('app')!;

// The popup draws with the last appearance it knows; this page is where it changes.
const actions = createOptionsActions(async (language, theme) => {
  rememberAppearance({ language, theme });
  applyTheme(theme);
  await show(language);
});

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
  const settings = await sendToBackground('settings/get', none);
  applyTheme(settings.ok ? settings.data.theme : 'system');
  if (settings.ok) rememberAppearance(settings.data);
  await show(settings.ok ? settings.data.language : 'auto');
}

void main();
