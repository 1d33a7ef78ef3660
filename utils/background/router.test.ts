import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createRouter, type Handlers, type SenderInfo } from './router';
import { SENDERS, type MessageType } from '@/utils/shared/messages';

const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT = `chrome-extension://${RUNTIME_ID}`;
const SECRET = 'sandbox-secret-123';
const TOKEN = 'tok_live_123456';
const DASHBOARD = 'http://127.0.0.1:8787';

function setup() {
  const calls: string[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_t, type: string) => async () => {
      calls.push(type);
      return { ok: true, data: { echo: type } };
    },
  });
  const route = createRouter({
    runtimeId: RUNTIME_ID,
    extensionOrigin: EXT,
    isDashboardOrigin: (origin) => origin === DASHBOARD,
    handlers,
  });
  return { route, calls };
}

const envelope = (type: string, payload: unknown) => ({ channel: 'daakey-qr/v1', type, payload });
const popup: SenderInfo = { id: RUNTIME_ID, url: `${EXT}/popup.html`, origin: EXT };
const content: SenderInfo = {
  id: RUNTIME_ID,
  url: `${DASHBOARD}/dashboard/tickets/1`,
  origin: DASHBOARD,
  frameId: 0,
  tab: { id: 3, url: `${DASHBOARD}/dashboard/tickets/1` },
};

