/** Shapes of Daakey's Client API as this product reads them (see `../shared/daakey-api.md`). */

export type TicketStatus = 'open' | 'in_progress' | 'resolved' | 'closed';
export type TicketPriority = 'low' | 'normal' | 'high' | 'critical';

export interface DaakeyUser {
  id: number;
  name: string;
  email: string;
}

export interface TicketMessage {
  id: number;
  message: string;
  sender: string;
  sender_name: string;
  attachments: string[];
  created_at: string;
}

export interface Ticket {
  id: number;
  reference: string;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  category: string;
  last_message: string | null;
  last_message_at: string | null;
  unread_count: number;
  created_at: string;
}

export interface TicketWithMessages extends Ticket {
  messages: TicketMessage[];
}

export interface UploadedMedia {
  url: string;
  name: string;
  mime_type: string;
  size: number;
}

export interface CreateTicketInput {
  subject: string;
  message: string;
  category: string;
  priority?: TicketPriority;
  booking_id?: number;
  attachments?: string[];
}

export interface Paginated<T> {
  items: T[];
  page: number;
  perPage: number;
  total: number | null;
}

/**
 * Every way a call can end other than success, each with what the agent needs to act on it.
 * `message` is the server's text when it sent one (shown as text, never as HTML).
 */
export type ApiError =
  | { kind: 'closed'; status: 400; message: string }
  | { kind: 'bad_request'; status: 400; message: string }
  | { kind: 'unauthorized'; status: 401; message: string }
  | { kind: 'forbidden'; status: 403; message: string }
  | { kind: 'not_found'; status: 404; message: string }
  | { kind: 'too_large'; status: 413; message: string }
  | { kind: 'validation'; status: 422; message: string; fields: Record<string, string[]> }
  | { kind: 'rate_limited'; status: 429; message: string; retryAfterMs: number | null }
  | { kind: 'server'; status: number; message: string; retryAfterMs: number | null }
  | { kind: 'http'; status: number; message: string }
  | { kind: 'malformed'; status: number; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'network'; message: string }
  | { kind: 'not_configured'; message: string };

export type ApiErrorKind = ApiError['kind'];

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; error: ApiError };
