/**
 * The one HTTP client for Daakey's Client API. Every call resolves to an `ApiResult` (never throws), signs
 * exactly the bytes it sends, and makes exactly one attempt: retries belong to the outbox, which knows
 * whether a repeat could duplicate a reply.
 */
import ky, { isNetworkError, isTimeoutError, type BeforeRequestHook } from 'ky';
import { API_PREFIX, IDEMPOTENCY_HEADER, PATHS, REQUEST_TIMEOUT_MS, RETRYABLE_STATUSES } from '@/utils/shared/api-contract';
import type {
  ApiError,
  ApiResult,
  CreateTicketInput,
  DaakeyUser,
  Paginated,
  Ticket,
  TicketMessage,
  TicketStatus,
  TicketWithMessages,
  UploadedMedia,
} from '@/utils/shared/daakey-types';
import {
  check,
  readEnvelope,
  readLogin,
  readMedia,
  readMessage,
  readMessages,
  readTicket,
  readTicketPage,
  readTicketWithMessages,
  readUser,
  type Envelope,
  type LoginData,
  type Reader,
} from './api-responses';
import { computeSignature, type SignatureCredentials } from './signature';
import { isPlainObject } from '@/utils/shared/plain-object';

export interface DaakeyAuth {
  token: string | null;
  signature: SignatureCredentials | null;
}

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

export interface DaakeyClientDeps {
  /** Origin plus optional path prefix, e.g. `https://api.daakey.com`; a function when settings can change. */
  baseUrl: string | (() => string | null | Promise<string | null>);
  getAuth(): Promise<DaakeyAuth>;
  fetch: FetchLike;
  /** Milliseconds since the epoch; drives the signature timestamp and Retry-After dates. */
  clock(): number;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
}

export interface MediaFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

export interface ListTicketsQuery {
  status?: TicketStatus;
  page?: number;
  perPage?: number;
}

export interface DaakeyClient {
  login(email: string, password: string): Promise<ApiResult<LoginData>>;
  me(): Promise<ApiResult<DaakeyUser>>;
  logout(): Promise<ApiResult<null>>;
  listTickets(query?: ListTicketsQuery): Promise<ApiResult<Paginated<Ticket>>>;
  getTicket(id: number): Promise<ApiResult<TicketWithMessages>>;
  createTicket(input: CreateTicketInput, options?: { idempotencyKey?: string }): Promise<ApiResult<Ticket>>;
  listMessages(id: number): Promise<ApiResult<TicketMessage[]>>;
  addMessage(
    id: number,
    body: { message: string; attachments: string[] },
    options: { idempotencyKey: string },
  ): Promise<ApiResult<TicketMessage>>;
  /**
   * `addMessage` in two steps: everything before the request (address, credentials, signature) now, the request
   * only when `send` is called. The outbox signs a reply while its 'sending' mark is being written, so the POST
   * leaves as soon as the write is done instead of after it plus the signing.
   */
  prepareMessage(
    id: number,
    body: { message: string; attachments: string[] },
    options: { idempotencyKey: string },
  ): Promise<PreparedCall<TicketMessage>>;
  uploadMedia(file: MediaFile): Promise<ApiResult<UploadedMedia>>;
}

export type { LoginData };

/** A request signed and ready: `send` makes the one attempt (and the one re-signed retry a clock-skew refusal allows). */
export type PreparedCall<T> = () => Promise<ApiResult<T>>;

/**
 * Whether the outbox may try again by itself: network errors, timeouts and the transient statuses of
 * `RETRYABLE_STATUSES`. Every other answer is final and the reply waits for the agent.
 */
export function isRetryable(error: ApiError): boolean {
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  return 'status' in error && RETRYABLE_STATUSES.has(error.status);
}

