import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '@/utils/shared/i18n';
import type { AuthView, SettingsView, Template, UndoSeconds } from '@/utils/shared/messages';
import { agencyCodeProblem } from '@/utils/ui/form-input';
import type { OptionsActions } from '@/utils/ui/connect';
import { DetectionSettings } from './DetectionSettings';
import { AccountSection } from './options/AccountSection';
import { AppearanceSection } from './options/AppearanceSection';
import { ConnectionSection } from './options/ConnectionSection';
import { SendingSection } from './options/SendingSection';
import { type Errors, type SaveBeside, useOptionsText } from './options/shared';
import { SitesSection } from './options/SitesSection';
import { TemplatesSection } from './options/TemplatesSection';
import './theme.css';
import './OptionsApp.css';

/** The side list, in the order of the page: what every agent changes first, the administrator's connection last. */
const SECTIONS: readonly (readonly [string, MessageKey])[] = [
  ['account', 'section_account'],
  ['sites', 'section_sites'],
  ['templates', 'section_templates'],
  ['sending', 'section_sending'],
  ['appearance', 'section_appearance'],
  ['connection', 'section_connection'],
];

export interface OptionsAppProps {
  actions: OptionsActions;
}

/**
 * The page's layout and the state its sections share: the stored settings, the session, the field messages
 * (saving the connection replaces them all), whether the connection is being saved, and the choices of the
 * Sending and Appearance sections, which the connection's save stores too.
 */
export function OptionsApp({ actions }: OptionsAppProps) {
  const { t, e } = useOptionsText();

  const [view, setView] = useState<SettingsView | null>(null);
  // A fresh object each time settings are taken in whole, so the connection form follows even an unchanged view.
  const [adopted, setAdopted] = useState<{ view: SettingsView } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [language, setLanguage] = useState<SettingsView['language']>('auto');
  const [theme, setTheme] = useState<SettingsView['theme']>('system');
  const [undoSeconds, setUndoSeconds] = useState<UndoSeconds>(0);
  // A window picked before the connection was saved: stored with it. Until the agent picks one, saving the
  // connection stores none, so the onboarding may still offer its preselection.
  const [pickedUndo, setPickedUndo] = useState<UndoSeconds | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const [auth, setAuth] = useState<AuthView | null>(null);
  const [knownEmail, setKnownEmail] = useState('');
  const [loadedTemplates, setLoadedTemplates] = useState<Template[] | null>(null);

  function adopt(v: SettingsView) {
    setView(v);
    setAdopted({ view: v });
    setLanguage(v.language);
    setTheme(v.theme);
    setUndoSeconds(v.undoSeconds);
    if (v.undoChosen) setPickedUndo(null);
  }

  function pickUndo(seconds: UndoSeconds) {
    setUndoSeconds(seconds);
    setPickedUndo(seconds);
  }

  useEffect(() => {
    void actions.getSettings().then((r) => (r.ok ? adopt(r.data) : setLoadError(e(r.error))));
    void actions.authStatus().then((r) => {
      if (!r.ok) return;
      setAuth(r.data);
      // After an expired session, offer the same account again.
      if (r.data.needsSignIn && r.data.user) setKnownEmail(r.data.user.email);
    });
    void actions.listTemplates().then((r) => r.ok && setLoadedTemplates(r.data));
  }, []);

  const saveBesideConnection: SaveBeside = async (patch) => {
    if (!view || agencyCodeProblem(view.agencyCode)) return null;
    // The stored values, not the form's fields (which may hold unsaved edits).
    const stored = { environment: view.environment, baseUrl: view.baseUrl, signatureMode: view.signatureMode, agencyCode: view.agencyCode };
    const r = await actions.saveSettings({ ...stored, ...patch });
    if (r.ok) setView(r.data);
    return r;
  };

  return (
    <div class="options-layout">
      {/* The agent's own settings first; the connection, set once by an administrator, last. */}
      <nav class="options-nav" aria-label={t('options_sections')}>
        <ul>
          {SECTIONS.map(([id, key]) => (
            <li key={id}>
              <a href={`#${id}`}>{t(key)}</a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="options">
        <h1>{t('options_title')}</h1>
        {loadError && <p class="notice bad">{loadError}</p>}
        {/* Fields typed into before the stored settings arrive would be overwritten by them: no form until then. */}
        {!view && !loadError ? (
          <p role="status" class="hint">
            {t('options_loading')}
          </p>
        ) : (
          <>
            <AccountSection
              actions={actions}
              auth={auth}
              onAuth={setAuth}
              knownEmail={knownEmail}
              saving={saving}
              errors={errors}
              setErrors={setErrors}
            />

            <SitesSection actions={actions} view={view} onView={setView} errors={errors} setErrors={setErrors} />

            {view && (
              <DetectionSettings
                value={view.detection}
                onSave={async (config) => {
                  const reply = await actions.saveDetection(config);
                  // Not adopt(): that would put the stored connection back over fields being edited.
                  if (reply.ok) setView(reply.data);
                  return reply;
                }}
                describeError={e}
              />
            )}

            <TemplatesSection actions={actions} loaded={loadedTemplates} />

            <SendingSection undoSeconds={undoSeconds} onUndoSeconds={pickUndo} saveBesideConnection={saveBesideConnection} />

            <AppearanceSection
              actions={actions}
              language={language}
              theme={theme}
              onAppearance={(nextLanguage, nextTheme) => {
                setLanguage(nextLanguage);
                setTheme(nextTheme);
              }}
              saveBesideConnection={saveBesideConnection}
            />

            <ConnectionSection
              actions={actions}
              view={view}
              adopted={adopted}
              onAdopt={adopt}
              onAuth={setAuth}
              language={language}
              theme={theme}
              pickedUndo={pickedUndo}
              saving={saving}
              setSaving={setSaving}
              errors={errors}
              setErrors={setErrors}
            />
          </>
        )}
      </main>
    </div>
  );
}
