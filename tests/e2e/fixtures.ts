/**
 * The e2e rig: the sandbox on a random loopback port and the built extension (`.output/chrome-mv3`,
 * exactly what `wxt build` produced) loaded into Debian's Chromium through playwright-core.
 */
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { control as sandboxControl } from '../../sandbox/client';
import { startSandbox, type Sandbox } from '../../sandbox/server';

export const EXTENSION_DIR = path.resolve('.output/chrome-mv3');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DEMO = { email: 'agent@demo.daakey.test', password: 'demo-password', agencyCode: 'AGENCY123', secret: 'sandbox-secret-123' };

export interface Rig {
  sandbox: Sandbox;
  context: BrowserContext;
  extensionId: string;
  profileDir: string;
  worker(): Promise<Worker>;
  openPage(file: 'popup.html' | 'options.html', query?: string): Promise<Page>;
  /** Closes the browser, keeping the profile, and starts it again on the same profile (`args`: extra flags). */
  restartBrowser(options?: { args?: string[] }): Promise<void>;
  /** Stops the extension's service worker as Chrome does when idle. */
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
 * Production with no dashboard site; the Sandbox enables its own origin), the agency credentials, then sign-in.
 */
export async function configureAndSignIn(rig: Rig, { signIn = true } = {}): Promise<void> {
  const page = await rig.openPage('options.html');
  await page.getByRole('combobox', { name: 'Environment' }).selectOption('sandbox');
  await page.getByRole('textbox', { name: 'API base URL' }).fill(rig.sandbox.url);
  await page.getByRole('textbox', { name: 'Agency code' }).fill(DEMO.agencyCode);
  await page.getByLabel('Agency secret').fill(DEMO.secret);
  await page.getByRole('button', { name: 'Save' }).click();
  if (signIn) {
    await page.getByRole('textbox', { name: 'Email' }).fill(DEMO.email);
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(DEMO.email).first().waitFor({ timeout: 10_000 });
  }
  await page.close();
}

/** The sandbox's test-only control API (`/__control…`) of this rig; throws on a refusal. */
export function control<T = unknown>(rig: Rig, method: string, path: string, body?: unknown): Promise<T> {
  return sandboxControl<T>(rig.sandbox.url, method, path, body);
}
