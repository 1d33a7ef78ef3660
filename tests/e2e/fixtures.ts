/**
 * The e2e rig: the sandbox on a random loopback port and the built extension loaded into a real browser —
 * `.output/chrome-mv3` in Debian's Chromium through playwright-core, or (E2E_BROWSER=firefox) the Firefox build in
 * Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (./firefox-driver.ts). Tests see the same
 * Page / Frame / Locator / Worker API either way (./driver.ts).
 */
import { chromium } from 'playwright-core';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { control as sandboxControl } from '../../sandbox/client';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { BROWSER, FIREFOX, FIREFOX_BUILD, type BrowserContext, type Page, type Worker } from './driver';
import { FxContext, FxWorker } from './firefox-driver';

export const EXTENSION_DIR = path.resolve(BROWSER === 'firefox' ? FIREFOX_BUILD : '.output/chrome-mv3');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DEMO = { email: 'agent@demo.daakey.test', password: 'demo-password', agencyCode: 'AGENCY123', secret: 'sandbox-secret-123' };

export interface Rig {
  sandbox: Sandbox;
  context: BrowserContext;
  extensionId: string;
  profileDir: string;
  worker(): Promise<Worker>;
  openPage(file: 'popup.html' | 'options.html' | 'onboarding.html', query?: string): Promise<Page>;
  /** Closes the browser, keeping the profile, and starts it again on the same profile (`args`: extra flags). */
  restartBrowser(options?: { args?: string[] }): Promise<void>;
  /** Stops the extension's background (Chrome's service worker, Firefox's event page) as the browser does when idle. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Each rig loads a byte-for-byte copy of the build taken when it starts, so a rebuild during a
 * long run (WXT dev mode, a second terminal) cannot pull files from under a running browser.
 */
async function snapshotBuild(): Promise<string> {
  if (!existsSync(path.join(EXTENSION_DIR, 'manifest.json')))
    throw new Error(`Build the extension first: ${EXTENSION_DIR} is missing (npm run build).`);
  const dir = await mkdtemp(path.join(tmpdir(), 'dqr-ext-'));
  await cp(EXTENSION_DIR, dir, { recursive: true });
  return dir;
}

async function launch(
  profileDir: string,
  extensionDir: string,
  env?: Record<string, string>,
  extraArgs: string[] = [],
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, ...env } as Record<string, string>,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...extraArgs,
    ],
  });
}

async function extensionWorker(context: BrowserContext): Promise<Worker> {
  const existing = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  return existing ?? context.waitForEvent('serviceworker', { timeout: 15_000 });
}

export async function startRig(options: { env?: Record<string, string>; maxRecordedRequests?: number } = {}): Promise<Rig> {
  if (BROWSER === 'firefox') return startFirefoxRig(options);
  const sandbox = await startSandbox({
    port: 0,
    control: true,
    ...(options.maxRecordedRequests ? { maxRecordedRequests: options.maxRecordedRequests } : {}),
  });
  const profileDir = await mkdtemp(path.join(tmpdir(), 'dqr-profile-'));
  const extensionDir = await snapshotBuild();
  let context = await launch(profileDir, extensionDir, options.env);
  const first = await extensionWorker(context);
  const extensionId = new URL(first.url()).host;

  const rig: Rig = {
    sandbox,
    get context() {
      return context;
    },
    extensionId,
    profileDir,
    worker: () => extensionWorker(context),
    async openPage(file, query = '') {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${file}${query ? `?${query}` : ''}`);
      return page;
    },
    async restartBrowser(restart = {}) {
      await context.close();
      context = await launch(profileDir, extensionDir, options.env, restart.args);
      await extensionWorker(context);
    },
    async stopWorker() {
      const cdp = await context
        .browser()
        ?.newBrowserCDPSession?.()
        .catch(() => null);
      const session = cdp ?? (await context.newCDPSession(context.pages()[0] ?? (await context.newPage())));
      const { targetInfos } = (await session.send('Target.getTargets')) as {
        targetInfos: { targetId: string; type: string; url: string }[];
      };
      for (const target of targetInfos) {
        if (target.type === 'service_worker' && target.url.startsWith(`chrome-extension://${extensionId}/`)) {
          await session.send('Target.closeTarget', { targetId: target.targetId });
        }
      }
      await session.detach().catch(() => {});
    },
    async close() {
      await context.close().catch(() => {});
      await sandbox.close();
      await rm(profileDir, { recursive: true, force: true });
      await rm(extensionDir, { recursive: true, force: true });
    },
  };
  return rig;
}

