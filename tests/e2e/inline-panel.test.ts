import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signedInRig, control, recordedPosts, storedMessages } from './steps';

/** Detection and the inline panel on the sandbox's demo dashboard, in real Chromium. */
describe('inline quick reply on the dashboard', () => {
  const rig = signedInRig();

  const replyButtons = (page: Page) => page.getByRole('button', { name: /^Reply to ticket #\d+$/ });

  async function buttonNames(page: Page): Promise<string[]> {
    return (await replyButtons(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).sort();
  }

  it('puts one button per ticket on the list page, even after the script is injected again', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets`);
    await expect.poll(() => replyButtons(page).count(), { timeout: 10_000 }).toBeGreaterThan(5);
    const names = await buttonNames(page);
    expect(new Set(names).size).toBe(names.length);
    // An extension update or re-registration injects the script again: still one button each.
    const worker = await rig.worker();
    const tabId = await worker.evaluate(async (url) => (await chrome.tabs.query({ url: `${url}/*` }))[0]?.id, rig.sandbox.url);
    await worker.evaluate(async (id) => {
      await chrome.scripting.executeScript({ target: { tabId: id! }, files: ['content-scripts/dashboard.js'] });
    }, tabId);
    await page.waitForTimeout(800);
    expect(await buttonNames(page)).toEqual(names);
    await page.close();
  });

  it('sends a reply from the inline panel exactly once; Esc closes it and returns focus', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets/12`);
    const button = page.getByRole('button', { name: 'Reply to ticket #12' });
    await button.first().waitFor({ timeout: 10_000 });
    await button.first().click();
    const dialog = page.getByRole('dialog', { name: /ticket #12/ });
    await dialog.waitFor({ timeout: 10_000 });
    const box = dialog.getByRole('textbox', { name: 'Message' });
    await box.fill('Sent from the inline panel');
    await dialog.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(async () => (await dialog.getByRole('status').first().textContent()) ?? '', { timeout: 15_000 }).toMatch(/sent/i);
    expect((await storedMessages(rig, 12)).filter((m) => m.message === 'Sent from the inline panel')).toHaveLength(1);
    expect(await recordedPosts(rig, 12)).toHaveLength(1);
    await page.screenshot({ path: 'artifacts/e2e-inline-panel.png' }).catch(() => {});

    await box.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('data-daakey-qr') !== null)).toBe(true);
    await page.close();
  });

  it('follows single-page navigation', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/spa`);
    await expect.poll(() => replyButtons(page).count(), { timeout: 10_000 }).toBeGreaterThan(2);
    await page
      .getByRole('link', { name: /TK-2026-00005/ })
      .first()
      .click();
    await expect.poll(() => page.url()).toContain('/tickets/5');
    await expect.poll(() => page.getByRole('button', { name: 'Reply to ticket #5' }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const names = await buttonNames(page);
    expect(new Set(names).size).toBe(names.length);
    await page.close();
  });

  it('the popup lists the active tab tickets, the page ticket first', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets/7`);
    await page.getByRole('button', { name: 'Reply to ticket #7' }).first().waitFor({ timeout: 10_000 });
    const worker = await rig.worker();
    const tabId = await worker.evaluate(
      async (url) => (await chrome.tabs.query({ url: `${url}/dashboard/tickets/7` }))[0]?.id,
      rig.sandbox.url,
    );
    const popup = await rig.openPage('popup.html', `tabId=${tabId}`);
    await expect.poll(async () => (await popup.locator('body').textContent()) ?? '', { timeout: 10_000 }).toMatch(/#7/);
    await popup.screenshot({ path: 'artifacts/e2e-popup-detected.png' }).catch(() => {});
    await popup.close();
    await page.close();
  });

  it('a hostile page runs no injected script and its text stays text', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/hostile`);
    await expect.poll(() => replyButtons(page).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Reply to ticket #1' }).first().click();
    const dialog = page.getByRole('dialog', { name: /ticket #1/ });
    await dialog.waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await dialog.locator('img').count()).toBe(0);
    await page.close();
  });

  it('resolves Daakey references through the API and buttons them', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/inbox`);
    await expect.poll(() => page.getByRole('button', { name: 'Reply to ticket #4' }).count(), { timeout: 10_000 }).toBe(1);
    const names = await buttonNames(page);
    expect(names).toContain('Reply to ticket #1');
    expect(new Set(names).size).toBe(names.length);
    const lists = (await control<{ requests: { method: string; path: string }[] }>(rig, 'GET', '/requests')).requests.filter(
      (r) => r.method === 'GET' && /^\/api\/v1\/client\/tickets(\?|$)/.test(r.path),
    );
    // Earlier pages may already have filled the session cache; either way one list read at most.
    expect(lists.length).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('switching the site off removes the buttons from open pages', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets`);
    await expect.poll(() => replyButtons(page).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const options = await rig.openPage('options.html');
    const toggle = options.getByRole('switch', { name: /127\.0\.0\.1/ });
    await toggle.uncheck();
    await expect.poll(() => page.locator('[data-daakey-qr]').count(), { timeout: 10_000 }).toBe(0);
    await toggle.check();
    // Switching a site on registers the script for its next page loads: reload once that is done.
    const registered = async () =>
      (await (await rig.worker()).evaluate(() => chrome.scripting.getRegisteredContentScripts())).map(
        (script: { id: string }) => script.id,
      );
    await expect.poll(registered, { timeout: 10_000 }).toContain('dqr-dashboard');
    await options.close();
    await page.reload();
    await expect.poll(() => replyButtons(page).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.close();
  });

  it('an agency teaches its own URL pattern and selector in the options', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/custom`);
    await page.waitForTimeout(1000);
    expect(await replyButtons(page).count()).toBe(0);

    const options = await rig.openPage('options.html');
    await options.getByRole('textbox', { name: 'Ticket URL patterns' }).fill('/support/case/{id}');
    await options.getByRole('textbox', { name: 'Ticket selectors' }).fill('.case-no');
    await options.getByRole('button', { name: 'Update detection' }).click();
    await options.getByText(/Saved\. Reload/).waitFor();
    await options.close();

    await page.reload();
    await expect
      .poll(async () => buttonNames(page), { timeout: 10_000 })
      .toEqual(['Reply to ticket #1', 'Reply to ticket #2', 'Reply to ticket #3', 'Reply to ticket #4', 'Reply to ticket #6']);
    await page.close();
  });
});