describe('router sender checks', () => {
  it('lets the popup read settings', async () => {
    const { route, calls } = setup();
    expect(await route(envelope('settings/get', {}), popup)).toMatchObject({ ok: true });
    expect(calls).toEqual(['settings/get']);
  });

  it.each<[string, SenderInfo]>([
    ['another extension', { ...popup, id: 'otherextensionidotherextensionid' }],
    ['a page claiming the extension origin with a different sender.origin', { ...popup, origin: 'https://evil.example' }],
    [
      'a content script on a site that is not an enabled dashboard',
      { ...content, url: 'https://evil.example/x', origin: 'https://evil.example', tab: { id: 3, url: 'https://evil.example/x' } },
    ],
    ['a dashboard sub-frame', { ...content, frameId: 2 }],
    ['a content script without a tab', { ...content, tab: undefined }],
    ['a sender with no URL', { id: RUNTIME_ID }],
  ])('refuses %s', async (_label, sender) => {
    const { route, calls } = setup();
    const reply = await route(envelope('reply/send', { clientId: 'c1', ticketId: 1, message: 'hi', attachments: [] }), sender);
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ kind: 'bad_sender' }) });
    expect(calls).toEqual([]);
  });

  it('keeps settings and sign-in away from content scripts', async () => {
    const { route, calls } = setup();
    for (const type of ['settings/get', 'settings/save', 'auth/sign-in', 'templates/save'] as const) {
      expect(await route(envelope(type, {}), content)).toMatchObject({ ok: false, error: { kind: 'bad_sender' } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses a reply from a dashboard content script: the page it runs beside may not act for the agent', async () => {
    const { route, calls } = setup();
    const reply = await route(envelope('reply/send', { clientId: 'c1', ticketId: 7, message: 'Bonjour', attachments: [] }), content);
    expect(reply).toMatchObject({ ok: false, error: { kind: 'bad_sender' } });
    expect(calls).toEqual([]);
  });

  it('lets the panel page (an extension page framed in a dashboard tab) send, with its tab known', async () => {
    const received: unknown[] = [];
    const handlers = new Proxy({} as Handlers, {
      get: () => async (_payload: unknown, context: unknown) => {
        received.push(context);
        return { ok: true, data: {} };
      },
    });
    const route = createRouter({ runtimeId: RUNTIME_ID, extensionOrigin: EXT, isDashboardOrigin: () => true, handlers });
    const panel: SenderInfo = {
      id: RUNTIME_ID,
      url: `${EXT}/panel.html?ticket=7`,
      origin: EXT,
      frameId: 4,
      tab: { id: 3, url: `${DASHBOARD}/x` },
    };
    expect((await route(envelope('reply/send', { clientId: 'c1', ticketId: 7, message: 'Bonjour', attachments: [] }), panel)).ok).toBe(
      true,
    );
    expect(received).toEqual([{ sender: 'extension-page', tabId: 3, origin: null }]);
  });

  // Every type with who may send it: the whole table, so a change to it is a visible change to this test.
  const ALLOWED: Record<MessageType, readonly string[]> = {
    'settings/get': ['extension-page'],
    'settings/save': ['extension-page'],
    'detection/save': ['extension-page'],
    'sites/add': ['extension-page'],
    'sites/set-enabled': ['extension-page'],
    'sites/remove': ['extension-page'],
    'auth/status': ['extension-page'],
    'auth/sign-in': ['extension-page'],
    'auth/sign-out': ['extension-page'],
    'ticket/get': ['extension-page'],
    'ticket/create': ['extension-page'],
    'reply/send': ['extension-page'],
    'outbox/list': ['extension-page'],
    'outbox/flush': ['extension-page'],
    'outbox/retry': ['extension-page'],
    'outbox/discard': ['extension-page'],
    'draft/get': ['extension-page'],
    'draft/save': ['extension-page'],
    'media/upload': ['extension-page'],
    'templates/list': ['extension-page'],
    'templates/save': ['extension-page'],
    'panel/claim': ['extension-page'],
    'panel/close': ['extension-page'],
    'ticket/resolve': ['content-script'],
    'detection/get': ['content-script'],
    'panel/open': ['content-script'],
  };

  it('allows each type from exactly its listed senders', () => {
    expect(SENDERS).toEqual(ALLOWED);
  });

  it.each(Object.entries(ALLOWED).filter(([, who]) => !who.includes('content-script')))(
    'refuses %s from a dashboard content script, whatever the payload, before any handler',
    async (type) => {
      const { route, calls } = setup();
      await fc.assert(
        fc.asyncProperty(fc.anything(), async (payload) => {
          expect(await route(envelope(type, payload), content)).toMatchObject({ ok: false, error: { kind: 'bad_sender' } });
        }),
        { numRuns: 100 },
      );
      expect(calls).toEqual([]);
    },
  );

  it.each(Object.entries(ALLOWED).filter(([, who]) => !who.includes('extension-page')))(
    'refuses %s from an extension page: pointing is for content scripts',
    async (type) => {
      const { route, calls } = setup();
      expect(await route(envelope(type, {}), popup)).toMatchObject({ ok: false, error: { kind: 'bad_sender' } });
      expect(calls).toEqual([]);
    },
  );

  it.each([
    [{ clientId: 'c', ticketId: '7', message: 'x', attachments: [] }, 'positive whole number'],
    [{ clientId: 'c', ticketId: -1, message: 'x', attachments: [] }, 'positive whole number'],
    [{ clientId: 'c', ticketId: 7, message: '   ', attachments: [] }, 'empty'],
    [{ clientId: 'c', ticketId: 7, message: 'x'.repeat(5001), attachments: [] }, 'too long'],
    [{ clientId: 'c', ticketId: 7, message: 'x', attachments: ['javascript:alert(1)'] }, 'URLs'],
  ])('rejects a malformed reply %#', async (payload, text) => {
    const { route, calls } = setup();
    const reply = await route(envelope('reply/send', payload), popup);
    expect(reply).toMatchObject({ ok: false, error: { kind: 'bad_request' } });
    expect(JSON.stringify(reply)).toContain(text);
    expect(calls).toEqual([]);
  });

  it('accepts only the undo windows the options offer', async () => {
    const { route, calls } = setup();
    const settings = { environment: 'sandbox', baseUrl: 'http://127.0.0.1:8787', signatureMode: 'computed', agencyCode: 'demo' };
    for (const undoSeconds of [-5, 7, 3600, '10']) {
      const reply = await route(envelope('settings/save', { ...settings, undoSeconds }), popup);
      expect(reply).toMatchObject({ ok: false, error: { kind: 'bad_request', message: expect.stringContaining('undo window') } });
    }
    expect(calls).toEqual([]);
    expect((await route(envelope('settings/save', { ...settings, undoSeconds: 10 }), popup)).ok).toBe(true);
    expect(calls).toEqual(['settings/save']);
  });

  it('declares a sender rule for every message type', () => {
    const types = Object.keys(SENDERS) as MessageType[];
    expect(types.length).toBeGreaterThan(10);
    for (const type of types) expect(SENDERS[type].length).toBeGreaterThan(0);
  });
});

describe('router fuzz', () => {
  it('answers 10,000 arbitrary messages from forged senders with a typed error, never a throw or a handler call', {
    timeout: 120_000,
  }, async () => {
    const { route, calls } = setup();
    const forgedSender = fc.record(
      {
        // Our own id too: a content script on a page that is not an enabled dashboard.
        id: fc.oneof(fc.string(), fc.constant('otherextensionidotherextensionid'), fc.constant(undefined), fc.constant(RUNTIME_ID)),
        url: fc.oneof(fc.webUrl(), fc.string(), fc.constant('https://evil.example/')),
        origin: fc.oneof(
          fc.webUrl().map((u) => new URL(u).origin),
          fc.constant(undefined),
        ),
        frameId: fc.oneof(fc.integer(), fc.constant(undefined)),
        tab: fc.oneof(fc.record({ id: fc.integer(), url: fc.webUrl() }), fc.constant(undefined)),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<SenderInfo>;
    const message = fc.oneof(
      fc.anything(),
      fc.record({
        channel: fc.constant('daakey-qr/v1'),
        type: fc.constantFrom(...Object.keys(SENDERS), '__proto__', 'constructor', 'x'),
        payload: fc.anything(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(message, forgedSender, async (m, sender) => {
        const reply = await route(m, sender);
        expect(reply.ok).toBe(false);
        expect(['bad_sender', 'bad_request', 'unknown_type']).toContain((reply as { error: { kind: string } }).error.kind);
        const text = JSON.stringify(reply);
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(TOKEN);
      }),
      { numRuns: 10_000 },
    );
    expect(calls).toEqual([]);
  });

  it('never throws on arbitrary payloads from a trusted page', async () => {
    const { route } = setup();
    const spy = vi.fn();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(SENDERS)), fc.anything(), async (type, payload) => {
        const reply = await route({ channel: 'daakey-qr/v1', type, payload }, popup);
        spy(reply.ok);
        expect(typeof reply.ok).toBe('boolean');
      }),
      { numRuns: 2_000 },
    );
  });
});