/**
 * The options page as an agent fills it: the Sandbox environment at this rig's address (a fresh install is in
 * Production with no dashboard site; the Sandbox enables its own origin), the agency credentials, the undo window,
 * then sign-in. The welcome tab that opens on install preselects a 10 s undo window and stores it once the
 * connection is saved unless the agent picks one first: the agent these tests play picks it here (Off unless a
 * test asks for one), so every Send goes out at once and a test that wants the window says so, then closes the
 * welcome tab.
 */
/** Signs the demo agent in from an open options page, as the agent does, and waits until the page says so. */
export async function signInOnOptions(page: Page): Promise<void> {
  await page.getByRole('textbox', { name: 'Email' }).fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByText(DEMO.email)
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(async (error: Error) => {
      // What the page said and what was stored tell a refused sign-in from one sent to the wrong server.
      const said = await page
        .locator('#account')
        .innerText()
        .catch(() => '?');
      const stored = await page
        .evaluate(async () => JSON.stringify((await chrome.storage.local.get('settings')).settings))
        .catch(() => '?');
      throw new Error(`${error.message}\nAccount section: ${said}\nStored settings: ${stored}`);
    });
}

export async function configureAndSignIn(rig: Rig, { signIn = true, undoSeconds = 0 } = {}): Promise<void> {
  const page = await rig.openPage('options.html');
  await page.getByRole('combobox', { name: 'Environment' }).selectOption('sandbox');
  await page.getByRole('textbox', { name: 'API base URL' }).fill(rig.sandbox.url);
  await page.getByRole('textbox', { name: 'Agency code' }).fill(DEMO.agencyCode);
  await page.getByLabel('Agency secret').fill(DEMO.secret);
  await page.getByRole('button', { name: 'Save' }).click();
  // Signing in before the save has landed would sign in against the previous (Production) environment.
  await page.getByText('Saved', { exact: true }).first().waitFor({ timeout: 30_000 });
  await page.getByRole('combobox', { name: 'Undo window' }).selectOption(String(undoSeconds));
  await page.getByText('Undo window saved.').waitFor({ timeout: 30_000 });
  if (signIn) await signInOnOptions(page);
  await page.close();
  // Done with it; the welcome tab may have opened at any point above.
  for (const tab of rig.context.pages()) if (tab.url().includes('/onboarding.html')) await tab.close();
}

/** The sandbox's test-only control API (`/__control…`) of this rig; throws on a refusal. */
export function control<T = unknown>(rig: Rig, method: string, path: string, body?: unknown): Promise<T> {
  return sandboxControl<T>(rig.sandbox.url, method, path, body);
}

// ---- Firefox ESR over WebDriver BiDi ----

/** Fixed, so that the extension's pages have known URLs (extensions.webextensions.uuids). */
export const FIREFOX_UUID = '3f0c8d52-6f4e-4d7a-9d1b-2a6c1f0e7b41';

function geckoId(dir: string): string {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    browser_specific_settings?: { gecko?: { id?: string } };
  };
  const id = manifest.browser_specific_settings?.gecko?.id;
  if (!id) throw new Error('The Firefox build has no browser_specific_settings.gecko.id');
  return id;
}

