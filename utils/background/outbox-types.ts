/** The outbox's shapes: a stored reply, the stored outbox, what a step changed, and what the host injects. */
import type { DaakeyClient } from './daakey-client';
import type { ApiError } from '@/utils/shared/daakey-types';
import type { OutboxEntryView } from '@/utils/shared/messages';

/** `paused` is a property of the whole outbox, not of a record; views derive it. */
export type OutboxRecordState = 'queued' | 'sending' | 'sent' | 'failed' | 'needs_attention';

export interface OutboxRecord {
  /** The clientId minted at Send; also the Idempotency-Key. */
  id: string;
  idempotencyKey: string;
  ticketId: number;
  message: string;
  attachments: string[];
  state: OutboxRecordState;
  /** POSTs made (checks are not counted). */
  attempts: number;
  createdAt: number;
  /** Start of the automatic-retry window; a manual retry opens a new one. */
  windowStartedAt: number;
  nextAttemptAt: number | null;
  /**
   * The agent's undo window: nothing posts this reply before then, not even a forced flush, and until
   * then discarding it is an undo. Null when the agent sends without one.
   */
  undoUntil: number | null;
  /** An earlier POST may have reached the server: look for the reply before posting again. */
  outcomeUnknown: boolean;
  /**
   * When the latest attempt started: written to storage (with the 'sending' mark) before its request leaves,
   * at most {@link ATTEMPT_START_SLACK_MS} earlier than the request. Null before the first attempt.
   */
  attemptStartedAt: number | null;
  /**
   * An attempt with no answer (timeout, dropped connection, worker stopped mid-request) may be in flight at
   * the server until then: no look-up and no new attempt before it, not even a forced one.
   */
  inFlightUntil: number | null;
  sent: OutboxEntryView['sent'];
  sentAt: number | null;
  error: ApiError | null;
}

export interface OutboxSnapshot {
  version: 1;
  /** Set by a 401 (or missing credentials); nothing is attempted until `resume()`. */
  paused: boolean;
  /** A server-given Retry-After, honoured for every entry, even by a forced flush. */
  holdUntil: number | null;
  /** Our own backoff after a transport or server failure; a forced flush may skip it. */
  backoffUntil: number | null;
  records: OutboxRecord[];
}

/** What one mutation changed, so a store can write only that (a full rewrite per step made a drain O(N²)). */
export interface OutboxDelta {
  /** Records added or changed. */
  changed: OutboxRecord[];
  /** Ids of records removed. */
  removed: string[];
  /** `paused`, `holdUntil` or `backoffUntil` changed. */
  meta: boolean;
}

export interface OutboxStore {
  /** Whatever was saved last (null/undefined when nothing was); checked again on load. */
  load(): Promise<unknown>;
  /** `snapshot` is the whole new state; `delta` says which parts differ from what was saved before. */
  save(snapshot: OutboxSnapshot, delta: OutboxDelta): Promise<void>;
}

/** `prepareMessage` is optional: without it, a reply is signed only once its 'sending' mark is written. */
export type OutboxClient = Pick<DaakeyClient, 'addMessage' | 'getTicket'> & Partial<Pick<DaakeyClient, 'prepareMessage'>>;
export type OutboxLock = <T>(fn: () => Promise<T>) => Promise<T>;

export interface OutboxDeps {
  store: OutboxStore;
  client: OutboxClient;
  clock(): number;
  random(): number;
  /** Defaults to an in-memory lock: enough within one context, not across contexts. */
  lock?: OutboxLock;
  /** How many tickets a flush sends to at once (default `FLUSH_CONCURRENCY` in the API contract). */
  concurrency?: number;
  /**
   * After each step: the entries it changed (every entry when the pause or a hold changed), and all of
   * them on demand. Building every view on every step made a step cost O(N) in the replies kept.
   */
  onChange?(changed: OutboxEntryView[], all: () => OutboxEntryView[]): void;
  /** Wake the outbox (call `flush`) at this time; null cancels. */
  schedule(atMs: number | null): void | Promise<void>;
}

export interface EnqueueInput {
  clientId: string;
  ticketId: number;
  message: string;
  attachments: string[];
  /** Hold the reply this long (at most `MAX_UNDO_MS` in ./outbox) so the agent can take it back. */
  undoMs?: number;
}

export interface FlushOptions {
  /**
   * Skip our own backoff, for explicit signals that things may work now (the agent pressed Retry, a window
   * saw the network come back). Server-given Retry-After and the pause are still honoured.
   */
  force?: boolean;
}

export interface Outbox {
  enqueue(input: EnqueueInput): Promise<OutboxEntryView>;
  flush(options?: FlushOptions): Promise<OutboxEntryView[]>;
  retry(id: string): Promise<OutboxEntryView | null>;
  discard(id: string): Promise<boolean>;
  list(ticketId?: number): Promise<OutboxEntryView[]>;
  prune(): Promise<number>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  isPaused(): Promise<boolean>;
}
