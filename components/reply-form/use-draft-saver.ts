import { useRef } from 'preact/hooks';

export interface DraftSaver {
  /** Saves after the agent pauses for `delayMs` (each call restarts the wait). */
  schedule(): void;
  /** Saves now if a save is waiting (the window is closing or the ticket changes). */
  flush(): void;
  /** Drops a waiting save: the box was emptied or the reply saved its own draft, and an older text must not return. */
  cancel(): void;
}

/**
 * The per-ticket draft's save timing. The save function is the one given when the save was scheduled (so a flush
 * after a ticket change still stores under the ticket that was typed in); it reads the text when it runs, so the
 * latest keystroke is what is stored.
 */
export function useDraftSaver(save: () => void, delayMs: number): DraftSaver {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latestSave = useRef(save);
  latestSave.current = save;
  const pending = useRef(save);
  const saver = useRef<DraftSaver | null>(null);
  saver.current ??= {
    schedule() {
      clearTimeout(timer.current);
      pending.current = latestSave.current;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        pending.current();
      }, delayMs);
    },
    flush() {
      if (timer.current === undefined) return;
      clearTimeout(timer.current);
      timer.current = undefined;
      pending.current();
    },
    cancel() {
      clearTimeout(timer.current);
      timer.current = undefined;
    },
  };
  return saver.current;
}