async function launchFirefox(
  profileDir: string,
  extensionDir: string,
  env?: Record<string, string>,
  extraPrefs: Record<string, unknown> = {},
): Promise<FxContext> {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    headless: true,
    executablePath: FIREFOX,
    userDataDir: profileDir,
    env: { ...process.env, ...env } as Record<string, string>,
    // Needed to open moz-extension:// pages over BiDi, and to reach the add-on manager (stopWorker).
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [geckoId(extensionDir)]: FIREFOX_UUID }),
      // A temporary add-on is removed at shutdown and installed again at start: keep its storage meanwhile,
      // as a browser restart keeps an installed add-on's.
      'extensions.webextensions.keepStorageOnUninstall': true,
      'extensions.webextensions.keepUuidOnUninstall': true,
      ...(env?.LANGUAGE ? { 'intl.locale.requested': env.LANGUAGE } : {}),
      ...extraPrefs,
    },
  });
  await browser.installExtension(extensionDir);
  const context = new FxContext(browser);
  await context.refresh();
  // pages() answers at once, as Playwright's does: keep puppeteer's asynchronous list fresh.
  const timer = setInterval(() => void context.refresh().catch(() => undefined), 200);
  browser.once('disconnected', () => clearInterval(timer));
  return context;
}

/** Runs privileged code in the browser's own window (the add-on manager), as about:debugging does. */
async function chromeEval(context: FxContext, expression: string): Promise<unknown> {
  const connection = (context.browser as unknown as { connection: { send(method: string, params: unknown): Promise<any> } }).connection;
  const tree = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  const target = tree.result.contexts.find((c: { url: string }) => c.url.startsWith('chrome://browser/'))?.context;
  if (!target) throw new Error('No browser window to evaluate in');
  const answer = await connection.send('script.evaluate', { expression, target: { context: target }, awaitPromise: true });
  if (answer.result.type === 'exception') throw new Error(`chrome eval: ${JSON.stringify(answer.result.exceptionDetails)}`);
  return answer.result.result?.value;
}

async function startFirefoxRig(options: { env?: Record<string, string>; maxRecordedRequests?: number }): Promise<Rig> {
  const sandbox = await startSandbox({
    port: 0,
    control: true,
    ...(options.maxRecordedRequests ? { maxRecordedRequests: options.maxRecordedRequests } : {}),
  });
  const profileDir = await mkdtemp(path.join(tmpdir(), 'dqr-firefox-'));
  const extensionDir = await snapshotBuild();
  const addonId = geckoId(extensionDir);
  const origin = `moz-extension://${FIREFOX_UUID}`;
  let context = await launchFirefox(profileDir, extensionDir, options.env);
  let worker: FxWorker | null = null;

  async function openPage(file: string, query = ''): Promise<Page> {
    const url = `${origin}/${file}${query ? `?${query}` : ''}`;
    for (let attempt = 1; ; attempt++) {
      const page = await context.newPage();
      try {
        await page.goto(url, { timeout: 20_000 });
        return page as unknown as Page;
      } catch (error) {
        // Seen under load: the first extension page of a fresh add-on can be replaced while it loads (the wait
        // then fails at once). A second navigation is reliable.
        await page.close();
        if (attempt >= 2) throw error;
      }
    }
  }

  const rig: Rig = {
    sandbox,
    get context() {
      return context as unknown as BrowserContext;
    },
    extensionId: FIREFOX_UUID,
    profileDir,
    async worker() {
      if (!worker) {
        // An extension page of its own that nothing else uses (onboarding reads state and changes nothing).
        const page = (await openPage('onboarding.html')) as unknown as import('./firefox-driver').FxPage;
        context.forget(page);
        worker = new FxWorker(page, origin);
      }
      return worker as unknown as Worker;
    },
    openPage: openPage as Rig['openPage'],
    async restartBrowser() {
      worker = null;
      await context.close();
      context = await launchFirefox(profileDir, extensionDir, options.env);
    },
    async stopWorker() {
      await chromeEval(
        context,
        `(async () => { const ext = WebExtensionPolicy.getByID(${JSON.stringify(addonId)}).extension;
          if (ext.persistentBackground) throw new Error('A persistent background page cannot be stopped');
          await ext.terminateBackground({ disableResetIdleForTest: true }); return ext.backgroundState; })()`,
      );
    },
    async close() {
      await context.close();
      await sandbox.close();
      await rm(profileDir, { recursive: true, force: true }).catch(() => undefined);
      await rm(extensionDir, { recursive: true, force: true });
    },
  };
  return rig;
}
