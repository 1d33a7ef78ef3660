/**
 * The one place where extension pages (popup, options, panel) talk to the background, after Dark Reader's
 * `ui/connect`: the actions the views receive as props, built on `sendToBackground` and `sendToTab`. Views never
 * send messages themselves, so component tests drive them with fakes (`tests/support/fake-actions.ts`).
 */
import { browser } from 'wxt/browser';
import type { CreateTicketInput, Ticket, TicketWithMessages, UploadedMedia } from '@/utils/shared/daakey-types';
import type {
  AuthView,
  DetectedTicket,
  DetectionConfig,
  Draft,
  OutboxEntryView,
  Result,
  SettingsInput,
  SettingsView,
  Template,
} from '@/utils/shared/messages';
import { type Request, sendToBackground, sendToTab } from '@/utils/shared/messenger';

export type { ActionError, Result } from '@/utils/shared/messages';

export interface ReplyActions {
  getTicket(ticketId: number): Promise<Result<TicketWithMessages>>;
  send(clientId: string, ticketId: number, message: string, attachments: string[]): Promise<Result<OutboxEntryView>>;
  listOutbox(ticketId?: number): Promise<Result<OutboxEntryView[]>>;
  flush(): Promise<Result<OutboxEntryView[]>>;
  retry(id: string): Promise<Result<OutboxEntryView>>;
  discard(id: string): Promise<Result<{ discarded: boolean }>>;
  getDraft(ticketId: number): Promise<Result<Draft | null>>;
  saveDraft(ticketId: number, message: string, attachments: UploadedMedia[]): Promise<Result<{ saved: boolean }>>;
  /** Reads and uploads one file; the implementation does the base64 step. */
  uploadMedia(file: File): Promise<Result<UploadedMedia>>;
  createTicket(input: CreateTicketInput): Promise<Result<Ticket>>;
  listTemplates(): Promise<Result<Template[]>>;
  authStatus(): Promise<Result<AuthView>>;
}

/**
 * Which sent replies the agent has already seen as sent. A reply that went out while no form was
 * open (popup closed, browser restarted) is shown as sent once on the next open.
 */
export interface SeenStore {
  has(id: string): boolean;
  add(id: string): void;
}

/** What the popup needs beyond the reply form. */
export interface PopupActions extends ReplyActions {
  detectedTickets(): Promise<DetectedTicket[]>;
  openOptions(): void;
  /** For `{{agency.name}}`: the protocol has no agency name, so this is the agency code. */
  agencyName(): Promise<string>;
  seen?: SeenStore;
}

export interface OptionsActions {
  getSettings(): Promise<Result<SettingsView>>;
  saveSettings(input: SettingsInput): Promise<Result<SettingsView>>;
  /** Asks the browser for the site's host permission (needs the click), then adds it. */
  addSite(origin: string): Promise<Result<SettingsView>>;
  setSiteEnabled(origin: string, enabled: boolean): Promise<Result<SettingsView>>;
  removeSite(origin: string): Promise<Result<SettingsView>>;
  authStatus(): Promise<Result<AuthView>>;
  signIn(email: string, password: string): Promise<Result<AuthView>>;
  signOut(): Promise<Result<AuthView>>;
  listTemplates(): Promise<Result<Template[]>>;
  saveTemplates(templates: Template[]): Promise<Result<Template[]>>;
  saveDetection(config: DetectionConfig): Promise<Result<SettingsView>>;
  /** Loads another language / theme into the page without a reload. */
  applyAppearance(language: SettingsView['language'], theme: SettingsView['theme']): Promise<void>;
}

const none = {} as Record<string, never>;

