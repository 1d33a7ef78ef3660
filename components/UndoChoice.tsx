import { useEffect, useRef, useState } from 'preact/hooks';
import type { I18n } from '@/utils/shared/i18n';
import { UNDO_SECONDS, type UndoSeconds } from '@/utils/shared/messages';

/** The onboarding's pick when nothing was chosen yet: long enough to catch a slip, short enough not to wait on. */
export const ONBOARDING_UNDO_SECONDS: UndoSeconds = 10;

export interface StoredUndo {
  seconds: UndoSeconds;
  /** Whether the agent picked it (here or in the options page); until then the preselection is offered. */
  chosen: boolean;
}

export interface UndoChoiceProps {
  i18n: I18n;
  /** The stored value, or null while it loads. */
  stored: StoredUndo | null;
  /** Goes up each time the settings are read again: a connection saved meanwhile lets a waiting choice be stored. */
  revision: number;
  /**
   * Stores the choice; false when it cannot be stored yet (the connection settings are not saved). `preselected`
   * marks the onboarding's own preselection, which must never override a pick made elsewhere meanwhile.
   */
  save(seconds: UndoSeconds, preselected: boolean): Promise<boolean>;
}

/**
 * The undo window, offered during onboarding with 10 s preselected. The preselection is stored as soon as it can be
 * (once the connection is saved), and only while the agent has never picked a window: an onboarding opened again
 * after the agent chose "Off" in the options page shows "Off". A pick made here is stored whatever was there.
 */
export function UndoChoice({ i18n, stored, revision, save }: UndoChoiceProps) {
  const { t } = i18n;
  const [chosen, setChosen] = useState<UndoSeconds | null>(null);
  const [note, setNote] = useState<string | null>(null);
  // What still has to be stored: the onboarding's preselection, or the agent's pick on this page.
  const pending = useRef<'preselected' | 'picked' | null>(null);

  useEffect(() => {
    if (stored === null) return;
    if (chosen === null) {
      pending.current = stored.chosen ? null : 'preselected';
      setChosen(stored.chosen ? stored.seconds : ONBOARDING_UNDO_SECONDS);
      return;
    }
    // Picked in the options page while the preselection waited for the connection: the agent's pick wins.
    if (pending.current === 'preselected' && stored.chosen) pending.current = null;
    if (pending.current === null) setChosen(stored.seconds);
    else if (chosen !== stored.seconds || !stored.chosen) void store(chosen);
    else pending.current = null;
  }, [stored, chosen, revision]);

  async function store(seconds: UndoSeconds) {
    const ok = await save(seconds, pending.current === 'preselected');
    if (ok) pending.current = null;
    setNote(ok ? t('undo_saved') : t('undo_saved_later'));
  }

  function pick(seconds: UndoSeconds) {
    pending.current = 'picked';
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
