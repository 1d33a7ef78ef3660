import { describe, expect, it } from 'vitest';
import { itUnless } from './driver';
import { signedInRig } from './steps';
import { replyButtonCount, replyButtonNames, waitForReplyButton } from './panel';

/** Every open dashboard tab gets its buttons: restored at browser start, or open when its site is added. */
describe('buttons in tabs that were already open', () => {
  const rig = signedInRig();

  async function registeredMatches(): Promise<string[]> {
    const scripts = await (await rig.worker()).evaluate(() => chrome.scripting.getRegisteredContentScripts());
    return scripts.flatMap((s: { matches?: string[] }) => s.matches ?? []);
  }

  it('a site added while its tab is open: the buttons appear in that tab, without a reload, once', async () => {
    const port = new URL(rig.sandbox.url).port;
    const origin = `http://localhost:${port}`;
    const options = await rig.openPage('options.html');
    // Not a dashboard site yet (whatever the defaults are).
    await options.evaluate(
      (o) => chrome.runtime.sendMessage({ channel: 'daakey-qr/v1', type: 'sites/remove', payload: { origin: o } }),
      'http://localhost',
    );
    await options.evaluate(
      (o) => chrome.runtime.sendMessage({ channel: 'daakey-qr/v1', type: 'sites/remove', payload: { origin: o } }),
      origin,
    );
    await expect.poll(registeredMatches, { timeout: 10_000 }).not.toContain('http://localhost/*');

    const page = await rig.context.newPage();
    await page.goto(`${origin}/dashboard/tickets`);
    await page.getByRole('table').first().waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations.push(frame.url()));

    await options.reload();
    await options.getByRole('textbox', { name: 'Dashboard site' }).fill(origin);
    await options.getByRole('button', { name: 'Add site' }).click();
    // Reported as saved only once the registration for new pages is in place.
    await options.getByRole('switch', { name: new RegExp(`localhost:${port}`) }).waitFor({ timeout: 10_000 });
    expect(await registeredMatches()).toContain('http://localhost/*');

    await expect.poll(() => replyButtonCount(page), { timeout: 30_000 }).toBeGreaterThan(5);
    const names = await replyButtonNames(page);
    expect(new Set(names).size).toBe(names.length);
    expect(navigations).toEqual([]);
    await options.close();
    await page.close();
  });

  itUnless({
    firefox:
      'no restored session: Firefox under WebDriver BiDi reopened no tab with browser.startup.page=3 (Chromium: --restore-last-session)',
  })(
    'browser restarted with a dashboard tab restored: its buttons appear without a reload',
    async () => {
      const url = `${rig.sandbox.url}/dashboard/tickets/4`;
      const page = await rig.context.newPage();
      await page.goto(url);
      await waitForReplyButton(page, 'Reply to ticket #4', 15_000);

      await rig.restartBrowser({ args: ['--restore-last-session'] });
      // Generous waits: a browser start on a loaded 2-core machine takes a while (nothing here is timed).
      await expect.poll(() => rig.context.pages().some((p) => p.url() === url), { timeout: 45_000 }).toBe(true);
      const restored = rig.context.pages().find((p) => p.url() === url)!;
      const navigations: string[] = [];
      restored.on('framenavigated', (frame) => frame === restored.mainFrame() && navigations.push(frame.url()));
      await expect.poll(() => replyButtonCount(restored, 'Reply to ticket #4'), { timeout: 45_000 }).toBeGreaterThan(0);
      expect(navigations).toEqual([]);
    },
    120_000,
  );
});
