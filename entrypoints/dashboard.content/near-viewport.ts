// When an element is close enough to what the agent sees for a scan to go on past it: lets a scan of a
// page of thousands of rows follow the agent's scrolling instead of holding the whole page at load.

/** How far below the viewport counts as near, in viewport heights. */
export const NEAR_SCREENS = 3;

/**
 * Near: above the bottom of the viewport plus NEAR_SCREENS screens (rows scrolled past count, so a jump
 * to the end of a list lets the scan catch up), or with no box at all (hidden content is never scrolled
 * to: waiting for it would stop the scan for good).
 */
export function isNear(rect: { top: number; width: number; height: number }, viewportHeight: number): boolean {
  return !(rect.width || rect.height) || rect.top < viewportHeight * (1 + NEAR_SCREENS);
}

/**
 * Resolves true once `element` is near the viewport (see `isNear`), false if `signal` aborts first. Asked
 * through an IntersectionObserver, whose report comes with the layout the page's next frame computes anyway
 * (reading a rect here could force a layout of the whole page), and asked again after every scroll: a scroll
 * container or a jump can take the element past the viewport without it ever crossing the viewport's edge.
 */
export function whenNear(element: Element, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const observer = new IntersectionObserver((entries) => {
      if (isNear(entries[entries.length - 1]!.boundingClientRect, innerHeight)) done(true);
    });
    // A new observation is reported at the next frame, whether or not it intersects.
    const askAgain = () => {
      observer.unobserve(element);
      observer.observe(element);
    };
    const stop = () => done(false);
    const done = (near: boolean) => {
      observer.disconnect();
      removeEventListener('scroll', askAgain, true);
      signal.removeEventListener('abort', stop);
      resolve(near);
    };
    if (signal.aborted) return stop();
    observer.observe(element);
    // Capture: a scroll inside a container does not bubble.
    addEventListener('scroll', askAgain, { capture: true, passive: true });
    signal.addEventListener('abort', stop);
  });
}
