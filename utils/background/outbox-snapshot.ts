/**
 * Reading the stored outbox back (every field checked again: storage outlives code versions) and telling what
 * changed between two snapshots, so a store writes only that.
 */
import type { ApiError } from '@/utils/shared/daakey-types';
import type { OutboxDelta, OutboxRecord, OutboxRecordState, OutboxSnapshot } from './outbox-types';
import { isPlainObject as isObj } from '@/utils/shared/plain-object';

const sameJson = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

function sameRecord(a: OutboxRecord, b: OutboxRecord): boolean {
  return (
    a.state === b.state &&
    a.attempts === b.attempts &&
    a.nextAttemptAt === b.nextAttemptAt &&
    a.undoUntil === b.undoUntil &&
    a.windowStartedAt === b.windowStartedAt &&
    a.outcomeUnknown === b.outcomeUnknown &&
    a.attemptStartedAt === b.attemptStartedAt &&
    a.inFlightUntil === b.inFlightUntil &&
    a.sentAt === b.sentAt &&
    a.message === b.message &&
    a.ticketId === b.ticketId &&
    a.idempotencyKey === b.idempotencyKey &&
    a.createdAt === b.createdAt &&
    a.attachments.length === b.attachments.length &&
    a.attachments.every((x, i) => x === b.attachments[i]) &&
    sameJson(a.sent, b.sent) &&
    sameJson(a.error, b.error)
  );
}

/** The pause or a hold changed between two snapshots. */
function metaChanged(before: OutboxSnapshot, after: OutboxSnapshot): boolean {
  return before.paused !== after.paused || before.holdUntil !== after.holdUntil || before.backoffUntil !== after.backoffUntil;
}

/** What one `mutate` step copied (with the record it copied) and appended. */
export interface Step {
  edited: Map<string, { original: OutboxRecord; copy: OutboxRecord }>;
  added: OutboxRecord[];
}

/** The difference a step made, from what it touched: O(changes), not O(records). */
export function stepDelta(before: OutboxSnapshot, after: OutboxSnapshot, step: Step): OutboxDelta {
  const changed = [...step.added];
  for (const { original, copy } of step.edited.values()) if (!sameRecord(original, copy)) changed.push(copy);
  return {
    changed,
    removed: [],
    meta: metaChanged(before, after),
  };
}

/** The difference between two snapshots, record by record. */
export function diffSnapshots(before: OutboxSnapshot, after: OutboxSnapshot): OutboxDelta {
  const old = new Map(before.records.map((r) => [r.id, r]));
  const changed: OutboxRecord[] = [];
  for (const record of after.records) {
    const previous = old.get(record.id);
    old.delete(record.id);
    if (previous === record) continue;
    if (!previous || !sameRecord(previous, record)) changed.push(record);
  }
  return {
    changed,
    removed: [...old.keys()],
    meta: metaChanged(before, after),
  };
}

function emptySnapshot(): OutboxSnapshot {
  return { version: 1, paused: false, holdUntil: null, backoffUntil: null, records: [] };
}

const STATES: readonly OutboxRecordState[] = ['queued', 'sending', 'sent', 'failed', 'needs_attention'];
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Storage is ours but outlives code versions; a record we cannot read is dropped rather than crash the worker. */
function readRecord(v: unknown): OutboxRecord | null {
  if (!isObj(v)) return null;
  const { id, ticketId, message, attachments, state, createdAt } = v;
  if (typeof id !== 'string' || id === '' || typeof message !== 'string') return null;
  if (typeof ticketId !== 'number' || !Number.isSafeInteger(ticketId) || ticketId < 1) return null;
  if (!Array.isArray(attachments) || !attachments.every((a) => typeof a === 'string')) return null;
  if (typeof state !== 'string' || !(STATES as readonly string[]).includes(state)) return null;
  const created = num(createdAt);
  if (created === null) return null;
  const sent = isObj(v.sent) && typeof v.sent.messageId === 'number' ? (v.sent as unknown as OutboxRecord['sent']) : null;
  return {
    id,
    idempotencyKey: typeof v.idempotencyKey === 'string' && v.idempotencyKey !== '' ? v.idempotencyKey : id,
    ticketId,
    message,
    attachments: [...(attachments as string[])],
    state: state as OutboxRecordState,
    attempts: Math.max(0, Math.floor(num(v.attempts) ?? 0)),
    createdAt: created,
    windowStartedAt: num(v.windowStartedAt) ?? created,
    nextAttemptAt: num(v.nextAttemptAt),
    undoUntil: num(v.undoUntil),
    outcomeUnknown: v.outcomeUnknown === true,
    attemptStartedAt: num(v.attemptStartedAt),
    inFlightUntil: num(v.inFlightUntil),
    sent,
    sentAt: num(v.sentAt),
    error: isObj(v.error) && typeof v.error.kind === 'string' ? (v.error as unknown as ApiError) : null,
  };
}

export function readSnapshot(raw: unknown): OutboxSnapshot {
  if (!isObj(raw) || raw.version !== 1 || !Array.isArray(raw.records)) return emptySnapshot();
  return {
    version: 1,
    paused: raw.paused === true,
    holdUntil: num(raw.holdUntil),
    backoffUntil: num(raw.backoffUntil),
    records: raw.records
      .map(readRecord)
      .filter((r): r is OutboxRecord => r !== null)
      .map((r) => Object.freeze(r)),
  };
}