async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The reply form's actions: the one implementation shared by the popup and the inline panel. */
export function createReplyActions(request: Request = sendToBackground): ReplyActions {
  return {
    getTicket: (ticketId) => request('ticket/get', { ticketId }),
    send: (clientId, ticketId, message, attachments) => request('reply/send', { clientId, ticketId, message, attachments }),
    listOutbox: (ticketId) => request('outbox/list', ticketId === undefined ? {} : { ticketId }),
    flush: () => request('outbox/flush', none),
    retry: (id) => request('outbox/retry', { id }),
    discard: (id) => request('outbox/discard', { id }),
    getDraft: (ticketId) => request('draft/get', { ticketId }),
    saveDraft: (ticketId, message, attachments) => request('draft/save', { ticketId, message, attachments }),
    uploadMedia: async (file) => request('media/upload', { name: file.name, type: file.type, dataBase64: await fileToBase64(file) }),
    createTicket: (input) => request('ticket/create', input),
    listTemplates: () => request('templates/list', none),
    authStatus: () => request('auth/status', none),
  };
}

/** Asks the tab's content script what tickets it sees; a tab without one answers nothing. */
async function detectedOn(tabId: number | null): Promise<DetectedTicket[]> {
  if (tabId === null) return [];
  const answer = await sendToTab(tabId, 'tab/detected-tickets', {});
  const list = Array.isArray(answer)
    ? answer
    : answer && typeof answer === 'object' && 'data' in answer
      ? (answer as { data: unknown }).data
      : [];
  return Array.isArray(list)
    ? list.filter(
        (d): d is DetectedTicket =>
          !!d && typeof d === 'object' && Number.isInteger((d as DetectedTicket).id) && (d as DetectedTicket).id > 0,
      )
    : [];
}

const SEEN_KEY = 'dqr-seen-sent';

/** Page-local memory of replies already shown as sent; ids only, the newest 200. */
function seenStore(): SeenStore {
  const read = (): string[] => {
    try {
      const v: unknown = JSON.parse(localStorage.getItem(SEEN_KEY) ?? '[]');
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  };
  return {
    has: (id: string) => read().includes(id),
    add: (id: string) => {
      const ids = read();
      if (ids.includes(id)) return;
      try {
        localStorage.setItem(SEEN_KEY, JSON.stringify([...ids, id].slice(-200)));
      } catch {
        // Storage full or blocked: at worst a sent reply is shown as sent once more.
      }
    },
  };
}

export function createPopupActions(tabId: Promise<number | null>): PopupActions {
  return {
    ...createReplyActions(),
    seen: seenStore(),
    detectedTickets: async () => detectedOn(await tabId),
    openOptions: () => {
      void browser.runtime.openOptionsPage();
      window.close();
    },
    agencyName: async () => {
      const r = await sendToBackground('settings/get', none);
      return r.ok ? r.data.agencyCode : '';
    },
  };
}

/** The options page's actions; `applyAppearance` redraws the page, which only the entrypoint can do. */
export function createOptionsActions(applyAppearance: OptionsActions['applyAppearance']): OptionsActions {
  return {
    getSettings: () => sendToBackground('settings/get', none),
    saveSettings: (input) => sendToBackground('settings/save', input),
    addSite: async (origin) => {
      // Must run inside the click: the browser only shows the prompt for a user gesture.
      const granted = await browser.permissions.request({ origins: [`${origin}/*`] }).catch(() => false);
      if (!granted) return { ok: false, error: { kind: 'bad_request', message: 'The browser did not grant access to this site.' } };
      return sendToBackground('sites/add', { origin });
    },
    setSiteEnabled: (origin, enabled) => sendToBackground('sites/set-enabled', { origin, enabled }),
    removeSite: (origin) => sendToBackground('sites/remove', { origin }),
    authStatus: () => sendToBackground('auth/status', none),
    signIn: (email, password) => sendToBackground('auth/sign-in', { email, password }),
    signOut: () => sendToBackground('auth/sign-out', none),
    listTemplates: () => sendToBackground('templates/list', none),
    saveTemplates: (templates) => sendToBackground('templates/save', { templates }),
    saveDetection: (config) => sendToBackground('detection/save', config),
    applyAppearance,
  };
}
