/**
 * A ticket read started before anyone asks for it. The agent's click on an inline Reply button reads the ticket
 * while the panel's frame is still loading its scripts (about 150 ms), so the panel's claim brings the answer (or
 * its own read finds it) instead of waiting for another round trip to the API. An answer is taken once, and only
 * while fresh; a read that failed is not kept, so the panel's own read goes to the API as usual.
 */
export interface TicketPrefetch<T> {
  /** Starts reading `ticketId` unless a fresh read of it is already under way. */
  start(ticketId: number, read: () => Promise<T>): void;
  /** The read started for `ticketId`, once, if it is fresh; null otherwise (read it now). */
  take(ticketId: number): Promise<T | null> | null;
  /**
   * Like `take`, if that read ends within `waitMs`; past that, null, and the read stays for `take`: a slow API
   * must not keep the panel blank while a form with "Loading ticket" could show.
   */
  takeWithin(ticketId: number, waitMs: number): Promise<T | null>;
}

/** How long the panel's claim waits for the ticket read its click started (the frame has loaded by then). */
export const CLAIM_WAITS_FOR_TICKET_MS = 200;

/** Long enough for a slow frame to load, short enough that the thread shown is the one the agent clicked for. */
export const PREFETCH_MAX_AGE_MS = 5_000;

const LATE = Symbol('late');

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
    async takeWithin(ticketId, waitMs) {
      const entry = started.get(ticketId);
      if (!entry || !fresh(entry.at)) return null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<typeof LATE>((resolve) => {
        timer = setTimeout(() => resolve(LATE), waitMs);
      });
      const value = await Promise.race([entry.result, late]);
      clearTimeout(timer);
      if (value === LATE) return null;
      if (started.get(ticketId) === entry) started.delete(ticketId);
      return value;
    },
  };
}
