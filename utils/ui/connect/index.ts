/**
 * The one place where extension pages (popup, options, panel) talk to the background, after Dark Reader's
 * `ui/connect`: the actions the views receive as props, built on `sendToBackground` and `sendToTab`. Views never
 * send messages themselves, so component tests drive them with fakes (`tests/support/fake-actions.ts`).
 * The popup's and the options page's extras sit in `popup.ts` and `options.ts` beside this file, so that each
 * page's bundle carries only its own (a module shared by several pages lands whole in a shared chunk).
 */
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
import { type Request, sendToBackground } from '@/utils/shared/messenger';

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
  /** The first-run guide (sign in, sites, undo window); falls back to the settings where there is none. */
  openOnboarding?(): void;
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

export const none = {} as Record<string, never>;

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
