// Dashboard content script: only wiring. Registered at run time by the background
// (`scripting.registerContentScripts`, file `content-scripts/dashboard.js`) for enabled dashboard origins.
import { defineContentScript, type ContentScriptContext } from '#imports';
import { claimPage, cutOff, firstInWorld, releaseWorld } from './instance';
import { agencyDetection } from './site-check';
import { disabled } from './lifecycle';
import { replyWord } from './labels';
import * as inlineReplyButton from './inline-reply-button';
import * as scanTickets from './scan-tickets';
import * as tabMessages from './tab-messages';
import { ticketStore } from './ticket-store';

interface Feature {
  name: string;
  init(ctx: ContentScriptContext, signal: AbortSignal): boolean | void;
}

// Order matters: buttons subscribe before the scan publishes, messages answer from the scan's results.
export const features: readonly Feature[] = [
  { name: 'inline-reply-button', init: inlineReplyButton.init },
  { name: 'scan-tickets', init: scanTickets.init },
  { name: 'tab-messages', init: tabMessages.init },
];

export default defineContentScript({
  matches: ['http://127.0.0.1/*', 'http://localhost/*'],
  registration: 'runtime',
  runAt: 'document_start',
  main(ctx) {
    if (!firstInWorld()) return;
    const signal = claimPage(AbortSignal.any([cutOff(ctx.signal), disabled.signal]));
    signal.addEventListener(
      'abort',
      () => {
        ticketStore.reset();
        releaseWorld();
      },
      { once: true },
    );
    // Asked at once: a page the background refuses (not an enabled dashboard) stops before any button.
    void agencyDetection();
    // The first i18n lookup loads the locale bundle: 6–23 ms on a 50,000-row page, measured inside the first
    // slice. Made here, in the injection task before the page is parsed, so the first slice does not pay it.
    replyWord();
    whenParsed(signal, () => {
      if (signal.aborted) return;
      for (const feature of features) {
        // One feature that throws must not stop the others.
        try {
          feature.init(ctx, signal);
        } catch (error) {
          console.error(`[Daakey Quick Reply] ${feature.name} failed`, error);
        }
      }
    });
  },
});

/**
 * Runs `start` once the document is parsed. Registered at `document_start` so that this is the
 * DOMContentLoaded task itself: an injection at `document_end` is a task of its own that a long page's
 * first full layout (seconds on 10,000 table rows) runs ahead of, and the buttons the first scan then
 * inserts cost that layout a second time. The state is checked, not the event trusted: a page can
 * dispatch its own DOMContentLoaded while still loading.
 */
export function whenParsed(signal: AbortSignal, start: () => void): void {
  if (document.readyState !== 'loading') {
    start();
    return;
  }
  const onReady = () => {
    if (document.readyState === 'loading') return;
    document.removeEventListener('DOMContentLoaded', onReady, true);
    start();
  };
  document.addEventListener('DOMContentLoaded', onReady, { capture: true, signal });
}
