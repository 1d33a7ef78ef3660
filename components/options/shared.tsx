import type { SettingsInput } from '@/utils/shared/messages';
import type { MessageKey } from '@/utils/shared/i18n';
import type { Problem } from '@/utils/ui/form-input';
import type { ActionError, OptionsActions } from '@/utils/ui/connect';
import { errorText, fieldErrors } from '../error-text';
import { useI18n } from '../i18n-context';

/** Field messages of the options page, by field; shared because saving the connection clears them all. */
export type Errors = Partial<Record<'baseUrl' | 'agencyCode' | 'secret' | 'issued' | 'email' | 'password' | 'site' | 'templates', string>>;

export type SetErrors = (update: (errors: Errors) => Errors) => void;

export function FieldError({ id, text }: { id: string; text?: string }) {
  return (
    <p id={id} class="problem">
      {text ?? ''}
    </p>
  );
}

/** The page's words: t, a form problem (p) and an action's error with its field messages (e). */
export function useOptionsText() {
  const { t } = useI18n();
  const p = (problem: Problem) => t(problem.key as MessageKey, problem.subs);
  const e = (error: ActionError) =>
    [errorText(t, error), ...fieldErrors(t, error).map((f) => `${f.label}: ${f.messages.join(' ')}`)].join(' ');
  return { t, p, e };
}

/**
 * Stores a setting chosen outside the connection form, together with the stored connection settings;
 * null when those are not saved yet (the choice is then stored with them).
 */
export type SaveBeside = (
  patch: Pick<SettingsInput, 'language' | 'theme' | 'undoSeconds'>,
) => Promise<Awaited<ReturnType<OptionsActions['saveSettings']>> | null>;
