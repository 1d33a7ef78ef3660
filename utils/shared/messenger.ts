import type { Envelope, MessageType, Reply, RequestOf } from './messages';

export type Request = <T extends MessageType>(type: T, payload: RequestOf<T>) => Promise<Reply<T>>;

/**
 * Wraps `runtime.sendMessage` (injected) into typed requests. A dead or missing background, or a
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
