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

export interface SettingsView {
  environment: EnvironmentName;
  baseUrl: string;
  signatureMode: 'computed' | 'issued';
  agencyCode: string;
  /** Whether a secret / issued value is stored; the value itself never leaves the background. */
  hasSecret: boolean;
  hasIssuedSignature: boolean;
  dashboardSites: { origin: string; enabled: boolean }[];
  language: 'auto' | 'en' | 'fr' | 'ar';
  theme: 'system' | 'light' | 'dark';
  /** Seconds a sent reply waits, queued, so the agent can undo it; 0 sends at once. */
  undoSeconds: UndoSeconds;
  managed: string[];
  detection: DetectionConfig;
}

/** An agency's own ticket URL patterns (with `{id}`) and CSS selectors. */
export interface DetectionConfig {
  urlPatterns: string[];
  selectors: string[];
}

export interface SettingsInput {
  environment: EnvironmentName;
  baseUrl: string;
  signatureMode: 'computed' | 'issued';
  agencyCode: string;
  /** Omitted or empty keeps the stored one. */
  secret?: string;
  issuedSignature?: string;
  language?: SettingsView['language'];
  theme?: SettingsView['theme'];
  undoSeconds?: UndoSeconds;
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
  /** Language, theme and messages for the inline panel, which cannot read settings or locale files itself. */
  'ui/prefs': Msg<Record<string, never>, UiPrefs>;
  /** Injects the panel script (Preact and the form) into the sender's tab, on first use only. */
  'panel/load': Msg<Record<string, never>, { loaded: boolean }>;
}

export interface UiPrefs {
  /** The language in effect: the override, or the browser's UI language when supported. */
  language: 'en' | 'fr' | 'ar';
  theme: SettingsView['theme'];
  /** That language's messages, then English's to fill gaps. */
  messages: Record<string, { message: string }>;
  fallback: Record<string, { message: string }>;
  detection: DetectionConfig;
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
  'auth/status': ['extension-page', 'content-script'],
  'auth/sign-in': ['extension-page'],
  'auth/sign-out': ['extension-page'],
  'ticket/get': ['extension-page', 'content-script'],
  'ticket/create': ['extension-page', 'content-script'],
  'reply/send': ['extension-page', 'content-script'],
  'outbox/list': ['extension-page', 'content-script'],
  'outbox/flush': ['extension-page', 'content-script'],
  'outbox/retry': ['extension-page', 'content-script'],
  'outbox/discard': ['extension-page', 'content-script'],
  'draft/get': ['extension-page', 'content-script'],
  'draft/save': ['extension-page', 'content-script'],
  'media/upload': ['extension-page', 'content-script'],
  'templates/list': ['extension-page', 'content-script'],
  'templates/save': ['extension-page'],
  'ticket/resolve': ['extension-page', 'content-script'],
  'ui/prefs': ['extension-page', 'content-script'],
  'panel/load': ['content-script'],
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

export type Reply<T extends MessageType> = { ok: true; data: ResponseOf<T> } | { ok: false; error: ApiError | ProtocolError };

/** Messages the background or popup send to a dashboard tab's content script. */
export interface TabProtocolMap {
  'tab/detected-tickets': Msg<Record<string, never>, DetectedTicket[]>;
  'tab/open-reply': Msg<{ ticketId?: number }, { opened: boolean }>;
  /** The agent switched this site off: remove everything the content script added and stop. */
  'tab/disable': Msg<Record<string, never>, { disabled: boolean }>;
}
export type TabMessageType = keyof TabProtocolMap;
export interface TabEnvelope<T extends TabMessageType = TabMessageType> {
  channel: 'daakey-qr/tab/v1';
  type: T;
  payload: TabProtocolMap[T]['req'];
}

export type TicketStatusView = TicketStatus;
export type { TicketMessage };
