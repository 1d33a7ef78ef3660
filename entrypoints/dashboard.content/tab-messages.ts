// Answers the popup and background about this tab (`TabProtocolMap`): which tickets it shows, and
// "open the reply panel here".
import { browser, type ContentScriptContext } from '#imports';
import type { DetectedTicket, TabEnvelope, TabMessageType, TabProtocolMap } from '@/utils/shared/messages';
import { closePanel, openPanel } from './open-panel';
import { ticketStore } from './ticket-store';
import { disabled } from './lifecycle';

const LABEL_MAX = 80;

function isTabEnvelope(message: unknown): message is TabEnvelope {
  if (!message || typeof message !== 'object') return false;
  const { channel, type, payload } = message as Partial<TabEnvelope>;
  return channel === 'daakey-qr/tab/v1' && typeof type === 'string' && !!payload && typeof payload === 'object';
}

function labelFor(id: number, element: Element | null): string {
  // Text nodes joined with spaces, so table cells do not run together ("TK-2026-00001 Printer").
  const parts: string[] = [];
  if (element) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && parts.length < 40; node = walker.nextNode()) parts.push(node.nodeValue ?? '');
  }
  const text = parts.join(' ').replace(/\s+/g, ' ').trim();
  if (!text) return `Ticket #${id}`;
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;
}

/** The URL's ticket first (`primary: true`), then every other ticket on the page, each once. */
export function detectedTickets(): DetectedTicket[] {
  const anchors = ticketStore.anchors();
  const result: DetectedTicket[] = [];
  const seen = new Set<number>();
  const primary = ticketStore.primaryId;
  if (primary !== null) {
    seen.add(primary);
    const element = anchors.find((a) => a.id === primary)?.element ?? document.querySelector('h1');
    result.push({ id: primary, primary: true, label: labelFor(primary, element) });
  }
  for (const { id, element } of anchors) {
    if (seen.has(id)) continue;
    seen.add(id);
    result.push({ id, primary: false, label: labelFor(id, element) });
  }
  return result;
}

type Handlers = { [T in TabMessageType]: (payload: TabProtocolMap[T]['req']) => Promise<TabProtocolMap[T]['res']> };

export function init(_ctx: ContentScriptContext, signal: AbortSignal): boolean {
  const handlers: Handlers = {
    'tab/detected-tickets': async () => detectedTickets(),
    'tab/open-reply': async ({ ticketId }) => {
      const id = typeof ticketId === 'number' && Number.isSafeInteger(ticketId) && ticketId > 0 ? ticketId : ticketStore.primaryId;
      if (id === null) return { opened: false };
      const anchor = ticketStore.anchors().find((a) => a.id === id)?.element ?? null;
      const opened = await openPanel({ ticketId: id, anchor, returnFocusTo: ticketStore.buttonFor(id), signal });
      return { opened };
    },
    'tab/disable': async () => {
      disabled.abort();
      return { disabled: true };
    },
    'tab/close-panel': async ({ pass }) => ({ closed: typeof pass === 'string' && closePanel(pass) }),
  };

  const listener = (message: unknown, sender: { id?: string }) => {
    // Only our own extension may drive this tab; other messages are left to other listeners.
    if (sender.id !== browser.runtime.id || !isTabEnvelope(message)) return undefined;
    const handler = handlers[message.type] as (payload: unknown) => Promise<unknown>;
    if (typeof handler !== 'function') return undefined;
    return handler(message.payload);
  };
  browser.runtime.onMessage.addListener(listener);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(listener), { once: true });
  return true;
}
