/**
 * How any part of the extension asks the background: `sendToBackground`. With `sendToTab` (its own module, so
 * that pages which never message a tab do not carry it) these are the only two senders, so the envelopes and
 * the "no answer" handling exist once.
 */
import { browser } from 'wxt/browser';
import type { Envelope, MessageType, Reply, RequestOf } from './messages';

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
