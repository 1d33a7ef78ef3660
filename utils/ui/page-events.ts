/** The page side of `utils/background/page-events.ts`. */
import { browser } from 'wxt/browser';
import { PAGE_EVENT_CHANNEL, PAGE_EVENT_NAMES, type PageEvent, type PageEventName } from '@/utils/shared/messages';
import { isOneOf } from '@/utils/shared/settings-values';

export function isPageEvent(message: unknown): message is PageEvent {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<PageEvent>;
  return m.channel === PAGE_EVENT_CHANNEL && isOneOf(PAGE_EVENT_NAMES, m.event);
}

type OnMessage = Pick<typeof browser.runtime.onMessage, 'addListener' | 'removeListener'>;

/**
 * Calls `listener` for each page event; returns what stops it. The listener never answers: requests from other
 * pages to the background pass by on the same channel, and an answer from here would race the background's.
 */
export function onPageEvent(listener: (event: PageEventName) => void, onMessage: OnMessage = browser.runtime.onMessage): () => void {
  const receive = (message: unknown) => {
    if (isPageEvent(message)) listener(message.event);
    return undefined;
  };
  onMessage.addListener(receive);
  return () => onMessage.removeListener(receive);
}
