import { useCallback, useEffect, useState } from 'preact/hooks';
import type { I18n, MessageKey } from '@/utils/shared/i18n';
import type { AuthView, Result, SettingsView, UndoSeconds } from '@/utils/shared/messages';
import { onboardingSteps, type StepId, type StepState } from './steps';
import { UndoChoice, type StoredUndo } from '@/components/UndoChoice';

export interface OnboardingActions {
  getSettings(): Promise<Result<SettingsView>>;
  authStatus(): Promise<Result<AuthView>>;
  openSettings(): void;
  /** The keyboard shortcut the agent has for `open-quick-reply`, if any. */
  shortcut(): Promise<string | null>;
  /**
   * Stores the undo window beside the saved connection settings; false when there are none yet. `preselected`: the
   * onboarding's own 10 s, which the background stores only if the agent has picked no window meanwhile.
   */
  saveUndo(seconds: UndoSeconds, preselected: boolean): Promise<boolean>;
  /** Calls back when the settings or the sign-in change in another page (the options tab). */
  onChange(listener: () => void): () => void;
}

const TEXT: Record<StepId, { title: MessageKey; body: MessageKey; done: MessageKey }> = {
  environment: { title: 'onb_step_env_title', body: 'onb_step_env_body', done: 'onb_step_env_done' },
  signin: { title: 'onb_step_signin_title', body: 'onb_step_signin_body', done: 'onb_step_signin_done' },
  site: { title: 'onb_step_site_title', body: 'onb_step_site_body', done: 'onb_step_site_done' },
};

const ENV_KEYS: Record<SettingsView['environment'], MessageKey> = {
  production: 'env_production',
  staging: 'env_staging',
  sandbox: 'env_sandbox',
  custom: 'env_custom',
};

export function OnboardingApp({ i18n, actions }: { i18n: I18n; actions: OnboardingActions }) {
  const { t } = i18n;
  const [steps, setSteps] = useState<StepState[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);
  const [shortcut, setShortcut] = useState<string | null>(null);
  const [undo, setUndo] = useState<StoredUndo | null>(null);
  const [revision, setRevision] = useState(0);

  const refresh = useCallback(async () => {
    setBusy(true);
    const [settings, auth] = await Promise.all([actions.getSettings(), actions.authStatus()]);
    if (settings.ok) {
      setUndo({ seconds: settings.data.undoSeconds, chosen: settings.data.undoChosen });
      setRevision((n) => n + 1);
    }
    if (settings.ok && auth.ok) {
      setSteps(onboardingSteps(settings.data, auth.data, (env) => t(ENV_KEYS[env])));
      setError(null);
    } else {
      const failed = !settings.ok ? settings : !auth.ok ? auth : null;
      setError(failed && !failed.ok ? failed.error.message : 'unknown');
    }
    setBusy(false);
  }, [actions, t]);

  useEffect(() => {
    void refresh();
    void actions.shortcut().then(setShortcut);
    const stop = actions.onChange(() => void refresh());
    // Coming back to this tab: read again, in case an event was missed (the background restarted meanwhile).
    const onVisible = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [actions, refresh]);

  const doneCount = steps?.filter((s) => s.done).length ?? 0;
  const allDone = steps !== null && doneCount === steps.length;
  const openSettings = (event: Event) => {
    event.preventDefault();
    actions.openSettings();
  };

  return (
    <main class="onboarding" aria-labelledby="onb-title" aria-busy={busy}>
      <h1 id="onb-title">{t('onb_title')}</h1>
      <p class="lead">{t('onb_intro')}</p>
      <p class={error ? 'summary error' : 'summary'} role="status" aria-live="polite">
        {error
          ? t('onb_error', [error])
          : steps === null
            ? t('onb_checking')
            : allDone
              ? t('onb_all_done', [shortcut ?? 'Ctrl+Shift+Y'])
              : t('onb_progress', [doneCount])}
      </p>
      <ol class="steps" aria-label={t('onb_steps_label')}>
        {(steps ?? (['environment', 'signin', 'site'] as const).map((id) => ({ id, done: false, detail: null, managed: false }))).map(
          (step) => {
            const text = TEXT[step.id];
            const titleId = `onb-step-${step.id}`;
            return (
              <li key={step.id} class="step" data-done={String(step.done)} aria-labelledby={titleId}>
                <h2 id={titleId}>{t(text.title)}</h2>
                <span class="state">{step.done ? t('onb_state_done') : t('onb_state_todo')}</span>
                <p>{t(text.body)}</p>
                {step.detail !== null && (
                  <p class="detail">
                    {t(text.done, [step.detail])}
                    {step.managed ? ` · ${t('onb_managed')}` : ''}
                  </p>
                )}
              </li>
            );
          },
        )}
      </ol>
      <UndoChoice i18n={i18n} stored={undo} revision={revision} save={actions.saveUndo} />
      <div class="row">
        <a href="/options.html" onClick={openSettings}>
          {t('onb_open_settings')}
        </a>
        <button type="button" onClick={() => void refresh()} disabled={busy && steps === null}>
          {t('onb_check_again')}
        </button>
      </div>
    </main>
  );
}
