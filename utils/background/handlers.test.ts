import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers, type HandlerDeps } from './handlers';
import { createCredentialsStore } from './credentials-store';
import { draftsItem, settingsItem, templatesItem, referencesItem, unknownReferencesItem } from '@/utils/shared/storage-schema';
import { credentialsItem, panelPassesItem } from './storage-items';
import { createMemoryOutboxStore, createOutbox } from './outbox';
import type { DaakeyClient } from './daakey-client';
import type { HandlerContext } from './router';
import { CLAIM_WAITS_FOR_TICKET_MS } from './ticket-prefetch';

const SECRET = 'sandbox-secret-123';
const TOKEN = 'tok_0123456789';
const page: HandlerContext = { sender: 'extension-page', tabId: null, origin: null };
const contentScript: HandlerContext = { sender: 'content-script', tabId: 5, origin: 'http://127.0.0.1:8787' };
/** The panel page inside tab 5's iframe. */
const panelPage: HandlerContext = { sender: 'extension-page', tabId: 5, origin: null };

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
  const closePanel = vi.fn(async () => true);
  const clock = { now: 1_000 };
  const deps: HandlerDeps = {
    settings: settingsItem,
    credentials: createCredentialsStore({ persistent: true }),
    drafts: draftsItem,
    templates: templatesItem,
    references: referencesItem,
    client: async () => client,
    outbox,
    clock: () => clock.now,
    managedKeys: async () => [],
    hasHostPermission: async (pattern) => pattern === 'https://dash.example.com/*' || pattern === 'http://127.0.0.1/*',
    sitesChanged,
    flushSoon,
    unknownReferences: unknownReferencesItem,
    panelPasses: panelPassesItem,
    closePanel,
  };
  return { handlers: createHandlers(deps), client, flushSoon, sitesChanged, outbox, closePanel, clock };
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
    expect((await settingsItem.getValue()).baseUrl).toBe('https://api.daakey.com');
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
    expect(saved.data).toMatchObject({ undoSeconds: 0, undoChosen: false });
    // Saving the connection alone is no choice of window: the onboarding may still offer its preselection.
    const connected = await handlers['settings/save']({ environment, baseUrl, signatureMode, agencyCode: 'demo' }, page);
    expect(connected).toMatchObject({ ok: true, data: { undoSeconds: 0, undoChosen: false } });
    const chosen = await handlers['settings/save']({ environment, baseUrl, signatureMode, agencyCode: 'demo', undoSeconds: 10 }, page);
    expect(chosen).toMatchObject({ ok: true, data: { undoSeconds: 10, undoChosen: true } });
    const sent = await handlers['reply/send']({ clientId: 'u-1', ticketId: 2, message: 'Hi', attachments: [] }, page);
    expect(sent).toMatchObject({ ok: true, data: { state: 'queued', undoUntil: 11_000 } });
    expect(await handlers['outbox/discard']({ id: 'u-1' }, page)).toEqual({ ok: true, data: { discarded: true } });
    expect(await outbox.list()).toEqual([]);
  });

  it("stores the onboarding's preselected window only while the agent has picked none", async () => {
    const { handlers } = setup();
    const saved = await handlers['settings/get']({}, page);
    if (!saved.ok) throw new Error('settings/get failed');
    const { environment, baseUrl, signatureMode } = saved.data;
    const connection = { environment, baseUrl, signatureMode, agencyCode: 'demo' };
    const offered = await handlers['settings/save']({ ...connection, undoSeconds: 10, undoPreselection: true }, page);
    expect(offered).toMatchObject({ ok: true, data: { undoSeconds: 10, undoChosen: true } });
    // The agent then picks Off in the options page; an onboarding page that read the settings before that and
    // stores its preselection after it changes nothing.
    await handlers['settings/save']({ ...connection, undoSeconds: 0 }, page);
    const late = await handlers['settings/save']({ ...connection, undoSeconds: 10, undoPreselection: true }, page);
    expect(late).toMatchObject({ ok: true, data: { undoSeconds: 0, undoChosen: true } });
    // A pick made on the onboarding page itself is stored whatever was there.
    const picked = await handlers['settings/save']({ ...connection, undoSeconds: 5, undoPreselection: false }, page);
    expect(picked).toMatchObject({ ok: true, data: { undoSeconds: 5 } });
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
    expect(await handlers['ticket/resolve']({ references: ['TK-2026-00007', 'TK-2026-00150', 'TK-1999-00001'] }, contentScript)).toEqual({
      ok: true,
      data: { 'TK-2026-00007': 7, 'TK-2026-00150': 150, 'TK-1999-00001': null },
    });
    expect(listTickets).toHaveBeenCalledTimes(2);
    await handlers['ticket/resolve']({ references: ['TK-2026-00007'] }, contentScript);
    // An unknown reference is remembered for the site: asking again reads nothing.
    await handlers['ticket/resolve']({ references: ['TK-1999-00001'] }, contentScript);
    expect(listTickets).toHaveBeenCalledTimes(2);
  });

  it('gives each tab a budget of ticket-list reads, however many made-up references its page plants', async () => {
    const full = (page: number) =>
      Array.from({ length: 100 }, (_, i) => ({ id: page * 1000 + i, reference: `TK-2026-${page}${String(i).padStart(4, '0')}` }));
    const listTickets = vi.fn(async ({ page }: { page: number }) => ({
      ok: true as const,
      status: 200,
      data: { items: full(page), page, perPage: 100, total: 100_000 },
    }));
    const { handlers, clock } = setup({ listTickets } as unknown as Partial<DaakeyClient>);
    for (let batch = 0; batch < 10; batch++) {
      const references = Array.from({ length: 50 }, (_, i) => `TK-2031-${String(batch * 50 + i).padStart(5, '0')}`);
      const reply = await handlers['ticket/resolve']({ references }, contentScript);
      expect(reply.ok && Object.values(reply.data).every((id) => id === null)).toBe(true);
    }
    expect(listTickets).toHaveBeenCalledTimes(6);
    // Another tab has its own budget; the first gets its back once the window has passed.
    await handlers['ticket/resolve']({ references: ['TK-2031-99999'] }, { ...contentScript, tabId: 6 });
    expect(listTickets).toHaveBeenCalledTimes(11);
    clock.now += 10 * 60_000;
    await handlers['ticket/resolve']({ references: ['TK-2031-99998'] }, contentScript);
    expect(listTickets).toHaveBeenCalledTimes(16);
  });

  it('starts a fresh install in Production with no dashboard site', async () => {
    const { handlers } = setup();
    expect(await handlers['settings/get']({}, page)).toMatchObject({
      ok: true,
      data: { environment: 'production', baseUrl: 'https://api.daakey.com', dashboardSites: [] },
    });
  });

  it('enables exactly the sandbox origin (host and port) with the Sandbox environment, and drops it after', async () => {
    const { handlers, sitesChanged } = setup();
    const base = { signatureMode: 'computed' as const, agencyCode: 'AGENCY123' };
    const sandbox = await handlers['settings/save']({ ...base, environment: 'sandbox', baseUrl: 'http://127.0.0.1:40123/' }, page);
    expect(sandbox.ok && sandbox.data.dashboardSites).toEqual([{ origin: 'http://127.0.0.1:40123', enabled: true }]);
    expect(sitesChanged).toHaveBeenCalledOnce();
    const moved = await handlers['settings/save']({ ...base, environment: 'sandbox', baseUrl: 'http://127.0.0.1:40124' }, page);
    expect(moved.ok && moved.data.dashboardSites).toEqual([{ origin: 'http://127.0.0.1:40124', enabled: true }]);
    const production = await handlers['settings/save']({ ...base, environment: 'production', baseUrl: '' }, page);
    expect(production.ok && production.data.dashboardSites).toEqual([]);
    expect(sitesChanged).toHaveBeenCalledTimes(3);
  });

  it('hands a panel pass to a content script, good once for a panel page in that tab, then to close it', async () => {
    const { handlers, closePanel, clock } = setup();
    const opened = await handlers['panel/open']({ ticketId: 12 }, contentScript);
    if (!opened.ok) throw new Error('panel/open failed');
    const { pass } = opened.data;
    expect(pass).toMatch(/^[0-9a-f]{32}$/);
    // Not from another tab, nor from the popup (no tab).
    expect((await handlers['panel/claim']({ pass }, { ...panelPage, tabId: 6 })).ok).toBe(false);
    expect((await handlers['panel/claim']({ pass }, page)).ok).toBe(false);
    expect(await handlers['panel/claim']({ pass }, panelPage)).toEqual({ ok: true, data: { ticketId: 12, ticket: null } });
    // Reloaded, or framed again by the page: nothing.
    expect((await handlers['panel/claim']({ pass }, panelPage)).ok).toBe(false);
    expect(await handlers['panel/close']({ pass }, panelPage)).toEqual({ ok: true, data: { closed: true } });
    expect(closePanel).toHaveBeenCalledWith(5, pass);
    expect(await handlers['panel/close']({ pass }, panelPage)).toEqual({ ok: true, data: { closed: false } });

    const late = await handlers['panel/open']({ ticketId: 3 }, contentScript);
    clock.now += 61_000;
    expect((await handlers['panel/claim']({ pass: late.ok ? late.data.pass : '' }, panelPage)).ok).toBe(false);
  });

  it("reads the ticket while the panel loads, and the panel's claim brings that answer once", async () => {
    const ticket = { id: 12, status: 'open', messages: [] };
    const getTicket = vi.fn(async () => ({ ok: true as const, status: 200, data: ticket }));
    const { handlers } = setup({ getTicket } as unknown as Partial<DaakeyClient>);
    const opened = await handlers['panel/open']({ ticketId: 12 }, contentScript);
    if (!opened.ok) throw new Error('panel/open failed');
    expect(getTicket).toHaveBeenCalledTimes(1);
    expect(await handlers['panel/claim']({ pass: opened.data.pass }, panelPage)).toEqual({ ok: true, data: { ticketId: 12, ticket } });
    expect(getTicket).toHaveBeenCalledTimes(1);
    // The next read (a refresh) asks the API again.
    await handlers['ticket/get']({ ticketId: 12 }, panelPage);
    expect(getTicket).toHaveBeenCalledTimes(2);
  });

  it("a slow early read: the claim does not wait for it, and the panel's own read takes it", async () => {
    vi.useFakeTimers();
    try {
      const ticket = { id: 12, status: 'open', messages: [] };
      let answer: (v: unknown) => void = () => undefined;
      const getTicket = vi.fn(() => new Promise((resolve) => (answer = resolve)));
      const { handlers } = setup({ getTicket } as unknown as Partial<DaakeyClient>);
      const opened = await handlers['panel/open']({ ticketId: 12 }, contentScript);
      if (!opened.ok) throw new Error('panel/open failed');
      const claim = handlers['panel/claim']({ pass: opened.data.pass }, panelPage);
      await vi.advanceTimersByTimeAsync(CLAIM_WAITS_FOR_TICKET_MS);
      expect(await claim).toEqual({ ok: true, data: { ticketId: 12, ticket: null } });
      const own = handlers['ticket/get']({ ticketId: 12 }, panelPage);
      answer({ ok: true, status: 200, data: ticket });
      expect(await own).toEqual({ ok: true, data: ticket });
      expect(getTicket).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failed early read is not served: the panel reads the ticket itself', async () => {
    const getTicket = vi
      .fn()
      .mockResolvedValueOnce({ ok: false, status: 0, error: { kind: 'network', message: 'offline' } })
      .mockResolvedValueOnce({ ok: true, status: 200, data: { id: 12, messages: [] } });
    const { handlers } = setup({ getTicket } as unknown as Partial<DaakeyClient>);
    await handlers['panel/open']({ ticketId: 12 }, contentScript);
    expect(await handlers['ticket/get']({ ticketId: 12 }, panelPage)).toMatchObject({ ok: true, data: { id: 12 } });
    expect(getTicket).toHaveBeenCalledTimes(2);
  });

  it('keeps the agency detection patterns and gives them to the content script', async () => {
    const { handlers } = setup();
    await handlers['detection/save']({ urlPatterns: [' /support/case/{id} '], selectors: ['.case-number'] }, page);
    expect(await handlers['detection/get']({}, contentScript)).toEqual({
      ok: true,
      data: { urlPatterns: ['/support/case/{id}'], selectors: ['.case-number'] },
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

  it('migrates version 3 settings: no more loopback on every port, the sandbox origin kept', async () => {
    await fakeBrowser.storage.local.set({
      settings: {
        environment: 'sandbox',
        baseUrl: 'http://127.0.0.1:8787',
        signatureMode: 'computed',
        agencyCode: 'A',
        dashboardSites: [
          { origin: 'http://127.0.0.1', enabled: true },
          { origin: 'http://localhost', enabled: true },
          { origin: 'https://dash.example.com', enabled: false },
        ],
        language: 'auto',
        theme: 'system',
        undoSeconds: 0,
        detection: { urlPatterns: [], selectors: [] },
      },
      settings$: { v: 3 },
    });
    await settingsItem.migrate();
    expect((await settingsItem.getValue()).dashboardSites).toEqual([
      { origin: 'https://dash.example.com', enabled: false },
      { origin: 'http://127.0.0.1:8787', enabled: true },
    ]);
  });

  it('migrates version 4 settings: a window already on counts as chosen, "off" does not', async () => {
    const v4 = {
      environment: 'production',
      baseUrl: 'https://api.example.com',
      signatureMode: 'computed',
      agencyCode: 'A',
      dashboardSites: [],
      language: 'auto',
      theme: 'system',
      detection: { urlPatterns: [], selectors: [] },
    };
    for (const [undoSeconds, undoChosen] of [
      [20, true],
      [0, false],
    ] as const) {
      await fakeBrowser.storage.local.set({ settings: { ...v4, undoSeconds }, settings$: { v: 4 } });
      await settingsItem.migrate();
      expect(await settingsItem.getValue()).toMatchObject({ undoSeconds, undoChosen });
    }
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
