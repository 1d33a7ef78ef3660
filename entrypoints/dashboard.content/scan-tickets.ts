// Finds tickets on the page: one full scan, then only what mutations add, then a rescan of the
// URL's ticket on SPA navigation (content scripts are not re-run on pushState/hash changes).
// Every scan runs in slices of a few milliseconds that give the main thread back to the page between
// them, one scan at a time, in document order: a page's top (what it shows first) gets its buttons first.
import type { ContentScriptContext } from '#imports';
import { createTicketDetector, type TicketDetector } from '@/utils/shared/detect-ticket-ids';
import { createTicketScanner, isOwnNodeDefault, type ScanSteps, type TicketScanner } from '@/utils/content/ticket-scanner';
import { ticketStore } from './ticket-store';
import { createReferenceResolver } from './resolve-references';
import { agencyDetection } from './site-check';

const DEBOUNCE_MS = 120;
// A page that never stops mutating (a clock, a ticker) must still get scanned.
const MAX_WAIT_MS = 600;
// One slice of a scan: well under the 50 ms at which the browser calls a task long (and a user feels it).
const SLICE_MS = 8;
// Tickets the first slice of a full scan anchors whatever the clock says: a screen of rows and more, so
// they get their buttons in the DOMContentLoaded task, ahead of the page's first full layout.
const FIRST_SLICE_ANCHORS = 50;

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
  function queue(steps: () => ScanSteps, name: string): void {
    scans = scans.then(() => runSliced(steps(), name)).catch((error) => console.error('[Daakey Quick Reply] scan failed', error));
  }
  async function runSliced(steps: ScanSteps, name: string): Promise<void> {
    const began = performance.now();
    let busy = 0;
    let finding = 0;
    let longest = 0;
    for (;;) {
      if (signal.aborted) return;
      const sliceStart = performance.now();
      sliceEnd = sliceStart + SLICE_MS;
      const step = steps.next();
      finding += performance.now() - sliceStart;
      // The slice's anchors get their buttons in the same slice.
      if (step.value) ticketStore.add(step.value);
      const slice = performance.now() - sliceStart;
      busy += slice;
      longest = Math.max(longest, slice);
      if (step.done) break;
      await yieldToPage();
    }
    measure(name, began, busy);
    if (name === 'dqr-scan') {
      measure('dqr-scan-find', began, finding);
      measure('dqr-scan-wall', began, performance.now() - began);
    }
    measure(`${name}-slice`, began, longest);
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
      isOwnNode: isOwnNodeDefault,
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
 * first scan (its slices summed), `-wall` from its start to its end, `-slice` its longest slice. Each
 * name keeps only its latest entry, so a page that mutates for hours does not grow the timeline; no
 * page data is recorded.
 */
function measure(name: string, start: number, duration: number): void {
  try {
    performance.clearMeasures(name);
    performance.measure(name, { start, duration });
  } catch {
    // A page that replaced `performance` must not break scanning.
  }
}
