import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers, type HandlerDeps } from './handlers';
import { createCredentialsStore } from './credentials-store';
import { draftsItem, settingsItem, templatesItem, credentialsItem, referencesItem } from './storage-schema';
import { createMemoryOutboxStore, createOutbox } from './outbox';
import type { DaakeyClient } from './daakey-client';
import type { HandlerContext } from './router';

const SECRET = 'sandbox-secret-123';
const TOKEN = 'tok_0123456789';
const page: HandlerContext = { sender: 'extension-page', tabId: null, origin: null };

function setup(overrides: Partial<DaakeyClient> = {}) {
  const client = {
    login: vi.fn(async () => ({
      ok: true as const,
      status: 200,
      data: { token: TOKEN, user: { id: 7, name: 'Sara Haddad', email: 'agent@demo.daakey.test' } },
    })),
    logout: vi.fn(async () => ({ ok: true as const, status: 200, data: null })),
    addMessage: vi.fn(async () => ({
      ok: true as const,
      status: 201,
      data: { id: 99, message: 'x', sender: 'client', sender_name: 'Sara', attachments: [], created_at: '2026-01-01T00:00:00Z' },
    })),
    getTicket: vi.fn(),
    ...overrides,
  } as unknown as DaakeyClient;
  const outbox = createOutbox({
    store: createMemoryOutboxStore(),
    client,
    clock: () => 1_000,
    random: () => 0.5,
    schedule: () => undefined,
  });
  const flushSoon = vi.fn();
  const sitesChanged = vi.fn(async () => undefined);
  const deps: HandlerDeps = {
    settings: settingsItem,
    credentials: createCredentialsStore({ persistent: true }),
    drafts: draftsItem,
    templates: templatesItem,
    references: referencesItem,
    client: async () => client,
    outbox,
    clock: () => 1_000,
    managedKeys: async () => [],
    hasHostPermission: async (pattern) => pattern === 'https://dash.example.com/*',
    sitesChanged,
    flushSoon,
    uiLanguage: () => 'fr-CA',
    localeMessages: async (lang) => ({ send_reply: { message: lang === 'fr' ? 'Envoyer la réponse' : 'Send reply' } }),
    injectPanel: async () => true,
  };
  return { handlers: createHandlers(deps), client, flushSoon, sitesChanged, outbox };
}

