/**
 * The background's single entry point for messages: who sent it, is it ours, is it well formed,
 * and only then the handler. Anything else gets a typed error and causes no side effect.
 */
import type { Envelope, MessageType, ProtocolError, Reply, RequestOf, SenderClass } from '@/utils/shared/messages';
import { SENDERS } from '@/utils/shared/messages';
import { validatePayload } from './protocol-input';

/** The parts of `runtime.MessageSender` the router reads. */
export interface SenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  frameId?: number;
  tab?: { id?: number; url?: string };
}

export interface HandlerContext {
  sender: SenderClass;
  /** The sender's tab: a content script's, or an extension page shown in a tab (the panel's iframe); null for the popup. */
  tabId: number | null;
  /** Origin of the dashboard page, for content scripts. */
  origin: string | null;
}

export type Handlers = {
  [T in MessageType]: (payload: RequestOf<T>, context: HandlerContext) => Promise<Reply<T>>;
};

export interface RouterOptions {
  runtimeId: string;
  /** e.g. `chrome-extension://abc…` without a trailing slash. */
  extensionOrigin: string;
  /** Whether this origin is a dashboard the agent enabled. */
  isDashboardOrigin: (origin: string) => boolean | Promise<boolean>;
  handlers: Handlers;
  onError?: (error: unknown) => void;
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    // `new URL('chrome-extension://id/x').origin` is "null" in some engines.
    return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

const fail = (error: ProtocolError) => ({ ok: false as const, error });

export async function classifySender(
  sender: SenderInfo,
  options: Pick<RouterOptions, 'runtimeId' | 'extensionOrigin' | 'isDashboardOrigin'>,
): Promise<{ kind: SenderClass; origin: string } | null> {
  if (!sender || sender.id !== options.runtimeId) return null;
  const urlOrigin = originOf(sender.url);
  if (!urlOrigin) return null;
  // `sender.origin` (Chrome 80+, Firefox 126+) comes from the browser process, unlike the URL a
  // compromised renderer could report; when both are present they must agree.
  if (sender.origin !== undefined && sender.origin !== urlOrigin) return null;
  if (urlOrigin === options.extensionOrigin) return { kind: 'extension-page', origin: urlOrigin };
  if (!sender.tab || sender.frameId !== 0) return null;
  if (originOf(sender.tab.url) !== urlOrigin) return null;
  return (await options.isDashboardOrigin(urlOrigin)) ? { kind: 'content-script', origin: urlOrigin } : null;
}

export function isEnvelope(message: unknown): message is Envelope {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as Envelope).channel === 'daakey-qr/v1' &&
    typeof (message as Envelope).type === 'string'
  );
}

export function createRouter(options: RouterOptions) {
  return async function route(message: unknown, sender: SenderInfo): Promise<Reply<MessageType>> {
    try {
      if (!isEnvelope(message)) return fail({ kind: 'bad_request', message: 'Not a Daakey Quick Reply message.' });
      const type = message.type as MessageType;
      if (!Object.hasOwn(SENDERS, type)) {
        return fail({ kind: 'unknown_type', message: 'Unknown request type.' });
      }
      const who = await classifySender(sender, options);
      if (!who || !SENDERS[type].includes(who.kind)) {
        return fail({ kind: 'bad_sender', message: 'This request is not allowed from here.' });
      }
      const problem = validatePayload(type, message.payload);
      if (problem) return fail({ kind: 'bad_request', message: problem });
      const handler = options.handlers[type] as (p: unknown, c: HandlerContext) => Promise<Reply<MessageType>>;
      return await handler(message.payload, {
        sender: who.kind,
        tabId: typeof sender.tab?.id === 'number' && sender.tab.id >= 0 ? sender.tab.id : null,
        origin: who.kind === 'content-script' ? who.origin : null,
      });
    } catch (error) {
      options.onError?.(error);
      return fail({ kind: 'internal', message: 'Something went wrong in the extension. Try again.' });
    }
  };
}
