/** The sandbox's in-memory state, and the views of it that the API and the dashboard return. */
import type { Ticket, TicketMessage, TicketPriority, TicketStatus, TicketWithMessages } from '../utils/shared/daakey-types';
import { DEMO_AGENCY, DEMO_USER, SEED_TICKETS, ticketReference, type SandboxAgency, type SandboxUser, type SeedLang } from './seed';

export interface StoredTicket {
  id: number;
  reference: string;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  category: string;
  lang: SeedLang | null;
  booking_id: number | null;
  created_at: string;
  messages: TicketMessage[];
}

export interface StoredToken {
  userId: number;
  agencyId: number;
  revoked: boolean;
}

export interface StoredMedia {
  id: string;
  name: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface IdempotencyRecord {
  method: string;
  path: string;
  bodyHash: string;
  status: number;
  payload: unknown;
}

export type RequestOutcome = 'responded' | 'dropped-before-commit' | 'dropped-after-commit' | 'hung-after-commit' | 'client-aborted';

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Path and query exactly as received. */
  path: string;
  headers: Record<string, string>;
  /** The body as UTF-8 text (truncated to 64 KiB; `bodyBytes` is the real size). */
  body: string;
  bodyBytes: number;
  time: string;
  status: number | null;
  outcome: RequestOutcome | null;
  /** null when the signature was not checked (public endpoint, refused earlier, or dropped by a fault). */
  signatureValid: boolean | null;
  idempotencyKey: string | null;
  replayed: boolean;
  /** Fault types applied to this request. */
  faults: string[];
}

export type FaultMatch = { method?: string; pathPrefix?: string };
/**
 * `probability` (0 < p ≤ 1): the fault applies to each matching request with that probability (the sandbox's
 * random source, seedable through `POST /__control/faults { seed }`). Without `times` it stays until cleared;
 * with `times` it is used up after that many applications.
 */
export type FaultSpec = (
  | {
      type: 'latency';
      ms: number;
      /** With `maxMs`, each delay is drawn uniformly from [ms, maxMs]. */
      maxMs?: number;
      phase?: 'before-commit' | 'after-commit';
      times?: number;
      match?: FaultMatch;
    }
  | {
      type: 'status';
      /** 422 answers with field errors on `message`, as Laravel validation would. */
      status: 422 | 429 | 500 | 502 | 503 | 504;
      retryAfter?: number;
      /** Body of the error response: the JSON envelope (default), an HTML error page, or nothing. */
      body?: 'json' | 'html' | 'empty';
      times?: number;
      match?: FaultMatch;
    }
  | { type: 'drop-after-commit'; times?: number; match?: FaultMatch }
  | { type: 'drop-before-commit'; times?: number; match?: FaultMatch }
  /**
   * Commits, then never answers: the socket stays open until the client gives up (its timeout, a stopped
   * worker) or, with `ms`, until the sandbox cuts it after that long.
   */
  | { type: 'commit-then-hang'; ms?: number; times?: number; match?: FaultMatch }
) & { probability?: number };

/** A fault with its remaining uses (`Infinity` for a latency or a probabilistic fault without `times`). */
export type ActiveFault = FaultSpec & { id: number; remaining: number };

export interface SandboxState {
  agencies: SandboxAgency[];
  users: SandboxUser[];
  tickets: Map<number, StoredTicket>;
  nextTicketId: number;
  nextMessageId: number;
  tokens: Map<string, StoredToken>;
  media: Map<string, StoredMedia>;
  nextMediaId: number;
  /**
   * Whether `Idempotency-Key` is honoured. Off by default: Daakey's docs do not promise it, so the strict
   * sandbox ignores the header (no replay store, no in-flight store) unless a test turns it on.
   */
  idempotencyEnabled: boolean;
  /** Keyed by `<agencyId>:<Idempotency-Key>`; used only while `idempotencyEnabled`. */
  idempotency: Map<string, IdempotencyRecord>;
  idempotencyInFlight: Set<string>;
  requests: RecordedRequest[];
  nextRequestSeq: number;
  faults: ActiveFault[];
  nextFaultId: number;
  clockOffsetSeconds: number;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function seedTickets(): Map<number, StoredTicket> {
  const tickets = new Map<number, StoredTicket>();
  let messageId = 1;
  for (const seed of SEED_TICKETS) {
    const base = Date.parse(seed.created_at);
    tickets.set(seed.id, {
      id: seed.id,
      reference: ticketReference(seed.id),
      subject: seed.subject,
      status: seed.status,
      priority: seed.priority,
      category: seed.category,
      lang: seed.lang,
      booking_id: seed.booking_id,
      created_at: seed.created_at,
      messages: seed.messages.map((m) => ({
        id: messageId++,
        message: m.message,
        sender: m.sender,
        sender_name: m.sender_name,
        attachments: [],
        created_at: isoSeconds(base + m.afterMinutes * 60_000),
      })),
    });
  }
  return tickets;
}

export function createState(
  agencies: SandboxAgency[] = [DEMO_AGENCY],
  users: SandboxUser[] = [DEMO_USER],
  idempotencyEnabled = false,
): SandboxState {
  const tickets = seedTickets();
  let maxMessage = 0;
  for (const ticket of tickets.values()) for (const m of ticket.messages) maxMessage = Math.max(maxMessage, m.id);
  return {
    agencies: agencies.map((x) => ({ ...x })),
    users: users.map((x) => ({ ...x })),
    tickets,
    nextTicketId: Math.max(0, ...tickets.keys()) + 1,
    nextMessageId: maxMessage + 1,
    tokens: new Map(),
    media: new Map(),
    nextMediaId: 1,
    idempotencyEnabled,
    idempotency: new Map(),
    idempotencyInFlight: new Set(),
    requests: [],
    nextRequestSeq: 1,
    faults: [],
    nextFaultId: 1,
    clockOffsetSeconds: 0,
  };
}

/** Restores the seed in place (the `state` object handed out by `startSandbox` stays the same object). */
export function resetState(state: SandboxState, agencies: SandboxAgency[], users: SandboxUser[], idempotencyEnabled = false): void {
  Object.assign(state, createState(agencies, users, idempotencyEnabled));
}

/** Agent replies since the last client message count as unread for the agency. */
function unreadCount(messages: TicketMessage[]): number {
  let count = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.sender === 'client') break;
    count++;
  }
  return count;
}

export function ticketSummary(ticket: StoredTicket): Ticket {
  const last = ticket.messages[ticket.messages.length - 1];
  return {
    id: ticket.id,
    reference: ticket.reference,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    category: ticket.category,
    last_message: last?.message ?? null,
    last_message_at: last?.created_at ?? null,
    unread_count: unreadCount(ticket.messages),
    created_at: ticket.created_at,
  };
}

export function ticketDetail(ticket: StoredTicket): TicketWithMessages {
  return { ...ticketSummary(ticket), messages: ticket.messages.map((m) => ({ ...m, attachments: [...m.attachments] })) };
}
