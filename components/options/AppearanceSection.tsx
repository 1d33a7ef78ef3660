import { useState } from 'preact/hooks';
import type { SettingsView } from '@/utils/shared/messages';
import type { OptionsActions } from '@/utils/ui/connect';
import { type SaveBeside, useOptionsText } from './shared';

export interface AppearanceSectionProps {
  actions: Pick<OptionsActions, 'applyAppearance'>;
  language: SettingsView['language'];
  theme: SettingsView['theme'];
  onAppearance: (language: SettingsView['language'], theme: SettingsView['theme']) => void;
  saveBesideConnection: SaveBeside;
}

export function AppearanceSection({ actions, language, theme, onAppearance, saveBesideConnection }: AppearanceSectionProps) {
  const { t, e } = useOptionsText();
  const [appearanceNote, setAppearanceNote] = useState<string | null>(null);

  async function changeAppearance(nextLanguage: SettingsView['language'], nextTheme: SettingsView['theme']) {
    onAppearance(nextLanguage, nextTheme);
    await actions.applyAppearance(nextLanguage, nextTheme);
    const r = await saveBesideConnection({ language: nextLanguage, theme: nextTheme });
    setAppearanceNote(r === null ? t('appearance_saved_later') : r.ok ? null : e(r.error));
  }

  return (
    <section id="appearance" aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">{t('section_appearance')}</h2>
      <div class="row two">
        <label>
          {t('language_label')}
          <select value={language} onChange={(ev) => void changeAppearance(ev.currentTarget.value as SettingsView['language'], theme)}>
            <option value="auto">{t('lang_auto')}</option>
            <option value="en" lang="en">
              {t('lang_en')}
            </option>
            <option value="fr" lang="fr">
              {t('lang_fr')}
            </option>
            <option value="ar" lang="ar">
              {t('lang_ar')}
            </option>
          </select>
        </label>
        <label>
          {t('theme_label')}
          <select value={theme} onChange={(ev) => void changeAppearance(language, ev.currentTarget.value as SettingsView['theme'])}>
            <option value="system">{t('theme_system')}</option>
            <option value="light">{t('theme_light')}</option>
            <option value="dark">{t('theme_dark')}</option>
          </select>
        </label>
      </div>
      {appearanceNote && <p class="hint">{appearanceNote}</p>}
    </section>
  );
}
