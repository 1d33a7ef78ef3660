/**
 * Firefox smoke test: Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (no
 * geckodriver), with `.output/firefox-mv3` (exactly what `wxt build -b firefox` produced) installed
 * as a temporary add-on. Configure the sandbox in the options page, sign in, send one reply from the
 * popup page and check, on the sandbox, that exactly one correctly signed message arrived.
 * Needs Debian's `firefox-esr` (or `FIREFOX_PATH`); without it the test is skipped. Firefox's own pitfalls
 * (no navigation events for extension pages, `--remote-allow-system-access`) are explained where they are met.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control } from '../../sandbox/client';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { askAgainOnLostAnswer, gotoExtensionPage } from './bidi';
import { pollUntil } from './poll';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr';
const EXTENSION_DIR = path.resolve('.output/firefox-mv3');
const HAS_FIREFOX = existsSync(FIREFOX);
// Fixed, so that the extension's pages have known URLs (extensions.webextensions.uuids).
const UUID = '3f0c8d52-6f4e-4d7a-9d1b-2a6c1f0e7b41';
const ORIGIN = `moz-extension://${UUID}`;
const DEMO = { email: 'agent@demo.daakey.test', password: 'demo-password', agencyCode: 'AGENCY123', secret: 'sandbox-secret-123' };

function geckoId(): string {
  const manifest = JSON.parse(readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
    browser_specific_settings?: { gecko?: { id?: string } };
  };
  const id = manifest.browser_specific_settings?.gecko?.id;
  if (!id) throw new Error('The Firefox build has no browser_specific_settings.gecko.id');
  return id;
}

/**
 * `waitForFunction`, polled from here. Firefox's BiDi now and then fails to build an evaluation's answer ("right-hand
 * side of 'in' should be an object, got null", seen under load), and puppeteer's own wait gives up at the first
 * such error; here one failed poll is just one more poll. Each poll is one evaluation, so nothing waits on a frame.
 */
async function waitUntil<A extends unknown[]>(
  target: Page | Frame,
  fn: (...args: A) => unknown,
  { polling = 100, timeout = 15_000 }: { polling?: number; timeout?: number },
  ...args: A
): Promise<void> {
  let lastError: unknown = null;
  await pollUntil(
    async () => {
      try {
        return (await target.evaluate(fn as (...a: unknown[]) => unknown, ...args)) ? true : undefined;
      } catch (error) {
        lastError = error;
        return undefined;
      }
    },
    timeout,
    () => new Error(`Waited ${timeout} ms for ${String(fn).slice(0, 160)}${lastError ? ` (last error: ${String(lastError)})` : ''}`),
    polling,
  );
}

