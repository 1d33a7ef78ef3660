/**
 * A ticket read started before anyone asks for it. The agent's click on an inline Reply button reads the ticket
 * while the panel's frame is still loading its scripts (about 200 ms), so the panel's own read finds the answer
 * there instead of waiting for another round trip to the API. An answer is taken once, and only while fresh; a
 * read that failed is not kept, so the panel's own read goes to the API as usual.
 */
export interface TicketPrefetch<T> {
  /** Starts reading `ticketId` unless a fresh read of it is already under way. */
  start(ticketId: number, read: () => Promise<T>): void;
  /** The read started for `ticketId`, once, if it is fresh; null otherwise (read it now). */
  take(ticketId: number): Promise<T | null> | null;
}

/** Long enough for a slow frame to load, short enough that the thread shown is the one the agent clicked for. */
export const PREFETCH_MAX_AGE_MS = 5_000;

export function createTicketPrefetch<T>({
  clock,
  maxAgeMs = PREFETCH_MAX_AGE_MS,
}: {
  clock(): number;
  maxAgeMs?: number;
}): TicketPrefetch<T> {
  const started = new Map<number, { at: number; result: Promise<T | null> }>();
  const fresh = (at: number) => clock() - at <= maxAgeMs;
  return {
    start(ticketId, read) {
      for (const [id, entry] of started) if (!fresh(entry.at)) started.delete(id);
      if (started.has(ticketId)) return;
      let result: Promise<T | null>;
      try {
        result = Promise.resolve(read()).catch(() => null);
      } catch {
        result = Promise.resolve(null);
      }
      started.set(ticketId, { at: clock(), result });
    },
    take(ticketId) {
      const entry = started.get(ticketId);
      started.delete(ticketId);
      return entry && fresh(entry.at) ? entry.result : null;
    },
  };
}
