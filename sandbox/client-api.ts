/**
 * The Client API's routes and business rules, as pure functions of the state. Transport concerns (headers,
 * signature, token, faults, idempotency, envelope) live in `server.ts`.
 */
import { randomBytes } from 'node:crypto';
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MAX_FILES,
  ATTACHMENT_TYPES,
  MESSAGE_MAX_CHARS,
  SUBJECT_MAX_CHARS,
} from '../utils/shared/api-contract';
import type { DaakeyUser, TicketMessage, TicketPriority, TicketStatus, UploadedMedia } from '../utils/shared/daakey-types';
import type { SandboxAgency, SandboxUser } from './seed';
import { isoSeconds, ticketDetail, ticketSummary, type SandboxState, type StoredTicket } from './state';

export interface ApiReply {
  status: number;
  message: string;
  data?: unknown;
  errors?: Record<string, string[]>;
  /** Merged into `meta` next to `agency_id` / `agency_code` on success. */
  meta?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export type BodyKind = 'none' | 'json' | 'multipart';
export type RouteName =
  | 'login'
  | 'me'
  | 'logout'
  | 'listTickets'
  | 'createTicket'
  | 'getTicket'
  | 'listMessages'
  | 'addMessage'
  | 'uploadMedia';

export interface Route {
  name: RouteName;
  /** The raw `{ticket}` path segment, when the route has one. */
  ticketParam?: string;
  bearer: boolean;
  body: BodyKind;
  /** Honours `Idempotency-Key`. */
  idempotent: boolean;
}

export type RouteMatch = { kind: 'route'; route: Route } | { kind: 'not-found' } | { kind: 'method-not-allowed'; allow: string };

/** `path` is the pathname after `/api/v1/client` (no query). */
export function resolveRoute(method: string, path: string): RouteMatch {
  const table: Array<{ re: RegExp; methods: Record<string, Omit<Route, 'ticketParam'>> }> = [
    { re: /^\/auth\/login$/, methods: { POST: { name: 'login', bearer: false, body: 'json', idempotent: false } } },
    { re: /^\/auth\/me$/, methods: { GET: { name: 'me', bearer: true, body: 'none', idempotent: false } } },
    { re: /^\/auth\/logout$/, methods: { POST: { name: 'logout', bearer: true, body: 'json', idempotent: false } } },
    {
      re: /^\/tickets$/,
      methods: {
        GET: { name: 'listTickets', bearer: true, body: 'none', idempotent: false },
        POST: { name: 'createTicket', bearer: true, body: 'json', idempotent: true },
      },
    },
    { re: /^\/tickets\/([^/]+)$/, methods: { GET: { name: 'getTicket', bearer: true, body: 'none', idempotent: false } } },
    {
      re: /^\/tickets\/([^/]+)\/messages$/,
      methods: {
        GET: { name: 'listMessages', bearer: true, body: 'none', idempotent: false },
        POST: { name: 'addMessage', bearer: true, body: 'json', idempotent: true },
      },
    },
    { re: /^\/media$/, methods: { POST: { name: 'uploadMedia', bearer: true, body: 'multipart', idempotent: false } } },
  ];
  for (const entry of table) {
    const m = entry.re.exec(path);
    if (!m) continue;
    const route = entry.methods[method.toUpperCase()];
    if (!route) return { kind: 'method-not-allowed', allow: Object.keys(entry.methods).join(', ') };
    return { kind: 'route', route: m[1] === undefined ? { ...route } : { ...route, ticketParam: m[1] } };
  }
  return { kind: 'not-found' };
}

export interface ApiContext {
  state: SandboxState;
  route: Route;
  query: URLSearchParams;
  body: Uint8Array;
  contentType: string;
  agency: SandboxAgency;
  /** The bearer's user (null on login). */
  user: SandboxUser | null;
  token: string | null;
  nowMs: number;
  /** Origin used for uploaded media URLs, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
}

const STATUSES: readonly TicketStatus[] = ['open', 'in_progress', 'resolved', 'closed'];
const PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'critical'];

const fail = (status: number, message: string): ApiReply => ({ status, message, data: null });
const invalid = (errors: Record<string, string[]>): ApiReply => ({
  status: 422,
  message: Object.values(errors)[0]?.[0] ?? 'The given data was invalid.',
  data: null,
  errors,
});

export function publicUser(user: SandboxUser): DaakeyUser {
  return { id: user.id, name: user.name, email: user.email };
}

/** Parses a JSON object body; an empty body reads as `{}`. */
function jsonBody(body: Uint8Array): { ok: true; value: Record<string, unknown> } | { ok: false; reply: ApiReply } {
  if (body.length === 0) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { ok: false, reply: fail(400, 'Malformed JSON body') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reply: fail(400, 'The request body must be a JSON object') };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function findTicket(state: SandboxState, raw: string | undefined): StoredTicket | undefined {
  // Only a canonical positive integer names a ticket: `1.0`, `01`, `1e0`, `abc` are unknown.
  if (raw === undefined || !/^[1-9]\d{0,9}$/.test(raw)) return undefined;
  return state.tickets.get(Number(raw));
}

/** Characters as people count them (code points), so the server is never stricter than a client counting UTF-16. */
const charCount = (s: string): number => [...s].length;

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function validateMessage(value: unknown, errors: Record<string, string[]>): value is string {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    errors.message = ['The message field is required.'];
  } else if (typeof value !== 'string') {
    errors.message = ['The message must be a string.'];
  } else if (charCount(value) > MESSAGE_MAX_CHARS) {
    errors.message = [`The message may not be greater than ${MESSAGE_MAX_CHARS} characters.`];
  }
  return !errors.message;
}

function validateAttachments(value: unknown, errors: Record<string, string[]>): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.attachments = ['The attachments must be an array.'];
    return [];
  }
  if (value.length > ATTACHMENT_MAX_FILES) {
    errors.attachments = [`The attachments may not have more than ${ATTACHMENT_MAX_FILES} items.`];
  }
  value.forEach((item, i) => {
    if (!isHttpUrl(item)) errors[`attachments.${i}`] = [`The attachments.${i} must be a valid URL.`];
  });
  return value.filter((x): x is string => typeof x === 'string');
}

