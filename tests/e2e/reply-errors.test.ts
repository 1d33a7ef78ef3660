import { describe, expect, it } from 'vitest';
import { DEMO } from './fixtures';
import { signedInRig, configureAndSignIn, control, openPopupFor, recordedPosts, storedMessages, waitForStatus } from './steps';

/** Each error the API can give, seen from the popup: a clear message and the text kept. */
describe('reply errors', () => {
  const rig = signedInRig();

  async function typeAndSend(ticketId: number, text: string) {
    const popup = await openPopupFor(rig, ticketId);
    await popup.getByRole('textbox', { name: 'Message' }).fill(text);
    await popup.getByRole('button', { name: 'Send reply' }).click();
    return popup;
  }

  it('400: a ticket closed meanwhile says so, points to a new ticket and keeps the text', async () => {
    const popup = await openPopupFor(rig, 5);
    await control(rig, 'POST', '/tickets/5/status', { status: 'closed' });
    await popup.getByRole('textbox', { name: 'Message' }).fill('Closed meanwhile');
    await popup.getByRole('button', { name: 'Send reply' }).click();
    await waitForStatus(popup, /closed/i);
    await expect.poll(() => popup.getByText(/new ticket/i).count()).toBeGreaterThan(0);
    expect(await popup.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Closed meanwhile');
    await popup.waitForTimeout(1500);
    expect(await recordedPosts(rig, 5)).toHaveLength(1);
  });

  it('404: an unknown ticket says it was not found', async () => {
    const popup = await rig.openPage('popup.html');
    await popup.getByRole('textbox', { name: 'Ticket ID' }).fill('99999');
    await popup.getByRole('textbox', { name: 'Ticket ID' }).press('Enter');
    await expect.poll(async () => (await popup.locator('body').textContent()) ?? '', { timeout: 10_000 }).toMatch(/not found/i);
  });

  it('a non-numeric ticket ID is refused with a reason, before any request', async () => {
    await control(rig, 'DELETE', '/requests');
    const popup = await rig.openPage('popup.html');
    await popup.getByRole('textbox', { name: 'Ticket ID' }).fill('12abc');
    await popup.getByRole('textbox', { name: 'Ticket ID' }).press('Enter');
    await expect.poll(async () => (await popup.locator('body').textContent()) ?? '').toMatch(/positive|whole number|number/i);
    const { requests } = await control<{ requests: unknown[] }>(rig, 'GET', '/requests');
    expect(requests).toHaveLength(0);
  });

  it('403: a refused signature points to the agency settings and keeps the text', async () => {
    const options = await rig.openPage('options.html');
    await options.getByLabel('Agency secret').fill('a-wrong-secret');
    await options.getByRole('button', { name: 'Save' }).click();
    await options.waitForTimeout(300);
    await options.close();
    try {
      const popup = await typeAndSend(6, 'Signed with the wrong secret');
      await expect
        .poll(async () => (await popup.getByRole('status').first().textContent()) ?? '', { timeout: 15_000 })
        .toMatch(/signature/i);
      expect(await popup.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Signed with the wrong secret');
      const posts = await recordedPosts(rig, 6);
      expect(posts.length).toBeGreaterThan(0);
      expect(posts.every((p) => p.status === 403)).toBe(true);
      await popup.waitForTimeout(1500);
      expect((await recordedPosts(rig, 6)).length).toBeLessThanOrEqual(1);
      // The toolbar badge counts the reply that failed.
      const worker = await rig.worker();
      expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toMatch(/^[1-9]\d*$/);
    } finally {
      const fix = await rig.openPage('options.html');
      await fix.getByLabel('Agency secret').fill(DEMO.secret);
      await fix.getByRole('button', { name: 'Save' }).click();
      await fix.waitForTimeout(300);
      await fix.close();
    }
  });

  it('503 with Retry-After: queued, then sent once after the wait', async () => {
    await control(rig, 'POST', '/faults', {
      faults: [
        {
          type: 'status',
          status: 503,
          retryAfter: 2,
          times: 1,
          match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/10/messages' },
        },
      ],
    });
    const popup = await typeAndSend(10, 'After a 503');
    await waitForStatus(popup, /queued|retry|waiting/i);
    await waitForStatus(popup, /sent/i, 30_000);
    const posts = await recordedPosts(rig, 10);
    expect(posts.map((p) => p.status)).toEqual([503, 201]);
    // Retry-After: 2 → the second attempt no earlier than 2 s after the first.
    expect(new Date(posts[1]!.time).getTime() - new Date(posts[0]!.time).getTime()).toBeGreaterThanOrEqual(1900);
    expect((await storedMessages(rig, 10)).filter((m) => m.message === 'After a 503')).toHaveLength(1);
  });

  it('429 with Retry-After: queued, no attempt before the wait, then sent once', async () => {
    await control(rig, 'POST', '/faults', {
      faults: [
        {
          type: 'status',
          status: 429,
          retryAfter: 3,
          times: 1,
          match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/8/messages' },
        },
      ],
    });
    const popup = await typeAndSend(8, 'After a 429');
    await waitForStatus(popup, /queued|retry|waiting/i);
    await waitForStatus(popup, /sent/i, 30_000);
    const posts = await recordedPosts(rig, 8);
    expect(posts.map((p) => p.status)).toEqual([429, 201]);
    expect(new Date(posts[1]!.time).getTime() - new Date(posts[0]!.time).getTime()).toBeGreaterThanOrEqual(2900);
    expect((await storedMessages(rig, 8)).filter((m) => m.message === 'After a 429')).toHaveLength(1);
  });

  it('422: the field error shows beside the message, the text stays, and nothing is retried', async () => {
    await control(rig, 'POST', '/faults', {
      faults: [{ type: 'status', status: 422, times: 1, match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/6/messages' } }],
    });
    const popup = await typeAndSend(6, 'Refused by validation');
    await waitForStatus(popup, /fail|not sent|refused|invalid/i);
    await expect
      .poll(async () => (await popup.locator('.field-error').textContent()) ?? '', { timeout: 30_000 })
      .toMatch(/refused by the sandbox/);
    expect(await popup.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Refused by validation');
    await popup.waitForTimeout(4000);
    expect((await recordedPosts(rig, 6)).map((p) => p.status)).toEqual([422]);
    expect((await storedMessages(rig, 6)).filter((m) => m.message === 'Refused by validation')).toHaveLength(0);
  });

  it('timeout after the server committed: the reply is found on the server and never posted again', async () => {
    // Committed at once, answered after the client's 15 s limit.
    await control(rig, 'POST', '/faults', {
      faults: [
        {
          type: 'latency',
          ms: 17_000,
          phase: 'after-commit',
          times: 1,
          match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/4/messages' },
        },
      ],
    });
    const popup = await typeAndSend(4, 'Answered too late');
    await waitForStatus(popup, /sending/i);
    await waitForStatus(popup, /sent/i, 45_000);
    const posts = await recordedPosts(rig, 4);
    expect(posts).toHaveLength(1);
    expect((await storedMessages(rig, 4)).filter((m) => m.message === 'Answered too late')).toHaveLength(1);
  }, 60_000);

  it('offline, then online: queued while every attempt fails, sent once when a window flushes after the network is back', async () => {
    // "Offline": every reply POST dies before reaching the server, for as long as the fault stays.
    await control(rig, 'POST', '/faults', {
      faults: [{ type: 'drop-before-commit', times: 1000, match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/1/messages' } }],
    });
    const popup = await typeAndSend(1, 'Sent once back online');
    await waitForStatus(popup, /queued|retry|waiting/i);
    // The first attempt may wait for a flush still busy with the previous test's replies.
    await expect.poll(async () => (await recordedPosts(rig, 1)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect((await storedMessages(rig, 1)).filter((m) => m.message === 'Sent once back online')).toHaveLength(0);

    // Back online. The worker never sees `online`: a window opening asks the outbox to flush.
    await control(rig, 'DELETE', '/faults');
    await popup.evaluate(() => chrome.runtime.sendMessage({ channel: 'daakey-qr/v1', type: 'outbox/flush', payload: {} }));
    // The last attempt got no answer: it is looked up and sent again only once it can no longer be in flight
    // (its start + 15 s + 5 s), whatever flushes before that.
    await waitForStatus(popup, /sent/i, 45_000);
    const posts = await recordedPosts(rig, 1);
    expect(posts.filter((p) => p.status === 201)).toHaveLength(1);
    expect(posts.filter((p) => p.status !== 201).every((p) => p.outcome === 'dropped-before-commit')).toBe(true);
    expect((await storedMessages(rig, 1)).filter((m) => m.message === 'Sent once back online')).toHaveLength(1);
  });

  it('network failure: queued, then sent once', async () => {
    await control(rig, 'POST', '/faults', {
      faults: [{ type: 'drop-before-commit', times: 1, match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/12/messages' } }],
    });
    const popup = await typeAndSend(12, 'After a dropped connection');
    await waitForStatus(popup, /sent/i, 45_000);
    expect((await storedMessages(rig, 12)).filter((m) => m.message === 'After a dropped connection')).toHaveLength(1);
  });

  it('connection dropped after commit: exactly one message, shown as sent', async () => {
    await control(rig, 'POST', '/faults', {
      faults: [{ type: 'drop-after-commit', times: 1, match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/1/messages' } }],
    });
    const popup = await typeAndSend(1, 'Committed then dropped');
    await waitForStatus(popup, /sent/i, 45_000);
    expect((await storedMessages(rig, 1)).filter((m) => m.message === 'Committed then dropped')).toHaveLength(1);
    // The strict sandbox ignores Idempotency-Key: one POST, found by the look-up, never sent again.
    expect((await recordedPosts(rig, 1)).map((p) => p.outcome)).toEqual(['dropped-after-commit']);
  });

  it('401: the outbox pauses, keeps the reply, and sends it once after signing in again', async () => {
    await control(rig, 'POST', '/tokens/revoke-all');
    const popup = await typeAndSend(1, 'Sent after signing in again');
    await expect.poll(async () => (await popup.locator('body').textContent()) ?? '', { timeout: 15_000 }).toMatch(/sign in/i);
    expect(await popup.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Sent after signing in again');
    await configureAndSignIn(rig);
    await expect
      .poll(async () => (await storedMessages(rig, 1)).filter((m) => m.message === 'Sent after signing in again').length, {
        timeout: 20_000,
      })
      .toBe(1);
    const posts = await recordedPosts(rig, 1);
    expect(posts.filter((p) => p.status === 201)).toHaveLength(1);
  });

  it('a clock 10 minutes off: the first refusal teaches the offset, the reply goes out once', async () => {
    await control(rig, 'POST', '/clock', { offsetSeconds: 600 });
    try {
      const popup = await typeAndSend(1, 'Sent with a skewed clock');
      await waitForStatus(popup, /sent/i, 20_000);
      const posts = await recordedPosts(rig, 1);
      expect(posts.filter((p) => p.status === 201)).toHaveLength(1);
      expect((await storedMessages(rig, 1)).filter((m) => m.message === 'Sent with a skewed clock')).toHaveLength(1);
    } finally {
      await control(rig, 'POST', '/clock', { offsetSeconds: 0 });
    }
  });
});
