import { useEffect, useRef, useState } from 'preact/hooks';
import type { I18n } from '@/utils/shared/i18n';
import { UNDO_SECONDS, type UndoSeconds } from '@/utils/shared/messages';

/** The onboarding's pick when nothing was chosen yet: long enough to catch a slip, short enough not to wait on. */
export const ONBOARDING_UNDO_SECONDS: UndoSeconds = 10;

export interface UndoChoiceProps {
  i18n: I18n;
  /** The stored value, or null while it loads. */
  stored: UndoSeconds | null;
  /** Goes up each time the settings are read again: a connection saved meanwhile lets a waiting choice be stored. */
  revision: number;
  /** Stores the choice; false when it cannot be stored yet (the connection settings are not saved). */
  save(seconds: UndoSeconds): Promise<boolean>;
}

/**
 * The undo window, offered during onboarding with 10 s preselected. The preselected value is stored as soon as it
 * can be (once the connection is saved); after that, a change made elsewhere (the options page) is shown, not undone.
 */
export function UndoChoice({ i18n, stored, revision, save }: UndoChoiceProps) {
  const { t } = i18n;
  const [chosen, setChosen] = useState<UndoSeconds | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const applied = useRef(false);

  useEffect(() => {
    if (stored === null) return;
    if (chosen === null) {
      setChosen(stored !== 0 ? stored : ONBOARDING_UNDO_SECONDS);
      return;
    }
    if (applied.current) setChosen(stored);
    else if (chosen !== stored) void store(chosen);
    else applied.current = true;
  }, [stored, chosen, revision]);

  async function store(seconds: UndoSeconds) {
    const ok = await save(seconds);
    applied.current = ok;
    setNote(ok ? t('undo_saved') : t('undo_saved_later'));
  }

  function pick(seconds: UndoSeconds) {
    applied.current = false;
    setChosen(seconds);
  }

  return (
    <fieldset class="undo-choice" aria-describedby="onb-undo-hint">
      <legend>{t('undo_label')}</legend>
      <p id="onb-undo-hint" class="hint">
        {t('undo_hint')}
      </p>
      <div class="row">
        {UNDO_SECONDS.map((seconds) => (
          <label key={seconds}>
            <input type="radio" name="onb-undo" checked={chosen === seconds} onChange={() => pick(seconds)} />
            {seconds === 0 ? t('undo_off') : t('undo_seconds', [seconds])}
          </label>
        ))}
      </div>
      <p role="status" class="hint">
        {note ?? ''}
      </p>
    </fieldset>
  );
}
