export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Firefox harness's one wait loop: `probe` every `everyMs` until it gives something other than `undefined`,
 * or `timedOut()` thrown once `timeoutMs` has passed. Puppeteer's own `waitForFunction` is not used: it builds a
 * Function in the page, which an extension page's policy forbids, and it gives up at the first answer BiDi fails
 * to build (`./bidi`). A probe that throws ends the wait with its error.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  timedOut: () => unknown,
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw timedOut();
    await sleep(everyMs);
  }
}
