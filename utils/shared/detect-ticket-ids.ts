/**
 * Ticket detection on agency dashboard pages: pure string logic, no DOM and no browser APIs, so the
 * labelled corpus (`tests/fixtures/detection-corpus.json`) runs against it in plain Node.
 *
 * Precision matters more than recall here: a wrong "Reply to ticket #N" button sends an agent's
 * reply to the wrong customer. Every pattern is anchored in context (a ticket keyword, a ticket URL
 * route, a ticket data attribute or a Daakey reference), never a bare number.
 */
import { MAX_TICKET_ID } from './api-contract';

/** A detected ticket: a numeric ID, or a Daakey reference still to be resolved through the API. */
export type TicketRef = { id: number } | { reference: string };
export type TextMatch = TicketRef & { index: number; length: number };

export interface TicketDetectorOptions {
  /**
   * Agency-specific routes with an `{id}` placeholder (and optional `*` wildcards), e.g.
   * `/support/case/{id}` or `/view?case={id}`. A pattern starting with `http` matches the full URL.
   */
  urlPatterns?: readonly string[];
  /** CSS selectors whose elements' text or attributes carry a ticket ID (used by the scanner). */
  selectors?: readonly string[];
}

export interface TicketDetector {
  /** The ticket a page URL (or any absolute URL) points at. */
  fromUrl(url: string): TicketRef | null;
  /** The ticket a link points at; relative hrefs resolve against `base`, other origins are ignored. */
  fromHref(href: string, base: string): TicketRef | null;
  /** A `data-ticket-id` / `data-ticket` value: a bare ID or reference, nothing else. */
  fromAttribute(value: string): TicketRef | null;
  /** Tickets mentioned in running text ("Ticket #42", "تذكرة رقم ٤٢", "TK-2026-00001"). */
  fromText(text: string): TextMatch[];
  /** Text of an element matched by an agency selector: a bare "42" / "#42" is enough there. */
  fromSelectedText(text: string): TicketRef | null;
  /**
   * False only when no part of `text` can be a mention of a ticket other than `id` through `fromText`
   * (references aside): a looser pattern than `fromText`'s, without its boundary tests, so a whole
   * element's text can vouch for every text node inside it.
   */
  mayNameOtherThan(text: string, id: number): boolean;
  /** The agency selectors, as given. */
  readonly selectors: readonly string[];
}

// Arabic-Indic (U+0660..0669) and Extended Arabic-Indic / Persian (U+06F0..06F9) digits.
const DIGIT = '[0-9\\u0660-\\u0669\\u06f0-\\u06f9]';
const HAS_DIGIT = /[0-9\u0660-\u0669\u06f0-\u06f9]/;
// A ticket word ("ticket", Arabic "تذكرة"); references are told by their case-sensitive "TK-" prefix.
const HAS_WORD = /ticket|تذكر/i;
const REFERENCE_PREFIX = 'TK-';

/** Converts Eastern Arabic and Persian digits to ASCII; other characters are kept as they are. */
export function normalizeDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String((d.charCodeAt(0) & 0xf) % 10));
}

/**
 * Parses a ticket ID: digits only (any of the three digit sets), no leading zero, 1..2^31-1.
 * Returns null for anything else, so "0042", "0", "12a" and "99999999999" are not tickets.
 */
export function parseTicketId(raw: string): number | null {
  const digits = normalizeDigits(raw);
  if (!/^[1-9][0-9]{0,9}$/.test(digits)) return null;
  const id = Number(digits);
  return id <= MAX_TICKET_ID ? id : null;
}

// Daakey references: TK-<year>-<serial>. The sandbox uses 5-digit serials; allow a little more.
const REFERENCE = 'TK-20[0-9]{2}-[0-9]{4,8}';
const REFERENCE_EXACT = new RegExp(`^${REFERENCE}$`);
const REFERENCE_IN_TEXT = new RegExp(`(?<![\\p{L}\\p{N}_-])${REFERENCE}(?![\\p{L}\\p{N}_]|-[\\p{L}\\p{N}])`, 'gu');

