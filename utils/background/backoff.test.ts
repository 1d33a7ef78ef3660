import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKOFF } from '@/utils/shared/api-contract';
import { backoffCeilingMs, nextDelayMs, retryAfterDelay } from './backoff';

const unitRandom = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('nextDelayMs', () => {
  it('stays within [0, min(cap, base·2^n)] for every attempt and random value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), unitRandom, (attempt, r) => {
        const delay = nextDelayMs(attempt, () => r);
        const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }),
    );
  });

  it('never leaves the bounds even with a misbehaving random source or odd attempts', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double()), fc.double(), (attempt, r) => {
        const delay = nextDelayMs(attempt, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(BACKOFF.capMs);
      }),
    );
  });

  it('grows the window exponentially up to the cap', () => {
    expect(backoffCeilingMs(0)).toBe(BACKOFF.baseMs);
    expect(backoffCeilingMs(1)).toBe(BACKOFF.baseMs * 2);
    expect(backoffCeilingMs(3)).toBe(BACKOFF.baseMs * 8);
    expect(backoffCeilingMs(60)).toBe(BACKOFF.capMs);
    expect(backoffCeilingMs(1e9)).toBe(BACKOFF.capMs);
    expect(nextDelayMs(3, () => 0.5)).toBe(BACKOFF.baseMs * 4);
  });
});

describe('retryAfterDelay', () => {
  it('is clamped to [retryAfterMinMs, retryAfterMaxMs] for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double()), (ms) => {
        const delay = retryAfterDelay(ms);
        expect(delay).toBeGreaterThanOrEqual(BACKOFF.retryAfterMinMs);
        expect(delay).toBeLessThanOrEqual(BACKOFF.retryAfterMaxMs);
      }),
    );
  });

  it('keeps an in-range server delay exactly (no jitter)', () => {
    fc.assert(
      fc.property(fc.integer({ min: BACKOFF.retryAfterMinMs, max: BACKOFF.retryAfterMaxMs }), (ms) => {
        expect(retryAfterDelay(ms)).toBe(ms);
      }),
    );
    expect(retryAfterDelay(0)).toBe(BACKOFF.retryAfterMinMs);
    expect(retryAfterDelay(10 * 60 * 60_000)).toBe(BACKOFF.retryAfterMaxMs);
  });
});
