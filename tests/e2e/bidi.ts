/** Two ways Firefox's WebDriver BiDi differs from what puppeteer expects, and what the harness does about them. */
import type { Page } from 'puppeteer-core';
import { pollUntil } from './poll';

/**
 * Under load Firefox's WebDriver BiDi sometimes fails to build the answer of a script that did run ("right-hand
 * side of 'in' should be an object, got null"), and puppeteer gives up at the first such error. For reads, which are
 * safe to ask again, this asks again.
 */
export const BIDI_ANSWER_LOST = /right-hand side of 'in'/;

export async function askAgainOnLostAnswer<T>(read: () => Promise<T>, attempts = 5, pauseMs = 100): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts || !BIDI_ANSWER_LOST.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/**
 * Firefox sends no navigation events for moz-extension:// pages (bug 1755014), so puppeteer's `goto` never
 * resolves there: it is started, and the document at that URL is awaited instead. While the page swaps documents
 * an evaluation may fail; that poll just counts as not loaded yet. `goto`'s own error ends the wait.
 */
export async function gotoExtensionPage(page: Page, url: string, timeoutMs: number): Promise<void> {
  let gotoError: unknown = null;
  void page.goto(url, { timeout: timeoutMs }).catch((error: unknown) => {
    gotoError = error;
  });
  await pollUntil(
    async () => {
      const loaded = await page.evaluate((u: string) => location.href === u && document.readyState === 'complete', url).catch(() => false);
      if (loaded) return true;
      if (gotoError) throw gotoError;
      return undefined;
    },
    timeoutMs,
    () => gotoError ?? new Error(`Timeout ${timeoutMs} ms loading ${url}`),
  );
}