/** Seconds or an HTTP-date, relative to `nowMs`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form names a month; without this, Date.parse reads "-5" as a year.
  if (!/[a-z]{3}/i.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

const encoder = new TextEncoder();

/**
 * Multipart bytes built by hand: `FormData` picks its own boundary and bytes when the Request is created,
 * after our hook could hash them, so the signature could not cover what is actually sent.
 */
export function encodeMultipart(file: MediaFile, boundary: string): { body: Uint8Array; contentType: string } {
  // Same escaping browsers apply to multipart names (HTML spec), so the server parses what a form would send.
  const quoted = (s: string) => s.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
  const type = file.type.replace(/[\r\n]/g, '') || 'application/octet-stream';
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.name)}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + file.bytes.length + tail.length);
  body.set(head, 0);
  body.set(file.bytes, head.length);
  body.set(tail, head.length + file.bytes.length);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

function randomBoundary(): string {
  // 128 random bits: a collision with the file's bytes is not a practical concern.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `----DaakeyQuickReply${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Server text can be anything (test 4 sends 10 MB strings); the UI only needs the start of it. */
const MAX_SERVER_TEXT = 500;
const clip = (s: string) => (s.length > MAX_SERVER_TEXT ? `${s.slice(0, MAX_SERVER_TEXT)}…` : s);

interface SignContext {
  /** The X-Agency-Signature value, computed over the exact URL path, query and body bytes sent. */
  signature: string;
  token: string | null;
  contentType: string | null;
  idempotencyKey: string | null;
}

interface CallSpec<T> {
  method: 'GET' | 'POST';
  path: string;
  bearer: boolean;
  body?: { bytes: Uint8Array; contentType: string };
  idempotencyKey?: string;
  read: (envelope: Envelope) => T;
}

type RawBody = { kind: 'text'; text: string } | { kind: 'timeout' } | { kind: 'network'; message: string };

class BodyTimeout extends Error {}

async function readBody(response: Response, timeoutMs: number): Promise<RawBody> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyTimeout()), timeoutMs);
  });
  try {
    return { kind: 'text', text: await Promise.race([response.text(), expired]) };
  } catch (error) {
    if (error instanceof BodyTimeout) {
      response.body?.cancel().catch(() => undefined);
      return { kind: 'timeout' };
    }
    return { kind: 'network', message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

function describeBody(text: string, contentType: string): string {
  if (text.trim() === '') return 'empty answer';
  if (/html/i.test(contentType) || /^\s*</.test(text)) return 'HTML page';
  if (/json/i.test(contentType)) return 'unreadable JSON';
  return 'not JSON';
}

const unexpected = (status: number, what: string) => `The server sent an unexpected answer (HTTP ${status}, ${what}).`;

const DEFAULT_TEXT: Record<number, string> = {
  400: 'Daakey refused the request.',
  401: 'Your Daakey session has expired. Sign in again.',
  403: 'Daakey refused the agency signature or this account.',
  404: 'Not found on Daakey.',
  413: 'The file or message is too large for Daakey.',
  422: 'Daakey did not accept the data.',
  429: 'Daakey is receiving too many requests. Waiting before trying again.',
};

function errorFor(status: number, message: string, fields: Record<string, string[]>, retryAfterMs: number | null): ApiError {
  const text = clip(message) || DEFAULT_TEXT[status] || `Daakey answered HTTP ${status}.`;
  switch (status) {
    case 400:
      return /closed/i.test(message) ? { kind: 'closed', status, message: text } : { kind: 'bad_request', status, message: text };
    case 401:
      return { kind: 'unauthorized', status, message: text };
    case 403:
      return { kind: 'forbidden', status, message: text };
    case 404:
      return { kind: 'not_found', status, message: text };
    case 413:
      return { kind: 'too_large', status, message: text };
    case 422:
      return { kind: 'validation', status, message: text, fields };
    case 429:
      return { kind: 'rate_limited', status, message: text, retryAfterMs };
    default:
      return status >= 500 ? { kind: 'server', status, message: text, retryAfterMs } : { kind: 'http', status, message: text };
  }
}

/** Exposed for tests and for the router's fallback messages. */
export function classifyResponse<T>(
  status: number,
  headers: Headers,
  text: string,
  read: (envelope: Envelope) => T,
  nowMs: number,
): ApiResult<T> {
  const contentType = headers.get('content-type') ?? '';
  let json: unknown;
  let parsed = false;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
      parsed = true;
    } catch {
      // Falls through to the "unexpected answer" description below.
    }
  }
  const envelope = parsed ? readEnvelope(json) : null;

  if (status >= 200 && status < 300) {
    if (!envelope)
      return {
        ok: false,
        error: {
          kind: 'malformed',
          status,
          message: unexpected(status, parsed ? 'not the usual envelope' : describeBody(text, contentType)),
        },
      };
    if (!envelope.success) return { ok: false, error: { kind: 'malformed', status, message: unexpected(status, 'success is false') } };
    const checked = check((_value, _path) => read(envelope), envelope.data);
    if (!checked.ok) return { ok: false, error: { kind: 'malformed', status, message: unexpected(status, checked.problem) } };
    return { ok: true, status, data: checked.value };
  }

  const retryAfterMs = parseRetryAfter(headers.get('retry-after'), nowMs);
  // Laravel's own 401/404 bodies are `{ "message": … }` without `success`: still Daakey speaking.
  const serverText = envelope?.message ?? (parsed && isPlainObject(json) && typeof json.message === 'string' ? json.message : null);
  if (serverText !== null) return { ok: false, error: errorFor(status, serverText, envelope?.errors ?? {}, retryAfterMs) };
  // 413, 429 and 5xx mean the same whoever sends them (a proxy's HTML page is typical), and the outbox
  // needs their kind and Retry-After; any other status without Daakey's body is not an answer we can read.
  const description = unexpected(status, describeBody(text, contentType));
  if (status === 413 || status === 429 || status >= 500) return { ok: false, error: errorFor(status, description, {}, retryAfterMs) };
  return { ok: false, error: { kind: 'malformed', status, message: description } };
}

