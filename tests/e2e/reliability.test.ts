import { describe, expect, it } from 'vitest';
import { signedInRig, control, openPopupFor, recordedPosts, storedMessages, waitForStatus } from './steps';

/** Nothing lost, nothing doubled: the outbox and drafts against worker stops and restarts. */
describe('reliability', () => {
  const rig = signedInRig();

  it('worker stopped mid-send: exactly one message and the popup ends at sent', async () => {
    await control(rig, 'POST', '/faults', {
      faults: [{ type: 'latency', ms: 2500, times: 1, match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/6/messages' } }],
    });
    const popup = await openPopupFor(rig, 6);
    await popup.getByRole('textbox', { name: 'Message' }).fill('Survives a stopped worker');
    await popup.getByRole('button', { name: 'Send reply' }).click();
    // The POST is now held by the sandbox's latency; stop the worker while it waits.
    await popup.waitForTimeout(700);
    await rig.stopWorker();
    await waitForStatus(popup, /sent/i, 45_000);
    await popup.waitForTimeout(500);
    expect((await storedMessages(rig, 6)).filter((m) => m.message === 'Survives a stopped worker')).toHaveLength(1);
  });

  it('a draft survives closing the popup and restarting the browser', async () => {
    let popup = await openPopupFor(rig, 8);
    await popup.getByRole('textbox', { name: 'Message' }).fill('Half-written reply');
    await popup.waitForTimeout(800);
    await popup.close();
    popup = await openPopupFor(rig, 8);
    await expect.poll(() => popup.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Half-written reply');
    await popup.close();

    await rig.restartBrowser();
    popup = await openPopupFor(rig, 8);
    await expect.poll(() => popup.getByRole('textbox', { name: 'Message' }).inputValue(), { timeout: 10_000 }).toBe('Half-written reply');
  });

  it('a queued reply survives a browser restart and is sent once', async () => {
    await control(rig, 'POST', '/faults', {
      faults: [
        {
          type: 'status',
          status: 503,
          retryAfter: 3,
          times: 1,
          match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/4/messages' },
        },
      ],
    });
    const popup = await openPopupFor(rig, 4);
    await popup.getByRole('textbox', { name: 'Message' }).fill('Queued across a restart');
    await popup.getByRole('button', { name: 'Send reply' }).click();
    await waitForStatus(popup, /queued|retry|waiting/i);
    await rig.restartBrowser();
    // The restarted browser has no token in session storage only if the browser cannot lock
    // storage.local; Chromium can, so the reply goes out by itself.
    const again = await openPopupFor(rig, 4);
    await waitForStatus(again, /sent/i, 45_000);
    expect((await storedMessages(rig, 4)).filter((m) => m.message === 'Queued across a restart')).toHaveLength(1);
    expect((await recordedPosts(rig, 4)).filter((p) => p.status === 201)).toHaveLength(1);
  });
});
