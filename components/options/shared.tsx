import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
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

export interface TextFieldProps {
  /** Names the field's note and message: `${id}-hint`, `${id}-error`. */
  id: string;
  type: 'text' | 'email' | 'password';
  dir?: 'ltr';
  inputMode?: 'url';
  spellcheck?: boolean;
  autoComplete?: string;
  placeholder?: string;
  readOnly?: boolean;
  label: string;
  value: string;
  onValue(value: string): void;
  error?: string;
  hint?: ComponentChildren;
}

/**
 * One text field of the options page: its label, the input, an optional note and its message line, which the input
 * names as its description so a screen reader reads the problem with the field.
 */
export function TextField({ id, label, value, onValue, error, hint, type, ...input }: TextFieldProps) {
  // Preact types an input's attributes by the literal `type`; a union of three does not pick one, so name it here.
  const typed = { type } as { type: 'text' };
  return (
    <>
      <label>
        {label}
        <input
          {...typed}
          {...input}
          value={value}
          aria-invalid={Boolean(error)}
          aria-describedby={hint === undefined ? `${id}-error` : `${id}-error ${id}-hint`}
          onInput={(ev) => onValue(ev.currentTarget.value)}
        />
      </label>
      {hint !== undefined && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      <FieldError id={`${id}-error`} text={error} />
    </>
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

/** How long typing must pause before a text field is saved. */
export const TYPING_SAVE_MS = 700;

/**
 * Saves a text field as it is typed, not only when it loses focus: after a pause in typing, and at once when the
 * page is hidden or closed (`visibilitychange`, `pagehide`: closing the tab does not blur the field first), so an
 * edit is never lost with the page. `typed` is called on each input; `now` saves at once (a field losing focus).
 * `save(quiet)`: a quiet save stores what is valid and says nothing about what is not yet (a half-typed line).
 */
export function useSaveAsTyped(save: (quiet: boolean) => void): { typed(): void; now(): void } {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(save);
  latest.current = save;
  const cancel = () => {
    const pending = timer.current !== undefined;
    clearTimeout(timer.current);
    timer.current = undefined;
    return pending;
  };
  useEffect(() => {
    const flush = () => {
      if (cancel()) latest.current(true);
    };
    const hidden = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', hidden);
      flush();
    };
  }, []);
  return {
    typed() {
      cancel();
      timer.current = setTimeout(() => {
        timer.current = undefined;
        latest.current(true);
      }, TYPING_SAVE_MS);
    },
    now() {
      cancel();
      latest.current(false);
    },
  };
}
