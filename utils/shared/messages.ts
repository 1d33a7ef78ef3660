/**
 * The one message protocol between extension pages / content scripts and the background.
 * Each type names who may send it (`SENDERS`); the background's handler map is typed against
 * `ProtocolMap`, so a message without a handler fails to compile.
 */
import type {
  ApiError,
  DaakeyUser,
  TicketMessage,
  TicketStatus,
  TicketWithMessages,
  UploadedMedia,
  CreateTicketInput,
  Ticket,
} from './daakey-types';
import type { EnvironmentName } from './api-contract';
import type { SignatureMode } from './settings-values';
import type { StoredSettings } from './storage-schema';

export type SenderClass = 'extension-page' | 'content-script';

/** What an agent sees of a reply on its way out. Never includes credentials. */
export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed' | 'paused' | 'needs_attention';

export interface OutboxEntryView {
  id: string;
  ticketId: number;
  message: string;
  attachments: string[];
  state: OutboxState;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number | null;
  /** Until then the agent may undo the Send (discard the entry); null when there is no undo window. */
  undoUntil: number | null;
  /** Set once the server answered 201. */
  sent: { messageId: number; senderName: string; createdAt: string } | null;
  error: ApiError | null;
}

/** The undo windows the options offer. */
export const UNDO_SECONDS = [0, 5, 10, 20, 30] as const;
export type UndoSeconds = (typeof UNDO_SECONDS)[number];

/** The settings as pages see them: the stored ones, plus what they may know of the secrets and the policy. */
export interface SettingsView extends StoredSettings {
  /** Whether a secret / issued value is stored; the value itself never leaves the background. */
  hasSecret: boolean;
  hasIssuedSignature: boolean;
  /** Settings fixed by the administrator's policy (managed storage); the options page shows them locked. */
  managed: string[];
}

/** An agency's own ticket URL patterns (with `{id}`) and CSS selectors. */
export interface DetectionConfig {
  urlPatterns: string[];
  selectors: string[];
}

export interface SettingsInput {
  environment: EnvironmentName;
  baseUrl: string;
  signatureMode: SignatureMode;
  agencyCode: string;
  /** Omitted or empty keeps the stored one. */
  secret?: string;
  issuedSignature?: string;
  language?: SettingsView['language'];
  theme?: SettingsView['theme'];
  undoSeconds?: UndoSeconds;
  /** The onboarding's preselected window, not the agent's pick: stored only while the agent has picked none. */
  undoPreselection?: boolean;
}

export interface AuthView {
  signedIn: boolean;
  user: DaakeyUser | null;
  /** The outbox waits for a new sign-in after a 401. */
  needsSignIn: boolean;
}

export interface Draft {
  ticketId: number;
  message: string;
  attachments: UploadedMedia[];
  updatedAt: number;
}

export interface DetectedTicket {
  id: number;
  /** The ticket the page is about (from the URL) comes first. */
  primary: boolean;
  label: string;
}

export interface Template {
  id: string;
  name: string;
  body: string;
}

type Msg<Req, Res> = { req: Req; res: Res };

export interface ProtocolMap {
  'settings/get': Msg<Record<string, never>, SettingsView>;
  'settings/save': Msg<SettingsInput, SettingsView>;
  'detection/save': Msg<DetectionConfig, SettingsView>;
  'sites/add': Msg<{ origin: string }, SettingsView>;
  'sites/set-enabled': Msg<{ origin: string; enabled: boolean }, SettingsView>;
  'sites/remove': Msg<{ origin: string }, SettingsView>;
  'auth/status': Msg<Record<string, never>, AuthView>;
  'auth/sign-in': Msg<{ email: string; password: string }, AuthView>;
  'auth/sign-out': Msg<Record<string, never>, AuthView>;
  'ticket/get': Msg<{ ticketId: number }, TicketWithMessages>;
  'ticket/create': Msg<CreateTicketInput, Ticket>;
  'reply/send': Msg<{ clientId: string; ticketId: number; message: string; attachments: string[] }, OutboxEntryView>;
  'outbox/list': Msg<{ ticketId?: number }, OutboxEntryView[]>;
  'outbox/flush': Msg<Record<string, never>, OutboxEntryView[]>;
  'outbox/retry': Msg<{ id: string }, OutboxEntryView>;
  'outbox/discard': Msg<{ id: string }, { discarded: boolean }>;
  'draft/get': Msg<{ ticketId: number }, Draft | null>;
  'draft/save': Msg<{ ticketId: number; message: string; attachments: UploadedMedia[] }, { saved: boolean }>;
  'media/upload': Msg<{ name: string; type: string; dataBase64: string }, UploadedMedia>;
  'templates/list': Msg<Record<string, never>, Template[]>;
  'templates/save': Msg<{ templates: Template[] }, Template[]>;
  /** Daakey references (`TK-2026-00001`) to ticket IDs; null for references the API does not know. */
  'ticket/resolve': Msg<{ references: string[] }, Record<string, number | null>>;
  /** The agency's own detection patterns: all a content script needs to know of the settings. */
  'detection/get': Msg<Record<string, never>, DetectionConfig>;
  /**
   * The agent clicked a Reply button: a single-use pass for a panel page on that ticket, in the sender's tab.
   * The panel's URL carries it, so a panel the page embedded on its own (or re-pointed) stays inert.
   */
  'panel/open': Msg<{ ticketId: number }, { pass: string }>;
  /**
   * The panel page trades its pass for the ticket it may show; only once, only in the tab it was made for. With
   * it comes that ticket as read since the click (null if that read failed: the panel then reads it itself).
   */
  'panel/claim': Msg<{ pass: string }, { ticketId: number; ticket: TicketWithMessages | null }>;
  /** The panel page asks its tab's content script to take it away (Esc, Close). */
  'panel/close': Msg<{ pass: string }, { closed: boolean }>;
}

