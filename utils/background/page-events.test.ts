import { beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { PageEvent, PageEventName } from '@/utils/shared/messages';
import { DEFAULT_SETTINGS, draftsItem, settingsItem } from '@/utils/shared/storage-schema';
import { onPageEvent } from '@/utils/ui/page-events';
import { announceChangesToPages } from './page-events';
import { credentialsItem, EMPTY_CREDENTIALS, sessionCredentialsItem } from './storage-items';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('page events', () => {
  beforeEach(() => fakeBrowser.reset());

  function announcing(send: (event: PageEvent) => Promise<unknown> = (event) => browser.runtime.sendMessage(event)) {
    return announceChangesToPages({ settings: settingsItem, credentials: [credentialsItem, sessionCredentialsItem], send });
  }

  it('a page hears a settings change and a sign-in, by name, from the real storage items', async () => {
    const stop = announcing();
    const heard: PageEventName[] = [];
    const stopListening = onPageEvent((event) => heard.push(event));

    await settingsItem.setValue({ ...DEFAULT_SETTINGS, undoSeconds: 5 });
    await sessionCredentialsItem.setValue({
      ...EMPTY_CREDENTIALS,
      token: 'tok-123',
      user: { id: 1, name: 'Ana', email: 'a@b.c' } as never,
    });
    await credentialsItem.setValue({ ...EMPTY_CREDENTIALS, token: 'tok-123' });
    await tick();
    expect(heard).toEqual(['settings-changed', 'auth-changed', 'auth-changed']);

    // The outbox and the drafts change all the time: no event for them.
    await draftsItem.setValue({ 'A:1': { message: 'hi', updatedAt: 1 } as never });
    await tick();
    expect(heard).toHaveLength(3);

    stopListening();
    stop();
    await settingsItem.setValue({ ...DEFAULT_SETTINGS, undoSeconds: 10 });
    await tick();
    expect(heard).toHaveLength(3);
  });

  it('sends the name only: no value, the token least of all', async () => {
    const send = vi.fn(async (_event: PageEvent) => undefined);
    announcing(send);
    await credentialsItem.setValue({ ...EMPTY_CREDENTIALS, token: 'tok-secret-456', secret: 'agency-secret' });
    await tick();
    expect(send.mock.calls).toEqual([[{ channel: 'daakey-qr/page/v1', event: 'auth-changed' }]]);
    expect(JSON.stringify(send.mock.calls)).not.toMatch(/tok-secret|agency-secret/);
  });

  it('no page open (sendMessage rejects) is not an error', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      announcing(() => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.')));
      await settingsItem.setValue({ ...DEFAULT_SETTINGS, undoSeconds: 20 });
      await tick();
      await tick();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('a page ignores anything else on the channel and never answers', () => {
    const listeners: ((message: unknown) => unknown)[] = [];
    const onMessage = {
      addListener: (l: (message: unknown) => unknown) => void listeners.push(l),
      removeListener: (l: (message: unknown) => unknown) => void listeners.splice(listeners.indexOf(l), 1),
    };
    const heard: PageEventName[] = [];
    const stop = onPageEvent((event) => heard.push(event), onMessage as never);
    const receive = listeners[0]!;
    // A request from another page to the background, forged or unknown events, junk.
    for (const message of [
      { channel: 'daakey-qr/v1', type: 'auth/status', payload: {} },
      { channel: 'daakey-qr/page/v1', event: 'outbox-changed' },
      { channel: 'daakey-qr/page/v2', event: 'auth-changed' },
      null,
      'auth-changed',
    ])
      expect(receive(message)).toBeUndefined();
    expect(heard).toEqual([]);
    expect(receive({ channel: 'daakey-qr/page/v1', event: 'auth-changed' })).toBeUndefined();
    expect(heard).toEqual(['auth-changed']);
    stop();
    expect(listeners).toHaveLength(0);
  });
});
