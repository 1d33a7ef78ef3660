import { browser } from 'wxt/browser';
import { DASHBOARD_WORLD_KEY } from './dashboard-sites';
import type { DashboardWorld, DetectedTicket, TabMessageType, TabProtocolMap } from './messages';

/**
 * A request to a tab's dashboard script (its top frame, the only one it runs in), run in the script's isolated
 * world. Resolves to the raw answer, which the caller must check; null when the tab has no script of ours to
 * answer (most tabs) or may not be scripted.
 */
export async function sendToTab<T extends TabMessageType>(
  tabId: number,
  type: T,
  payload: TabProtocolMap[T]['req'],
  options?: { frameId?: number },
): Promise<unknown> {
  try {
    const [frame] = await browser.scripting.executeScript({
      target: { tabId, frameIds: [options?.frameId ?? 0] },
      func: inTabWorld,
      args: [DASHBOARD_WORLD_KEY, type, payload],
    });
    return frame?.result ?? null;
  } catch {
    // No host access to the tab (a page the agent never enabled), an error page, a tab that is gone.
    return null;
  }
}

/**
 * Runs in the dashboard script's isolated world, injected by `sendToTab`: serialised on its own, so it names
 * nothing from outside its body. The tickets' labels are read here, from the script's anchors, rather than by
 * the script itself: the code that runs on every dashboard page stays smaller (its size has a budget).
 */
export function inTabWorld(key: string, type: string, payload: unknown): unknown {
  const world = (globalThis as unknown as Record<symbol, DashboardWorld | undefined>)[Symbol.for(key)];
  if (!world?.act || !world.anchors || !world.primaryId) return null;
  if (type !== 'tab/detected-tickets') return world.act(type as 'tab/open-reply', payload as { ticketId?: number });

  // The element's text nodes joined with spaces, so table cells do not run together ("TK-2026-00001 Printer").
  const label = (id: number, element: Element | null | undefined): string => {
    const parts: string[] = [];
    if (element) {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node && parts.length < 40; node = walker.nextNode()) parts.push(node.nodeValue ?? '');
    }
    const text = parts.join(' ').replace(/\s+/g, ' ').trim();
    if (!text) return `Ticket #${id}`;
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
  };
  // The URL's ticket first (`primary: true`), then every other ticket on the page, each once.
  const anchors = world.anchors();
  const primary = world.primaryId();
  const result: DetectedTicket[] = [];
  const seen = new Set<number>();
  if (primary !== null) {
    seen.add(primary);
    const element = anchors.find((a) => a.id === primary)?.element ?? document.querySelector('h1');
    result.push({ id: primary, primary: true, label: label(primary, element) });
  }
  for (const { id, element } of anchors) {
    if (seen.has(id)) continue;
    seen.add(id);
    result.push({ id, primary: false, label: label(id, element) });
  }
  return result;
}
