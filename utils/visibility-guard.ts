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

export function watchVisibility(element: Element): VisibilityWatch {
  if (!supportsVisibilityTracking()) return { covered: () => false, stop: () => undefined };
  // Until the first report, nothing proves the element visible.
  let visible = false;
  const observer = new IntersectionObserver(
    (entries) => {
      const last = entries[entries.length - 1] as VisibilityEntry | undefined;
      if (last) visible = last.isIntersecting && last.isVisible === true;
    },
    // `trackVisibility` needs a delay of at least 100 ms; the typings do not know v2 yet.
    { threshold: [0], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  observer.observe(element);
  return { covered: () => !visible, stop: () => observer.disconnect() };
}
