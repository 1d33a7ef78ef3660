/**
 * The durable outbox: every reply is written down before the first attempt, delivered by one
 * flusher at a time, retried only when a retry cannot hurt, and never posted twice when an earlier attempt
 * may have landed. Browser-free: storage, lock, clock, randomness and wake-ups are injected by the host.
 */
import { ATTEMPT_START_SLACK_MS, BACKOFF, FLUSH_CONCURRENCY, UNKNOWN_OUTCOME_WAIT_MS } from '@/utils/shared/api-contract';
import type { ApiError, TicketMessage } from '@/utils/shared/daakey-types';
import { nextDelayMs, retryAfterDelay } from './backoff';
import { isRetryable } from './daakey-client';
import { findDelivered } from './outbox-dedupe';
import { diffSnapshots, readSnapshot, type Step, stepDelta } from './outbox-snapshot';
import type {
  EnqueueInput,
  Outbox,
  OutboxDeps,
  OutboxLock,
  OutboxRecord,
  OutboxRecordState,
  OutboxSnapshot,
  OutboxStore,
} from './outbox-types';
import { dueAt, toView, views } from './outbox-views';

// The outbox's public face stays this module: its parts are re-exported for the code that imports them from here.
export { DEDUPE_SKEW_MS, findDelivered } from './outbox-dedupe';
export { diffSnapshots, readSnapshot } from './outbox-snapshot';
export type * from './outbox-types';
export { toView } from './outbox-views';

export const SENT_RETENTION_MS = 24 * 60 * 60_000;
/**
 * How long a deferred write may wait for the next write to take it along. A Send's flush starts within a
 * few milliseconds, so its 'sending' write also records the new reply: one storage write before the POST.
 */
export const DEFERRED_WRITE_MS = 25;
/** The longest undo window a reply may ask for: longer and agents forget a reply is still on its way. */
export const MAX_UNDO_MS = 60_000;

/** A promise-chain mutex: one holder at a time, in call order. */
export function createMemoryLock(): OutboxLock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Copies on both sides, like real storage, so callers can't mutate what is "persisted". */
export function createMemoryOutboxStore(initial?: unknown): OutboxStore & { saved(): unknown; saves: number } {
  let value: unknown = initial === undefined ? null : structuredClone(initial);
  const store = {
    saves: 0,
    load: async () => structuredClone(value),
    save: async (snapshot: OutboxSnapshot) => {
      value = structuredClone(snapshot);
      store.saves++;
    },
    saved: () => structuredClone(value),
  };
  return store;
}

/** States a record leaves only when the agent acts (Retry), never by itself. */
const SETTLED: ReadonlySet<OutboxRecordState> = new Set(['sent', 'failed', 'needs_attention']);

/** Until when an attempt that got no answer may still be in flight at the server. */
function inFlightUntil(record: OutboxRecord, now: number): number {
  // A record from an older version has no start: count from now, never from a guess in the past.
  return (record.attemptStartedAt ?? now) + UNKNOWN_OUTCOME_WAIT_MS;
}

function validateInput(input: EnqueueInput): void {
  if (typeof input.clientId !== 'string' || input.clientId === '' || input.clientId.length > 200)
    throw new TypeError('clientId must be a non-empty string');
  if (!Number.isSafeInteger(input.ticketId) || input.ticketId < 1) throw new TypeError('ticketId must be a positive integer');
  if (typeof input.message !== 'string' || input.message.trim() === '') throw new TypeError('message must not be empty');
  if (!Array.isArray(input.attachments) || !input.attachments.every((a) => typeof a === 'string'))
    throw new TypeError('attachments must be strings');
  if (input.undoMs !== undefined && !(Number.isFinite(input.undoMs) && input.undoMs >= 0 && input.undoMs <= MAX_UNDO_MS))
    throw new TypeError(`undoMs must be between 0 and ${MAX_UNDO_MS}`);
}

type Phase = 'check' | 'post';

