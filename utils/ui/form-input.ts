/**
 * Form checks for the popup and options page. Each returns an i18n key (plus substitutions) or
 * null, so the views translate and the checks stay pure.
 */
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MAX_FILES,
  ATTACHMENT_TYPES,
  MAX_TICKET_ID,
  MESSAGE_MAX_CHARS,
} from '@/utils/shared/api-contract';

export interface Problem {
  key: string;
  subs?: (string | number)[];
}

/** A ticket ID typed by hand: digits only, positive, in range. */
export function parseTicketId(input: string): { ok: true; id: number } | { ok: false; problem: Problem } {
  const s = input.trim();
  if (s === '') return { ok: false, problem: { key: 'ticket_id_empty' } };
  if (!/^\d+$/.test(s)) return { ok: false, problem: { key: 'ticket_id_not_digits' } };
  const id = Number(s);
  if (id <= 0) return { ok: false, problem: { key: 'ticket_id_zero' } };
  if (!Number.isSafeInteger(id) || id > MAX_TICKET_ID) return { ok: false, problem: { key: 'ticket_id_too_large' } };
  return { ok: true, id };
}

export function messageProblem(message: string, max = MESSAGE_MAX_CHARS): Problem | null {
  if (message.trim() === '') return { key: 'message_empty' };
  if (message.length > max) return { key: 'message_too_long', subs: [message.length - max, max] };
  return null;
}

/** An http(s) URL without credentials, query or fragment; returns the URL without trailing slashes. */
export function parseBaseUrl(input: string): { ok: true; url: string } | { ok: false; problem: Problem } {
  const s = input.trim();
  if (s === '') return { ok: false, problem: { key: 'base_url_empty' } };
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return { ok: false, problem: { key: 'base_url_invalid' } };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: { key: 'base_url_invalid' } };
  if (url.username || url.password || url.search || url.hash) return { ok: false, problem: { key: 'base_url_extra' } };
  return { ok: true, url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A dashboard origin: https (http only for loopback), no path beyond `/`. */
export function parseOrigin(input: string): { ok: true; origin: string } | { ok: false; problem: Problem } {
  const s = input.trim();
  if (s === '') return { ok: false, problem: { key: 'site_empty' } };
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return { ok: false, problem: { key: 'site_invalid' } };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    return { ok: false, problem: { key: 'site_https' } };
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    return { ok: false, problem: { key: 'site_path' } };
  if (url.hostname.includes('*')) return { ok: false, problem: { key: 'site_invalid' } };
  return { ok: true, origin: url.origin };
}

export const AGENCY_CODE = /^[A-Za-z0-9._-]{1,200}$/;

export function agencyCodeProblem(code: string): Problem | null {
  if (code.trim() === '') return { key: 'agency_code_empty' };
  return AGENCY_CODE.test(code.trim()) ? null : { key: 'agency_code_invalid' };
}

export function emailProblem(email: string): Problem | null {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()) ? null : { key: 'email_invalid' };
}

/** Checks files before upload against the documented defaults. */
export function fileProblem(file: { name: string; type: string; size: number }, alreadyAttached: number): Problem | null {
  if (alreadyAttached >= ATTACHMENT_MAX_FILES) return { key: 'attach_too_many', subs: [ATTACHMENT_MAX_FILES] };
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.type)) return { key: 'attach_bad_type', subs: [file.name] };
  if (file.size > ATTACHMENT_MAX_BYTES)
    return { key: 'attach_too_big', subs: [file.name, Math.round(ATTACHMENT_MAX_BYTES / (1024 * 1024))] };
  if (file.size === 0) return { key: 'attach_empty', subs: [file.name] };
  return null;
}
