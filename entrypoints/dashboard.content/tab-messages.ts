// Answers the popup and background about this tab (`TabProtocolMap`): which tickets it shows, and "open the reply
// panel here". They ask by running a function in this isolated world (`utils/shared/send-to-tab.ts`), which reads
// what is put on `presence` here: no runtime listener, so nothing outside the extension can ask.
import type { ContentScriptContext } from '#imports';
import type { TabActionType, TabProtocolMap } from '@/utils/shared/messages';
import { closePanel, openPanel } from './open-panel';
import { presence } from './instance';
import { ticketStore } from './ticket-store';
import { disabled } from './lifecycle';

type Handlers = { [T in TabActionType]: (payload: TabProtocolMap[T]['req']) => Promise<TabProtocolMap[T]['res']> };

export function init(_ctx: ContentScriptContext, signal: AbortSignal): boolean {
  const handlers: Handlers = {
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

  // Gone from the world's global with the instance (`releaseWorld`): a request then finds nothing to ask.
  presence.anchors = ticketStore.anchors;
  presence.primaryId = () => ticketStore.primaryId;
  presence.act = (type, payload) => (Object.hasOwn(handlers, type) ? handlers[type](payload as never) : null) as never;
  return true;
}
