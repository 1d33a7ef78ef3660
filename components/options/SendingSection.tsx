import { useState } from 'preact/hooks';
import { UNDO_SECONDS, type UndoSeconds } from '@/utils/shared/messages';
import { type SaveBeside, useOptionsText } from './shared';

export interface SendingSectionProps {
  undoSeconds: UndoSeconds;
  onUndoSeconds: (seconds: UndoSeconds) => void;
  saveBesideConnection: SaveBeside;
}

export function SendingSection({ undoSeconds, onUndoSeconds, saveBesideConnection }: SendingSectionProps) {
  const { t, e } = useOptionsText();
  const [undoNote, setUndoNote] = useState<string | null>(null);

  async function changeUndo(seconds: UndoSeconds) {
    onUndoSeconds(seconds);
    const r = await saveBesideConnection({ undoSeconds: seconds });
    setUndoNote(r === null ? t('undo_saved_later') : r.ok ? t('undo_saved') : e(r.error));
  }

  return (
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
  );
}