/** One evaluation, asked again when BiDi fails to build its answer (`./bidi`). */
function ask<R, A extends unknown[]>(target: Page | Frame, fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> {
  return askAgainOnLostAnswer(() => target.evaluate(fn as (...a: unknown[]) => R, ...args) as Promise<Awaited<R>>);
}

/** An extension page in a new tab (`gotoExtensionPage`: Firefox sends no navigation events for them). */
async function open(browser: Browser, file: string): Promise<Page> {
  try {
    return await openOnce(browser, file);
  } catch {
    // Seen under load: the first moz-extension page of a fresh add-on can be replaced while it loads
    // (the wait then fails at once, not by timing out). A second navigation is reliable.
    return openOnce(browser, file);
  }
}

async function openOnce(browser: Browser, file: string): Promise<Page> {
  const page = await browser.newPage();
  await gotoExtensionPage(page, `${ORIGIN}/${file}`, 20_000);
  return page;
}

/**
 * A waiting locator without the checks that need the page to paint: a stable box is judged over animation frames,
 * and a loaded headless Firefox sharing two cores with another browser was seen giving those out so slowly that one
 * `fill` took 10–25 s. Visible and enabled are still awaited.
 */
const find = (page: Page, selector: string) =>
  page.locator(selector).setWaitForStableBoundingBox(false).setEnsureElementIsInTheViewport(false);

/** A labelled control. Firefox's accessibility tree leaves out password inputs, so those go by label text. */
const byLabel = (label: string, element = 'input') =>
  `::-p-xpath(//label[contains(normalize-space(.), ${JSON.stringify(label)})]//${element})`;

async function textOf(page: Page, selector: string): Promise<string> {
  return ask(page, (sel: string) => document.querySelector(sel)?.textContent?.trim() ?? '', selector);
}

/**
 * One named step, bounded: a call that never settles (a BiDi command left unanswered) fails here with the step's
 * name instead of running into the test's own timeout with no word on where it stood.
 */
async function step<T>(name: string, run: () => Promise<T>, ms = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Step "${name}" did not end within ${ms} ms`)), ms);
  });
  const began = Date.now();
  try {
    return await Promise.race([run(), late]);
  } finally {
    clearTimeout(timer);
    // A slow step is named in the output even when the test goes on to pass or to time out as a whole.
    const took = Date.now() - began;
    if (took > 5_000) console.warn(`Firefox smoke: step "${name}" took ${took} ms`);
  }
}

const TITLE = HAS_FIREFOX
  ? 'Firefox ESR smoke'
  : `Firefox ESR smoke — skipped: no Firefox ESR at ${FIREFOX} (apt-get install -y firefox-esr)`;

describe.skipIf(!HAS_FIREFOX)(TITLE, () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let profileDir: string;

  beforeAll(async () => {
    if (!existsSync(path.join(EXTENSION_DIR, 'manifest.json')))
      throw new Error(`Build the Firefox extension first: ${EXTENSION_DIR} is missing (npx wxt build -b firefox).`);
    sandbox = await startSandbox({ port: 0, control: true });
    profileDir = await mkdtemp(path.join(tmpdir(), 'dqr-firefox-'));
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      headless: true,
      executablePath: FIREFOX,
      userDataDir: profileDir,
      // Needed to open moz-extension:// pages over BiDi.
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [geckoId()]: UUID }) },
    });
    await browser.installExtension(EXTENSION_DIR);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await sandbox?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true }).catch(() => undefined);
  });

  it('configures the sandbox, signs in and sends one signed reply from the popup', async () => {
    // The welcome tab the install opened preselects a 10 s undo window; the agent closes it and picks Off below.
    await step('close the welcome tab', async () => {
      for (const tab of await browser.pages()) if (tab.url().includes('/onboarding.html')) await tab.close();
    });
    // Options: environment, API and agency credentials, then the agent's sign-in.
    const options = await step('open the options page', () => open(browser, 'options.html'), 45_000);
    await step('choose the Sandbox environment', () => find(options, '::-p-aria(Environment[role="combobox"])').fill('sandbox'));
    await step('type the API base URL', () => find(options, byLabel('API base URL')).fill(sandbox.url));
    await step('type the agency code', () => find(options, '::-p-aria(Agency code[role="textbox"])').fill(DEMO.agencyCode));
    await step('type the agency secret', () => find(options, byLabel('Agency secret')).fill(DEMO.secret));
    await step('save the connection', async () => {
      await find(options, '::-p-aria(Save[role="button"])').click();
      // Signing in before the save has landed would sign in against the previous (Production) environment.
      await waitUntil(options, () => [...document.querySelectorAll('[role="status"]')].some((el) => el.textContent?.trim() === 'Saved'), {
        polling: 100,
        timeout: 15_000,
      });
    });
    await step('switch the undo window off', async () => {
      await find(options, '::-p-aria(Undo window[role="combobox"])').fill('0');
      await waitUntil(options, () => document.body.textContent?.includes('Undo window saved.'), { polling: 100, timeout: 10_000 });
    });
    await step('sign in', async () => {
      await find(options, '::-p-aria(Email[role="textbox"])').fill(DEMO.email);
      await find(options, byLabel('Password')).fill(DEMO.password);
      await find(options, '::-p-aria(Sign in[role="button"])').click();
      await waitUntil(
        options,
        (email: string) => document.body.textContent?.includes(email),
        { polling: 100, timeout: 15_000 },
        DEMO.email,
      );
    });
    await step('close the options page', () => options.close());

    // Popup (as a page) for ticket 1: type, send, wait for the live region to say it was sent.
    const text = `Firefox smoke ${Date.now()}`;
    const popup = await step('open the popup page', () => open(browser, 'popup.html?ticket=1'), 45_000);
    await step('type and send', async () => {
      await find(popup, '::-p-aria(Message[role="textbox"])').fill(text);
      // The button names its target ("Send reply to #1"); Puppeteer's ARIA selector matches the whole name.
      await find(popup, '::-p-aria(Send reply to #1[role="button"])').click();
      await waitUntil(
        popup,
        () => [...document.querySelectorAll('[role="status"]')].some((el) => /^Sent to #1[:.]/.test(el.textContent?.trim() ?? '')),
        { polling: 100, timeout: 20_000 },
      );
    });
    expect(await textOf(popup, '[role="status"]')).toMatch(/^Sent to #1/);

    // The sandbox stored it exactly once, and the request carried a valid agency signature.
    const { messages } = await control<{ messages: { message: string }[] }>(sandbox.url, 'GET', '/tickets/1/messages');
    expect(messages.filter((m) => m.message === text)).toHaveLength(1);
    const { requests } = await control<{
      requests: { method: string; path: string; status: number; signatureValid?: boolean; body: string }[];
    }>(sandbox.url, 'GET', '/requests?method=POST&pathPrefix=/api/v1/client/tickets/1/messages');
    const posts = requests.filter((r) => r.path === '/api/v1/client/tickets/1/messages');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ status: 201, signatureValid: true });
    expect(JSON.parse(posts[0]!.body)).toMatchObject({ message: text });
  });

  it('opens the sealed inline panel from a dashboard Reply button and sends from it once', async () => {
    const page = await browser.newPage();
    await page.goto(`${sandbox.url}/dashboard/tickets/12`);
    // The button sits in a closed shadow root: its host element is all the page (and this test) can see, and a
    // real mouse click on it is the trusted event the button needs.
    const host = await page.waitForSelector('span[data-daakey-qr]', { timeout: 15_000 });
    const box = await host!.boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
    // WebDriver BiDi reports the extension frame's URL as about:blank to the page's session; ask the frame itself.
    let panel: import('puppeteer-core').Frame | undefined;
    const until = Date.now() + 15_000;
    while (!panel && Date.now() < until) {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame()) continue;
        const href = await frame.evaluate(() => location.href).catch(() => '');
        if (href.includes('/panel.html')) panel = frame;
      }
      if (!panel) await new Promise((r) => setTimeout(r, 100));
    }
    if (!panel) {
      await page.screenshot({ path: 'artifacts/firefox-panel-debug.png' });
      throw new Error(
        `No panel frame: ${page
          .frames()
          .map((f) => f.url())
          .join(', ')}`,
      );
    }
    expect(await ask(panel, () => location.href)).toMatch(/^moz-extension:\/\/.+\/panel\.html\?ticket=12&pass=[0-9a-f]{32}$/);
    const message = await panel!.waitForSelector('::-p-aria(Message[role="textbox"])', { timeout: 15_000 });
    const text = `Firefox panel ${Date.now()}`;
    await message!.type(text);
    await (await panel!.waitForSelector('::-p-aria(Send reply to #12[role="button"])'))!.click();
    await waitUntil(
      panel!,
      () => [...document.querySelectorAll('[role="status"]')].some((el) => /^Sent to #12[:.]/.test(el.textContent?.trim() ?? '')),
      { polling: 100, timeout: 20_000 },
    );
    const { messages } = await control<{ messages: { message: string }[] }>(sandbox.url, 'GET', '/tickets/12/messages');
    expect(messages.filter((m) => m.message === text)).toHaveLength(1);
    // The page cannot read the panel's document.
    expect(await ask(page, () => document.documentElement.outerHTML.includes('reply-form'))).toBe(false);
    await page.close();
  });

  it('opens the onboarding page with the setup state read from the background', async () => {
    const page = await open(browser, 'onboarding.html');
    await waitUntil(page, () => document.querySelectorAll('li.step').length === 3 && !document.querySelector('main[aria-busy="true"]'), {
      polling: 100,
      timeout: 10_000,
    });
    const done = await ask(page, () => [...document.querySelectorAll('li.step')].map((s) => s.getAttribute('data-done')));
    // Configured and signed in above; the Sandbox environment enabled its own origin as the dashboard site.
    expect(done).toEqual(['true', 'true', 'true']);
    expect(await textOf(page, '[role="status"]')).toMatch(/^All set/);
    // The keyboard command is registered with its translated description and default shortcut.
    const commands = await ask(page, () =>
      (
        globalThis as unknown as {
          browser: { commands: { getAll(): Promise<{ name: string; shortcut?: string; description?: string }[]> } };
        }
      ).browser.commands.getAll(),
    );
    expect(commands.find((c) => c.name === 'open-quick-reply')).toMatchObject({
      shortcut: 'Ctrl+Shift+Y',
      description: 'Open Quick Reply for the current ticket',
    });
  });
});