function notConfigured(message: string): ApiResult<never> {
  return { ok: false, error: { kind: 'not_configured', message } };
}

export function createDaakeyClient(deps: DaakeyClientDeps): DaakeyClient {
  const timeoutMs = deps.timeoutMs ?? REQUEST_TIMEOUT_MS;
  // Called unbound: `fetch` invoked as a method of `deps` throws "Illegal invocation" in browsers.
  const doFetch = deps.fetch;
  // Server time minus ours, learnt from a "stale timestamp" refusal: a desk PC whose clock is off by
  // more than the signature window would otherwise be refused forever.
  let skewMs = 0;
  const clock = () => deps.clock() + skewMs;

  const sign: BeforeRequestHook = ({ request, options }) => {
    const ctx = options.context.daakey as SignContext;
    const headers = request.headers;
    headers.set('Accept', 'application/json');
    if (ctx.contentType) headers.set('Content-Type', ctx.contentType);
    if (ctx.token !== null) headers.set('Authorization', `Bearer ${ctx.token}`);
    headers.set('X-Agency-Signature', ctx.signature);
    if (ctx.idempotencyKey !== null) headers.set(IDEMPOTENCY_HEADER, ctx.idempotencyKey);
  };

  const api = ky.create({
    retry: 0,
    timeout: timeoutMs,
    throwHttpErrors: false,
    // Never follow a redirect: the token and the signature go to the configured API origin and nowhere else.
    redirect: 'manual',
    fetch: (input, init) => doFetch(input instanceof Request ? input : new Request(input, init), init),
    hooks: { beforeRequest: [sign] },
  });

  async function resolveBase(): Promise<string | null> {
    const raw = typeof deps.baseUrl === 'function' ? await deps.baseUrl() : deps.baseUrl;
    if (!raw) return null;
    try {
      const url = new URL(raw);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
      return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      return null;
    }
  }

  async function call<T>(spec: CallSpec<T>): Promise<ApiResult<T>> {
    return (await prepareCall(spec))();
  }

  async function prepareCall<T>(spec: CallSpec<T>): Promise<PreparedCall<T>> {
    const ready = await prepare(spec);
    return async () => retryIfSkewed(spec, 'url' in ready ? await dispatch(spec, ready) : ready);
  }

  async function retryIfSkewed<T>(spec: CallSpec<T>, result: ApiResult<T>): Promise<ApiResult<T>> {
    if (result.ok || result.error.kind !== 'forbidden' || !/stale|timestamp|clock/i.test(result.error.message)) return result;
    const serverMs = lastServerTime;
    if (serverMs === null) return result;
    const learnt = serverMs - deps.clock();
    if (Math.abs(learnt - skewMs) < 30_000) return result;
    skewMs = learnt;
    // A refused signature means the server did nothing, so sending again (signed afresh) is safe, even for a POST.
    return attempt(spec);
  }

  let lastServerTime: number | null = null;
  function serverTime(response: Response, text: string): number | null {
    try {
      const stamp = (JSON.parse(text) as { timestamp?: unknown }).timestamp;
      if (typeof stamp === 'string' && !Number.isNaN(Date.parse(stamp))) return Date.parse(stamp);
    } catch {
      // Not JSON: fall back to the Date header.
    }
    const date = response.headers.get('Date');
    return date && !Number.isNaN(Date.parse(date)) ? Date.parse(date) : null;
  }

  async function attempt<T>(spec: CallSpec<T>): Promise<ApiResult<T>> {
    const ready = await prepare(spec);
    return 'url' in ready ? dispatch(spec, ready) : ready;
  }

  /** Everything before the request: the address, the credentials and the signature (timestamped now). */
  async function prepare<T>(spec: CallSpec<T>): Promise<{ url: string; context: SignContext } | ApiResult<T>> {
    const base = await resolveBase();
    if (base === null) return notConfigured('Choose the Daakey server address in the options page.');
    let auth: DaakeyAuth;
    try {
      auth = await deps.getAuth();
    } catch {
      return notConfigured('The stored Daakey credentials could not be read.');
    }
    if (!auth.signature) return notConfigured('Enter the agency code and signing secret in the options page.');
    if (spec.bearer && !auth.token) return notConfigured('Sign in to Daakey first.');

    const url = `${base}${API_PREFIX}${spec.path}`;
    let signature: string;
    try {
      // Parsed as the request will be, so the signed path and query are the ones sent.
      const parsed = new URL(url);
      signature = await computeSignature(auth.signature, {
        method: spec.method,
        pathWithQuery: parsed.pathname + parsed.search,
        body: spec.body?.bytes ?? null,
        timestamp: Math.floor(clock() / 1000),
      });
    } catch (error) {
      // Signing with unusable credentials, most likely: nothing was sent.
      return notConfigured(`The request could not be prepared: ${error instanceof Error ? error.message : String(error)}`);
    }
    return {
      url,
      context: {
        signature,
        token: spec.bearer ? auth.token : null,
        contentType: spec.body?.contentType ?? null,
        idempotencyKey: spec.idempotencyKey ?? null,
      },
    };
  }

  async function dispatch<T>(spec: CallSpec<T>, { url, context }: { url: string; context: SignContext }): Promise<ApiResult<T>> {
    let response: Response;
    try {
      response = await api(url, {
        method: spec.method,
        body: spec.body ? (spec.body.bytes as BufferSource) : undefined,
        context: { daakey: context },
      });
    } catch (error) {
      if (isTimeoutError(error))
        return { ok: false, error: { kind: 'timeout', message: `Daakey did not answer within ${Math.round(timeoutMs / 1000)} s.` } };
      if (isNetworkError(error) || error instanceof TypeError) {
        return { ok: false, error: { kind: 'network', message: 'Could not reach Daakey. Check the connection.' } };
      }
      // Anything else was thrown before sending (by ky itself: the signature was made beforehand).
      return notConfigured(`The request could not be prepared: ${error instanceof Error ? error.message : String(error)}`);
    }

    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      response.body?.cancel().catch(() => undefined);
      return {
        ok: false,
        error: { kind: 'http', status: response.status, message: 'Daakey answered with a redirect, which the extension does not follow.' },
      };
    }
    const body = await readBody(response, timeoutMs);
    if (body.kind === 'timeout') return { ok: false, error: { kind: 'timeout', message: 'Daakey stopped sending its answer.' } };
    if (body.kind === 'network')
      return { ok: false, error: { kind: 'network', message: 'The connection dropped while reading Daakey’s answer.' } };
    if (response.status === 403) lastServerTime = serverTime(response, body.text);
    return classifyResponse(response.status, response.headers, body.text, spec.read, clock());
  }

  const json = (value: unknown) => ({ bytes: encoder.encode(JSON.stringify(value)), contentType: 'application/json' });
  const data =
    <T>(read: Reader<T>) =>
    (envelope: Envelope) =>
      read(envelope.data, 'data');
  const messageSpec = (
    id: number,
    { message, attachments }: { message: string; attachments: string[] },
    { idempotencyKey }: { idempotencyKey: string },
  ): CallSpec<TicketMessage> => ({
    method: 'POST',
    path: PATHS.messages(id),
    bearer: true,
    body: json({ message, attachments }),
    idempotencyKey,
    read: data(readMessage),
  });

  return {
    login: (email, password) =>
      call({ method: 'POST', path: PATHS.login, bearer: false, body: json({ email, password }), read: data(readLogin) }),

    me: () => call({ method: 'GET', path: PATHS.me, bearer: true, read: data(readUser) }),

    logout: () => call({ method: 'POST', path: PATHS.logout, bearer: true, read: () => null }),

    listTickets: (query = {}) => {
      const params = new URLSearchParams();
      if (query.status !== undefined) params.set('status', query.status);
      if (query.page !== undefined) params.set('page', String(query.page));
      if (query.perPage !== undefined) params.set('per_page', String(query.perPage));
      const qs = params.toString();
      const requested = { page: query.page ?? 1, perPage: query.perPage ?? 15 };
      return call({
        method: 'GET',
        path: qs ? `${PATHS.tickets}?${qs}` : PATHS.tickets,
        bearer: true,
        read: (envelope) => readTicketPage(envelope.data, envelope.meta, requested),
      });
    },

    getTicket: (id) => call({ method: 'GET', path: PATHS.ticket(id), bearer: true, read: data(readTicketWithMessages) }),

    createTicket: (input, options = {}) => {
      // Only the documented fields, in a fixed order, whatever object the caller passed.
      const body: Record<string, unknown> = { subject: input.subject, message: input.message, category: input.category };
      if (input.priority !== undefined) body.priority = input.priority;
      if (input.booking_id !== undefined) body.booking_id = input.booking_id;
      if (input.attachments !== undefined) body.attachments = input.attachments;
      return call({
        method: 'POST',
        path: PATHS.tickets,
        bearer: true,
        body: json(body),
        ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
        read: data(readTicket),
      });
    },

    listMessages: (id) => call({ method: 'GET', path: PATHS.messages(id), bearer: true, read: data(readMessages) }),

    addMessage: (id, body, options) => call(messageSpec(id, body, options)),

    prepareMessage: (id, body, options) => prepareCall(messageSpec(id, body, options)),

    uploadMedia: (file) => {
      const { body, contentType } = encodeMultipart(file, randomBoundary());
      return call({ method: 'POST', path: PATHS.media, bearer: true, body: { bytes: body, contentType }, read: data(readMedia) });
    },
  };
}
