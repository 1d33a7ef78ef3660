/**
 * Hand-written shape checks for Daakey's answers. The server is outside our control (and may be a proxy's
 * error page), so nothing it sends is trusted as typed until it passes through here. Readers build fresh
 * objects with only the known fields, so unexpected extra fields never travel further into the extension.
 */
import { isPlainObject } from '@/utils/shared/plain-object';
import type {
  DaakeyUser,
  Paginated,
  Ticket,
  TicketMessage,
  TicketPriority,
  TicketStatus,
  TicketWithMessages,
  UploadedMedia,
} from '@/utils/shared/daakey-types';
import { TOKEN_FIELDS } from '@/utils/shared/api-contract';

/** Thrown by readers; carries where the shape went wrong so the message can say so. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path} should be ${expected}`);
    this.name = 'ShapeError';
  }
}

export type Reader<T> = (value: unknown, path: string) => T;
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

export function check<T>(read: Reader<T>, value: unknown, path = 'data'): Checked<T> {
  try {
    return { ok: true, value: read(value, path) };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, problem: error.message };
    throw error;
  }
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new ShapeError(path, 'an object');
  return value;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(path, 'a string');
  return value;
}

function nullableStr(value: unknown, path: string): string | null {
  // A missing optional text field means the same as null to this product.
  if (value === undefined || value === null) return null;
  return str(value, path);
}

function id(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new ShapeError(path, 'a positive integer');
  return value;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ShapeError(path, 'a non-negative integer');
  return value;
}

function oneOf<T extends string>(allowed: readonly T[]): Reader<T> {
  return (value, path) => {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw new ShapeError(path, `one of ${allowed.join(', ')}`);
    }
    return value as T;
  };
}

function arrayOf<T>(read: Reader<T>): Reader<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) throw new ShapeError(path, 'an array');
    return value.map((item, i) => read(item, `${path}[${i}]`));
  };
}

/** Attachments are documented as URLs; a message without any may omit the field or send null. */
function attachments(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  return arrayOf(str)(value, path);
}

const STATUSES: readonly TicketStatus[] = ['open', 'in_progress', 'resolved', 'closed'];
const PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'critical'];

export const readUser: Reader<DaakeyUser> = (value, path) => {
  const v = record(value, path);
  return { id: id(v.id, `${path}.id`), name: str(v.name, `${path}.name`), email: str(v.email, `${path}.email`) };
};

export const readMessage: Reader<TicketMessage> = (value, path) => {
  const v = record(value, path);
  return {
    id: id(v.id, `${path}.id`),
    message: str(v.message, `${path}.message`),
    sender: str(v.sender, `${path}.sender`),
    sender_name: str(v.sender_name, `${path}.sender_name`),
    attachments: attachments(v.attachments, `${path}.attachments`),
    created_at: str(v.created_at, `${path}.created_at`),
  };
};

export const readTicket: Reader<Ticket> = (value, path) => {
  const v = record(value, path);
  return {
    id: id(v.id, `${path}.id`),
    reference: str(v.reference, `${path}.reference`),
    subject: str(v.subject, `${path}.subject`),
    status: oneOf(STATUSES)(v.status, `${path}.status`),
    priority: oneOf(PRIORITIES)(v.priority, `${path}.priority`),
    category: str(v.category, `${path}.category`),
    last_message: nullableStr(v.last_message, `${path}.last_message`),
    last_message_at: nullableStr(v.last_message_at, `${path}.last_message_at`),
    unread_count: count(v.unread_count ?? 0, `${path}.unread_count`),
    created_at: str(v.created_at, `${path}.created_at`),
  };
};

export const readTicketWithMessages: Reader<TicketWithMessages> = (value, path) => {
  const v = record(value, path);
  return { ...readTicket(v, path), messages: arrayOf(readMessage)(v.messages, `${path}.messages`) };
};

export const readMessages: Reader<TicketMessage[]> = arrayOf(readMessage);

export const readMedia: Reader<UploadedMedia> = (value, path) => {
  const v = record(value, path);
  return {
    url: str(v.url, `${path}.url`),
    name: str(v.name, `${path}.name`),
    mime_type: str(v.mime_type, `${path}.mime_type`),
    size: count(v.size, `${path}.size`),
  };
};

export interface LoginData {
  token: string;
  user: DaakeyUser;
}

export const readLogin: Reader<LoginData> = (value, path) => {
  const v = record(value, path);
  let token: string | null = null;
  for (const field of TOKEN_FIELDS) {
    const candidate = v[field];
    if (typeof candidate === 'string' && candidate !== '') {
      token = candidate;
      break;
    }
  }
  if (token === null) throw new ShapeError(`${path}.${TOKEN_FIELDS.join(' or ')}`, 'a non-empty string');
  return { token, user: readUser(v.user, `${path}.user`) };
};

/**
 * The sandbox sends `data: Ticket[]` with `meta.current_page/per_page/total`; a Laravel paginator nests the
 * list as `data.data`. Both are accepted so either server shape reads the same.
 */
export function readTicketPage(data: unknown, meta: unknown, requested: { page: number; perPage: number }): Paginated<Ticket> {
  let list: unknown = data;
  let info: Record<string, unknown> = isPlainObject(meta) ? meta : {};
  if (isPlainObject(data)) {
    list = Array.isArray(data.data) ? data.data : data.items;
    info = { ...info, ...data };
  }
  const items = arrayOf(readTicket)(list, 'data');
  const num = (key: string): number | null => {
    const raw = info[key];
    return typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : null;
  };
  return {
    items,
    page: num('current_page') ?? requested.page,
    perPage: num('per_page') ?? requested.perPage,
    total: num('total'),
  };
}

export interface Envelope {
  success: boolean;
  message: string;
  data: unknown;
  meta: unknown;
  errors: Record<string, string[]>;
}

/** The common `{ success, message, data, … }` wrapper, or null when the body isn't one. */
export function readEnvelope(value: unknown): Envelope | null {
  if (!isPlainObject(value) || typeof value.success !== 'boolean') return null;
  const errors: Record<string, string[]> = {};
  if (isPlainObject(value.errors)) {
    for (const [field, messages] of Object.entries(value.errors)) {
      const texts = Array.isArray(messages)
        ? messages.filter((m): m is string => typeof m === 'string')
        : typeof messages === 'string'
          ? [messages]
          : [];
      if (texts.length > 0) errors[field] = texts;
    }
  }
  return {
    success: value.success,
    message: typeof value.message === 'string' ? value.message : '',
    data: value.data,
    meta: value.meta,
    errors,
  };
}
