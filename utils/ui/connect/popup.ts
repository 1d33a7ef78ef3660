/** The popup's actions: the reply form's, plus the tickets on the page, the options link and the seen-sent memory. */
import { browser } from 'wxt/browser';
import type { DetectedTicket } from '@/utils/shared/messages';
import { sendToBackground } from '@/utils/shared/messenger';
import { sendToTab } from '@/utils/shared/send-to-tab';
import { createReplyActions, none, type PopupActions, type SeenStore } from './index';

/** Asks the tab's content script what tickets it sees; a tab without one answers nothing. */
async function detectedOn(tabId: number | null): Promise<DetectedTicket[]> {
  if (tabId === null) return [];
  const answer = await sendToTab(tabId, 'tab/detected-tickets', {});
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
}

const SEEN_KEY = 'dqr-seen-sent';

/** Page-local memory of replies already shown as sent; ids only, the newest 200. */
function seenStore(): SeenStore {
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

export function createPopupActions(tabId: Promise<number | null>): PopupActions {
  return {
    ...createReplyActions(),
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
      const r = await sendToBackground('settings/get', none);
      return r.ok ? r.data.agencyCode : '';
    },
  };
}
