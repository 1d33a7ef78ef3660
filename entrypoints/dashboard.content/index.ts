// Dashboard content script: only wiring. Registered at run time by the background
// (`scripting.registerContentScripts`, file `content-scripts/dashboard.js`) for enabled dashboard origins.
import { defineContentScript, type ContentScriptContext } from '#imports';
import { DASHBOARD_WORLD_KEY } from '@/utils/dashboard-sites';
import { claimPage, instanceId } from './instance';
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
  runAt: 'document_idle',
  main(ctx) {
    const signal = claimPage(AbortSignal.any([ctx.signal, disabled.signal]));
    signal.addEventListener('abort', () => ticketStore.reset(), { once: true });
    // Tells the background this world runs a live instance, so an open tab is injected once (cleared on stop,
    // unless a newer instance took over meanwhile).
    const world = globalThis as unknown as Record<symbol, unknown>;
    const mark = Symbol.for(DASHBOARD_WORLD_KEY);
    world[mark] = instanceId;
    signal.addEventListener(
      'abort',
      () => {
        if (world[mark] === instanceId) delete world[mark];
      },
      { once: true },
    );
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
