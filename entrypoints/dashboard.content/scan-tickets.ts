// Finds tickets on the page: one full scan, then only what mutations add, then a rescan of the
// URL's ticket on SPA navigation (content scripts are not re-run on pushState/hash changes).
import type { ContentScriptContext } from '#imports';
import { createTicketDetector, type TicketDetector } from '@/utils/detect-ticket-ids';
import { createTicketScanner, isOwnNodeDefault, type TicketScanner } from '@/utils/ticket-scanner';
import { ticketStore } from './ticket-store';
import { createReferenceResolver } from './resolve-references';
import { agencyDetection } from './site-check';

const DEBOUNCE_MS = 120;
// A page that never stops mutating (a clock, a ticker) must still get scanned.
const MAX_WAIT_MS = 600;

function primaryId(scanner: TicketScanner): number | null {
  const primary = scanner.primary();
  return primary && 'id' in primary ? primary.id : null;
}

export function init(ctx: ContentScriptContext, signal: AbortSignal): boolean {
  const root = document.body;
  if (!root) return false;
  // The agency's own patterns come from settings through the background: one short wait, so a
  // page is scanned once with everything rather than twice. A silent background does not block it.
  void agencyDetection().then((config) => {
    if (!signal.aborted) start(createTicketDetector(config ?? {}));
  });
  return true;

  function start(detector: TicketDetector) {
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

    ticketStore.setSource(() => scanner.anchors());
    timed('dqr-scan', () => {
      ticketStore.update(primaryId(scanner));
      ticketStore.add(timed('dqr-scan-find', () => scanner.scanAll()));
    });

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
      timed('dqr-scan-incremental', () => ticketStore.add(scanner.scanAdded(nodes)));
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
      ticketStore.add(scanner.scanAll());
    };
    // WXT polls for history changes (an isolated world cannot wrap the page's pushState);
    // popstate and hashchange answer faster for back/forward and hash routes.
    ctx.addEventListener(window, 'wxt:locationchange', onLocationChange, { signal });
    window.addEventListener('popstate', onLocationChange, { signal });
    window.addEventListener('hashchange', onLocationChange, { signal });
  }
}

/**
 * Wall time of a scan as a User Timing measure (read by `bench/`). Each name keeps only its latest
 * entry, so a page that mutates for hours does not grow the timeline; no page data is recorded.
 */
function timed<T>(name: string, fn: () => T): T {
  const start = performance.now();
  const result = fn();
  try {
    performance.clearMeasures(name);
    performance.measure(name, { start, end: performance.now() });
  } catch {
    // A page that replaced `performance` must not break scanning.
  }
  return result;
}
