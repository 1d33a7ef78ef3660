/**
 * The seam between views and the extension: entrypoints implement these with the messenger,
 * tests with fakes. Every call answers like the protocol's `Reply`.
 */
import type { ApiError, CreateTicketInput, Ticket, TicketWithMessages, UploadedMedia } from '@/utils/shared/daakey-types';
import type {
  AuthView,
  DetectionConfig,
  DetectedTicket,
  Draft,
  OutboxEntryView,
  ProtocolError,
  SettingsInput,
  SettingsView,
  Template,
} from '@/utils/shared/messages';

export type ActionError = ApiError | ProtocolError;
export type Result<T> = { ok: true; data: T } | { ok: false; error: ActionError };

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
