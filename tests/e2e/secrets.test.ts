import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, DEMO, signInOnOptions, type Rig } from './fixtures';
import { configureAndSignIn } from './steps';
import { clickReplyButton, panelFrame, waitForReplyButton } from './panel';
import { SENDERS } from '../../utils/shared/messages';
import { itUnless, type Frame, type Page } from './driver';

/**
 * Counts, in every new document, the listeners registered for storage changes (each such listener is handed the
 * new value of every key that changes: the token's too), on both API namespaces and on every storage area.
 */
const COUNT_STORAGE_LISTENERS = `{
  const seen = (window.__dqrStorageListeners = []);
  for (const ns of [globalThis.chrome, globalThis.browser]) {
    const storage = ns && ns.storage;
    if (!storage) continue;
    for (const area of [null, 'local', 'session', 'sync', 'managed']) {
      const event = area === null ? storage.onChanged : storage[area] && storage[area].onChanged;
      if (!event || event.__dqrCounted) continue;
      const add = event.addListener.bind(event);
      event.addListener = (listener) => { seen.push(area || 'any'); return add(listener); };
      event.__dqrCounted = true;
    }
  }
}`;

/** The token as the background keeps it, read from the background itself. */
async function storedToken(rig: Rig): Promise<string> {
  return (await rig.worker()).evaluate(async () => (await chrome.storage.session.get('credentials')).credentials.token);
}

