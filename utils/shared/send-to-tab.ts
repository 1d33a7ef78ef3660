import { browser } from 'wxt/browser';
import type { TabEnvelope, TabMessageType, TabProtocolMap } from './messages';

/**
 * A message to a tab's content script. Resolves to the raw answer, which the caller must check (a page's
 * script could be an old copy); null when the tab has no script of ours to answer, which is most tabs.
 */
export async function sendToTab<T extends TabMessageType>(
  tabId: number,
  type: T,
  payload: TabProtocolMap[T]['req'],
  options?: { frameId?: number },
): Promise<unknown> {
  const message: TabEnvelope<T> = { channel: 'daakey-qr/tab/v1', type, payload };
  try {
    return await (options ? browser.tabs.sendMessage(tabId, message, options) : browser.tabs.sendMessage(tabId, message));
  } catch {
    // "Could not establish connection. Receiving end does not exist.": no content script of ours there.
    return null;
  }
}