// Keyword, then a separator ("#", "n°", "no.", "number", "ID", "رقم", ":"), then the digits.
// The Arabic keyword may carry a proclitic (و, ف, ب, ل, لل) and the article ال.
const SPACE = '[\\s\\u200e\\u200f\\u061c]';
const KEYWORD = '(?:ticket|(?:[وفب]?(?:لل|ل|ال)?)تذكر[ةه])';
const MARKER = '(?:#|＃|n[°º]|no\\.?|num(?:ber|éro|ero)?\\.?|id|رقم)';
const SEPARATOR = `(?:${SPACE}*:?${SPACE}*(?:${MARKER}${SPACE}*:?${SPACE}*(?:#${SPACE}*)?)|${SPACE}*[:#＃]${SPACE}*|${SPACE}+)`;
// After the number: not part of a longer token, a decimal, a date, a price or a percentage.
const AFTER = `(?![\\p{L}\\p{N}_]|[.,/:\\-]${DIGIT}|${SPACE}*[€$£¥%])`;
const TICKET_IN_TEXT = new RegExp(`(?<![\\p{L}\\p{N}_])${KEYWORD}${SEPARATOR}(${DIGIT}+)${AFTER}`, 'giu');
// The same without the tests before and after: every TICKET_IN_TEXT match of any substring is found by it.
const TICKET_LOOSE = new RegExp(`${KEYWORD}${SEPARATOR}(${DIGIT}+)`, 'giu');

const BARE_ID = new RegExp(`^(?:#|＃|n[°º]|no\\.?)?${SPACE}*(${DIGIT}+)$`, 'iu');

