/**
 * Retry timing for the outbox. Pure: randomness comes in as a function so
 * tests and property checks can pin it.
 */
import { BACKOFF } from '@/utils/shared/api-contract';

/** The upper bound of the jitter window for a 0-based attempt: `min(cap, base · 2^attempt)`. */
export function backoffCeilingMs(attempt: number): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  // 2^n overflows to Infinity for large n; min() then settles on the cap, which is what we want.
  return Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** n);
}

/**
 * Full jitter (AWS): spreads clients that failed together so they don't come back together.
 * `random` is expected in [0, 1); anything outside (or NaN) is clamped so a bad source can't break bounds.
 */
export function nextDelayMs(attempt: number, random: () => number): number {
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
  return Math.floor(unit * backoffCeilingMs(attempt));
}

/**
 * A server-given delay is honoured without jitter (test 7), within sane bounds: at least a second so a
 * `Retry-After: 0` can't cause a tight loop, at most an hour so a bogus far-future date can't strand a reply.
 */
export function retryAfterDelay(ms: number): number {
  const value = Number.isFinite(ms) ? ms : BACKOFF.retryAfterMaxMs;
  return Math.min(BACKOFF.retryAfterMaxMs, Math.max(BACKOFF.retryAfterMinMs, Math.ceil(value)));
}
