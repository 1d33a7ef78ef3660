import { useEffect, useRef, useState } from 'preact/hooks';
import { ENVIRONMENTS, type EnvironmentName } from '@/utils/shared/api-contract';
import type { MessageKey } from '@/utils/shared/i18n';
import {
  type AuthView,
  type SettingsInput,
  type SettingsView,
  type Template,
  UNDO_SECONDS,
  type UndoSeconds,
} from '@/utils/shared/messages';
import { agencyCodeProblem, emailProblem, parseBaseUrl, parseOrigin, type Problem } from '@/utils/ui/form-input';
import type { ActionError, OptionsActions } from '@/utils/ui/connect';
import { DetectionSettings } from './DetectionSettings';
import { errorText, fieldErrors } from './error-text';
import { useI18n } from './i18n-context';
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

type Errors = Partial<Record<'baseUrl' | 'agencyCode' | 'secret' | 'issued' | 'email' | 'password' | 'site' | 'templates', string>>;

function FieldError({ id, text }: { id: string; text?: string }) {
  return (
    <p id={id} class="problem">
      {text ?? ''}
    </p>
  );
}

export function OptionsApp({ actions }: OptionsAppProps) {
  const { t } = useI18n();
  const p = (problem: Problem) => t(problem.key as MessageKey, problem.subs);
  const e = (error: ActionError) =>
    [errorText(t, error), ...fieldErrors(t, error).map((f) => `${f.label}: ${f.messages.join(' ')}`)].join(' ');

  const [view, setView] = useState<SettingsView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [environment, setEnvironment] = useState<EnvironmentName>('production');
  const [customUrl, setCustomUrl] = useState('');
  const [agencyCode, setAgencyCode] = useState('');
  const [secret, setSecret] = useState('');
  const [signatureMode, setSignatureMode] = useState<'computed' | 'issued'>('computed');
  const [issued, setIssued] = useState('');
  const [language, setLanguage] = useState<SettingsView['language']>('auto');
  const [theme, setTheme] = useState<SettingsView['theme']>('system');
  const [undoSeconds, setUndoSeconds] = useState<UndoSeconds>(0);
  const [undoNote, setUndoNote] = useState<string | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const [saveResult, setSaveResult] = useState<{ ok: boolean; text: string } | null>(null);

  const [auth, setAuth] = useState<AuthView | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [signingIn, setSigningIn] = useState(false);
  const [authResult, setAuthResult] = useState<string | null>(null);

  const [site, setSite] = useState('');
  const [siteResult, setSiteResult] = useState<string | null>(null);

  const [templates, setTemplatesState] = useState<Template[]>([]);
  const [templatesResult, setTemplatesResult] = useState<{ ok: boolean; text: string } | null>(null);
  // Templates are saved as made (a field losing focus after a change, a delete): the latest list, and an edit count
  // so "Saved" is said only when what is shown is what was stored.
  const latestTemplates = useRef<Template[]>([]);
  const templateEdits = useRef(0);
  const templateSaves = useRef<Promise<unknown>>(Promise.resolve());
  function setTemplates(next: Template[]) {
    latestTemplates.current = next;
    setTemplatesState(next);
  }
  const [appearanceNote, setAppearanceNote] = useState<string | null>(null);

  function adopt(v: SettingsView) {
    setView(v);
    setEnvironment(v.environment);
    if (v.environment === 'custom' || v.environment === 'sandbox') setCustomUrl(v.baseUrl);
    setAgencyCode(v.agencyCode);
    setSignatureMode(v.signatureMode);
    setLanguage(v.language);
    setTheme(v.theme);
    setUndoSeconds(v.undoSeconds);
  }

  useEffect(() => {
    void actions.getSettings().then((r) => (r.ok ? adopt(r.data) : setLoadError(e(r.error))));
    void actions.authStatus().then((r) => {
      if (!r.ok) return;
      setAuth(r.data);
      // After an expired session, offer the same account again.
      if (r.data.needsSignIn && r.data.user) setEmail(r.data.user.email);
    });
    void actions.listTemplates().then((r) => r.ok && setTemplates(r.data));
  }, []);

  const managed = new Set(view?.managed ?? []);
  const urlEditable = environment === 'custom' || environment === 'sandbox';
  const shownUrl = urlEditable ? customUrl : ENVIRONMENTS[environment as keyof typeof ENVIRONMENTS];

  function onEnvironment(next: EnvironmentName) {
    setEnvironment(next);
    if (next === 'sandbox' && customUrl.trim() === '') setCustomUrl(ENVIRONMENTS.sandbox);
    setErrors((x) => ({ ...x, baseUrl: undefined }));
  }

  async function save(ev: Event) {
    ev.preventDefault();
    if (saving) return;
    const next: Errors = {};
    let baseUrl = shownUrl;
    if (urlEditable) {
      const parsed = parseBaseUrl(customUrl);
      if (parsed.ok) baseUrl = parsed.url;
      else next.baseUrl = p(parsed.problem);
    }
    const codeProblem = agencyCodeProblem(agencyCode);
    if (codeProblem) next.agencyCode = p(codeProblem);
    if (signatureMode === 'computed' && !view?.hasSecret && secret === '') next.secret = t('secret_needed');
    if (signatureMode === 'issued' && !view?.hasIssuedSignature && issued.trim() === '') next.issued = t('issued_needed');
    setErrors(next);
    setSaveResult(null);
    if (Object.values(next).some(Boolean)) {
      setSaveResult({ ok: false, text: t('save_fix_fields') });
      return;
    }
    const input: SettingsInput = { environment, baseUrl, signatureMode, agencyCode: agencyCode.trim(), language, theme, undoSeconds };
    if (secret) input.secret = secret;
    if (issued.trim()) input.issuedSignature = issued.trim();
    setSaving(true);
    const r = await actions.saveSettings(input);
    if (r.ok) {
      adopt(r.data);
      setSecret('');
      setIssued('');
      setSaveResult({ ok: true, text: t('saved_note') });
      const a = await actions.authStatus();
      if (a.ok) setAuth(a.data);
    } else setSaveResult({ ok: false, text: e(r.error) });
    setSaving(false);
  }

  async function changeAppearance(nextLanguage: SettingsView['language'], nextTheme: SettingsView['theme']) {
    setLanguage(nextLanguage);
    setTheme(nextTheme);
    await actions.applyAppearance(nextLanguage, nextTheme);
    const r = await saveBesideConnection({ language: nextLanguage, theme: nextTheme });
    setAppearanceNote(r === null ? t('appearance_saved_later') : r.ok ? null : e(r.error));
  }

  async function changeUndo(seconds: UndoSeconds) {
    setUndoSeconds(seconds);
    const r = await saveBesideConnection({ undoSeconds: seconds });
    setUndoNote(r === null ? t('undo_saved_later') : r.ok ? t('undo_saved') : e(r.error));
  }

  /**
   * Stores a setting chosen outside the connection form, together with the stored connection settings;
   * null when those are not saved yet (the choice is then stored with them).
   */
  async function saveBesideConnection(patch: Pick<SettingsInput, 'language' | 'theme' | 'undoSeconds'>) {
    if (!view || agencyCodeProblem(view.agencyCode)) return null;
    // The stored values, not the form's fields (which may hold unsaved edits).
    const stored = { environment: view.environment, baseUrl: view.baseUrl, signatureMode: view.signatureMode, agencyCode: view.agencyCode };
    const r = await actions.saveSettings({ ...stored, ...patch });
    if (r.ok) setView(r.data);
    return r;
  }

  async function signIn(ev: Event) {
    ev.preventDefault();
    if (signingIn || saving) return;
    const next: Errors = {};
    const ep = emailProblem(email);
    if (ep) next.email = p(ep);
    if (password === '') next.password = t('password_empty');
    setErrors((x) => ({ ...x, email: next.email, password: next.password }));
    if (next.email || next.password) return;
    setSigningIn(true);
    setAuthResult(null);
    const r = await actions.signIn(email.trim(), password);
    setSigningIn(false);
    if (r.ok) {
      setAuth(r.data);
      setPassword('');
    } else setAuthResult(e(r.error));
  }

  async function signOut() {
    const r = await actions.signOut();
    if (r.ok) setAuth(r.data);
    else setAuthResult(e(r.error));
  }

  async function addSite(ev: Event) {
    ev.preventDefault();
    const parsed = parseOrigin(site);
    if (!parsed.ok) {
      setErrors((x) => ({ ...x, site: p(parsed.problem) }));
      return;
    }
    setErrors((x) => ({ ...x, site: undefined }));
    const r = await actions.addSite(parsed.origin);
    if (r.ok) {
      setView(r.data);
      setSite('');
      setSiteResult(t('site_added', [parsed.origin]));
    } else setErrors((x) => ({ ...x, site: e(r.error) }));
  }

  async function siteUpdate(run: () => ReturnType<OptionsActions['removeSite']>) {
    const r = await run();
    if (r.ok) setView(r.data);
    else setSiteResult(e(r.error));
  }

  function editTemplates(next: Template[]) {
    templateEdits.current++;
    setTemplates(next);
    setTemplatesResult(null);
  }

  function editTemplate(id: string, patch: Partial<Template>) {
    editTemplates(latestTemplates.current.map((tpl) => (tpl.id === id ? { ...tpl, ...patch } : tpl)));
  }

  /**
   * Stores the list as shown, one save after another. A template just added and still blank is not stored yet;
   * while one is half filled nothing is stored (a cleared text must not delete a stored template), and the note says so.
   */
  function saveTemplates() {
    const at = templateEdits.current;
    const list = latestTemplates.current.filter((tpl) => tpl.name.trim() !== '' || tpl.body.trim() !== '');
    if (list.some((tpl) => tpl.name.trim() === '' || tpl.body.trim() === '')) {
      setTemplatesResult({ ok: false, text: t('templates_incomplete') });
      return;
    }
    templateSaves.current = templateSaves.current.then(async () => {
      const r = await actions.saveTemplates(list.map((tpl) => ({ ...tpl, name: tpl.name.trim() })));
      if (r.ok && at !== templateEdits.current) return;
      setTemplatesResult(r.ok ? { ok: true, text: t('saved_note') } : { ok: false, text: e(r.error) });
    });
  }

  const newId = () => (typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `t${Date.now()}${Math.random()}`);

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

        <section id="account" aria-labelledby="account-heading">
          <h2 id="account-heading">{t('section_account')}</h2>
          {auth?.needsSignIn && <p class="notice warn">{t('session_expired_options')}</p>}
          {auth?.signedIn && auth.user && !auth.needsSignIn ? (
            <div class="row">
              <p dir="auto">{t('signed_in_as', [auth.user.name, auth.user.email])}</p>
              <button type="button" onClick={() => void signOut()}>
                {t('sign_out')}
              </button>
            </div>
          ) : (
            <form onSubmit={signIn} noValidate class="stack">
              <label>
                {t('email_label')}
                <input
                  type="email"
                  dir="ltr"
                  autoComplete="username"
                  value={email}
                  aria-invalid={Boolean(errors.email)}
                  aria-describedby="email-error"
                  onInput={(ev) => setEmail(ev.currentTarget.value)}
                />
              </label>
              <FieldError id="email-error" text={errors.email} />
              <label>
                {t('password_label')}
                <input
                  type="password"
                  autoComplete="current-password"
                  value={password}
                  aria-invalid={Boolean(errors.password)}
                  aria-describedby="password-error"
                  onInput={(ev) => setPassword(ev.currentTarget.value)}
                />
              </label>
              <FieldError id="password-error" text={errors.password} />
              <div class="row">
                <button type="submit" class="primary" disabled={signingIn || saving}>
                  {t('sign_in')}
                </button>
                {signingIn && <span class="hint">{t('signing_in')}</span>}
              </div>
            </form>
          )}
          {authResult && <p class="problem">{authResult}</p>}
        </section>

        <section id="sites" aria-labelledby="sites-heading">
          <h2 id="sites-heading">{t('section_sites')}</h2>
          <p class="hint">{t('sites_hint')}</p>
          <form onSubmit={addSite} noValidate class="stack">
            <label>
              {t('site_label')}
              <input
                type="text"
                dir="ltr"
                inputMode="url"
                spellcheck={false}
                placeholder="https://dashboard.example.com"
                value={site}
                aria-invalid={Boolean(errors.site)}
                aria-describedby="site-error"
                onInput={(ev) => {
                  setSite(ev.currentTarget.value);
                  setErrors((x) => ({ ...x, site: undefined }));
                }}
              />
            </label>
            <FieldError id="site-error" text={errors.site} />
            <div class="row">
              <button type="submit">{t('site_add')}</button>
              {siteResult && <span class="hint">{siteResult}</span>}
            </div>
          </form>
          {view && view.dashboardSites.length > 0 ? (
            <ul class="sites">
              {view.dashboardSites.map((s) => (
                <li key={s.origin}>
                  <label class="switch">
                    <input
                      type="checkbox"
                      role="switch"
                      checked={s.enabled}
                      aria-checked={s.enabled}
                      onChange={(ev) => {
                        const enabled = ev.currentTarget.checked;
                        void siteUpdate(() => actions.setSiteEnabled(s.origin, enabled));
                      }}
                    />
                    <span dir="ltr">{s.origin}</span>
                  </label>
                  <span class="hint">{s.enabled ? t('site_on') : t('site_off')}</span>
                  <button
                    type="button"
                    class="link"
                    aria-label={t('site_remove', [s.origin])}
                    onClick={() => void siteUpdate(() => actions.removeSite(s.origin))}
                  >
                    {t('remove')}
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p class="hint">{t('sites_none')}</p>
          )}
        </section>

        {view && (
          <DetectionSettings
            value={view.detection}
            onSave={async (config) => {
              const reply = await actions.saveDetection(config);
              if (reply.ok) adopt(reply.data);
              return reply;
            }}
            describeError={e}
          />
        )}

        <section id="templates" aria-labelledby="templates-heading">
          <h2 id="templates-heading">{t('section_templates')}</h2>
          <p class="hint">{t('templates_help')}</p>
          <p class="hint" dir="ltr">
            {
              '{{ticket.id}} {{ticket.reference}} {{ticket.subject}} {{customer.name}} {{agent.name}} {{agency.name}} {{x | fallback}} {{cursor}}'
            }
          </p>
          {templates.length === 0 && <p class="hint">{t('templates_empty')}</p>}
          {templates.map((tpl, i) => (
            <fieldset key={tpl.id} class="template">
              <legend>{t('template_legend', [i + 1])}</legend>
              <label>
                {t('template_name')}
                <input
                  type="text"
                  dir="auto"
                  value={tpl.name}
                  onInput={(ev) => editTemplate(tpl.id, { name: ev.currentTarget.value })}
                  onChange={saveTemplates}
                />
              </label>
              <label>
                {t('template_body')}
                <textarea
                  dir="auto"
                  rows={4}
                  value={tpl.body}
                  onInput={(ev) => editTemplate(tpl.id, { body: ev.currentTarget.value })}
                  onChange={saveTemplates}
                />
              </label>
              <button
                type="button"
                class="link"
                onClick={() => {
                  editTemplates(latestTemplates.current.filter((x) => x.id !== tpl.id));
                  saveTemplates();
                }}
              >
                {t('template_delete', [tpl.name || String(i + 1)])}
              </button>
            </fieldset>
          ))}
          <div class="row">
            <button type="button" onClick={() => editTemplates([...latestTemplates.current, { id: newId(), name: '', body: '' }])}>
              {t('template_add')}
            </button>
            <span role="status" class={templatesResult?.ok === false ? 'problem' : 'hint'}>
              {templatesResult?.text ?? ''}
            </span>
          </div>
        </section>

        <section id="sending" aria-labelledby="sending-heading">
          <h2 id="sending-heading">{t('section_sending')}</h2>
          <label>
            {t('undo_label')}
            <select
              value={String(undoSeconds)}
              aria-describedby="undo-hint"
              onChange={(ev) => void changeUndo(Number(ev.currentTarget.value) as UndoSeconds)}
            >
              {UNDO_SECONDS.map((seconds) => (
                <option key={seconds} value={String(seconds)}>
                  {seconds === 0 ? t('undo_off') : t('undo_seconds', [seconds])}
                </option>
              ))}
            </select>
          </label>
          <p id="undo-hint" class="hint">
            {t('undo_hint')}
          </p>
          {undoNote && (
            <p class="hint" role="status">
              {undoNote}
            </p>
          )}
        </section>

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

        <section id="connection" aria-labelledby="conn-heading">
          <h2 id="conn-heading">{t('section_connection')}</h2>
          <form onSubmit={save} noValidate class="stack">
            <label>
              {t('environment_label')}
              <select
                value={environment}
                disabled={managed.has('environment')}
                onChange={(ev) => onEnvironment(ev.currentTarget.value as EnvironmentName)}
              >
                <option value="production">{t('env_production')}</option>
                <option value="staging">{t('env_staging')}</option>
                <option value="sandbox">{t('env_sandbox')}</option>
                <option value="custom">{t('env_custom')}</option>
              </select>
            </label>
            <label>
              {t('base_url_label')}
              <input
                type="text"
                dir="ltr"
                inputMode="url"
                spellcheck={false}
                value={shownUrl}
                readOnly={!urlEditable || managed.has('baseUrl')}
                aria-invalid={Boolean(errors.baseUrl)}
                aria-describedby="base-url-error base-url-hint"
                onInput={(ev) => {
                  setCustomUrl(ev.currentTarget.value);
                  setErrors((x) => ({ ...x, baseUrl: undefined }));
                }}
              />
            </label>
            <p id="base-url-hint" class="hint">
              {urlEditable ? t('base_url_hint_custom') : t('base_url_hint_fixed')}
            </p>
            <FieldError id="base-url-error" text={errors.baseUrl} />
            {(managed.has('environment') || managed.has('baseUrl')) && <p class="hint">{t('managed_hint')}</p>}

            <label>
              {t('agency_code_label')}
              <input
                type="text"
                dir="ltr"
                spellcheck={false}
                autoComplete="off"
                value={agencyCode}
                aria-invalid={Boolean(errors.agencyCode)}
                aria-describedby="agency-code-error"
                onInput={(ev) => setAgencyCode(ev.currentTarget.value)}
              />
            </label>
            <FieldError id="agency-code-error" text={errors.agencyCode} />

            <label>
              {t('signature_mode_label')}
              <select value={signatureMode} onChange={(ev) => setSignatureMode(ev.currentTarget.value as 'computed' | 'issued')}>
                <option value="computed">{t('signature_computed')}</option>
                <option value="issued">{t('signature_issued')}</option>
              </select>
            </label>

            {signatureMode === 'computed' ? (
              <>
                <label>
                  {t('agency_secret_label')}
                  <input
                    type="password"
                    dir="ltr"
                    autoComplete="new-password"
                    value={secret}
                    placeholder={view?.hasSecret ? t('secret_stored') : ''}
                    aria-invalid={Boolean(errors.secret)}
                    aria-describedby="secret-error secret-hint"
                    onInput={(ev) => setSecret(ev.currentTarget.value)}
                  />
                </label>
                <p id="secret-hint" class="hint">
                  {view?.hasSecret ? t('secret_hint_stored') : t('secret_hint')}
                </p>
                <FieldError id="secret-error" text={errors.secret} />
              </>
            ) : (
              <>
                <label>
                  {t('issued_signature_label')}
                  <input
                    type="text"
                    dir="ltr"
                    spellcheck={false}
                    autoComplete="off"
                    value={issued}
                    placeholder={view?.hasIssuedSignature ? t('secret_stored') : ''}
                    aria-invalid={Boolean(errors.issued)}
                    aria-describedby="issued-error"
                    onInput={(ev) => setIssued(ev.currentTarget.value)}
                  />
                </label>
                <FieldError id="issued-error" text={errors.issued} />
              </>
            )}

            <div class="row">
              <button type="submit" class="primary" disabled={saving}>
                {t('save')}
              </button>
              <span role="status" class={saveResult?.ok === false ? 'problem' : 'hint'}>
                {saving ? t('saving') : (saveResult?.text ?? '')}
              </span>
            </div>
          </form>
        </section>
      </main>
    </div>
  );
}