export function createOutbox(deps: OutboxDeps): Outbox {
  const { store, client, clock, random } = deps;
  const lock = deps.lock ?? createMemoryLock();
  const concurrency = Math.max(1, Math.floor(deps.concurrency ?? FLUSH_CONCURRENCY));
  // Serialises read-modify-write of the store within this instance, so an enqueue during a flush is never
  // overwritten by the flush's next save. Network calls never happen while it is held.
  const mutex = createMemoryLock();

  // This instance is the store's only writer (one background per profile), so after the first load the
  // in-memory copy is the truth: re-reading and re-checking every record on each step made a drain
  // of N replies cost O(N²). A new instance (a restarted worker) loads afresh.
  let cached: OutboxSnapshot | null = null;
  const current = async () => (cached ??= readSnapshot(await store.load()));
  // A saved snapshot is never changed in place (`mutate` works on a copy and swaps it in), so readers
  // can share it without copying.
  const read = () => mutex(current);

  // Records changed in memory whose write was deferred (a new reply, a reply just sent): the next write
  // takes them along, or a timer writes them when no next write comes soon.
  const unsaved = new Set<string>();
  let unsavedTimer: ReturnType<typeof setTimeout> | undefined;
  const writeUnsaved = () => mutate(() => undefined);
  // Who waits for a deferred record to reach storage (the Send that created it).
  const waiters = new Map<string, { resolve(): void; reject(error: unknown): void }[]>();

  function settleWaiters(ids: Iterable<string>, error?: unknown): void {
    for (const id of ids) {
      const list = waiters.get(id);
      if (!list) continue;
      waiters.delete(id);
      for (const w of list)
        if (error === undefined) w.resolve();
        else w.reject(error);
    }
  }

  /**
   * A group commit for a step that must be in storage before the caller goes on (a reply's 'sending' mark before
   * its POST): the step is applied like a deferred one, then the caller waits for the next write under the mutex.
   * Steps of other lanes queued behind a write in progress are applied before that next write runs, so it carries
   * all of their marks, and their own writes find nothing left to write. Resolves only once a write containing
   * this step has completed; rejects when it could not be written (the step stays applied in memory: the caller
   * puts it back).
   */
  async function mutateDurably<R>(fn: (snapshot: OutboxSnapshot, now: number) => R): Promise<R> {
    const result = await mutate(fn, { deferWrite: true });
    // Nothing left unsaved means an earlier write (successful: `unsaved` is cleared only then) carried it.
    if (unsaved.size) await writeUnsaved();
    return result;
  }

  function whenPersisted(id: string): Promise<void> {
    if (!unsaved.has(id)) return Promise.resolve();
    return new Promise((resolve, reject) => waiters.set(id, [...(waiters.get(id) ?? []), { resolve, reject }]));
  }

  function mutate<R>(fn: (snapshot: OutboxSnapshot, now: number) => R, options: { deferWrite?: boolean } = {}): Promise<R> {
    return mutex(async () => {
      const before = await current();
      // Copy on write: `fn` gets a new list holding the same (frozen) records, copies the ones it changes
      // through `edit` and appends new ones through `add`; only those are frozen and compared. Copying and
      // comparing every record on every step made a step cost O(N) in the replies kept.
      const records = before.records.slice();
      const snapshot = { ...before, records };
      const step: Step = { edited: new Map(), added: [] };
      touched = step;
      let result: R;
      try {
        result = fn(snapshot, clock());
      } finally {
        touched = null;
      }
      for (const { copy } of step.edited.values()) Object.freeze(copy);
      for (const r of step.added) Object.freeze(r);
      const quick = snapshot.records === records && records.length === before.records.length + step.added.length;
      // A removal (discard, prune) or a replaced list compares everything; those steps are rare.
      if (!quick) {
        for (const r of snapshot.records) if (!Object.isFrozen(r)) Object.freeze(r);
        positions = null;
        settledBefore = 0;
      }
      const delta = quick ? stepDelta(before, snapshot, step) : diffSnapshots(before, snapshot);
      if (options.deferWrite && !delta.removed.length && !delta.meta) {
        for (const r of delta.changed) unsaved.add(r.id);
        // Not pushed back by later deferrals: a steady stream of Sends must not keep every one waiting.
        unsavedTimer ??= setTimeout(() => {
          unsavedTimer = undefined;
          void writeUnsaved().catch(() => undefined);
        }, DEFERRED_WRITE_MS);
      } else {
        if (unsaved.size) {
          for (const id of unsaved) {
            const r = find(snapshot, id);
            if (r && !delta.changed.includes(r)) delta.changed.push(r);
          }
        }
        const carried = [...unsaved];
        try {
          if (delta.changed.length || delta.removed.length || delta.meta) await store.save(snapshot, delta);
        } catch (error) {
          settleWaiters(carried, error);
          throw error;
        }
        unsaved.clear();
        // The Sends waiting for this write are answered in a task of their own: the POST this write may have been
        // holding back (a flush's 'sending' mark) leaves first, not after the answers are built and posted back.
        if (carried.some((id) => waiters.has(id))) setTimeout(() => settleWaiters(carried), 0);
      }
      cached = snapshot;
      try {
        const changed = delta.meta ? views(snapshot) : views({ ...snapshot, records: delta.changed });
        deps.onChange?.(changed, () => views(snapshot));
      } catch {
        // A broken listener must not stop delivery; the state is already saved.
      }
      return result;
    });
  }

  // Where each id sits in the list. Steps keep positions (they copy in place and append), so one map serves
  // every snapshot; a removal shifts them and the next miss rebuilds it.
  let positions: Map<string, number> | null = null;
  // Every record before this index is settled (sent, failed, needs attention): finding the next reply need
  // not walk past thousands of sent ones. Lowered by an edit below it (a retry) and reset by a removal.
  let settledBefore = 0;
  function indexOf(records: readonly OutboxRecord[], id: string): number {
    if (positions) {
      const known = positions.get(id);
      if (known !== undefined && records[known]?.id === id) return known;
      if (known === undefined && positions.size === records.length) return -1;
    }
    positions = new Map(records.map((r, i) => [r.id, i]));
    return positions.get(id) ?? -1;
  }
  const find = (snapshot: OutboxSnapshot, id: string) => snapshot.records[indexOf(snapshot.records, id)];
  /** What the running `mutate` step copied and added. */
  let touched: Step | null = null;
  /** Inside `mutate`: the record to change, copied into the new snapshot (a shared one is frozen). */
  function edit(snapshot: OutboxSnapshot, id: string): OutboxRecord | undefined {
    const index = indexOf(snapshot.records, id);
    const record = snapshot.records[index];
    if (!record || !Object.isFrozen(record)) return record;
    const copy = { ...record, attachments: [...record.attachments] };
    snapshot.records[index] = copy;
    settledBefore = Math.min(settledBefore, index);
    touched?.edited.set(id, { original: record, copy });
    return copy;
  }
  /** Inside `mutate`: appends a new record. */
  function add(snapshot: OutboxSnapshot, record: OutboxRecord): void {
    const index = snapshot.records.push(record) - 1;
    positions?.set(record.id, index);
    touched?.added.push(record);
  }

  function wakeAt(snapshot: OutboxSnapshot): number | null {
    if (snapshot.paused) return null;
    let earliest: number | null = null;
    for (const r of snapshot.records) {
      if (r.state !== 'queued') continue;
      const due = dueAt(r, snapshot);
      if (earliest === null || due < earliest) earliest = due;
    }
    return earliest === null ? null : Math.max(earliest, clock());
  }

  async function scheduleNext(snapshot?: OutboxSnapshot): Promise<void> {
    await deps.schedule(wakeAt(snapshot ?? (await read())));
  }

  function markSent(record: OutboxRecord, message: TicketMessage, now: number): void {
    record.state = 'sent';
    record.sent = { messageId: message.id, senderName: message.sender_name, createdAt: message.created_at };
    record.sentAt = now;
    record.error = null;
    record.nextAttemptAt = null;
    record.outcomeUnknown = false;
    record.inFlightUntil = null;
  }

  /** Records the failure; returns true when the flush should stop (server or network trouble, or paused). */
  function settleFailure(id: string, error: ApiError, phase: Phase): Promise<boolean> {
    return mutate((s, now) => {
      const record = edit(s, id);
      if (!record) return false;
      record.error = error;
      record.nextAttemptAt = null;

      if (error.kind === 'unauthorized' || error.kind === 'not_configured') {
        // The agent has to sign in (or finish setup); the reply waits, untouched, until resume().
        if (phase === 'post' && error.kind === 'not_configured') record.attempts = Math.max(0, record.attempts - 1);
        record.state = 'queued';
        s.paused = true;
        return true;
      }

      // A 2xx we could not read most likely created the message: verify rather than give up or re-post.
      const unreadableSuccess = error.kind === 'malformed' && error.status >= 200 && error.status < 300;
      if (!isRetryable(error) && !unreadableSuccess) {
        record.state = 'failed';
        return false;
      }

      const mayHaveLanded =
        phase === 'post' && (error.kind === 'timeout' || error.kind === 'network' || error.kind === 'server' || unreadableSuccess);
      record.outcomeUnknown = record.outcomeUnknown || mayHaveLanded;
      // No answer at all: the server may still be working on it, and would commit when it ends. An answer (a 5xx,
      // an unreadable 2xx) means it is done, and a look-up may run as soon as the backoff allows.
      if (phase === 'post' && (error.kind === 'timeout' || error.kind === 'network'))
        record.inFlightUntil = Math.max(record.inFlightUntil ?? 0, inFlightUntil(record, now));

      const serverDelay = 'retryAfterMs' in error && error.retryAfterMs !== null ? retryAfterDelay(error.retryAfterMs) : null;
      const at = now + (serverDelay ?? nextDelayMs(Math.max(0, record.attempts - 1), random));
      if (at - record.windowStartedAt > BACKOFF.giveUpAfterMs) {
        record.state = 'needs_attention';
        return false;
      }
      record.state = 'queued';
      record.nextAttemptAt = at;
      // One failing entry says the server or network is unwell: hold everyone rather than hammer.
      if (serverDelay !== null) s.holdUntil = Math.max(s.holdUntil ?? 0, at);
      else s.backoffUntil = at;
      return true;
    });
  }

  /**
   * The reply a lane takes next: the oldest queued one that is due on a ticket `mayTake` allows (one no other
   * lane is sending to), or `ahead`, the one already written down as 'sending' while the reply before it was
   * in flight.
   */
  function pickNext(
    s: OutboxSnapshot,
    handled: Set<string>,
    now: number,
    force: boolean,
    ahead: string | null,
    mayTake: (ticketId: number) => boolean,
  ) {
    const { records } = s;
    let start = Math.min(settledBefore, records.length);
    while (start < records.length && SETTLED.has(records[start]!.state)) start++;
    // Learnt from the latest snapshot only: an older one may still show a reply settled that was retried since.
    if (s === cached) settledBefore = start;
    let next: OutboxRecord | undefined;
    for (let i = start; i < records.length; i++) {
      const r = records[i]!;
      if (!(r.state === 'queued' || (r.state === 'sending' && r.id === ahead)) || handled.has(r.id)) continue;
      if ((r.undoUntil ?? 0) > now || (r.inFlightUntil ?? 0) > now || (!force && (r.nextAttemptAt ?? 0) > now)) continue;
      if (!mayTake(r.ticketId)) continue;
      if (!next || r.createdAt < next.createdAt) next = r;
    }
    return next;
  }

  /**
   * Writes the next reply of the ticket a lane is sending to down as 'sending' while the current one is in
   * flight, so that write (which also carries the previous reply's 'sent') overlaps a request instead of
   * preceding the next one: in a drain, a storage write per reply no longer adds to a request per reply.
   * Should the worker stop before that reply is posted, recovery checks the server before posting it, as for
   * any 'sending' reply. Only plain replies are taken ahead: one whose earlier attempt may have landed is
   * checked first. Only the lane's own ticket: another ticket may be another lane's.
   */
  async function markAhead(handled: Set<string>, force: boolean, ticketId: number): Promise<string | null> {
    const candidate = (s: OutboxSnapshot, now: number) => {
      if (s.paused || (s.holdUntil ?? 0) > now) return undefined;
      const r = pickNext(s, handled, now, force, null, (t) => t === ticketId);
      return r && !r.outcomeUnknown && now - r.windowStartedAt < BACKOFF.giveUpAfterMs ? r : undefined;
    };
    // Nothing to take ahead: no write (the deferred ones wait for the next real one).
    if (!candidate(await read(), clock())) return null;
    let marked: string | null = null;
    try {
      // Joins the other lanes' marks in one write (see `mutateDurably`).
      return await mutateDurably((s, now) => {
        const found = candidate(s, now);
        const r = found && edit(s, found.id);
        if (!r) return null;
        r.state = 'sending';
        r.attempts += 1;
        r.attemptStartedAt = now;
        marked = r.id;
        return r.id;
      });
    } catch {
      // Not written down: back to queued, and written down before its own request, as usual.
      if (marked !== null) await putBack(marked);
      return null;
    }
  }

  /** A reply written down as 'sending' (ahead, or just now) that was not posted after all goes back to the queue as it was. */
  async function putBack(id: string): Promise<void> {
    await mutate((s) => {
      const r = edit(s, id);
      if (r?.state !== 'sending') return;
      r.state = 'queued';
      r.attempts = Math.max(0, r.attempts - 1);
      // Never posted: no attempt of it can be in flight.
      r.attemptStartedAt = null;
    }).catch(() => undefined);
  }

  /**
   * One delivery attempt for one entry; returns true when the flush should stop. `ahead`: the entry was
   * already written down as 'sending' (see `markAhead`); `whileInFlight` runs once its request is out.
   * `mayStart` is asked right before the request leaves: false (another lane's answer paused the outbox or
   * set a hold since this entry was picked) puts the entry back as it was, unposted.
   */
  async function deliver(id: string, ahead = false, whileInFlight?: () => void, mayStart: () => boolean = () => true): Promise<boolean> {
    const snapshot = await read();
    const record = find(snapshot, id);
    if (!record || record.state !== (ahead ? 'sending' : 'queued')) return false;

    if (!ahead && clock() - record.windowStartedAt >= BACKOFF.giveUpAfterMs) {
      await mutate((s) => {
        const r = edit(s, id);
        if (r?.state === 'queued') r.state = 'needs_attention';
      });
      return false;
    }

    // An earlier attempt may still be in flight at the server: not yet (pickNext skips it too).
    if (!ahead && (record.inFlightUntil ?? 0) > clock()) return false;

    if (!ahead && record.outcomeUnknown) {
      // Made only now, after the earlier attempt can no longer be in flight: what it does not find did not land.
      const ticket = await client.getTicket(record.ticketId);
      if (!ticket.ok) return settleFailure(id, ticket.error, 'check');
      const claimed = new Set(snapshot.records.flatMap((r) => (r.sent && r.id !== id ? [r.sent.messageId] : [])));
      const found = findDelivered(ticket.data.messages, record, claimed);
      const alreadyThere = await mutate((s, now) => {
        const r = edit(s, id);
        if (!r || r.state !== 'queued') return true;
        if (found) {
          markSent(r, found, now);
          return true;
        }
        return false;
      });
      if (alreadyThere) return false;
    }

    const toPost = (r: OutboxRecord) => ({
      ticketId: r.ticketId,
      message: r.message,
      attachments: [...r.attachments],
      idempotencyKey: r.idempotencyKey,
    });
    // Taken ahead, it is in storage as 'sending' (its attempt counted) already, with a start written while the
    // reply before it was in flight; a start older than the slack (that request was slow) is written again.
    const fresh = ahead && clock() - (record.attemptStartedAt ?? 0) <= ATTEMPT_START_SLACK_MS;
    // Signed while the mark is being written (the body and key are the record's, which a mark leaves as they are):
    // the POST still leaves only after that write, but no longer waits for the signing as well.
    const prepared = client.prepareMessage?.(
      record.ticketId,
      { message: record.message, attachments: [...record.attachments] },
      {
        idempotencyKey: record.idempotencyKey,
      },
    );
    // Not fresh: the mark joins the other lanes' marks in one write, and the POST waits for that write.
    let marked = false;
    const mark = (s: OutboxSnapshot, now: number) => {
      const r = edit(s, id);
      if (!r || r.state !== (ahead ? 'sending' : 'queued')) return null;
      if (!ahead) {
        r.state = 'sending';
        r.attempts += 1;
      }
      // Written before the request: should it get no answer, nothing is tried again before this plus the wait.
      r.attemptStartedAt = now;
      // Cleared only now: the check above proved the earlier attempt did not land.
      r.outcomeUnknown = false;
      r.inFlightUntil = null;
      marked = true;
      return toPost(r);
    };
    let started: ReturnType<typeof toPost> | null;
    try {
      started = fresh ? toPost(record) : await mutateDurably(mark);
    } catch (error) {
      // Applied in memory, never written: as it was before, unposted (a taken-ahead one stays 'sending' in storage).
      if (marked && !ahead) await putBack(id);
      throw error;
    }
    if (!started) return false;
    // Still there: a Send whose own write failed takes its reply back out of memory (and out of `unsaved`)
    // without a write, and a mark made in between must not be posted. Nothing awaits from here to the POST.
    if (!fresh && find(await read(), id)?.state !== 'sending') return false;
    if (!mayStart()) {
      await putBack(id);
      return false;
    }

    const posting = prepared
      ? prepared.then((send) => send())
      : client.addMessage(
          started.ticketId,
          { message: started.message, attachments: started.attachments },
          { idempotencyKey: started.idempotencyKey },
        );
    whileInFlight?.();
    const result = await posting;
    if (!result.ok) return settleFailure(id, result.error, 'post');
    // Written with the next reply's 'sending' (one storage write per reply instead of two). If the worker
    // dies before that, storage still says 'sending', and recovery looks the reply up on the server before
    // posting again: the worst case is one extra GET, never a second message.
    await mutate(
      (s, now) => {
        const r = edit(s, id);
        if (r) markSent(r, result.data, now);
      },
      { deferWrite: true },
    );
    return false;
  }

  return {
    async enqueue(input) {
      validateInput(input);
      // Written with the flush's first write (the reply marked 'sending'), or by the timer: the caller is
      // answered only once the reply is in storage either way.
      const view = await mutate(
        (s, now) => {
          const existing = find(s, input.clientId);
          if (existing) return toView(existing, s);
          const record: OutboxRecord = {
            id: input.clientId,
            idempotencyKey: input.clientId,
            ticketId: input.ticketId,
            message: input.message,
            attachments: [...input.attachments],
            state: 'queued',
            attempts: 0,
            createdAt: now,
            windowStartedAt: now,
            nextAttemptAt: null,
            undoUntil: input.undoMs ? now + input.undoMs : null,
            outcomeUnknown: false,
            attemptStartedAt: null,
            inFlightUntil: null,
            sent: null,
            sentAt: null,
            error: null,
          };
          add(s, record);
          return toView(record, s);
        },
        { deferWrite: true },
      );
      await scheduleNext();
      try {
        await whenPersisted(input.clientId);
      } catch (error) {
        // Never written down: forget it (no flush posts a reply before its 'sending' write succeeded), so the
        // caller's error is the whole truth and the text stays with the caller.
        await mutex(async () => {
          const snapshot = await current();
          cached = { ...snapshot, records: snapshot.records.filter((r) => r.id !== input.clientId) };
          unsaved.delete(input.clientId);
        });
        throw error;
      }
      // By now the flush may have taken it further ('sending', 'sent'): answer with what it is.
      const snapshot = await read();
      const latest = find(snapshot, input.clientId);
      return latest ? toView(latest, snapshot) : view;
    },

    flush(options = {}) {
      return lock(async () => {
        // Holding the lock means nobody else is sending: a 'sending' record is left from a worker that
        // died mid-request, and its POST may or may not have landed.
        if ((await read()).records.some((r) => r.state === 'sending'))
          await mutate((s, now) => {
            for (const { id, state } of s.records) {
              if (state !== 'sending') continue;
              const r = edit(s, id)!;
              r.state = 'queued';
              r.outcomeUnknown = true;
              // Its request may still be in flight at the server (a worker stopped mid-request): wait it out.
              r.inFlightUntil = Math.max(r.inFlightUntil ?? 0, inFlightUntil(r, now));
            }
          });
        const handled = new Set<string>();
        const force = options.force === true;
        // The lane sending to each ticket (or holding its next reply written down ahead): a ticket's replies
        // go one at a time, in order, while up to `concurrency` tickets are sent to at once.
        const owners = new Map<number, number>();
        // Set by a step that says stop (a 401, a Retry-After, a failure that backs off): no lane starts another.
        let stopped = false;
        // Checked on the latest state, with no wait before the request leaves: a pause or a hold that another
        // lane's answer wrote while this lane was writing its reply down stops this request too.
        const mayStart = () => {
          const s = cached;
          const now = clock();
          return !stopped && !!s && !s.paused && (s.holdUntil ?? 0) <= now && (force || (s.backoffUntil ?? 0) <= now);
        };

        const lane = async (me: number) => {
          // The reply written down as 'sending' while the previous one was in flight, once that write is done.
          let pendingAhead: Promise<string | null> = Promise.resolve(null);
          let ahead: string | null = null;
          let ticket: number | null = null;
          const leave = (ticketId: number | null) => {
            if (ticketId !== null && owners.get(ticketId) === me) owners.delete(ticketId);
          };
          try {
            for (;;) {
              ahead = await pendingAhead;
              pendingAhead = Promise.resolve(null);
              if (stopped) break;
              const s = await read();
              const now = clock();
              if (stopped || s.paused || (s.holdUntil ?? 0) > now) break;
              if (!force && (s.backoffUntil ?? 0) > now) break;
              // The reply taken ahead comes next when it is still due: its ticket stays with this lane.
              const taken = ahead === null ? undefined : find(s, ahead);
              const keep = taken?.state === 'sending' && pickNext(s, handled, now, force, ahead, (t) => t === taken.ticketId);
              const next = keep || pickNext(s, handled, now, force, null, (t) => (owners.get(t) ?? me) === me);
              if (ticket !== null && ticket !== next?.ticketId) leave(ticket);
              ticket = null;
              if (next) {
                // Claimed in the same synchronous step as the pick: no other lane can take this ticket or reply.
                owners.set(next.ticketId, me);
                ticket = next.ticketId;
                handled.add(next.id);
              }
              if (ahead !== null && next?.id !== ahead) {
                const left = ahead;
                ahead = null;
                await putBack(left);
              }
              if (!next) break;
              const isAhead = next.id === ahead;
              ahead = null;
              const stop = await deliver(
                next.id,
                isAhead,
                () => {
                  if (!stopped) pendingAhead = markAhead(handled, force, next.ticketId);
                },
                mayStart,
              );
              if (stop) stopped = true;
            }
          } finally {
            const left = ahead ?? (await pendingAhead);
            if (left !== null) await putBack(left);
            leave(ticket);
          }
        };
        // Every lane is waited for, even when one throws (a storage write failed): the lock must not be let go
        // while a request of this flush may still be in flight.
        const ends = await Promise.allSettled(
          Array.from({ length: concurrency }, (_, i) =>
            lane(i).catch((error: unknown) => {
              stopped = true;
              throw error;
            }),
          ),
        );
        for (const end of ends) if (end.status === 'rejected') throw end.reason;
        if (unsaved.size) await writeUnsaved();
        const final = await read();
        await scheduleNext(final);
        return views(final);
      });
    },

    async retry(id) {
      const view = await mutate((s, now) => {
        const r = edit(s, id);
        if (!r) return null;
        if (r.state === 'failed' || r.state === 'needs_attention' || r.state === 'queued') {
          r.state = 'queued';
          r.nextAttemptAt = null;
          r.windowStartedAt = now;
          r.error = null;
          // The agent asked for now; our own backoff yields, a server's Retry-After does not.
          s.backoffUntil = null;
        }
        return toView(r, s);
      });
      if (view) await scheduleNext();
      return view;
    },

    discard(id) {
      return mutate((s) => {
        const index = s.records.findIndex((r) => r.id === id);
        // A request in flight can't be recalled; discarding it would hide a reply that may still land.
        if (index < 0 || s.records[index]?.state === 'sending') return false;
        s.records.splice(index, 1);
        return true;
      });
    },

    async list(ticketId) {
      return views(await read(), ticketId);
    },

    prune() {
      return mutate((s, now) => {
        const before = s.records.length;
        s.records = s.records.filter((r) => r.state !== 'sent' || (r.sentAt ?? r.createdAt) > now - SENT_RETENTION_MS);
        return before - s.records.length;
      });
    },

    async pause() {
      await mutate((s) => {
        s.paused = true;
      });
      await deps.schedule(null);
    },

    async resume() {
      const snapshot = await mutate((s) => {
        s.paused = false;
        return s;
      });
      await scheduleNext(snapshot);
    },

    async isPaused() {
      return (await read()).paused;
    },
  };
}
