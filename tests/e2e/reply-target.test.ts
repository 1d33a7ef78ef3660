import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../sandbox/state';
import { control, signedInRig, storedMessages } from './steps';

/** The reply goes to the ticket the agent sees, and nothing written meanwhile slips by. */
describe('reply target and collisions', () => {
  const rig = signedInRig();

  async function replyPostsAnywhere(): Promise<RecordedRequest[]> {
    const { requests } = await control<{ requests: RecordedRequest[] }>(rig, 'GET', '/requests?method=POST');
    return requests.filter((r) => /^\/api\/v1\/client\/tickets(\/\d+\/messages)?$/.test(r.path.split('?')[0]!));
  }

  async function popupForTab(url: string) {
    const page = await rig.context.newPage();
    await page.goto(url);
    const worker = await rig.worker();
    const tabId = await worker.evaluate(
      async (u) => (await chrome.tabs.query({})).find((t: { id?: number; url?: string }) => t.url === u)?.id,
      url,
    );
    expect(tabId).toBeDefined();
    const popup = await rig.openPage('popup.html', `tabId=${tabId}`);
    return { page, popup };
  }

  it('an unknown ticket typed over the page ticket: "not found", the text kept, no POST anywhere', async () => {
    const { page, popup } = await popupForTab(`${rig.sandbox.url}/dashboard/tickets/1`);
    // The form shows the page's ticket and names it on Send.
    await popup.getByRole('button', { name: 'Send reply to #1' }).waitFor({ timeout: 15_000 });
    expect(await popup.getByRole('textbox', { name: 'Ticket ID' }).inputValue()).toBe('1');

    await popup.getByRole('textbox', { name: 'Ticket ID' }).fill('99999');
    await popup.getByRole('textbox', { name: 'Message' }).fill('Meant for the customer of 99999');
    // Send is unavailable (aria-disabled) while the field and the form disagree, and for a ticket that does not
    // exist; pressed anyway, at once (the form may still show #1) and once 99999 is known not to exist, it says why.
    const send = popup.getByRole('button', { name: 'Send reply' });
    expect(await send.isDisabled()).toBe(true);
    await send.click({ force: true });
    await popup.getByRole('textbox', { name: 'Message' }).press('Control+Enter');
    await expect.poll(async () => (await popup.locator('body').textContent()) ?? '', { timeout: 15_000 }).toMatch(/#99999 was not found/);
    expect(await send.isDisabled()).toBe(true);
    await send.click({ force: true });
    await popup.getByRole('textbox', { name: 'Message' }).press('Control+Enter');
    await expect.poll(async () => (await popup.getByRole('status').first().textContent()) ?? '').toMatch(/not found|differ|says/i);

    expect(await popup.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Meant for the customer of 99999');
    expect(await replyPostsAnywhere()).toEqual([]);
    expect((await storedMessages(rig, 1)).filter((m) => m.message.startsWith('Meant for'))).toHaveLength(0);
    await popup.close();
    await page.close();
  });

  it('a known ticket typed over the page ticket: the form loads it, Send names it and the reply goes there once', async () => {
    const { page, popup } = await popupForTab(`${rig.sandbox.url}/dashboard/tickets/1`);
    await popup.getByRole('button', { name: 'Send reply to #1' }).waitFor({ timeout: 15_000 });
    await popup.getByRole('textbox', { name: 'Ticket ID' }).fill('12');
    await popup.getByRole('button', { name: 'Send reply to #12' }).waitFor({ timeout: 15_000 });
    await popup.getByRole('textbox', { name: 'Message' }).fill('Typed ticket, right target');
    await popup.getByRole('button', { name: 'Send reply to #12' }).click();
    await expect
      .poll(async () => (await popup.getByRole('status').first().textContent()) ?? '', { timeout: 20_000 })
      .toMatch(/Sent to #12/);
    expect((await storedMessages(rig, 12)).filter((m) => m.message === 'Typed ticket, right target')).toHaveLength(1);
    expect((await storedMessages(rig, 1)).filter((m) => m.message === 'Typed ticket, right target')).toHaveLength(0);
    await popup.close();
    await page.close();
  });

  it('a customer message arriving while the agent types is shown, and Send asks first', async () => {
    const { page, popup } = await popupForTab(`${rig.sandbox.url}/dashboard/tickets/5`);
    await popup.getByRole('button', { name: 'Send reply to #5' }).waitFor({ timeout: 15_000 });
    await popup.getByRole('textbox', { name: 'Message' }).fill('Our technician is on the way');
    await control(rig, 'POST', '/tickets/5/messages', { message: 'Update: the charger works again, no need to come' });
    // The agent comes back to the popup: it reads the thread again.
    await popup.evaluate(() => window.dispatchEvent(new Event('focus')));
    await popup.getByRole('heading', { name: /New since you opened this ticket/ }).waitFor({ timeout: 15_000 });
    expect(await popup.locator('.new-since').textContent()).toContain('the charger works again');

    await popup.getByRole('button', { name: 'Send reply' }).click();
    await popup.getByText(/Someone wrote on this ticket since you opened it/).waitFor({ timeout: 10_000 });
    expect(await replyPostsAnywhere()).toEqual([]);

    await popup.getByRole('button', { name: 'Send anyway' }).click();
    await expect.poll(async () => (await popup.getByRole('status').first().textContent()) ?? '', { timeout: 20_000 }).toMatch(/Sent to #5/);
    expect((await storedMessages(rig, 5)).filter((m) => m.message === 'Our technician is on the way')).toHaveLength(1);
    await popup.close();
    await page.close();
  });
});
