import { describe, expect, it, vi } from 'vitest';
import { createTicketPrefetch } from './ticket-prefetch';

describe('ticket prefetch', () => {
  it('hands a started read over once, while it is fresh', async () => {
    const clock = { now: 0 };
    const prefetch = createTicketPrefetch<string>({ clock: () => clock.now, maxAgeMs: 5_000 });
    const read = vi.fn(async () => 'ticket 12');
    prefetch.start(12, read);
    // A second click on the same ticket while the first read runs does not read it twice.
    prefetch.start(12, read);
    expect(read).toHaveBeenCalledTimes(1);
    expect(prefetch.take(7)).toBeNull();
    expect(await prefetch.take(12)).toBe('ticket 12');
    // Taken: the next read (a refresh) goes to the API.
    expect(prefetch.take(12)).toBeNull();

    prefetch.start(12, read);
    clock.now += 5_001;
    expect(prefetch.take(12)).toBeNull();
  });

  it('takeWithin: the answer if the read ends in time; otherwise null, leaving the read for take', async () => {
    vi.useFakeTimers();
    try {
      const prefetch = createTicketPrefetch<string>({ clock: () => 0 });
      prefetch.start(1, async () => 'ticket 1');
      expect(await prefetch.takeWithin(1, 200)).toBe('ticket 1');
      expect(prefetch.take(1)).toBeNull();

      let finish: (v: string) => void = () => undefined;
      prefetch.start(2, () => new Promise<string>((resolve) => (finish = resolve)));
      const claim = prefetch.takeWithin(2, 200);
      await vi.advanceTimersByTimeAsync(200);
      expect(await claim).toBeNull();
      // Still there for the panel's own read, which then gets the same answer: one read in all.
      const own = prefetch.take(2);
      expect(own).not.toBeNull();
      finish('ticket 2');
      expect(await own).toBe('ticket 2');
      expect(await prefetch.takeWithin(3, 200)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps no failed read, and never lets one escape as an unhandled rejection', async () => {
    const prefetch = createTicketPrefetch<string>({ clock: () => 0 });
    prefetch.start(3, async () => {
      throw new Error('offline');
    });
    expect(await prefetch.take(3)).toBeNull();
    prefetch.start(4, () => undefined as unknown as Promise<string>);
    expect(await prefetch.take(4)).toBeUndefined();
  });

  it('forgets stale reads as new ones start', () => {
    const clock = { now: 0 };
    const prefetch = createTicketPrefetch<number>({ clock: () => clock.now, maxAgeMs: 10 });
    const read = vi.fn(async () => 1);
    prefetch.start(1, read);
    clock.now = 20;
    // The stale read of ticket 1 is dropped, so a new click reads it again.
    prefetch.start(1, read);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
