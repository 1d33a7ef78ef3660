/**
 * The background's handler map: one function per protocol message, built from its dependencies
 * so it runs in unit tests with fakes. Nothing returned here ever carries the token or the secret.
 */
import type { Handlers } from './router';
import type { AuthView, SettingsInput, SettingsView } from '@/utils/shared/messages';
import type { ApiError, ApiResult, DaakeyUser } from '@/utils/shared/daakey-types';
import type { StoredSettings, StoredDraft } from '@/utils/shared/storage-schema';
import type { CredentialsStore } from './credentials-store';
import type { DaakeyClient } from './daakey-client';
import type { Outbox } from './outbox';
import { ENVIRONMENTS } from '@/utils/shared/api-contract';
import { draftKey } from '@/utils/shared/storage-schema';
import { normaliseOrigin, matchPatternFor } from '@/utils/shared/dashboard-sites';
import type { Template } from '@/utils/shared/messages';
import { createPanelPasses, type PanelPassRecord } from './panel-passes';
import { createReferenceBudget } from './reference-budget';
import { CLAIM_WAITS_FOR_TICKET_MS, createTicketPrefetch } from './ticket-prefetch';
import type { Item } from './memo-item';

export interface HandlerDeps {
  settings: Item<StoredSettings>;
  credentials: CredentialsStore;
  drafts: Item<Record<string, StoredDraft>>;
  templates: Item<Template[]>;
  /** A client for the current settings and credentials. */
  client(): Promise<DaakeyClient>;
  outbox: Outbox;
  clock(): number;
  /** Settings keys an administrator fixed through managed storage. */
  managedKeys(): Promise<string[]>;
  hasHostPermission(pattern: string): Promise<boolean>;
  /** Re-registers the dashboard content script after the site list changed. */
  sitesChanged(): Promise<void>;
  /** Reference → ticket ID, remembered for the browser session. */
  references: Item<Record<string, number>>;
  /** Per dashboard origin, references the API did not know, remembered for the browser session. */
  unknownReferences: Item<Record<string, string[]>>;
  /** Passes for panel pages handed to content scripts, kept for the browser session. */
  panelPasses: Item<Record<string, PanelPassRecord>>;
  /** Tells a tab's content script to take the panel with this pass away. */
  closePanel(tabId: number, pass: string): Promise<boolean>;
  /** Starts delivering due replies without waiting for them; `force` skips our own backoff (not a server's Retry-After). */
  flushSoon(options?: { force?: boolean }): void;
}

const ok = <D>(data: D) => ({ ok: true as const, data });
const err = (error: ApiError | { kind: 'bad_request'; message: string }) => ({ ok: false as const, error });
const bad = (message: string) => err({ kind: 'bad_request', message });

function fromApi<D>(result: ApiResult<D>) {
  return result.ok ? ok(result.data) : err(result.error);
}

function toSettingsView(settings: StoredSettings, hasSecret: boolean, hasIssuedSignature: boolean, managed: string[]): SettingsView {
  return { ...settings, hasSecret, hasIssuedSignature, managed };
}

