// Opens the inline reply panel. Its code (Preact and the form) is a separate script the background
// injects on first use, so the scanning script that runs on every page stays small.
import { browser } from 'wxt/browser';
import { createMessenger } from '@/utils/messenger';
import { registeredPanel } from '@/utils/panel-contract';
import { markOwn } from './instance';

export interface OpenReplyPanelOptions {
  ticketId: number;
  /** The page element the ticket was detected on; null when opened for the URL's ticket. */
  anchor: Element | null;
  returnFocusTo: HTMLElement | null;
  /** Aborts when the content script is invalidated or replaced; the panel closes with it. */
  signal?: AbortSignal;
}

const request = createMessenger((m) => browser.runtime.sendMessage(m));
let current: AbortController | null = null;

export async function openPanel(options: OpenReplyPanelOptions): Promise<boolean> {
  if (options.signal?.aborted) return false;
  if (!registeredPanel()) {
    const loaded = await request('panel/load', {});
    if (!loaded.ok) {
      console.error('[Daakey Quick Reply] the reply panel could not load', loaded.error);
      // The button itself says why, where the agent is looking (and to screen readers).
      const text = browser.i18n.getMessage('panel_load_failed');
      options.returnFocusTo?.setAttribute('title', text);
      options.returnFocusTo?.setAttribute('aria-description', text);
      return false;
    }
  }
  const panel = registeredPanel();
  if (!panel) return false;

  // One panel at a time: opening another ticket replaces it.
  current?.abort();
  const controller = new AbortController();
  current = controller;
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true, signal: controller.signal });
  const host = markOwn(document.createElement('div'));
  document.body.append(host);
  panel.open({
    ticketId: options.ticketId,
    host,
    returnFocusTo: options.returnFocusTo,
    signal: controller.signal,
    onClose: () => {
      if (current === controller) current = null;
      host.remove();
    },
  });
  return true;
}
