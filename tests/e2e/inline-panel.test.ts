import { describe, expect, it } from 'vitest';
import { itUnless, type Page } from './driver';
import { signedInRig, control, recordedPosts, storedMessages } from './steps';
import { clickReplyButton, focusedName, panelFrame, panelOpen, replyButtonCount, replyButtonNames, waitForReplyButton } from './panel';

/** Detection and the inline panel on the sandbox's demo dashboard, in real Chromium. */
describe('inline quick reply on the dashboard', () => {
  const rig = signedInRig();

  const buttonNames = async (page: Page): Promise<string[]> => (await replyButtonNames(page)).sort();

  /** Waits for the content script's first scan to have run (its User Timing measure, in the page's timeline). */
  const scanned = (page: Page) =>
    expect.poll(() => page.evaluate(() => performance.getEntriesByName('dqr-scan').length), { timeout: 10_000 }).toBeGreaterThan(0);

  /** What the `open-quick-reply` command does: asks the tab's content script, in its own world, to open its panel. */
  async function openByCommand(url: string): Promise<void> {
    const worker = await rig.worker();
    const opened = await worker.evaluate(async (target) => {
      const tab = (await chrome.tabs.query({})).find((t: { url?: string }) => t.url === target);
      // `sendToTab`'s injected function, reduced to this one request.
      const [frame] = await chrome.scripting.executeScript({
        target: { tabId: tab!.id!, frameIds: [0] },
        func: (key: string) =>
          (globalThis as unknown as Record<symbol, { act?: (type: string, payload: object) => unknown }>)[Symbol.for(key)]?.act?.(
            'tab/open-reply',
            {},
          ) ?? null,
        args: ['daakey-quick-reply/dashboard'],
      });
      return frame?.result;
    }, url);
    expect(opened).toEqual({ opened: true });
  }

  it("a closed ticket has no Reply pill, an open one has (the page's own status marking)", async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets`);
    await scanned(page);
    await waitForReplyButton(page, 'Reply to ticket #1');
    const statuses = await page.evaluate(() =>
      Object.fromEntries(
        Array.from(document.querySelectorAll('tr[data-ticket-id]'), (tr) => [
          tr.getAttribute('data-ticket-id'),
          tr.querySelector('[data-status]')?.getAttribute('data-status'),
        ]),
      ),
    );
    const closed = Object.keys(statuses).filter((id) => statuses[id] === 'closed');
    const open = Object.keys(statuses).filter((id) => statuses[id] !== 'closed');
    expect(closed.sort()).toEqual(['3', '9']);
    const names = await replyButtonNames(page);
    for (const id of closed) expect(names).not.toContain(`Reply to ticket #${id}`);
    for (const id of open) expect(names).toContain(`Reply to ticket #${id}`);
    // No host of ours at all in a closed row: not a disabled pill either.
    expect(await page.locator('tr[data-ticket-id="3"] [data-daakey-qr], tr[data-ticket-id="9"] [data-daakey-qr]').count()).toBe(0);
    await page.close();
  });

  // The mark lives in the panel's closed shadow root: only CDP (Chromium) reaches it.
  itUnless({ firefox: 'the mark is found through CDP' })(
    'the panel leaves its row uncovered (below it, or above when there is no room) and marks it while open',
    async () => {
      const page = await rig.context.newPage();
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(`${rig.sandbox.url}/dashboard/tickets`);
      await waitForReplyButton(page, 'Reply to ticket #1');
      const session = await page.context().newCDPSession(page);
      type Rect = { x: number; y: number; width: number; height: number };
      const markRect = async (): Promise<Rect | null> => {
        const { root } = (await session.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
        interface CdpNode {
          nodeId: number;
          nodeName: string;
          children?: CdpNode[];
          shadowRoots?: CdpNode[];
        }
        const find = (node: CdpNode, inShadow: boolean): CdpNode | null => {
          if (inShadow && node.nodeName === 'I') return node;
          for (const child of node.children ?? []) {
            const hit = find(child, inShadow);
            if (hit) return hit;
          }
          for (const shadow of node.shadowRoots ?? []) {
            const hit = find(shadow, true);
            if (hit) return hit;
          }
          return null;
        };
        const node = find(root, false);
        if (!node) return null;
        const model = await session.send('DOM.getBoxModel', { nodeId: node.nodeId }).catch(() => null);
        if (!model) return null;
        const [x1, y1, , , x3, y3] = model.model.border as number[];
        return { x: x1!, y: y1!, width: x3! - x1!, height: y3! - y1! };
      };
      const rectOf = (selector: string) =>
        page.evaluate((sel) => {
          const r = document.querySelector(sel)!.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }, selector);
      const intersects = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      const inViewport = (r: Rect) => r.x >= 0 && r.y >= 0 && r.x + r.width <= 1280 && r.y + r.height <= 720;

      expect(await markRect()).toBeNull();
      // Ticket #1's row near the top: the panel below it. The last row, pushed near the bottom: above it.
      await page.evaluate(() => {
        const spacer = document.createElement('div');
        spacer.style.height = '1200px';
        document.body.append(spacer);
      });
      const last = await page.evaluate(() =>
        Array.from(document.querySelectorAll('tr[data-ticket-id]')).at(-1)!.getAttribute('data-ticket-id'),
      );
      for (const [id, where] of [
        ['1', 'below'],
        [last!, 'above'],
      ] as const) {
        const row = `tr[data-ticket-id="${id}"]`;
        if (where === 'above') {
          // Scrolls the row to 80 px above the viewport's bottom.
          await page.evaluate((sel) => {
            const r = document.querySelector(sel)!.getBoundingClientRect();
            scrollBy(0, r.bottom - (innerHeight - 80));
          }, row);
        }
        await clickReplyButton(page, `Reply to ticket #${id}`);
        await panelFrame(page);
        const ticket = await rectOf(row);
        const panel = await rectOf('html > div[data-daakey-qr]');
        expect(intersects(panel, ticket), `panel ${JSON.stringify(panel)} over row ${JSON.stringify(ticket)}`).toBe(false);
        expect(inViewport(panel)).toBe(true);
        expect(where === 'below' ? panel.y >= ticket.y + ticket.height : panel.y + panel.height <= ticket.y).toBe(true);
        expect(panel.height).toBeGreaterThanOrEqual(280);
        // The mark surrounds the row.
        const mark = await markRect();
        expect(mark).not.toBeNull();
        expect(mark!.x).toBeLessThanOrEqual(ticket.x);
        expect(mark!.y).toBeLessThanOrEqual(ticket.y);
        expect(mark!.x + mark!.width).toBeGreaterThanOrEqual(ticket.x + ticket.width);
        expect(mark!.y + mark!.height).toBeGreaterThanOrEqual(ticket.y + ticket.height);
        await page.screenshot({ path: `artifacts/e2e-inline-panel-${where}.png` }).catch(() => {});
        await (await panelFrame(page)).getByRole('textbox', { name: 'Message' }).press('Escape');
        await expect.poll(() => panelOpen(page), { timeout: 10_000 }).toBe(false);
        expect(await markRect()).toBeNull();
      }
      await session.detach();
      await page.close();
    },
  );

  it('puts one button per ticket on the list page, even after the script is injected again', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets`);
    await expect.poll(() => replyButtonCount(page), { timeout: 10_000 }).toBeGreaterThan(5);
    const names = await buttonNames(page);
    expect(new Set(names).size).toBe(names.length);
    // A labelled pill at least 24×24 px (WCAG 2.2 SC 2.5.8), where a bare 22 px arrow used to be.
    const sizes = await page.evaluate(() =>
      Array.from(document.querySelectorAll('span[data-daakey-qr]'), (host) => {
        const r = host.getBoundingClientRect();
        return [r.width, r.height] as const;
      }),
    );
    expect(sizes.length).toBeGreaterThan(5);
    for (const [width, height] of sizes) expect(Math.min(width, height)).toBeGreaterThanOrEqual(24);
    // An extension update or re-registration injects the script again: still one button each. (Tabs are found by
    // their URL in JavaScript: Firefox match patterns take no port.)
    const worker = await rig.worker();
    const tabId = await worker.evaluate(
      async (url) => (await chrome.tabs.query({})).find((t: { id?: number; url?: string }) => t.url?.startsWith(`${url}/`))?.id,
      rig.sandbox.url,
    );
    await worker.evaluate(async (id) => {
      await chrome.scripting.executeScript({ target: { tabId: id! }, files: ['content-scripts/dashboard.js'] });
    }, tabId);
    await page.waitForTimeout(800);
    expect(await buttonNames(page)).toEqual(names);
    await page.close();
  });

  it("a 1,000-row table: one pill, beside the table, over the row under the pointer; it opens that row's panel", async () => {
    const page = await rig.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${rig.sandbox.url}/dashboard/big?rows=1000`);
    await scanned(page);
    const pointAt = async (selector: string) => {
      const { x, y } = await page.evaluate((s) => {
        const box = document.querySelector(s)!.getBoundingClientRect();
        return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
      }, selector);
      await page.mouse.move(x, y);
    };
    await pointAt('tr[data-ticket-id="5"] td.subject');
    await waitForReplyButton(page, 'Reply to ticket #5');
    // Nothing of ours inside the table (each insertion there lays out all its rows), and one pill, not one per row.
    expect(await page.evaluate(() => document.querySelectorAll('table [data-daakey-qr]').length)).toBe(0);
    expect(await replyButtonNames(page)).toEqual(['Reply to ticket #5']);
    // Drawn over its row's end, inside the row.
    const { host, row } = await page.evaluate(() => {
      const box = (s: string) => {
        const { left, top, right, bottom } = document.querySelector(s)!.getBoundingClientRect();
        return { left, top, right, bottom };
      };
      return { host: box('[data-daakey-qr]'), row: box('tr[data-ticket-id="5"]') };
    });
    expect(host.top).toBeGreaterThanOrEqual(row.top);
    expect(host.bottom).toBeLessThanOrEqual(row.bottom);
    expect(host.right).toBeLessThanOrEqual(row.right);
    expect(host.right).toBeGreaterThan(row.right - 40);

    await pointAt('tr[data-ticket-id="7"] td.ref');
    await waitForReplyButton(page, 'Reply to ticket #7');
    expect(await replyButtonNames(page)).toEqual(['Reply to ticket #7']);
    // The page's own script forges pointer events: the pill moves, but always onto the row whose ticket it names.
    const forged = await page.evaluate(() => {
      document.querySelector('tr[data-ticket-id="9"] td.subject')!.dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
      const host = document.querySelector('[data-daakey-qr]')!.getBoundingClientRect();
      const row = document.querySelector('tr[data-ticket-id="9"]')!.getBoundingClientRect();
      return host.top >= row.top && host.bottom <= row.bottom;
    });
    expect(forged).toBe(true);
    expect(await replyButtonNames(page)).toEqual(['Reply to ticket #9']);
    // Off the table, it goes.
    await pointAt('h1');
    await expect.poll(() => replyButtonCount(page), { timeout: 5_000 }).toBe(0);

    await pointAt('tr[data-ticket-id="7"] td.subject');
    await clickReplyButton(page, 'Reply to ticket #7');
    await (await panelFrame(page)).getByRole('dialog', { name: /ticket #7/ }).waitFor({ timeout: 15_000 });
    // While its panel is open, it stays with its row whatever the pointer crosses.
    await pointAt('tr[data-ticket-id="2"] td.subject');
    expect(await replyButtonNames(page)).toEqual(['Reply to ticket #7']);
    await page.close();
  });

  it('sends a reply from the inline panel exactly once; Esc closes it and returns focus', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets/12`);
    await clickReplyButton(page, 'Reply to ticket #12');
    const dialog = (await panelFrame(page)).getByRole('dialog', { name: /ticket #12/ });
    const box = dialog.getByRole('textbox', { name: 'Message' });
    // The panel takes focus into its Message box: the agent types at once.
    await expect.poll(() => box.evaluate((el) => el === document.activeElement && document.hasFocus()), { timeout: 5_000 }).toBe(true);
    await page.keyboard.type('Sent from the inline panel');
    await dialog.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(async () => (await dialog.getByRole('status').first().textContent()) ?? '', { timeout: 15_000 }).toMatch(/sent/i);
    expect((await storedMessages(rig, 12)).filter((m) => m.message === 'Sent from the inline panel')).toHaveLength(1);
    expect(await recordedPosts(rig, 12)).toHaveLength(1);
    await page.screenshot({ path: 'artifacts/e2e-inline-panel.png' }).catch(() => {});

    await box.press('Escape');
    await expect.poll(() => panelOpen(page), { timeout: 10_000 }).toBe(false);
    // Focus is back on the Reply button the agent came from.
    await expect.poll(() => focusedName(page), { timeout: 5_000 }).toBe('Reply to ticket #12');
    await page.close();
  });

  it("in the panel: asks before reopening a resolved ticket, carries a closed ticket's text into a new one, attaches a file", async () => {
    const requests = async () =>
      (await control<{ requests: { method: string; path: string; status: number; body: string; seq: number }[] }>(rig, 'GET', '/requests'))
        .requests;

    // Resolved (#11): one primary action that says it reopens; nothing posted before it is pressed.
    let page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets/11`);
    await clickReplyButton(page, 'Reply to ticket #11');
    let panel = await panelFrame(page);
    await panel.getByRole('textbox', { name: 'Message' }).fill('Nous rouvrons votre demande.');
    await panel.getByText('This reopens the ticket: it is marked resolved.').waitFor();
    expect(await recordedPosts(rig, 11)).toHaveLength(0);
    await panel.getByRole('button', { name: 'Reply and reopen' }).click();
    await expect.poll(async () => (await panel.getByRole('status').first().textContent()) ?? '', { timeout: 15_000 }).toMatch(/sent/i);
    expect(await recordedPosts(rig, 11)).toHaveLength(1);
    await page.close();

    // Closed (#9): no Reply pill on its page; the keyboard command (Ctrl+Shift+Y, sent here as the background
    // sends it) still opens the panel, which says so before any request; the text goes into a new ticket.
    page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets/9`);
    await scanned(page);
    expect(await replyButtonCount(page)).toBe(0);
    await openByCommand(`${rig.sandbox.url}/dashboard/tickets/9`);
    panel = await panelFrame(page);
    await panel.getByText('This ticket is closed and cannot take a message.', { exact: false }).first().waitFor();
    await panel.getByRole('textbox', { name: 'Message' }).fill('Suivi du traceur GPS.');
    const create = panel.getByRole('form', { name: 'New ticket' });
    await create.getByRole('button', { name: 'Create follow-up ticket' }).click();
    await panel.getByText(/Created ticket #\d+/).waitFor({ timeout: 15_000 });
    const created = (await requests()).filter((r) => r.method === 'POST' && r.path === '/api/v1/client/tickets');
    expect(created).toHaveLength(1);
    expect(JSON.parse(created[0]!.body)).toMatchObject({ message: 'Suivi du traceur GPS.' });
    expect(await recordedPosts(rig, 9)).toHaveLength(0);
    await page.close();

    // An attachment (#8): uploaded first, its URL sent with the reply.
    page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets/8`);
    await clickReplyButton(page, 'Reply to ticket #8');
    panel = await panelFrame(page);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    await panel
      .getByRole('button', { name: 'Attach files' })
      .locator('xpath=following-sibling::input[@type="file"]')
      .setInputFiles({ name: 'key.png', mimeType: 'image/png', buffer: png });
    await panel.getByRole('list', { name: 'Attachments' }).getByText('Ready').waitFor({ timeout: 10_000 });
    await panel.getByRole('textbox', { name: 'Message' }).fill('Photo de la clé.');
    await panel.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(async () => (await panel.getByRole('status').first().textContent()) ?? '', { timeout: 15_000 }).toMatch(/sent/i);
    const all = await requests();
    const upload = all.filter((r) => r.method === 'POST' && r.path === '/api/v1/client/media');
    const posts = all.filter((r) => r.method === 'POST' && r.path === '/api/v1/client/tickets/8/messages');
    expect(upload).toHaveLength(1);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.seq).toBeGreaterThan(upload[0]!.seq);
    expect((JSON.parse(posts[0]!.body) as { attachments: string[] }).attachments).toHaveLength(1);
    await page.close();
  });

  it('follows single-page navigation', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/spa`);
    await expect.poll(() => replyButtonCount(page), { timeout: 10_000 }).toBeGreaterThan(2);
    await page
      .getByRole('link', { name: /TK-2026-00005/ })
      .first()
      .click();
    await expect.poll(() => page.url()).toContain('/tickets/5');
    await waitForReplyButton(page, 'Reply to ticket #5');
    const names = await buttonNames(page);
    expect(new Set(names).size).toBe(names.length);
    await page.close();
  });

  it('the popup lists the active tab tickets, the page ticket first', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets/7`);
    await waitForReplyButton(page, 'Reply to ticket #7');
    const worker = await rig.worker();
    const tabId = await worker.evaluate(
      async (url) => (await chrome.tabs.query({})).find((t: { id?: number; url?: string }) => t.url === `${url}/dashboard/tickets/7`)?.id,
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
    await expect.poll(() => replyButtonCount(page), { timeout: 10_000 }).toBeGreaterThan(0);
    await clickReplyButton(page, 'Reply to ticket #1');
    const panel = await panelFrame(page);
    const dialog = panel.getByRole('dialog', { name: /ticket #1/ });
    await dialog.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await panel.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await dialog.locator('img').count()).toBe(0);
    await page.close();
  });

  it('resolves Daakey references through the API and buttons them', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/inbox`);
    await expect.poll(() => replyButtonCount(page, 'Reply to ticket #4'), { timeout: 10_000 }).toBe(1);
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
    await expect.poll(() => replyButtonCount(page), { timeout: 10_000 }).toBeGreaterThan(0);
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
    await expect.poll(() => replyButtonCount(page), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.close();
  });

  it('options: a text typed and the tab closed at once (no blur, no pause) is there when the page is opened again', async () => {
    const options = await rig.openPage('options.html');
    await options.getByRole('button', { name: 'Add template' }).click();
    const fieldset = options.getByRole('group', { name: 'Template 1' });
    await fieldset.getByRole('textbox', { name: 'Template name' }).fill('Closing hours');
    await fieldset.getByRole('textbox', { name: 'Template text' }).fill('We close at 8 pm.');
    // No blur: the text box still has focus when the tab goes.
    expect(await fieldset.getByRole('textbox', { name: 'Template text' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await options.close();
    const again = await rig.openPage('options.html');
    const kept = again.getByRole('group', { name: 'Template 1' });
    await expect
      .poll(() => kept.getByRole('textbox', { name: 'Template text' }).inputValue(), { timeout: 10_000 })
      .toBe('We close at 8 pm.');
    expect(await kept.getByRole('textbox', { name: 'Template name' }).inputValue()).toBe('Closing hours');
    await again.close();
  });

  it('an agency teaches its own URL pattern and selector in the options', async () => {
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/custom`);
    await page.waitForTimeout(1000);
    expect(await replyButtonCount(page)).toBe(0);

    const options = await rig.openPage('options.html');
    await options.getByRole('textbox', { name: 'Ticket URL patterns' }).fill('/support/case/{id}');
    await options.getByRole('textbox', { name: 'Ticket selectors' }).fill('.case-no');
    // Saved as made: the box losing focus stores both lines; "Saved" shows only once what is shown is stored.
    await options.getByRole('textbox', { name: 'Ticket selectors' }).blur();
    await options.getByText(/Saved\. Reload/).waitFor();
    await options.close();

    await page.reload();
    await expect
      .poll(async () => buttonNames(page), { timeout: 10_000 })
      .toEqual(['Reply to ticket #1', 'Reply to ticket #2', 'Reply to ticket #3', 'Reply to ticket #4', 'Reply to ticket #6']);
    await page.close();
  });
});
