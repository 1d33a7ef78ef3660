import { describe, expect, it } from 'vitest';
import { signedInRig, openPopupFor, recordedPosts, storedMessages, waitForStatus, control } from './steps';
import { computeSignature, parseSignatureHeader } from '../../utils/background/signature';

describe('a reply from the popup', () => {
  const rig = signedInRig();

  it('reaches the sandbox exactly once, signed, and shows as sent', async () => {
    const popup = await openPopupFor(rig, 1);
    const text = `Hello from the e2e test ${Date.now()}`;
    await popup.getByRole('textbox', { name: 'Message' }).fill(text);
    await popup.getByRole('button', { name: 'Send reply' }).click();
    const status = await waitForStatus(popup, /sent/i);

    const posts = await recordedPosts(rig, 1);
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.status).toBe(201);
    expect(post.headers['authorization']).toMatch(/^Bearer \S+/);
    expect(post.headers['accept']).toBe('application/json');
    expect(post.headers['content-type']).toMatch(/^application\/json/);
    expect(post.headers['idempotency-key']).toMatch(/[0-9a-f-]{36}/);
    const parsed = parseSignatureHeader(post.headers['x-agency-signature']!)!;
    expect(parsed.agencyCode).toBe('AGENCY123');
    const expected = await computeSignature(
      { mode: 'computed', agencyCode: 'AGENCY123', secret: 'sandbox-secret-123' },
      { method: 'POST', pathWithQuery: post.path, body: post.body, timestamp: parsed.timestamp },
    );
    expect(post.headers['x-agency-signature']).toBe(expected);
    expect(JSON.parse(post.body)).toEqual({ message: text, attachments: [] });

    const stored = (await storedMessages(rig, 1)).filter((m) => m.message === text);
    expect(stored).toHaveLength(1);
    expect(status).toContain(String(stored[0]!.id));
    await popup.screenshot({ path: 'artifacts/e2e-popup-sent.png' }).catch(() => {});
  });

  it('sends with Ctrl+Enter, once even when pressed twice', async () => {
    await control(rig, 'DELETE', '/requests');
    const popup = await openPopupFor(rig, 4);
    const box = popup.getByRole('textbox', { name: 'Message' });
    await box.fill('Sent with the keyboard');
    await Promise.all([box.press('Control+Enter'), box.press('Control+Enter')]);
    await expect
      .poll(async () => (await storedMessages(rig, 4)).filter((m) => m.message === 'Sent with the keyboard').length, { timeout: 15_000 })
      .toBe(1);
    await popup.waitForTimeout(1000);
    expect(await recordedPosts(rig, 4)).toHaveLength(1);
  });
});
