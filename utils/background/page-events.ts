/**
 * Tells the open extension pages (the welcome tab, the options) when the settings or the sign-in change, so a
 * page shows a sign-in made in another tab without waiting to be focused. The event names what changed and
 * nothing else.
 */
import { PAGE_EVENT_CHANNEL, type PageEvent, type PageEventName } from '@/utils/shared/messages';

export interface Watchable {
  watch(callback: () => void): () => void;
}

export interface PageEventsDeps {
  settings: Watchable;
  /** Every item that holds the sign-in (persistent and session copies). */
  credentials: Watchable[];
  /** `runtime.sendMessage`: reaches every extension page; rejects when none is open. */
  send: (event: PageEvent) => Promise<unknown>;
}

/** Starts announcing; returns what stops it. */
export function announceChangesToPages({ settings, credentials, send }: PageEventsDeps): () => void {
  const announce = (event: PageEventName) => {
    // No page open is the usual case, not an error.
    send({ channel: PAGE_EVENT_CHANNEL, event }).catch(() => undefined);
  };
  const stops = [
    settings.watch(() => announce('settings-changed')),
    ...credentials.map((item) => item.watch(() => announce('auth-changed'))),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
