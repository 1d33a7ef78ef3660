// Finds tickets on the page: one full scan, then only what mutations add, then a rescan of the
// URL's ticket on SPA navigation (content scripts are not re-run on pushState/hash changes).
// Every scan runs in slices of a few milliseconds that give the main thread back to the page between
// them, one scan at a time, in document order: a page's top (what it shows first) gets its buttons first.
// On a long list a scan goes a few screens past the viewport and goes on as the agent scrolls.
import type { ContentScriptContext } from '#imports';
import { createTicketDetector, type TicketDetector } from '@/utils/shared/detect-ticket-ids';
import { createTicketScanner, isOwnNodeDefault, type ScanSteps, type TicketScanner } from '@/utils/content/ticket-scanner';
import { ticketStore } from './ticket-store';
import { createReferenceResolver } from './resolve-references';
import { agencyDetection } from './site-check';
import { whenNear } from './near-viewport';

const DEBOUNCE_MS = 120;
// A page that never stops mutating (a clock, a ticker) must still get scanned.
const MAX_WAIT_MS = 600;
// One slice of a scan: well under the 50 ms at which the browser calls a task long (and a user feels it).
const SLICE_MS = 8;
// Tickets the first slice of a full scan anchors whatever the clock says: a screen of rows and more, so
// they get their buttons in the DOMContentLoaded task, ahead of the page's first full layout.
const FIRST_SLICE_ANCHORS = 50;
// Tickets a scan anchors before it asks whether the last of them is still near the viewport, and waits for
// the agent to scroll if not. A whole-page scan of 50,000 rows held a JS object per row, and the garbage
// collection that brought on paused the page for 157–434 ms inside one of our slices (see README).
const CHUNK_ANCHORS = 200;

function primaryId(scanner: TicketScanner): number | null {
  const primary = scanner.primary();
  return primary && 'id' in primary ? primary.id : null;
}