function base64ToBytes(data: string): Uint8Array | null {
  try {
    const binary = atob(data);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** At most this many pages of 100 tickets are read to resolve references. */
const REFERENCE_PAGES = 5;

export function createHandlers(deps: HandlerDeps): Handlers {
  async function settingsView(): Promise<SettingsView> {
    const [settings, creds, managed] = await Promise.all([deps.settings.getValue(), deps.credentials.get(), deps.managedKeys()]);
    return toSettingsView(settings, creds.secret !== '', creds.issuedSignature !== '', managed);
  }

  async function authView(): Promise<AuthView> {
    const creds = await deps.credentials.get();
    return { signedIn: creds.token !== null, user: creds.user, needsSignIn: creds.needsSignIn };
  }

  const passes = createPanelPasses({ item: deps.panelPasses, clock: deps.clock });
  const prefetch = createTicketPrefetch<Awaited<ReturnType<DaakeyClient['getTicket']>>>({ clock: deps.clock });
  const referenceBudget = createReferenceBudget({ clock: deps.clock });

  async function updateSites(update: (sites: StoredSettings['dashboardSites']) => StoredSettings['dashboardSites']) {
    const settings = await deps.settings.getValue();
    await deps.settings.setValue({ ...settings, dashboardSites: update(settings.dashboardSites) });
    await deps.sitesChanged();
    return ok(await settingsView());
  }

  /**
   * The Sandbox environment serves its own demo dashboard: choosing it enables exactly that origin (host and
   * port) as a dashboard site, and leaving it (or moving it) takes that origin away again. Other sites stay.
   */
  async function sandboxSites(current: StoredSettings, environment: StoredSettings['environment'], baseUrl: string) {
    const before = current.environment === 'sandbox' ? normaliseOrigin(current.baseUrl) : null;
    const after = environment === 'sandbox' ? normaliseOrigin(baseUrl) : null;
    if (before === after) return current.dashboardSites;
    let sites = current.dashboardSites.filter((s) => s.origin !== before);
    if (after && (await deps.hasHostPermission(matchPatternFor(after)))) {
      sites = [...sites.filter((s) => s.origin !== after), { origin: after, enabled: true }];
    }
    return sites;
  }

  return {
    'settings/get': async () => ok(await settingsView()),

    'settings/save': async (input: SettingsInput) => {
      const current = await deps.settings.getValue();
      const managed = await deps.managedKeys();
      const baseUrl =
        input.environment === 'custom' || input.environment === 'sandbox'
          ? input.baseUrl.trim().replace(/\/+$/, '')
          : ENVIRONMENTS[input.environment];
      if (!/^https?:\/\/[^\s/]+/.test(baseUrl) || normaliseOrigin(baseUrl) === null)
        return bad('The API base URL must start with http:// or https://.');
      if (!/^[A-Za-z0-9._-]{1,200}$/.test(input.agencyCode.trim()))
        return bad('The agency code may hold letters, digits, dots, dashes and underscores.');
      const environment = managed.includes('environment') ? current.environment : input.environment;
      const nextBaseUrl = managed.includes('baseUrl') ? current.baseUrl : baseUrl;
      const next: StoredSettings = {
        ...current,
        environment,
        baseUrl: nextBaseUrl,
        dashboardSites: await sandboxSites(current, environment, nextBaseUrl),
        signatureMode: input.signatureMode,
        agencyCode: input.agencyCode.trim(),
        language: input.language ?? current.language,
        theme: input.theme ?? current.theme,
        // Decided here, in one write, so a pick made in the options page at the same moment is never overridden.
        undoSeconds:
          input.undoSeconds === undefined || (input.undoPreselection && current.undoChosen) ? current.undoSeconds : input.undoSeconds,
        undoChosen: current.undoChosen || input.undoSeconds !== undefined,
      };
      const patch: { secret?: string; issuedSignature?: string; token?: null; user?: null } = {};
      if (input.secret) patch.secret = input.secret;
      if (input.issuedSignature) patch.issuedSignature = input.issuedSignature.trim();
      // A token belongs to one API: switching the base URL signs the agent out.
      if (next.baseUrl !== current.baseUrl) Object.assign(patch, { token: null, user: null });
      await deps.settings.setValue(next);
      await deps.credentials.update(patch);
      if (next.dashboardSites !== current.dashboardSites) await deps.sitesChanged();
      return ok(await settingsView());
    },

    'detection/save': async ({ urlPatterns, selectors }) => {
      const settings = await deps.settings.getValue();
      await deps.settings.setValue({
        ...settings,
        detection: { urlPatterns: urlPatterns.map((p) => p.trim()), selectors: selectors.map((s) => s.trim()) },
      });
      return ok(await settingsView());
    },

    'sites/add': async ({ origin }) => {
      const normalised = normaliseOrigin(origin);
      if (!normalised) return bad('Enter a site origin such as https://dashboard.example.com.');
      if (!(await deps.hasHostPermission(matchPatternFor(normalised)))) return bad('The browser has not granted access to this site.');
      return updateSites((sites) => [...sites.filter((s) => s.origin !== normalised), { origin: normalised, enabled: true }]);
    },
    'sites/set-enabled': async ({ origin, enabled }) =>
      updateSites((sites) => sites.map((s) => (s.origin === origin ? { ...s, enabled } : s))),
    'sites/remove': async ({ origin }) => updateSites((sites) => sites.filter((s) => s.origin !== origin)),

    'auth/status': async () => ok(await authView()),

    'auth/sign-in': async ({ email, password }) => {
      const client = await deps.client();
      const result = await client.login(email.trim(), password);
      if (!result.ok) return err(result.error);
      await deps.credentials.update({ token: result.data.token, user: result.data.user, needsSignIn: false });
      await deps.outbox.resume();
      deps.flushSoon({ force: true });
      return ok(await authView());
    },

    'auth/sign-out': async () => {
      const client = await deps.client();
      // Revoking is best effort: the token is forgotten here whatever the server says.
      await client.logout().catch(() => undefined);
      await deps.credentials.update({ token: null, user: null, needsSignIn: false });
      return ok(await authView());
    },

    'ticket/get': async ({ ticketId }) => {
      // The read the panel's opening click started, if its claim did not carry it; otherwise a read of its own.
      const early = await prefetch.take(ticketId);
      if (early?.ok) return ok(early.data);
      return fromApi(await (await deps.client()).getTicket(ticketId));
    },

    'ticket/create': async (input) => fromApi(await (await deps.client()).createTicket(input, { idempotencyKey: crypto.randomUUID() })),

    'reply/send': async ({ clientId, ticketId, message, attachments }) => {
      const { undoSeconds } = await deps.settings.getValue();
      const entry = await deps.outbox.enqueue({ clientId, ticketId, message, attachments, undoMs: undoSeconds * 1000 });
      deps.flushSoon();
      return ok(entry);
    },

    'outbox/list': async ({ ticketId }) => ok(await deps.outbox.list(ticketId)),
    // A window opening is a sign the network may be back (the worker never sees `online`).
    'outbox/flush': async () => {
      deps.flushSoon({ force: true });
      return ok(await deps.outbox.list());
    },
    'outbox/retry': async ({ id }) => {
      const entry = await deps.outbox.retry(id);
      if (!entry) return bad('This reply is no longer in the outbox.');
      deps.flushSoon();
      return ok(entry);
    },
    'outbox/discard': async ({ id }) => ok({ discarded: await deps.outbox.discard(id) }),

    'draft/get': async ({ ticketId }) => {
      const [settings, drafts] = await Promise.all([deps.settings.getValue(), deps.drafts.getValue()]);
      const draft = drafts[draftKey(settings.agencyCode, ticketId)];
      return ok(draft ? { ticketId, ...draft } : null);
    },
    'draft/save': async ({ ticketId, message, attachments }) => {
      const [settings, drafts] = await Promise.all([deps.settings.getValue(), deps.drafts.getValue()]);
      const key = draftKey(settings.agencyCode, ticketId);
      const next = { ...drafts };
      if (message === '' && attachments.length === 0) delete next[key];
      else next[key] = { message, attachments, updatedAt: deps.clock() };
      await deps.drafts.setValue(next);
      return ok({ saved: true });
    },

    'media/upload': async ({ name, type, dataBase64 }) => {
      const bytes = base64ToBytes(dataBase64);
      if (!bytes) return bad('The file could not be read.');
      return fromApi(await (await deps.client()).uploadMedia({ name, type, bytes }));
    },

    'templates/list': async () => ok(await deps.templates.getValue()),
    'templates/save': async ({ templates }) => {
      await deps.templates.setValue(templates);
      return ok(templates);
    },

    'ticket/resolve': async ({ references }, context) => {
      const origin = context.origin ?? '';
      const [knownIds, unknownBySite] = await Promise.all([deps.references.getValue(), deps.unknownReferences.getValue()]);
      const known = { ...knownIds };
      const unknown = new Set(unknownBySite[origin] ?? []);
      const wanted = new Set(references.filter((r) => !(r in known) && !unknown.has(r)));
      // The API has no lookup by reference: read the ticket list (newest first) until every wanted
      // reference is seen or the list ends, remembering everything read on the way. A page may plant any
      // number of made-up references, so each tab has a budget of list reads; past it, nothing is read.
      const client = await deps.client();
      let complete = true;
      for (let page = 1; wanted.size > 0; page++) {
        if (page > REFERENCE_PAGES || (context.tabId !== null && !referenceBudget.take(context.tabId))) {
          complete = false;
          break;
        }
        const result = await client.listTickets({ page, perPage: 100 });
        if (!result.ok) {
          if (page === 1) return err(result.error);
          complete = false;
          break;
        }
        for (const ticket of result.data.items) {
          known[ticket.reference] = ticket.id;
          wanted.delete(ticket.reference);
        }
        if (result.data.items.length < 100) break;
      }
      await deps.references.setValue(known);
      // Only a search that read the whole list proves a reference unknown; those are not asked for again.
      if (complete && wanted.size) {
        const list = [...unknown, ...wanted].slice(-1000);
        await deps.unknownReferences.setValue({ ...unknownBySite, [origin]: list });
      }
      return ok(Object.fromEntries(references.map((r) => [r, known[r] ?? null])));
    },

    'detection/get': async () => ok((await deps.settings.getValue()).detection),

    'panel/open': async ({ ticketId }, context) => {
      if (context.tabId === null) return bad('No tab to open the panel in.');
      const pass = await passes.mint(context.tabId, ticketId);
      // Read while the panel's frame loads; the panel's claim carries the answer (see ticket-prefetch.ts).
      prefetch.start(ticketId, async () => (await deps.client()).getTicket(ticketId));
      return ok({ pass });
    },

    'panel/claim': async ({ pass }, context) => {
      const record = await passes.claim(pass, context.tabId);
      if (!record) return bad('This reply panel has expired. Close it and press Reply again.');
      // The ticket with the claim when its read ends soon: the panel draws its form without another round trip.
      const early = await prefetch.takeWithin(record.ticketId, CLAIM_WAITS_FOR_TICKET_MS);
      return ok({ ticketId: record.ticketId, ticket: early?.ok ? early.data : null });
    },

    'panel/close': async ({ pass }, context) => {
      const record = await passes.release(pass, context.tabId);
      if (!record) return ok({ closed: false });
      return ok({ closed: await deps.closePanel(record.tabId, pass) });
    },
  };
}

export type { DaakeyUser };
