/**
 * Every place where Daakey's public docs are silent and this project had to choose. Each constant
 * is named in the README ("Choices where the docs are silent"); change it here when Daakey
 * publishes the detail.
 */

import type { EnvironmentName } from './settings-values';

export const API_PREFIX = '/api/v1/client';

/** Largest ticket ID accepted: the API's IDs are signed 32-bit integers. */
export const MAX_TICKET_ID = 2 ** 31 - 1;

export const ENVIRONMENTS = {
  production: 'https://api.daakey.com',
  staging: 'https://staging-api.daakey.com',
  sandbox: 'http://127.0.0.1:8787',
} as const satisfies Record<Exclude<EnvironmentName, 'custom'>, string>;
export type { EnvironmentName };

export const PATHS = {
  login: '/auth/login',
  me: '/auth/me',
  logout: '/auth/logout',
  tickets: '/tickets',
  ticket: (id: number) => `/tickets/${id}`,
  messages: (id: number) => `/tickets/${id}/messages`,
  /** Docs say "the media upload endpoint" without a path. */
  media: '/media',
} as const;

/** Docs give no limit; long enough for any real reply, short enough to refuse a pasted log. */
export const MESSAGE_MAX_CHARS = 5000;
export const SUBJECT_MAX_CHARS = 255;
export const ATTACHMENT_MAX_FILES = 5;
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf'] as const;

/** Per attempt; below Chrome's 30 s limit on a worker's first fetch response. */
export const REQUEST_TIMEOUT_MS = 15_000;

/**
 * An attempt whose outcome is unknown (timeout, dropped connection, worker stopped mid-request) may still be
 * in flight at the server, which commits when it finishes: the outbox neither looks the reply up nor sends it
 * again before this long after the attempt's recorded start. Daakey documents no server-side limit; the margin
 * covers a server that finishes a little after our client gave up, and the start being recorded (durably,
 * before the request) up to {@link ATTEMPT_START_SLACK_MS} before the request actually leaves.
 */
export const IN_FLIGHT_MARGIN_MS = 5_000;
export const UNKNOWN_OUTCOME_WAIT_MS = REQUEST_TIMEOUT_MS + IN_FLIGHT_MARGIN_MS;
/** A recorded attempt start older than this is written again before the request leaves. */
export const ATTEMPT_START_SLACK_MS = 1_000;

/** Not documented by Daakey; sent anyway, honoured by the sandbox. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * How many tickets a flush sends to at once (Daakey documents no rate limit). A ticket's own replies still go one at
 * a time, in order: its next reply is posted only once the one before it has an answer. Small and fixed, so a drain
 * of a long queue does not flood the server (a 429 or a 401 still stops every lane from starting another request).
 * 8, not 4: on 1,000 queued replies over 50 tickets, two A/B pairs on a quiet machine drained in 0.88x and 0.76x the
 * time of the same POSTs one after another with 8, 1.02x and 0.94x with 4 (README, Performance).
 */
export const FLUSH_CONCURRENCY = 8;

/** Outcomes the outbox retries by itself; everything else needs the agent. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export const BACKOFF = {
  baseMs: 2_000,
  capMs: 15 * 60_000,
  retryAfterMinMs: 1_000,
  retryAfterMaxMs: 60 * 60_000,
  /** After this long without success an entry waits for the agent. */
  giveUpAfterMs: 24 * 60 * 60_000,
} as const;

/** Token field names accepted in the login answer, in order. */
export const TOKEN_FIELDS = ['token', 'access_token'] as const;