describe('background handlers', () => {
  beforeEach(() => fakeBrowser.reset());

  it('stores the secret but never returns it', async () => {
    const { handlers } = setup();
    const reply = await handlers['settings/save'](
      { environment: 'custom', baseUrl: 'http://127.0.0.1:9000/', signatureMode: 'computed', agencyCode: 'AGENCY123', secret: SECRET },
      page,
    );
    expect(reply).toMatchObject({ ok: true, data: { baseUrl: 'http://127.0.0.1:9000', hasSecret: true, agencyCode: 'AGENCY123' } });
    expect(JSON.stringify(reply)).not.toContain(SECRET);
    expect((await credentialsItem.getValue()).secret).toBe(SECRET);
    expect(JSON.stringify(await fakeBrowser.storage.sync.get())).not.toContain(SECRET);
  });

  it('refuses a base URL that is not http(s) and keeps the old settings', async () => {
    const { handlers } = setup();
    const reply = await handlers['settings/save'](
      { environment: 'custom', baseUrl: 'ftp://x', signatureMode: 'computed', agencyCode: 'A' },
      page,
    );
    expect(reply).toMatchObject({ ok: false, error: { kind: 'bad_request' } });
    expect((await settingsItem.getValue()).baseUrl).toBe('http://127.0.0.1:8787');
  });

  it('signs in, keeps the token to itself, and resumes a paused outbox', async () => {
    const { handlers, outbox, flushSoon } = setup();
    await outbox.pause();
    const reply = await handlers['auth/sign-in']({ email: ' agent@demo.daakey.test ', password: 'pw' }, page);
    expect(reply).toEqual({
      ok: true,
      data: { signedIn: true, user: expect.objectContaining({ name: 'Sara Haddad' }), needsSignIn: false },
    });
    expect(JSON.stringify(reply)).not.toContain(TOKEN);
    expect(await outbox.isPaused()).toBe(false);
    expect(flushSoon).toHaveBeenCalled();
  });

  it('signs out even when the server cannot be reached', async () => {
    const { handlers } = setup({
      logout: vi.fn(async () => ({ ok: false as const, error: { kind: 'network' as const, message: 'offline' } })),
    });
    await handlers['auth/sign-in']({ email: 'a@b.c', password: 'pw' }, page);
    expect(await handlers['auth/sign-out']({}, page)).toMatchObject({ ok: true, data: { signedIn: false } });
    expect((await credentialsItem.getValue()).token).toBeNull();
  });

  it('keeps one draft per ticket and drops it when emptied', async () => {
    const { handlers } = setup();
    await handlers['draft/save']({ ticketId: 4, message: 'Bonjour', attachments: [] }, page);
    expect(await handlers['draft/get']({ ticketId: 4 }, page)).toMatchObject({ ok: true, data: { ticketId: 4, message: 'Bonjour' } });
    expect(await handlers['draft/get']({ ticketId: 5 }, page)).toEqual({ ok: true, data: null });
    await handlers['draft/save']({ ticketId: 4, message: '', attachments: [] }, page);
    expect(await handlers['draft/get']({ ticketId: 4 }, page)).toEqual({ ok: true, data: null });
  });

  it('queues a reply before any attempt, once per client id', async () => {
    const { handlers, flushSoon, outbox } = setup();
    const send = { clientId: 'c-1', ticketId: 1, message: 'Hi', attachments: [] };
    expect(await handlers['reply/send'](send, page)).toMatchObject({ ok: true, data: { id: 'c-1', state: 'queued' } });
    await handlers['reply/send'](send, page);
    expect(await outbox.list()).toHaveLength(1);
    expect(flushSoon).toHaveBeenCalledTimes(2);
  });

  it("holds a reply for the agent's undo window, set in the options", async () => {
    const { handlers, outbox } = setup();
    const saved = await handlers['settings/get']({}, page);
    if (!saved.ok) throw new Error('settings/get failed');
    const { environment, baseUrl, signatureMode } = saved.data;
    expect(saved.data.undoSeconds).toBe(0);
    await handlers['settings/save']({ environment, baseUrl, signatureMode, agencyCode: 'demo', undoSeconds: 10 }, page);
    const sent = await handlers['reply/send']({ clientId: 'u-1', ticketId: 2, message: 'Hi', attachments: [] }, page);
    expect(sent).toMatchObject({ ok: true, data: { state: 'queued', undoUntil: 11_000 } });
    expect(await handlers['outbox/discard']({ id: 'u-1' }, page)).toEqual({ ok: true, data: { discarded: true } });
    expect(await outbox.list()).toEqual([]);
  });

  it('gives the inline panel the language in effect and its messages', async () => {
    const { handlers } = setup();
    expect(await handlers['ui/prefs']({}, page)).toMatchObject({
      ok: true,
      data: { language: 'fr', theme: 'system', messages: { send_reply: { message: 'Envoyer la réponse' } } },
    });
    await settingsItem.setValue({ ...(await settingsItem.getValue()), language: 'ar' });
    expect(await handlers['ui/prefs']({}, page)).toMatchObject({ ok: true, data: { language: 'ar' } });
  });

  it('resolves Daakey references through the ticket list, once', async () => {
    const page1 = Array.from({ length: 100 }, (_, i) => ({ id: 200 - i, reference: `TK-2026-${String(200 - i).padStart(5, '0')}` }));
    const page2 = [{ id: 7, reference: 'TK-2026-00007' }];
    const listTickets = vi.fn(async ({ page }: { page: number }) => ({
      ok: true as const,
      status: 200,
      data: { items: page === 1 ? page1 : page2, page, perPage: 100, total: 101 },
    }));
    const { handlers } = setup({ listTickets } as unknown as Partial<DaakeyClient>);
    expect(await handlers['ticket/resolve']({ references: ['TK-2026-00007', 'TK-2026-00150', 'TK-1999-00001'] }, page)).toEqual({
      ok: true,
      data: { 'TK-2026-00007': 7, 'TK-2026-00150': 150, 'TK-1999-00001': null },
    });
    expect(listTickets).toHaveBeenCalledTimes(2);
    await handlers['ticket/resolve']({ references: ['TK-2026-00007'] }, page);
    expect(listTickets).toHaveBeenCalledTimes(2);
  });

  it('keeps the agency detection patterns and gives them to the content script', async () => {
    const { handlers } = setup();
    await handlers['detection/save']({ urlPatterns: [' /support/case/{id} '], selectors: ['.case-number'] }, page);
    expect(await handlers['ui/prefs']({}, page)).toMatchObject({
      ok: true,
      data: { detection: { urlPatterns: ['/support/case/{id}'], selectors: ['.case-number'] } },
    });
  });

  it('migrates version 1 settings, adding empty detection patterns', async () => {
    await fakeBrowser.storage.local.set({
      settings: {
        environment: 'production',
        baseUrl: 'https://api.daakey.com',
        signatureMode: 'computed',
        agencyCode: 'A',
        dashboardSites: [],
        language: 'fr',
        theme: 'dark',
      },
      settings$: { v: 1 },
    });
    await settingsItem.migrate();
    expect(await settingsItem.getValue()).toMatchObject({ language: 'fr', detection: { urlPatterns: [], selectors: [] }, undoSeconds: 0 });
  });

  it('migrates version 2 settings, keeping their detection patterns and sending at once', async () => {
    const detection = { urlPatterns: ['/case/{id}'], selectors: ['.case-no'] };
    await fakeBrowser.storage.local.set({
      settings: {
        environment: 'sandbox',
        baseUrl: 'http://127.0.0.1:8787',
        signatureMode: 'computed',
        agencyCode: 'A',
        dashboardSites: [],
        language: 'ar',
        theme: 'light',
        detection,
      },
      settings$: { v: 2 },
    });
    await settingsItem.migrate();
    expect(await settingsItem.getValue()).toMatchObject({ language: 'ar', detection, undoSeconds: 0 });
  });

  it('adds a dashboard site only once the browser granted it', async () => {
    const { handlers, sitesChanged } = setup();
    expect(await handlers['sites/add']({ origin: 'https://other.example.com' }, page)).toMatchObject({
      ok: false,
      error: { kind: 'bad_request' },
    });
    expect(sitesChanged).not.toHaveBeenCalled();
    const reply = await handlers['sites/add']({ origin: 'https://dash.example.com/tickets' }, page);
    expect(reply.ok && reply.data.dashboardSites).toContainEqual({ origin: 'https://dash.example.com', enabled: true });
    expect(sitesChanged).toHaveBeenCalledOnce();
  });
});
