/**
 * How many ticket-list reads a dashboard tab may cause to resolve references (`TK-2026-00001`). The page
 * decides what references it shows, so a hostile or broken page could otherwise make the extension read the
 * whole ticket list again and again, in the agent's name.
 */

/** List reads a tab may cause per window… */
export const REFERENCE_READS_PER_WINDOW = 6;
/** …of this length. */
export const REFERENCE_WINDOW_MS = 10 * 60_000;

export function createReferenceBudget({
  clock,
  reads = REFERENCE_READS_PER_WINDOW,
  windowMs = REFERENCE_WINDOW_MS,
}: {
  clock(): number;
  reads?: number;
  windowMs?: number;
}) {
  const spent = new Map<number, number[]>();
  return {
    /** Takes one read from the tab's budget; false when it is spent. */
    take(tabId: number): boolean {
      const now = clock();
      const recent = (spent.get(tabId) ?? []).filter((at) => now - at < windowMs);
      if (recent.length >= reads) {
        spent.set(tabId, recent);
        return false;
      }
      recent.push(now);
      spent.set(tabId, recent);
      return true;
    },
  };
}
