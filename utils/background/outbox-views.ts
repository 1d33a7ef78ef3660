/** What the UI sees of a stored reply: its view, with the pause and the holds folded in, made once per version. */
import type { OutboxEntryView } from '@/utils/shared/messages';
import type { OutboxRecord, OutboxSnapshot } from './outbox-types';

/** When a queued record may next be tried automatically (ignoring the pause). */
export function dueAt(record: OutboxRecord, snapshot: OutboxSnapshot): number {
  return Math.max(
    record.nextAttemptAt ?? 0,
    record.undoUntil ?? 0,
    record.inFlightUntil ?? 0,
    snapshot.holdUntil ?? 0,
    snapshot.backoffUntil ?? 0,
  );
}

export function toView(record: OutboxRecord, snapshot: OutboxSnapshot): OutboxEntryView {
  const queued = record.state === 'queued';
  const due = queued ? dueAt(record, snapshot) : 0;
  return {
    id: record.id,
    ticketId: record.ticketId,
    message: record.message,
    attachments: [...record.attachments],
    state: queued && snapshot.paused ? 'paused' : record.state,
    attempts: record.attempts,
    createdAt: record.createdAt,
    nextAttemptAt: due > 0 ? due : null,
    undoUntil: queued && record.attempts === 0 ? record.undoUntil : null,
    sent: record.sent ? { ...record.sent } : null,
    error: record.error,
  };
}

// A record's view depends on it and the snapshot's pause and holds only; records are never edited in
// place (see `mutate`), so a view is made once per record version rather than for every record on every step.
const viewCache = new WeakMap<OutboxRecord, { meta: string; view: OutboxEntryView }>();

export function views(snapshot: OutboxSnapshot, ticketId?: number): OutboxEntryView[] {
  const meta = `${snapshot.paused} ${snapshot.holdUntil} ${snapshot.backoffUntil}`;
  return snapshot.records
    .filter((r) => ticketId === undefined || r.ticketId === ticketId)
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((r) => {
      const hit = viewCache.get(r);
      if (hit?.meta === meta) return hit.view;
      const view = Object.freeze(toView(r, snapshot));
      viewCache.set(r, { meta, view });
      return view;
    });
}
