/** The popup's `ReplyActions`, built on the typed messenger. Shared with the options page. */
import { browser } from 'wxt/browser';
import type { PopupActions, ReplyActions, Result } from '@/components/actions';
import type { Envelope, MessageType, RequestOf, ResponseOf } from '@/utils/shared/messages';
import type { DetectedTicket, TabEnvelope } from '@/utils/shared/messages';
import { createMessenger } from '@/utils/shared/messenger';
import { createReplyActions } from '@/utils/ui/reply-actions';

export const request = createMessenger((m: Envelope) => browser.runtime.sendMessage(m));
export const call = <T extends MessageType>(type: T, payload: RequestOf<T>): Promise<Result<ResponseOf<T>>> => request(type, payload);
const none = {} as Record<string, never>;

export const replyActions: ReplyActions = createReplyActions(request);

/** Asks the tab's content script what tickets it sees; a tab without one answers nothing. */
async function detectedOn(tabId: number | null): Promise<DetectedTicket[]> {
  if (tabId === null) return [];
  const message: TabEnvelope<'tab/detected-tickets'> = { channel: 'daakey-qr/tab/v1', type: 'tab/detected-tickets', payload: {} };
  try {
    const answer: unknown = await browser.tabs.sendMessage(tabId, message);
    const list = Array.isArray(answer)
      ? answer
      : answer && typeof answer === 'object' && 'data' in answer
        ? (answer as { data: unknown }).data
        : [];
    return Array.isArray(list)
      ? list.filter(
          (d): d is DetectedTicket =>
            !!d && typeof d === 'object' && Number.isInteger((d as DetectedTicket).id) && (d as DetectedTicket).id > 0,
        )
      : [];
  } catch {
    return [];
  }
}

const SEEN_KEY = 'dqr-seen-sent';

/** Page-local memory of replies already shown as sent; ids only, the newest 200. */
function seenStore() {
  const read = (): string[] => {
    try {
      const v: unknown = JSON.parse(localStorage.getItem(SEEN_KEY) ?? '[]');
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  };
  return {
    has: (id: string) => read().includes(id),
    add: (id: string) => {
      const ids = read();
      if (ids.includes(id)) return;
      try {
        localStorage.setItem(SEEN_KEY, JSON.stringify([...ids, id].slice(-200)));
      } catch {
        // Storage full or blocked: at worst a sent reply is shown as sent once more.
      }
    },
  };
}

export function popupActions(tabId: Promise<number | null>): PopupActions {
  return {
    ...replyActions,
    seen: seenStore(),
    detectedTickets: async () => detectedOn(await tabId),
    openOptions: () => {
      void browser.runtime.openOptionsPage();
      window.close();
    },
    openOnboarding: () => {
      void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') });
      window.close();
    },
    agencyName: async () => {
      const r = await call('settings/get', none);
      return r.ok ? r.data.agencyCode : '';
    },
  };
}