export function init(ctx: ContentScriptContext, signal: AbortSignal): boolean {
  const root = document.body;
  if (!root) return false;
  // Scans run one after another (a mutation during the first scan waits for it), each in slices.
  let scans: Promise<void> = Promise.resolve();
  let sliceEnd = 0;
  const slicePause = () => performance.now() >= sliceEnd;
  // Whole-page scans started so far: a newer one covers what a waiting older one still had to do.
  let wholeScans = 0;
  function enqueue(run: () => Promise<void>): void {
    scans = scans.then(run).catch((error) => console.error('[Daakey Quick Reply] scan failed', error));
  }
  function queue(steps: () => ScanSteps, name: string): void {
    enqueue(() => runSliced(steps(), name));
  }
  function runSliced(steps: ScanSteps, name: string): Promise<void> {
    const began = performance.now();
    let busy = 0;
    let longest = 0;
    const whole = name !== 'dqr-scan-incremental' && ++wholeScans;
    const record = (complete: boolean) => measure(name, began, busy, { complete, longest });
    const run = async (): Promise<void> => {
      let ahead = 0;
      let last: Element | undefined;
      for (;;) {
        if (signal.aborted || (whole && whole !== wholeScans)) return;
        const sliceStart = performance.now();
        sliceEnd = sliceStart + SLICE_MS;
        const step = steps.next();
        // The slice's anchors get their buttons in the same slice.
        if (step.value?.length) {
          ticketStore.add(step.value);
          ahead += step.value.length;
          last = step.value[step.value.length - 1]!.element;
        }
        const slice = performance.now() - sliceStart;
        busy += slice;
        longest = Math.max(longest, slice);
        if (step.done) return record(true);
        if (ahead >= CHUNK_ANCHORS && last) {
          // Enough rows past this point for now: the rest waits until the agent scrolls near them, out of the
          // queue (mutation scans go on meanwhile).
          record(false);
          void whenNear(last, signal).then((near) => near && enqueue(run));
          return;
        }
        await yieldToPage();
      }
    };
    return run();
  }

  // The built-in patterns at once (the rows on screen get their buttons without waiting for the
  // background, which may have to wake up); the agency's own patterns, from settings through the
  // background, when they come: then the page is scanned again with them.
  const scanner = start(createTicketDetector());
  void agencyDetection().then((config) => {
    if (signal.aborted || !config || (!config.urlPatterns.length && !config.selectors.length)) return;
    scanner.setDetector(createTicketDetector(config));
    queue(() => scanner.scanAllSteps(slicePause), 'dqr-scan-agency');
  });
  return true;

  function start(detector: TicketDetector): TicketScanner {
    const references = createReferenceResolver(signal, (elements) => {
      // Their references are now known: scan those elements again so they get their buttons.
      for (const element of elements) scanner.forget(element);
      ticketStore.add(scanner.scanAdded(elements));
    });
    const scanner = createTicketScanner({
      detector,
      root,
      getUrl: () => location.href,
      resolveReference: references.lookup,
      onReference: references.request,
    });

    ticketStore.setSource(scanner);
    ticketStore.update(primaryId(scanner));
    queue(() => scanner.scanAllSteps(slicePause, FIRST_SLICE_ANCHORS), 'dqr-scan');

    let pending: Node[] = [];
    let removed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let firstPendingAt = 0;

    const flush = () => {
      timer = undefined;
      if (signal.aborted) return;
      const nodes = pending;
      pending = [];
      if (removed) {
        removed = false;
        ticketStore.update(primaryId(scanner));
      }
      if (nodes.length) queue(() => scanner.scanAddedSteps(nodes, slicePause), 'dqr-scan-incremental');
    };

    const observer = new MutationObserver((records) => {
      for (const record of records) {
        if (isOwnNodeDefault(record.target)) continue;
        for (const node of record.addedNodes) if (!isOwnNodeDefault(node)) pending.push(node);
        for (const node of record.removedNodes) if (!isOwnNodeDefault(node)) removed = true;
      }
      if (!pending.length && !removed) return;
      const now = Date.now();
      if (timer === undefined) firstPendingAt = now;
      else clearTimeout(timer);
      timer = setTimeout(flush, now - firstPendingAt >= MAX_WAIT_MS ? 0 : DEBOUNCE_MS);
    });
    observer.observe(root, { childList: true, subtree: true });
    signal.addEventListener(
      'abort',
      () => {
        observer.disconnect();
        if (timer !== undefined) clearTimeout(timer);
      },
      { once: true },
    );

    let lastUrl = location.href;
    const onLocationChange = () => {
      if (signal.aborted || location.href === lastUrl) return;
      lastUrl = location.href;
      ticketStore.update(primaryId(scanner));
      queue(() => scanner.scanAllSteps(slicePause, FIRST_SLICE_ANCHORS), 'dqr-scan-navigation');
    };
    // WXT polls for history changes (an isolated world cannot wrap the page's pushState);
    // popstate and hashchange answer faster for back/forward and hash routes.
    ctx.addEventListener(window, 'wxt:locationchange', onLocationChange, { signal });
    window.addEventListener('popstate', onLocationChange, { signal });
    window.addEventListener('hashchange', onLocationChange, { signal });
    return scanner;
  }
}

// One channel for every yield: scans run one at a time, so one resolver is waiting at most.
const channel = new MessageChannel();

/**
 * Gives the main thread back to the page: `scheduler.yield()` where it exists (the scan then resumes
 * ahead of other queued tasks, after input and rendering), a message-channel macrotask otherwise
 * (unlike `setTimeout`, not clamped to 4 ms when repeated).
 */
function yieldToPage(): Promise<unknown> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => {
    channel.port1.onmessage = resolve;
    channel.port2.postMessage(0);
  });
}

/**
 * A scan's time as a User Timing measure (read by `bench/`): `dqr-scan` is the main-thread time of the
 * first scan (its slices summed), `detail.longest` its longest slice; recorded when it ends and whenever it
 * stops to wait for scrolling (`detail.complete` tells which). Each name keeps only its latest entry, so a
 * page that mutates for hours does not grow the timeline; no page data is recorded.
 */
function measure(name: string, start: number, duration: number, detail: { complete: boolean; longest: number }): void {
  try {
    performance.clearMeasures(name);
    performance.measure(name, { start, duration, detail });
  } catch {
    // A page that replaced `performance` must not break scanning.
  }
}
