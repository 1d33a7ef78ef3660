#!/usr/bin/env node
// `npm start`: build the extension, start the sandbox API with its demo dashboard, and open
// Chromium with the extension loaded on a demo ticket page, signed in to the sandbox.
// Without a display it runs headless, says so, and writes screenshots to artifacts/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startSandbox } from '../sandbox/server';

const PORT = Number(process.env.SANDBOX_PORT ?? 8787);
const BASE = `http://127.0.0.1:${PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EXT = path.resolve('.output/chrome-mv3');
const headless = !process.env.DISPLAY || process.env.HEADLESS === '1';

if (!existsSync(CHROMIUM)) {
  console.error(`Chromium not found at ${CHROMIUM}. Install it with: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}

console.log('Building the extension (wxt build)…');
if (spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' }).status !== 0) process.exit(1);

console.log(`Starting the sandbox on ${BASE}…`);
const sandbox = await startSandbox({ port: PORT, control: true });
console.log(`Sandbox API: ${BASE}/api/v1/client   demo dashboard: ${BASE}/dashboard/tickets`);
console.log('Demo agent: agent@demo.daakey.test / demo-password   agency AGENCY123, secret sandbox-secret-123');

const profile = path.resolve('.tmp/start-profile');
rmSync(profile, { recursive: true, force: true });
mkdirSync('artifacts', { recursive: true });
if (headless) console.log('No display found: running Chromium headless; screenshots go to artifacts/.');
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless,
  viewport: headless ? { width: 1280, height: 800 } : null,
  args: [
    ...(headless ? ['--headless=new'] : []),
    '--no-sandbox',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--disable-extensions-except=${EXT}`,
    `--load-extension=${EXT}`,
  ],
});
const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
const id = new URL(worker.url()).host;

// Sign in to the sandbox through the options page, as an agent would.
const options = await context.newPage();
await options.goto(`chrome-extension://${id}/options.html`);
await options.getByRole('combobox', { name: 'Environment' }).selectOption('sandbox');
await options.getByRole('textbox', { name: 'API base URL' }).fill(BASE);
await options.getByRole('textbox', { name: 'Agency code' }).fill('AGENCY123');
await options.getByLabel('Agency secret').fill('sandbox-secret-123');
await options.getByRole('button', { name: 'Save' }).click();
// Sign in only once the Sandbox environment is stored, or it would go to Production.
await options.getByText('Saved', { exact: true }).first().waitFor({ timeout: 15_000 });
await options.getByRole('textbox', { name: 'Email' }).fill('agent@demo.daakey.test');
await options.getByLabel('Password').fill('demo-password');
await options.getByRole('button', { name: 'Sign in' }).click();
await options
  .getByText('agent@demo.daakey.test')
  .first()
  .waitFor({ timeout: 10_000 })
  .catch(() => {});
if (headless) await options.screenshot({ path: 'artifacts/options.png', fullPage: true });

const dashboard = await context.newPage();
await dashboard.goto(`${BASE}/dashboard/tickets/1`);
if (headless) {
  await dashboard.waitForTimeout(1000);
  await dashboard.screenshot({ path: 'artifacts/dashboard.png' });
  // biome-ignore lint/suspicious/noExplicitAny: runs in the extension's worker, where `chrome` exists
  const tabId = await worker.evaluate(async (url) => (await (globalThis as any).chrome.tabs.query({ url: `${url}/*` }))[0]?.id, BASE);
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 400, height: 600 });
  await popup.goto(`chrome-extension://${id}/popup.html?tabId=${tabId ?? ''}`);
  await popup.waitForTimeout(1000);
  await popup.screenshot({ path: 'artifacts/popup.png' });
  console.log('Screenshots written: artifacts/popup.png, artifacts/options.png, artifacts/dashboard.png');
  await context.close();
  await sandbox.close();
  process.exit(0);
}
console.log(`Chromium is open on ${BASE}/dashboard/tickets/1 with the extension loaded. Close the browser to stop.`);
context.on('close', () => {
  void sandbox.close().then(() => process.exit(0));
});
process.on('SIGINT', async () => {
  await context.close().catch(() => {});
  await sandbox.close();
  process.exit(0);
});
