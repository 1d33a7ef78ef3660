/**
 * Whether an element is really seen by the agent, as far as the browser can tell: IntersectionObserver v2
 * (`trackVisibility`, Chromium) reports an element as not visible when anything covers it, or an ancestor
 * (in any frame) fades, filters or transforms it. Where the browser cannot tell, the element counts as visible.
 */

interface VisibilityEntry extends IntersectionObserverEntry {
  isVisible?: boolean;
}

export interface VisibilityWatch {
  /** True while the element is known to be hidden, covered or altered. */
  covered(): boolean;
  stop(): void;
}

export function supportsVisibilityTracking(): boolean {
  return typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;
}

/**
 * How long the element must have been seen, unaltered, before an action counts: a decoy that vanishes on the
 * agent's first click (double-click jacking) leaves the second one no time. Browsers guard their own
 * permission prompts the same way.
 */
export const VISIBLE_FOR_MS = 500;

/**
 * `onSettled` hears when actions start to count (the element has been seen for `VISIBLE_FOR_MS`) and when they
 * stop, so the view can say so and tests can wait for it instead of guessing a delay.
 */
export function watchVisibility(
  element: Element,
  { clock = () => performance.now(), onSettled = () => undefined }: { clock?: () => number; onSettled?: (settled: boolean) => void } = {},
): VisibilityWatch {
  if (!supportsVisibilityTracking()) {
    onSettled(true);
    return { covered: () => false, stop: () => undefined };
  }
  // Until the first report, nothing proves the element visible.
  let visibleSince: number | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onSettled(false);
  const observer = new IntersectionObserver(
    (entries) => {
      const last = entries[entries.length - 1] as VisibilityEntry | undefined;
      if (!last) return;
      const visible = last.isIntersecting && last.isVisible === true;
      if (!visible) {
        if (visibleSince !== null) onSettled(false);
        visibleSince = null;
        clearTimeout(timer);
      } else if (visibleSince === null) {
        const since = clock();
        visibleSince = since;
        timer = setTimeout(() => {
          if (visibleSince === since) onSettled(true);
        }, VISIBLE_FOR_MS);
      }
    },
    // `trackVisibility` needs a delay of at least 100 ms; the typings do not know v2 yet.
    { threshold: [0], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  observer.observe(element);
  return {
    covered: () => visibleSince === null || clock() - visibleSince < VISIBLE_FOR_MS,
    stop: () => {
      clearTimeout(timer);
      observer.disconnect();
    },
  };
}