// Built-in URL routes: /tickets/123, /ticket/123, and the same inside a hash route.
const PATH_ROUTE = /(?:^|\/)tickets?\/([^/?#&]+)\/?(?=$|[/?#&])/i;
const QUERY_KEYS = ['ticket', 'ticket_id', 'ticketId', 'ticket-id'];

function refFromValue(value: string): TicketRef | null {
  const trimmed = value.trim();
  if (REFERENCE_EXACT.test(trimmed)) return { reference: trimmed };
  const id = parseTicketId(trimmed);
  return id === null ? null : { id };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles an agency pattern such as `/support/case/{id}` into a regex with one capture group. */
function compileUrlPattern(pattern: string): { regex: RegExp; full: boolean } | null {
  const parts = pattern.split('{id}');
  if (parts.length !== 2) return null;
  const [before = '', after = ''] = parts.map((part) => escapeRegExp(part).replace(/\\\*/g, '[^/?#]*'));
  const full = /^https?:/i.test(pattern);
  const start = full || pattern.startsWith('/') ? '^' : '(?:^|/)';
  return { regex: new RegExp(`${start}${before}([^/?#&]+)${after}(?=$|[/?#&])`, 'i'), full };
}

// Every built-in route names "ticket"; agency patterns can name anything, so they skip this test.
const HREF_HINT = /ticket/i;

// Links are resolved against the same page URL thousands of times in one scan.
let lastBase = '';
let lastOrigin: string | undefined;
function originOf(base: string): string | undefined {
  if (base !== lastBase) {
    lastBase = base;
    lastOrigin = parseUrl(base)?.origin;
  }
  return lastOrigin;
}

function parseUrl(url: string, base?: string): URL | null {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
}

/**
 * Builds a detector. Built-in patterns always apply; `urlPatterns` and `selectors` add an agency's
 * own routes and elements.
 */
export function createTicketDetector(options: TicketDetectorOptions = {}): TicketDetector {
  const custom = (options.urlPatterns ?? []).map(compileUrlPattern).filter((p) => p !== null);
  const selectors = Object.freeze([...(options.selectors ?? [])]);

  function fromRoute(route: string): TicketRef | null {
    // `route` is a path with its query: "/tickets/12?tab=x" or a hash route "/tickets/12".
    const [pathPart = '', query = ''] = route.split('?', 2);
    const path = PATH_ROUTE.exec(pathPart);
    if (path?.[1] !== undefined) return refFromValue(decodeURIComponentSafe(path[1]));
    const params = new URLSearchParams(query);
    for (const key of QUERY_KEYS) {
      const value = params.get(key);
      if (value !== null) return refFromValue(value);
    }
    return null;
  }

  function fromParsedUrl(url: URL): TicketRef | null {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    const hashRoute = url.hash.startsWith('#/') ? url.hash.slice(1) : '';
    for (const { regex, full } of custom) {
      const subjects = full ? [url.href] : [url.pathname + url.search, hashRoute];
      for (const subject of subjects) {
        const match = subject ? regex.exec(subject) : null;
        if (match?.[1] !== undefined) {
          const ref = refFromValue(decodeURIComponentSafe(match[1]));
          if (ref) return ref;
        }
      }
    }
    return fromRoute(url.pathname + url.search) ?? (hashRoute ? fromRoute(hashRoute) : null);
  }

  function fromText(text: string): TextMatch[] {
    if (!HAS_DIGIT.test(text)) return [];
    // Each full pattern runs only where its own keyword is present: most dashboard text has one or none.
    const word = HAS_WORD.test(text);
    const reference = text.includes(REFERENCE_PREFIX);
    if (!word && !reference) return [];
    const found: TextMatch[] = [];
    if (word) {
      for (const match of text.matchAll(TICKET_IN_TEXT)) {
        const id = parseTicketId(match[1] ?? '');
        if (id !== null) found.push({ id, index: match.index, length: match[0].length });
      }
    }
    if (reference) {
      for (const match of text.matchAll(REFERENCE_IN_TEXT)) {
        found.push({ reference: match[0], index: match.index, length: match[0].length });
      }
    }
    return found.length > 1 ? found.sort((a, b) => a.index - b.index) : found;
  }

  function mayNameOtherThan(text: string, id: number): boolean {
    if (!HAS_WORD.test(text)) return false;
    for (const match of text.matchAll(TICKET_LOOSE)) if (parseTicketId(match[1] ?? '') !== id) return true;
    return false;
  }

  return {
    selectors,
    fromText,
    mayNameOtherThan,
    fromUrl(url) {
      const parsed = parseUrl(url, 'http://localhost/');
      return parsed ? fromParsedUrl(parsed) : null;
    },
    fromHref(href, base) {
      // Cheap tests first: a page has many links and few of them are ticket links.
      if (!HAS_DIGIT.test(href) || (!custom.length && !HREF_HINT.test(href))) return null;
      const url = parseUrl(href, base);
      const origin = originOf(base);
      // Another system's "/tickets/42" is not Daakey ticket 42.
      if (!url || url.origin !== origin) return null;
      return fromParsedUrl(url);
    },
    fromAttribute: refFromValue,
    fromSelectedText(text) {
      const trimmed = text.trim();
      const bare = BARE_ID.exec(trimmed);
      if (bare?.[1] !== undefined) return refFromValue(bare[1]);
      const [first] = fromText(trimmed);
      if (!first) return null;
      return 'id' in first ? { id: first.id } : { reference: first.reference };
    },
  };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Convenience for one string: the IDs and references it mentions, each once, in order. */
export function detectTicketIds(text: string, detector: TicketDetector = createTicketDetector()): { ids: number[]; references: string[] } {
  const ids = new Set<number>();
  const references = new Set<string>();
  for (const match of detector.fromText(text)) {
    if ('id' in match) ids.add(match.id);
    else references.add(match.reference);
  }
  return { ids: [...ids], references: [...references] };
}