export type MessageType = keyof ProtocolMap;
export type RequestOf<T extends MessageType> = ProtocolMap[T]['req'];
export type ResponseOf<T extends MessageType> = ProtocolMap[T]['res'];

/** Who may send each type. Credentials and settings are for extension pages only. */
export const SENDERS: { [T in MessageType]: readonly SenderClass[] } = {
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
  // A content script runs beside the page's own scripts: it may only point (find tickets, open the panel
  // the agent clicked), never read or change tickets, drafts, the outbox, media or templates.
  'ticket/resolve': ['content-script'],
  'detection/get': ['content-script'],
  'panel/open': ['content-script'],
};

export interface Envelope<T extends MessageType = MessageType> {
  /** Namespaces our messages apart from anything else on the runtime channel. */
  channel: 'daakey-qr/v1';
  type: T;
  payload: RequestOf<T>;
}

/** Errors the router itself gives, before or instead of a handler. */
export type ProtocolError =
  | { kind: 'bad_sender'; message: string }
  | { kind: 'bad_request'; message: string }
  | { kind: 'unknown_type'; message: string }
  | { kind: 'internal'; message: string };

/** Every failure a caller of the background can see: the API's own, or the router's. */
export type ActionError = ApiError | ProtocolError;

/** The one result shape between the UI and the background: what every message and every action answers. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ActionError };

export type Reply<T extends MessageType> = Result<ResponseOf<T>>;

/**
 * Requests the background or popup make of a dashboard tab's content script. They travel by
 * `scripting.executeScript` into the script's isolated world (`utils/shared/send-to-tab.ts`), not by runtime
 * messages: the content script listens to nothing, and only the extension can run code in that world.
 */
export interface TabProtocolMap {
  'tab/detected-tickets': Msg<Record<string, never>, DetectedTicket[]>;
  'tab/open-reply': Msg<{ ticketId?: number }, { opened: boolean }>;
  /** The agent switched this site off: remove everything the content script added and stop. */
  'tab/disable': Msg<Record<string, never>, { disabled: boolean }>;
  /** The panel page with this pass asked to close (Esc, Close). */
  'tab/close-panel': Msg<{ pass: string }, { closed: boolean }>;
}
export type TabMessageType = keyof TabProtocolMap;
/** The requests the content script answers itself; the detected tickets are read from its anchors. */
export type TabActionType = Exclude<TabMessageType, 'tab/detected-tickets'>;

/**
 * What a running dashboard script keeps on its isolated world's global, under `Symbol.for(DASHBOARD_WORLD_KEY)`
 * (out of the page's reach): the extension's injected functions read it. Empty until the script's features start.
 */
export interface DashboardWorld {
  /** The tickets anchored so far, each once, in discovery order. */
  anchors?(): { id: number; element: Element }[];
  /** The ticket the page's URL is about. */
  primaryId?(): number | null;
  act?<T extends TabActionType>(type: T, payload: TabProtocolMap[T]['req']): Promise<TabProtocolMap[T]['res']>;
}

/**
 * What the background tells the open extension pages: that something they show changed, by name only, never a
 * value. Pages ask again through the protocol above. (Watching `storage.onChanged` instead would hand every page
 * each change's new value, the token's included.)
 */
export const PAGE_EVENT_CHANNEL = 'daakey-qr/page/v1';
export const PAGE_EVENT_NAMES = ['settings-changed', 'auth-changed'] as const;
export type PageEventName = (typeof PAGE_EVENT_NAMES)[number];
export interface PageEvent {
  channel: typeof PAGE_EVENT_CHANNEL;
  event: PageEventName;
}

export type TicketStatusView = TicketStatus;
export type { TicketMessage };
