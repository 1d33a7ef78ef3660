/**
 * Shape checks for every request in the protocol, run by the router before any handler.
 * Each returns an error text or null; nothing here trusts the sender.
 */
import { MESSAGE_MAX_CHARS, SUBJECT_MAX_CHARS, ATTACHMENT_MAX_FILES, MAX_TICKET_ID } from '@/utils/shared/api-contract';
import { isPlainObject as isObject } from '@/utils/shared/plain-object';
import { ENVIRONMENT_NAMES, isOneOf, LANGUAGE_CHOICES, SIGNATURE_MODES, THEMES } from '@/utils/shared/settings-values';
import { type MessageType, UNDO_SECONDS } from '@/utils/shared/messages';

type Check = (payload: Record<string, unknown>) => string | null;

const REFERENCE = /^[A-Z]{1,6}-\d{4}-\d{3,8}$/;

export function ticketIdError(value: unknown): string | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_TICKET_ID
    ? null
    : 'The ticket ID must be a positive whole number.';
}

/** Panel passes are 32 hex digits minted by the background. */
function passError(value: unknown): string | null {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value) ? null : 'The panel pass is malformed.';
}

function stringField(p: Record<string, unknown>, key: string, { max = 10_000, required = true } = {}): string | null {
  const v = p[key];
  if (v === undefined && !required) return null;
  if (typeof v !== 'string') return `${key} must be text.`;
  if (v.length > max) return `${key} is too long.`;
  return null;
}

function urlList(p: Record<string, unknown>, key: string): string | null {
  const v = p[key];
  if (v === undefined) return null;
  if (!Array.isArray(v) || v.length > ATTACHMENT_MAX_FILES) return `${key} must be a list of at most ${ATTACHMENT_MAX_FILES} URLs.`;
  return v.every((u) => typeof u === 'string' && /^https?:\/\//.test(u) && u.length < 2048) ? null : `${key} must hold URLs.`;
}

const none: Check = (p) => (Object.keys(p).length === 0 ? null : 'This request takes no fields.');
const first = (...checks: (string | null)[]) => checks.find((c) => c !== null) ?? null;
const originCheck: Check = (p) => first(stringField(p, 'origin', { max: 300 }));

const mediaList: Check = (p) => {
  const v = p.attachments;
  if (!Array.isArray(v) || v.length > ATTACHMENT_MAX_FILES) return 'attachments must be a short list.';
  return v.every((m) => isObject(m) && typeof m.url === 'string' && typeof m.name === 'string') ? null : 'attachments are malformed.';
};

const CHECKS: { [T in MessageType]: Check } = {
  'settings/get': none,
  'settings/save': (p) =>
    first(
      isOneOf(ENVIRONMENT_NAMES, p.environment) ? null : 'Unknown environment.',
      stringField(p, 'baseUrl', { max: 500 }),
      isOneOf(SIGNATURE_MODES, p.signatureMode) ? null : 'Unknown signature mode.',
      stringField(p, 'agencyCode', { max: 200 }),
      stringField(p, 'secret', { max: 1000, required: false }),
      stringField(p, 'issuedSignature', { max: 2000, required: false }),
      p.language === undefined || isOneOf(LANGUAGE_CHOICES, p.language) ? null : 'Unknown language.',
      p.theme === undefined || isOneOf(THEMES, p.theme) ? null : 'Unknown theme.',
      p.undoSeconds === undefined || (UNDO_SECONDS as readonly unknown[]).includes(p.undoSeconds)
        ? null
        : `The undo window is one of ${UNDO_SECONDS.join(', ')} seconds.`,
      p.undoPreselection === undefined || typeof p.undoPreselection === 'boolean' ? null : 'undoPreselection must be true or false.',
    ),
  'detection/save': (p) => {
    const list = (v: unknown) =>
      Array.isArray(v) && v.length <= 20 && v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 300);
    if (!list(p.urlPatterns) || !list(p.selectors)) return 'Give at most 20 patterns and 20 selectors, each up to 300 characters.';
    return (p.urlPatterns as string[]).every((x) => x.includes('{id}')) ? null : 'Each URL pattern needs {id} where the ticket ID goes.';
  },
  'sites/add': originCheck,
  'sites/set-enabled': (p) => first(originCheck(p), typeof p.enabled === 'boolean' ? null : 'enabled must be true or false.'),
  'sites/remove': originCheck,
  'auth/status': none,
  'auth/sign-in': (p) => first(stringField(p, 'email', { max: 320 }), stringField(p, 'password', { max: 1000 })),
  'auth/sign-out': none,
  'ticket/get': (p) => ticketIdError(p.ticketId),
  'ticket/create': (p) =>
    first(
      stringField(p, 'subject', { max: SUBJECT_MAX_CHARS }),
      stringField(p, 'message', { max: MESSAGE_MAX_CHARS }),
      stringField(p, 'category', { max: 100 }),
      urlList(p, 'attachments'),
    ),
  'reply/send': (p) =>
    first(
      stringField(p, 'clientId', { max: 100 }),
      ticketIdError(p.ticketId),
      stringField(p, 'message', { max: MESSAGE_MAX_CHARS }),
      typeof p.message === 'string' && p.message.trim() === '' ? 'The message is empty.' : null,
      urlList(p, 'attachments') ?? (Array.isArray(p.attachments) ? null : 'attachments must be a list.'),
    ),
  'outbox/list': (p) => (p.ticketId === undefined ? null : ticketIdError(p.ticketId)),
  'outbox/flush': none,
  'outbox/retry': (p) => stringField(p, 'id', { max: 100 }),
  'outbox/discard': (p) => stringField(p, 'id', { max: 100 }),
  'draft/get': (p) => ticketIdError(p.ticketId),
  'draft/save': (p) => first(ticketIdError(p.ticketId), stringField(p, 'message', { max: MESSAGE_MAX_CHARS * 2 }), mediaList(p)),
  // Base64 of at most the attachment limit (10 MB → ~13.4 MB of text).
  'media/upload': (p) =>
    first(stringField(p, 'name', { max: 255 }), stringField(p, 'type', { max: 100 }), stringField(p, 'dataBase64', { max: 14_000_000 })),
  'templates/list': none,
  'templates/save': (p) =>
    Array.isArray(p.templates) &&
    p.templates.length <= 200 &&
    p.templates.every(
      (t) =>
        isObject(t) &&
        typeof t.id === 'string' &&
        typeof t.name === 'string' &&
        typeof t.body === 'string' &&
        t.name.length <= 200 &&
        t.body.length <= MESSAGE_MAX_CHARS,
    )
      ? null
      : 'templates are malformed.',
  'ticket/resolve': (p) =>
    Array.isArray(p.references) &&
    p.references.length > 0 &&
    p.references.length <= 50 &&
    p.references.every((r) => typeof r === 'string' && REFERENCE.test(r))
      ? null
      : 'references must be 1 to 50 ticket references such as TK-2026-00001.',
  'detection/get': none,
  'panel/open': (p) => ticketIdError(p.ticketId),
  'panel/claim': (p) => passError(p.pass),
  'panel/close': (p) => passError(p.pass),
};

/** Null when the payload is acceptable for the type; otherwise why not. */
export function validatePayload(type: MessageType, payload: unknown): string | null {
  if (!isObject(payload)) return 'The request has no payload.';
  return CHECKS[type](payload);
}
