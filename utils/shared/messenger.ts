/**
 * The two ways any part of the extension sends a message: to the background (`sendToBackground`) and to a
 * dashboard tab's content script (`sendToTab`). Everything else builds on these two, so the envelope and the
 * "no answer" handling exist once.
 */
import { browser } from 'wxt/browser';
import type { Envelope, MessageType, Reply, RequestOf, TabEnvelope, TabMessageType, TabProtocolMap } from './messages';

export type Request = <T extends MessageType>(type: T, payload: RequestOf<T>) => Promise<Reply<T>>;

/**
 * Wraps a raw `send` (injected, so tests can drive it) into typed requests. A dead or missing background, or a
 * reply of the wrong shape, becomes a typed error rather than a rejected promise.
 */
export function createMessenger(send: (message: Envelope) => Promise<unknown>): Request {
  return async (type, payload) => {
    try {
      const reply = await send({ channel: 'daakey-qr/v1', type, payload });
      if (reply && typeof reply === 'object' && 'ok' in reply) return reply as Reply<typeof type>;
      return { ok: false, error: { kind: 'internal', message: 'The extension gave no answer. Reload the page and try again.' } };
    } catch (error) {
      return { ok: false, error: { kind: 'internal', message: error instanceof Error ? error.message : String(error) } };
    }
  };
}

/** A typed request to the background; the router there checks the sender and the payload. */
export const sendToBackground: Request = createMessenger((m) => browser.runtime.sendMessage(m));

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
