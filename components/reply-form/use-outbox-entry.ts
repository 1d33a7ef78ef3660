import { useEffect, useRef, useState } from 'preact/hooks';
import type { OutboxEntryView } from '@/utils/shared/messages';
import type { ReplyActions, SeenStore } from '@/utils/ui/connect';

/** The states in which a reply is still the outbox's business (and another window may still change it). */
export const UNSENT: ReadonlySet<OutboxEntryView['state']> = new Set(['queued', 'sending', 'failed', 'paused', 'needs_attention']);

/** A reply that went out while no form showed it (popup closed, browser restarted) is shown this long after. */
export const SHOW_UNSEEN_SENT_MS = 24 * 60 * 60_000;

/**
 * What a form opening on `ticketId` shows of the outbox: the newest reply still unsent, or sent without the agent
 * having seen it go.
 */
export function entryToShow(entries: readonly OutboxEntryView[], ticketId: number, seen: SeenStore, now: number): OutboxEntryView | null {
  const relevant = entries.filter(
    (e) =>
      e.ticketId === ticketId &&
      (UNSENT.has(e.state) || (e.state === 'sent' && !seen.has(e.id) && now - e.createdAt < SHOW_UNSEEN_SENT_MS)),
  );
  return relevant.sort((a, b) => b.createdAt - a.createdAt)[0] ?? null;
}

export interface OutboxEntryOptions {
  listOutbox: ReplyActions['listOutbox'];
  ticketId: number;
  pollMs: number;
  /** False once the form is gone: answers arriving after that change nothing. */
  alive: { current: boolean };
  seen: SeenStore;
  /** Whether the form is showing the entry's state (a sent one then counts as seen). */
  shown: boolean;
  /** The entry was taken back or discarded in another window. */
  onGone(): void;
  /** The entry reached the ticket. */
  onSent(entry: OutboxEntryView): void;
}

/**
 * The form's one outbox entry, followed while the background works on it. Polling rather than a message from the
 * background: it survives a restarted worker, and another window (popup, another panel) may undo, send or discard
 * the entry meanwhile.
 */
export function useOutboxEntry({ listOutbox, ticketId, pollMs, alive, seen, shown, onGone, onSent }: OutboxEntryOptions) {
  const [entry, setShown] = useState<OutboxEntryView | null>(null);
  // The entry as last set, for an action that awaited something and must not act on its render's stale copy.
  const latest = useRef<OutboxEntryView | null>(null);
  const setEntry = (next: OutboxEntryView | null) => {
    latest.current = next;
    setShown(next);
  };
  const missed = useRef(0);
  // Called from the poll that a render scheduled: the callbacks of the latest render, not of that one.
  const callbacks = useRef({ onGone, onSent });
  callbacks.current = { onGone, onSent };
  // Seconds left when an entry was first shown: a number ticking down in a live region would be read out each second.
  const undoShown = useRef(new Map<string, number>());

  useEffect(() => {
    if (!entry || !UNSENT.has(entry.state)) return;
    const timer = setTimeout(async () => {
      const r = await listOutbox(ticketId);
      if (!alive.current || !r.ok) return;
      const next = r.data.find((e) => e.id === entry.id);
      if (!next) {
        // Missing twice in a row, so one read that raced a write elsewhere does not make a live reply look gone.
        missed.current++;
        if (missed.current < 2) setEntry({ ...entry });
        else {
          setEntry(null);
          callbacks.current.onGone();
        }
        return;
      }
      missed.current = 0;
      setEntry(next);
      if (next.state === 'sent') callbacks.current.onSent(next);
    }, pollMs);
    return () => clearTimeout(timer);
  }, [entry]);

  useEffect(() => {
    if (shown && entry?.state === 'sent') seen.add(entry.id);
  }, [shown, entry]);

  function undoSecondsFor(e: OutboxEntryView): number {
    let seconds = undoShown.current.get(e.id);
    if (seconds === undefined) {
      seconds = Math.max(1, Math.ceil(((e.undoUntil ?? 0) - Date.now()) / 1000));
      undoShown.current.set(e.id, seconds);
    }
    return seconds;
  }

  return { entry, setEntry, entryNow: () => latest.current, undoSecondsFor };
}
