/**
 * One driver for both browsers. A test imports its types from here and never learns which browser it drives:
 * Chromium is Playwright itself; Firefox is puppeteer-core over WebDriver BiDi behind the same small API
 * (./firefox-driver.ts). What one browser cannot do is skipped with the reason in the test's name (`onlyIn`).
 */
import { existsSync } from 'node:fs';
import { it } from 'vitest';

export type { BrowserContext, Frame, Locator, Page, Worker } from 'playwright-core';

export type BrowserName = 'chromium' | 'firefox';
export const BROWSER: BrowserName = process.env.E2E_BROWSER === 'firefox' ? 'firefox' : 'chromium';
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr';
export const HAS_FIREFOX = existsSync(FIREFOX);
/** The Firefox build the e2e tests load (see the README for why this manifest version). */
export const FIREFOX_BUILD = process.env.E2E_FIREFOX_BUILD ?? '.output/firefox-mv3';

/**
 * `it`, or (in the browser named in `skip`) `it.skip` with the reason in its title, so the run's output names
 * every skipped test and why.
 */
export function itUnless(skip: Partial<Record<BrowserName, string>>) {
  const reason = skip[BROWSER];
  if (!reason) return it;
  return ((name: string, fn?: unknown, timeout?: unknown) =>
    it.skip(`${name} [skipped in ${BROWSER}: ${reason}]`, fn as never, timeout as never)) as unknown as typeof it;
}

/** The scheme of the extension's own pages (`rig.extensionId` is the host part). */
export const EXTENSION_SCHEME = BROWSER === 'firefox' ? 'moz-extension' : 'chrome-extension';
