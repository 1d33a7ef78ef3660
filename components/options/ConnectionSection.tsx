import { useLayoutEffect, useState } from 'preact/hooks';
import { ENVIRONMENTS, type EnvironmentName } from '@/utils/shared/api-contract';
import type { AuthView, SettingsInput, SettingsView, UndoSeconds } from '@/utils/shared/messages';
import { agencyCodeProblem, parseBaseUrl } from '@/utils/ui/form-input';
import type { OptionsActions } from '@/utils/ui/connect';
import { type Errors, type SetErrors, TextField, useOptionsText } from './shared';

export interface ConnectionSectionProps {
  actions: Pick<OptionsActions, 'saveSettings' | 'authStatus'>;
  view: SettingsView | null;
  /** Set each time stored settings are taken in as a whole: the form's fields then show them. */
  adopted: { view: SettingsView } | null;
  onAdopt: (view: SettingsView) => void;
  onAuth: (auth: AuthView) => void;
  /** Chosen in other sections, stored with the connection. */
  language: SettingsView['language'];
  theme: SettingsView['theme'];
  /** The undo window the agent picked before the connection was saved; null stores none (the stored one stays). */
  pickedUndo: UndoSeconds | null;
  saving: boolean;
  setSaving: (saving: boolean) => void;
  errors: Errors;
  setErrors: SetErrors;
}

export function ConnectionSection(props: ConnectionSectionProps) {
  const { actions, view, adopted, onAdopt, onAuth, language, theme, pickedUndo, saving, setSaving, errors, setErrors } = props;
  const { t, p, e } = useOptionsText();
  const [environment, setEnvironment] = useState<EnvironmentName>('production');
  const [customUrl, setCustomUrl] = useState('');
  const [agencyCode, setAgencyCode] = useState('');
  const [secret, setSecret] = useState('');
  const [signatureMode, setSignatureMode] = useState<'computed' | 'issued'>('computed');
  const [issued, setIssued] = useState('');
  const [saveResult, setSaveResult] = useState<{ ok: boolean; text: string } | null>(null);

  useLayoutEffect(() => {
    if (!adopted) return;
    const v = adopted.view;
    setEnvironment(v.environment);
    if (v.environment === 'custom' || v.environment === 'sandbox') setCustomUrl(v.baseUrl);
    setAgencyCode(v.agencyCode);
    setSignatureMode(v.signatureMode);
  }, [adopted]);

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
    // Replaces every field message on the page, as it always has.
    setErrors(() => next);
    setSaveResult(null);
    if (Object.values(next).some(Boolean)) {
      setSaveResult({ ok: false, text: t('save_fix_fields') });
      return;
    }
    const input: SettingsInput = { environment, baseUrl, signatureMode, agencyCode: agencyCode.trim(), language, theme };
    if (pickedUndo !== null) input.undoSeconds = pickedUndo;
    if (secret) input.secret = secret;
    if (issued.trim()) input.issuedSignature = issued.trim();
    setSaving(true);
    const r = await actions.saveSettings(input);
    if (r.ok) {
      onAdopt(r.data);
      setSecret('');
      setIssued('');
      setSaveResult({ ok: true, text: t('saved_note') });
      const a = await actions.authStatus();
      if (a.ok) onAuth(a.data);
    } else setSaveResult({ ok: false, text: e(r.error) });
    setSaving(false);
  }

  return (
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
        <TextField
          id="base-url"
          label={t('base_url_label')}
          type="text"
          dir="ltr"
          inputMode="url"
          spellcheck={false}
          value={shownUrl}
          readOnly={!urlEditable || managed.has('baseUrl')}
          error={errors.baseUrl}
          hint={urlEditable ? t('base_url_hint_custom') : t('base_url_hint_fixed')}
          onValue={(value) => {
            setCustomUrl(value);
            setErrors((x) => ({ ...x, baseUrl: undefined }));
          }}
        />
        {(managed.has('environment') || managed.has('baseUrl')) && <p class="hint">{t('managed_hint')}</p>}

        <TextField
          id="agency-code"
          label={t('agency_code_label')}
          type="text"
          dir="ltr"
          spellcheck={false}
          autoComplete="off"
          value={agencyCode}
          error={errors.agencyCode}
          onValue={setAgencyCode}
        />

        <label>
          {t('signature_mode_label')}
          <select value={signatureMode} onChange={(ev) => setSignatureMode(ev.currentTarget.value as 'computed' | 'issued')}>
            <option value="computed">{t('signature_computed')}</option>
            <option value="issued">{t('signature_issued')}</option>
          </select>
        </label>

        {signatureMode === 'computed' ? (
          <TextField
            id="secret"
            label={t('agency_secret_label')}
            type="password"
            dir="ltr"
            autoComplete="new-password"
            value={secret}
            placeholder={view?.hasSecret ? t('secret_stored') : ''}
            error={errors.secret}
            hint={view?.hasSecret ? t('secret_hint_stored') : t('secret_hint')}
            onValue={setSecret}
          />
        ) : (
          <TextField
            id="issued"
            label={t('issued_signature_label')}
            type="text"
            dir="ltr"
            spellcheck={false}
            autoComplete="off"
            value={issued}
            placeholder={view?.hasIssuedSignature ? t('secret_stored') : ''}
            error={errors.issued}
            onValue={setIssued}
          />
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
  );
}