/** The token and the signing secret never reach a content script, a page or storage.sync. */
describe('secrets stay in the background', () => {
  let rig: Rig;
  let token: string;
  let tabId: number;
  beforeAll(async () => {
    rig = await startRig();
    await configureAndSignIn(rig);
    const worker = await rig.worker();
    token = await storedToken(rig);
    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets/1`);
    await waitForReplyButton(page, 'Reply to ticket #1');
    tabId = await worker.evaluate(
      async (url) => (await chrome.tabs.query({})).find((t: { id?: number; url?: string }) => t.url === `${url}/dashboard/tickets/1`)!.id,
      rig.sandbox.url,
    );
  });
  afterAll(async () => rig?.close());

  it('has a token, and storage.sync holds nothing', async () => {
    expect(token).toMatch(/\S{16,}/);
    const worker = await rig.worker();
    expect(await worker.evaluate(async () => chrome.storage.sync.get(null))).toEqual({});
  });

  it('a content script cannot read the extension storage where the secrets live', async () => {
    const worker = await rig.worker();
    const seen = await worker.evaluate(async (id) => {
      const [result] = await chrome.scripting.executeScript({
        target: { tabId: id },
        func: async () => {
          const out: string[] = [];
          for (const area of ['local', 'session', 'sync'] as const) {
            try {
              out.push(JSON.stringify(await (globalThis as any).chrome.storage[area].get(null)));
            } catch (error) {
              out.push(`refused: ${String(error)}`);
            }
          }
          return out.join('\n');
        },
      });
      return result.result as string;
    }, tabId);
    expect(seen).not.toContain(DEMO.secret);
    expect(seen).not.toContain(token);
  });

  it('no answer to any message from a content script carries a secret', async () => {
    const worker = await rig.worker();
    const types = Object.keys(SENDERS);
    const answers = await worker.evaluate(
      async ({ id, types }) => {
        const [result] = await chrome.scripting.executeScript({
          target: { tabId: id },
          args: [types],
          func: async (list: string[]) => {
            const out: unknown[] = [];
            for (const type of list) {
              // Well-formed payloads, so handlers run for the types a content script may call.
              const payload =
                type === 'ticket/resolve'
                  ? { references: ['TK-2026-00001'] }
                  : /ticket\/get|draft\/get|panel\/open/.test(type)
                    ? { ticketId: 1 }
                    : {};
              out.push(await (globalThis as any).chrome.runtime.sendMessage({ channel: 'daakey-qr/v1', type, payload }));
            }
            return JSON.stringify(out);
          },
        });
        return result.result as string;
      },
      { id: tabId, types },
    );
    // Each type answers as its sender rule says: handled for the three a content script may send, refused for the rest.
    const replies = JSON.parse(answers) as { ok: boolean; error?: { kind: string } }[];
    types.forEach((type, i) => {
      const allowed = SENDERS[type as keyof typeof SENDERS].includes('content-script');
      expect({ type, ok: replies[i]?.ok, kind: replies[i]?.error?.kind }).toEqual({
        type,
        ok: allowed,
        kind: allowed ? undefined : 'bad_sender',
      });
    });
    expect(answers).toContain('"TK-2026-00001":1');
    expect(answers).not.toContain(DEMO.secret);
    expect(answers).not.toContain(token);
  });

  itUnless({
    firefox:
      'its pages cannot be watched from the harness: init scripts (BiDi preload scripts) do not run in moz-extension documents and its events have no hasListeners()',
  })('no extension page listens to storage changes, which would hand it the token', async () => {
    type Counted = { __dqrStorageListeners?: string[] };
    const counted = (target: Page | Frame) => target.evaluate(() => (window as unknown as Counted).__dqrStorageListeners ?? null);
    // The control: a listener added from the test is counted, so a page's own would be.
    const control = (target: Page | Frame) =>
      target.evaluate(() => {
        const api = globalThis as unknown as { chrome: typeof chrome };
        api.chrome.storage.onChanged.addListener(() => undefined);
        api.chrome.storage.local.onChanged.addListener(() => undefined);
        return (window as unknown as Counted).__dqrStorageListeners;
      });

    const popup = await rig.openPage('popup.html', 'ticket=1');
    const options = await rig.openPage('options.html');
    const welcome = await rig.openPage('onboarding.html');
    for (const page of [popup, options, welcome]) {
      await page.addInitScript({ content: COUNT_STORAGE_LISTENERS });
      await page.reload();
    }
    await popup.getByRole('textbox', { name: 'Message' }).waitFor();
    await options.getByRole('button', { name: 'Sign out' }).waitFor();
    await welcome.getByText(/^All set\./).waitFor();

    const dashboard = rig.context.pages().find((p) => p.url().includes('/dashboard/tickets/1'))!;
    await dashboard.addInitScript({ content: COUNT_STORAGE_LISTENERS });
    await dashboard.reload();
    await clickReplyButton(dashboard, 'Reply to ticket #1');
    const panel = await panelFrame(dashboard);
    await panel.getByRole('textbox', { name: 'Message' }).waitFor();

    // A sign-in while they are open: the change every page would have been handed.
    await options.getByRole('button', { name: 'Sign out' }).click();
    await signInOnOptions(options);

    for (const target of [popup, options, welcome, panel]) {
      expect(await counted(target), target.url()).toEqual([]);
      expect(await control(target), target.url()).toEqual(['any', 'local']);
    }
    for (const page of [popup, options, welcome]) await page.close();
    // The next test looks for the new token, on the dashboard as it was (no panel open).
    token = await storedToken(rig);
    expect(token).toMatch(/\S{16,}/);
    await dashboard.reload();
    await waitForReplyButton(dashboard, 'Reply to ticket #1');
  });

  it('the page sees neither secret in its DOM or globals', async () => {
    const page = rig.context.pages().find((p) => p.url().includes('/dashboard/tickets/1'))!;
    await clickReplyButton(page, 'Reply to ticket #1');
    const panel = await panelFrame(page);
    await panel.locator('.reply-form h2.subject').waitFor();
    const subject = (await panel.locator('.reply-form h2.subject').textContent()) ?? '';
    const dump = await page.evaluate(() => {
      const shadows = [...document.querySelectorAll('*')].map((h) => h.shadowRoot?.innerHTML ?? '').join('');
      return document.documentElement.outerHTML + shadows + JSON.stringify(Object.keys(window));
    });
    expect(dump).not.toContain(DEMO.secret);
    expect(dump).not.toContain(token);
    // The panel's ticket data stays in the panel's own document.
    expect(subject.length).toBeGreaterThan(3);
    expect(dump).not.toContain('class="reply-form"');
  });
});
