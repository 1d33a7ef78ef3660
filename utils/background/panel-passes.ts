/**
 * Single-use passes for panel pages. A content script asks for a panel when the agent clicks Reply; the
 * background mints a pass bound to that tab and ticket and puts it in the panel's URL. The panel page trades
 * it in once, from that tab, for the ticket it may show. A panel the page embedded by itself, reloaded or
 * re-pointed at another ticket has no live pass and shows nothing.
 */
import type { Item } from './memo-item';

export interface PanelPassRecord {
  tabId: number;
  ticketId: number;
  createdAt: number;
  /** Set once the panel page claimed it; the pass then only serves to close that panel. */
  claimed: boolean;
}

/** An unclaimed pass is only good for the moment the panel takes to load. */
export const PASS_CLAIM_MS = 60_000;
/** Claimed passes (open panels) are forgotten after this, or when their panel closes. */
export const PASS_OPEN_MS = 12 * 60 * 60_000;
/** Each tab shows one panel at a time; a few more passes cover panels being replaced. */
const PASSES_PER_TAB = 4;

export function mintPass(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createPanelPasses({
  item,
  clock,
  mint = mintPass,
}: {
  item: Item<Record<string, PanelPassRecord>>;
  clock(): number;
  mint?(): string;
}) {
  function live(records: Record<string, PanelPassRecord>): Record<string, PanelPassRecord> {
    const now = clock();
    return Object.fromEntries(Object.entries(records).filter(([, r]) => now - r.createdAt < (r.claimed ? PASS_OPEN_MS : PASS_CLAIM_MS)));
  }

  return {
    async mint(tabId: number, ticketId: number): Promise<string> {
      const records = live(await item.getValue());
      // Oldest first: a tab that asks again and again keeps only its latest few passes.
      const mine = Object.entries(records)
        .filter(([, r]) => r.tabId === tabId)
        .sort(([, a], [, b]) => a.createdAt - b.createdAt);
      for (const [pass] of mine.slice(0, Math.max(0, mine.length - PASSES_PER_TAB + 1))) delete records[pass];
      const pass = mint();
      records[pass] = { tabId, ticketId, createdAt: clock(), claimed: false };
      await item.setValue(records);
      return pass;
    },

    /** The record, once, for a panel page in the tab the pass was made for. */
    async claim(pass: string, tabId: number | null): Promise<PanelPassRecord | null> {
      const records = live(await item.getValue());
      const record = records[pass];
      if (!record || record.claimed || tabId === null || record.tabId !== tabId) return null;
      records[pass] = { ...record, claimed: true };
      await item.setValue(records);
      return record;
    },

    /** Forgets a claimed pass (its panel is closing), answering its record. */
    async release(pass: string, tabId: number | null): Promise<PanelPassRecord | null> {
      const records = live(await item.getValue());
      const record = records[pass];
      if (!record || !record.claimed || tabId === null || record.tabId !== tabId) return null;
      delete records[pass];
      await item.setValue(records);
      return record;
    },
  };
}