function newMessage(ctx: ApiContext, message: string, attachments: string[]): TicketMessage {
  return {
    id: ctx.state.nextMessageId++,
    message,
    sender: 'client',
    sender_name: ctx.user?.name ?? ctx.agency.name,
    attachments,
    created_at: isoSeconds(ctx.nowMs),
  };
}

function positiveInt(raw: string | null, fallback: number, max: number): number | null {
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= max ? n : null;
}

export async function handleApi(ctx: ApiContext): Promise<ApiReply> {
  const { state, route } = ctx;
  switch (route.name) {
    case 'login': {
      const parsed = jsonBody(ctx.body);
      if (!parsed.ok) return parsed.reply;
      const { email, password } = parsed.value;
      const errors: Record<string, string[]> = {};
      if (typeof email !== 'string' || email.trim() === '') errors.email = ['The email field is required.'];
      if (typeof password !== 'string' || password === '') errors.password = ['The password field is required.'];
      if (Object.keys(errors).length > 0) return invalid(errors);
      const user = state.users.find(
        (u) => u.email.toLowerCase() === String(email).trim().toLowerCase() && u.password === password && u.agencyId === ctx.agency.id,
      );
      if (!user) return fail(401, 'Invalid email or password.');
      const token = `sbx_${randomBytes(20).toString('hex')}`;
      state.tokens.set(token, { userId: user.id, agencyId: ctx.agency.id, revoked: false });
      return { status: 200, message: 'Login successful', data: { token, token_type: 'Bearer', user: publicUser(user) } };
    }

    case 'me':
      return { status: 200, message: 'User retrieved', data: ctx.user ? publicUser(ctx.user) : null };

    case 'logout': {
      const record = ctx.token ? state.tokens.get(ctx.token) : undefined;
      if (record) record.revoked = true;
      return { status: 200, message: 'Logged out', data: null };
    }

    case 'listTickets': {
      const status = ctx.query.get('status') ?? '';
      const page = positiveInt(ctx.query.get('page'), 1, 100_000);
      const perPage = positiveInt(ctx.query.get('per_page'), 15, 100);
      const errors: Record<string, string[]> = {};
      if (status !== '' && !STATUSES.includes(status as TicketStatus)) errors.status = ['The selected status is invalid.'];
      if (page === null) errors.page = ['The page must be a positive integer.'];
      if (perPage === null) errors.per_page = ['The per page must be between 1 and 100.'];
      if (Object.keys(errors).length > 0 || page === null || perPage === null) return invalid(errors);
      const all = [...state.tickets.values()].filter((tk) => status === '' || tk.status === status).sort((x, y) => y.id - x.id);
      const items = all.slice((page - 1) * perPage, page * perPage).map(ticketSummary);
      return {
        status: 200,
        message: 'Tickets retrieved',
        data: items,
        meta: { current_page: page, per_page: perPage, total: all.length, last_page: Math.max(1, Math.ceil(all.length / perPage)) },
      };
    }

    case 'createTicket': {
      const parsed = jsonBody(ctx.body);
      if (!parsed.ok) return parsed.reply;
      const input = parsed.value;
      const errors: Record<string, string[]> = {};
      const { subject, category, priority, booking_id } = input;
      if (typeof subject !== 'string' || subject.trim() === '') errors.subject = ['The subject field is required.'];
      else if (charCount(subject) > SUBJECT_MAX_CHARS)
        errors.subject = [`The subject may not be greater than ${SUBJECT_MAX_CHARS} characters.`];
      validateMessage(input.message, errors);
      if (typeof category !== 'string' || category.trim() === '') errors.category = ['The category field is required.'];
      if (priority !== undefined && priority !== null && !PRIORITIES.includes(priority as TicketPriority)) {
        errors.priority = ['The selected priority is invalid.'];
      }
      if (booking_id !== undefined && booking_id !== null && !(Number.isSafeInteger(booking_id) && (booking_id as number) > 0)) {
        errors.booking_id = ['The booking id must be an integer.'];
      }
      const attachments = validateAttachments(input.attachments, errors);
      if (Object.keys(errors).length > 0) return invalid(errors);
      const id = state.nextTicketId++;
      const year = new Date(ctx.nowMs).getUTCFullYear();
      const ticket: StoredTicket = {
        id,
        reference: `TK-${year}-${String(id).padStart(5, '0')}`,
        subject: subject as string,
        status: 'open',
        priority: (priority as TicketPriority | undefined) ?? 'normal',
        category: category as string,
        lang: null,
        booking_id: (booking_id as number | undefined) ?? null,
        created_at: isoSeconds(ctx.nowMs),
        messages: [],
      };
      ticket.messages.push(newMessage(ctx, input.message as string, attachments));
      state.tickets.set(id, ticket);
      return { status: 201, message: 'Ticket created', data: ticketDetail(ticket) };
    }

    case 'getTicket': {
      const ticket = findTicket(state, route.ticketParam);
      if (!ticket) return fail(404, 'Ticket not found');
      return { status: 200, message: 'Ticket retrieved', data: ticketDetail(ticket) };
    }

    case 'listMessages': {
      const ticket = findTicket(state, route.ticketParam);
      if (!ticket) return fail(404, 'Ticket not found');
      return { status: 200, message: 'Messages retrieved', data: ticketDetail(ticket).messages };
    }

    case 'addMessage': {
      const ticket = findTicket(state, route.ticketParam);
      if (!ticket) return fail(404, 'Ticket not found');
      const parsed = jsonBody(ctx.body);
      if (!parsed.ok) return parsed.reply;
      const errors: Record<string, string[]> = {};
      validateMessage(parsed.value.message, errors);
      const attachments = validateAttachments(parsed.value.attachments, errors);
      if (Object.keys(errors).length > 0) return invalid(errors);
      if (ticket.status === 'closed') return fail(400, 'Cannot add message to closed ticket');
      if (ticket.status === 'resolved') ticket.status = 'open';
      const message = newMessage(ctx, parsed.value.message as string, attachments);
      ticket.messages.push(message);
      return { status: 201, message: 'Message added', data: { ...message, attachments: [...attachments] } };
    }

    case 'uploadMedia': {
      let form: FormData;
      try {
        form = await new Request('http://sandbox.invalid/media', {
          method: 'POST',
          headers: { 'content-type': ctx.contentType },
          body: ctx.body as BufferSource,
        }).formData();
      } catch {
        return fail(400, 'Malformed multipart body');
      }
      const file = form.get('file');
      if (file === null || typeof file === 'string') return invalid({ file: ['The file field is required.'] });
      const allowed: readonly string[] = ATTACHMENT_TYPES;
      if (!allowed.includes(file.type)) {
        return invalid({ file: [`The file must be a file of type: ${ATTACHMENT_TYPES.join(', ')}.`] });
      }
      if (file.size > ATTACHMENT_MAX_BYTES) {
        return fail(413, `The file may not be greater than ${ATTACHMENT_MAX_BYTES / (1024 * 1024)} MB.`);
      }
      if (file.size === 0) return invalid({ file: ['The file must not be empty.'] });
      const id = `m${state.nextMediaId++}`;
      const name = safeFileName(file.name);
      state.media.set(id, { id, name, mimeType: file.type, bytes: new Uint8Array(await file.arrayBuffer()) });
      const data: UploadedMedia = {
        url: `${ctx.baseUrl}/media/files/${id}/${encodeURIComponent(name)}`,
        name,
        mime_type: file.type,
        size: file.size,
      };
      return { status: 201, message: 'File uploaded', data };
    }
  }
}

/** Keeps a readable base name: no directories, no control or bidi-override characters, at most 200 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}
