// Dashboard content script: only wiring. Registered at run time by the background
// (`scripting.registerContentScripts`, file `content-scripts/dashboard.js`) for enabled dashboard origins.
import { defineContentScript, type ContentScriptContext } from '#imports';
import { claimPage, cutOff, firstInWorld, releaseWorld } from './instance';
import { agencyDetection } from './site-check';
import { disabled } from './lifecycle';
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
  runAt: 'document_end',
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
    for (const feature of features) {
      // One feature that throws must not stop the others.
      try {
        feature.init(ctx, signal);
      } catch (error) {
        console.error(`[Daakey Quick Reply] ${feature.name} failed`, error);
      }
    }
  },
});
