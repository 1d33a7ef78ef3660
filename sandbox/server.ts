/**
 * A real, local, Daakey-compatible HTTP server (`node:http`, no framework): the Client API with signature and
 * token checks, idempotency, fault injection, the demo dashboard, and a test-only control API.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  API_PREFIX,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MAX_FILES,
  ATTACHMENT_TYPES,
  IDEMPOTENCY_HEADER,
  MESSAGE_MAX_CHARS,
} from '../utils/shared/api-contract';
import { sha256Hex, SIGNATURE_MAX_SKEW_SECONDS } from '../utils/background/signature';
import { handleApi, resolveRoute, type ApiReply } from './client-api';
import { handleControl } from './control';
import { handleDashboard } from './dashboard';
import { DEMO_AGENCY, DEMO_USER, type SandboxAgency, type SandboxUser } from './seed';
import { createFaults } from './faults';
import { createState, resetState, type ActiveFault, type FaultSpec, type RecordedRequest, type SandboxState } from './state';
import { verifyAgencySignature } from './verify';

export type { SandboxAgency, SandboxUser } from './seed';
export type { ActiveFault, FaultSpec, RecordedRequest, SandboxState } from './state';
export { seededRandom } from './faults';

export interface SandboxOptions {
  /** 0 (default for the API) picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default: the demo agency `AGENCY123`. */
  agencies?: SandboxAgency[];
  /** Default: the demo user `agent@demo.daakey.test`. */
  users?: SandboxUser[];
  /** Clock in milliseconds (default `Date.now`); `POST /__control/clock` shifts it further. */
  now?: () => number;
  /** Enables the test-only `/__control` API (default false). */
  control?: boolean;
  /** How many requests `/__control/requests` keeps, oldest dropped first (default 1000). */
  maxRecordedRequests?: number;
  /**
   * Honour `Idempotency-Key` (replay a stored success, 409 while the same key is in flight). Default false:
   * the strict sandbox does what Daakey's docs promise and no more, and they do not promise that.
   * `POST /__control/idempotency { enabled }` switches it at run time; a reset restores this value.
   */
  idempotency?: boolean;
  /** Random source in [0, 1) for probabilistic faults (default `Math.random`; `POST /__control/faults { seed }` replaces it). */
  random?: () => number;
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:8787` (no trailing slash). */
  url: string;
  port: number;
  /** The live state (tickets, tokens, recorded requests, faults…), for in-process assertions. */
  state: SandboxState;
  /** The sandbox clock in ms (`now()` plus the control clock offset). */
  now(): number;
  /** Restores the seed and clears tokens, requests, faults, idempotency records and the clock offset. */
  reset(): void;
  addFaults(faults: FaultSpec[]): ActiveFault[];
  clearFaults(): void;
  /** Turns the optional `Idempotency-Key` support on or off (clearing its stores either way). */
  setIdempotency(enabled: boolean): void;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const API_BODY_LIMIT = 2 * 1024 * 1024;
const MEDIA_BODY_LIMIT = ATTACHMENT_MAX_BYTES + 1024 * 1024;
/** Bodies beyond this are not even drained: the connection is cut. */
const HARD_BODY_LIMIT = 64 * 1024 * 1024;
const RECORDED_BODY_CHARS = 64 * 1024;
const MAX_RECORDED_REQUESTS = 1000;
const CORS_ALLOW_HEADERS = `Authorization, X-Agency-Signature, Content-Type, Accept, ${IDEMPOTENCY_HEADER}`;
const CORS_EXPOSE_HEADERS = 'Retry-After, Idempotent-Replayed, X-Request-Id, Date';

interface Envelope {
  status: number;
  payload: Record<string, unknown> | null;
  headers: Record<string, string>;
}

function readBody(req: IncomingMessage, limit: number): Promise<{ bytes: Uint8Array; tooLarge: boolean } | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let ended = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (size > HARD_BODY_LIMIT) req.socket.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      ended = true;
      resolve({ bytes: tooLarge ? new Uint8Array() : Buffer.concat(chunks), tooLarge });
    });
    req.on('close', () => {
      if (!ended) resolve(null);
    });
    req.on('error', () => resolve(null));
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const agencies = options.agencies ?? [DEMO_AGENCY];
  const users = options.users ?? [DEMO_USER];
  const baseNow = options.now ?? Date.now;
  const idempotencyDefault = options.idempotency === true;
  const state = createState(agencies, users, idempotencyDefault);
  const maxRecorded = options.maxRecordedRequests ?? MAX_RECORDED_REQUESTS;
  const nowMs = () => baseNow() + state.clockOffsetSeconds * 1000;
  let baseUrl = '';
  // Chromium resends a POST by itself when a reused keep-alive socket closes before any response byte, which
  // would look like the extension posting twice. While a drop is armed, no socket may be reused: the idle ones
  // are closed at once, and every response carries `Connection: close` (see `commonHeaders`).
  const faults = createFaults(state, options.random ?? Math.random, () => server.closeIdleConnections());
  const { addFaults, clearFaults, seedRandom } = faults;
  const reset = () => resetState(state, agencies, users, idempotencyDefault);
  const setIdempotency = (enabled: boolean) => {
    state.idempotencyEnabled = enabled;
    state.idempotency.clear();
    state.idempotencyInFlight.clear();
  };

  function commonHeaders(res: ServerResponse): void {
    res.setHeader('Date', new Date(nowMs()).toUTCString());
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (faults.dropPending()) res.setHeader('Connection', 'close');
  }

  function finish(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: string | Uint8Array,
  ): void {
    if (res.headersSent || res.destroyed) return;
    commonHeaders(res);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.setHeader('Content-Length', String(bytes.length));
    res.writeHead(status);
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  function envelope(status: number, reply: ApiReply, agency: SandboxAgency | null, requestId: string): Envelope {
    const base = { request_id: requestId, timestamp: new Date(nowMs()).toISOString() };
    const payload: Record<string, unknown> =
      status < 400
        ? {
            success: true,
            message: reply.message,
            data: reply.data ?? null,
            meta: { agency_id: agency?.id ?? null, agency_code: agency?.code ?? null, ...reply.meta },
            ...base,
          }
        : { success: false, message: reply.message, data: null, ...(reply.errors ? { errors: reply.errors } : {}), ...base };
    return { status, payload, headers: { ...reply.headers } };
  }

  async function processApi(
    req: IncomingMessage,
    rawPath: string,
    url: URL,
    body: Uint8Array,
    tooLarge: boolean,
    record: RecordedRequest,
    requestId: string,
  ): Promise<Envelope> {
    const method = record.method;
    const err = (status: number, message: string, extra: Partial<ApiReply> = {}) =>
      envelope(status, { status, message, ...extra }, null, requestId);
    const sub = url.pathname.slice(API_PREFIX.length) || '/';

    if (sub === '/config') {
      if (method !== 'GET' && method !== 'HEAD') return err(405, 'Method not allowed', { headers: { Allow: 'GET' } });
      return envelope(
        200,
        {
          status: 200,
          message: 'Configuration retrieved',
          data: {
            name: 'Daakey sandbox',
            environment: 'sandbox',
            api_prefix: API_PREFIX,
            server_time: new Date(nowMs()).toISOString(),
            signature: { header: 'X-Agency-Signature', max_skew_seconds: SIGNATURE_MAX_SKEW_SECONDS },
            limits: {
              message_max_chars: MESSAGE_MAX_CHARS,
              attachment_max_files: ATTACHMENT_MAX_FILES,
              attachment_max_bytes: ATTACHMENT_MAX_BYTES,
              attachment_types: [...ATTACHMENT_TYPES],
            },
          },
        },
        null,
        requestId,
      );
    }
    if (tooLarge) return err(413, 'Payload too large');

    const accept = (headerValue(req, 'accept') ?? '').toLowerCase();
    if (!accept.split(',').some((part) => part.split(';')[0]?.trim() === 'application/json')) {
      return err(406, 'Not Acceptable: the Client API answers JSON only; send "Accept: application/json"');
    }

    const match = resolveRoute(method, sub);
    const contentType = headerValue(req, 'content-type');
    const type = mediaType(contentType);
    const expected = match.kind === 'route' ? match.route.body : null;
    if (expected === 'multipart' && type !== 'multipart/form-data') {
      return err(415, 'Unsupported Media Type: upload files as multipart/form-data');
    }
    if (
      body.length > 0 &&
      expected !== 'multipart' &&
      type !== 'application/json' &&
      !(expected === null && type === 'multipart/form-data')
    ) {
      return err(415, 'Unsupported Media Type: send JSON bodies with "Content-Type: application/json"');
    }

    const signature = await verifyAgencySignature({
      header: headerValue(req, 'x-agency-signature'),
      method,
      pathWithQuery: rawPath,
      body,
      nowSeconds: Math.floor(nowMs() / 1000),
      agencies: state.agencies,
    });
    record.signatureValid = signature.ok;
    if (!signature.ok) return err(403, signature.message);
    const agency = signature.agency;

    if (match.kind === 'not-found') return err(404, 'Not found');
    if (match.kind === 'method-not-allowed') return err(405, 'Method not allowed', { headers: { Allow: match.allow } });
    const route = match.route;

    let user: SandboxUser | null = null;
    let token: string | null = null;
    if (route.bearer) {
      const auth = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(req, 'authorization') ?? '');
      token = auth?.[1] ?? null;
      const stored = token ? state.tokens.get(token) : undefined;
      user = stored && !stored.revoked && stored.agencyId === agency.id ? (state.users.find((u) => u.id === stored.userId) ?? null) : null;
      if (!user) return err(401, 'Unauthenticated.');
    }

    const call = async () =>
      handleApi({
        state,
        route,
        query: url.searchParams,
        body,
        contentType: contentType ?? '',
        agency,
        user,
        token,
        nowMs: nowMs(),
        baseUrl,
      });

    const key = headerValue(req, IDEMPOTENCY_HEADER)?.trim() || null;
    record.idempotencyKey = key;
    // The strict sandbox (default) ignores the header altogether: no replay, no 409, no 422 on a reused key.
    if (!route.idempotent || key === null || !state.idempotencyEnabled) {
      const reply = await call();
      return envelope(reply.status, reply, agency, requestId);
    }
    if (key.length > 255)
      return err(422, 'The Idempotency-Key may not be greater than 255 characters.', {
        errors: { idempotency_key: ['The Idempotency-Key may not be greater than 255 characters.'] },
      });
    const bodyHash = await sha256Hex(body);
    const scope = `${agency.id}:${key}`;
    const stored = state.idempotency.get(scope);
    if (stored) {
      if (stored.method !== method || stored.path !== rawPath || stored.bodyHash !== bodyHash) {
        const message = 'Idempotency key reused with a different body';
        return err(422, message, { errors: { idempotency_key: [message] } });
      }
      record.replayed = true;
      return { status: stored.status, payload: stored.payload as Record<string, unknown>, headers: { 'Idempotent-Replayed': 'true' } };
    }
    if (state.idempotencyInFlight.has(scope)) return err(409, 'A request with this Idempotency-Key is already in progress');
    state.idempotencyInFlight.add(scope);
    try {
      const reply = await call();
      const result = envelope(reply.status, reply, agency, requestId);
      // Only successes are remembered: a refused request (404, 422, 400…) may be sent again once fixed.
      if (reply.status >= 200 && reply.status < 300) {
        state.idempotency.set(scope, { method, path: rawPath, bodyHash, status: result.status, payload: result.payload });
      }
      return result;
    } finally {
      state.idempotencyInFlight.delete(scope);
    }
  }

  async function handleClientApi(req: IncomingMessage, res: ServerResponse, rawPath: string, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS };
    if (method === 'OPTIONS') {
      const origin = headerValue(req, 'origin');
      finish(
        req,
        res,
        204,
        {
          'Access-Control-Allow-Origin': origin ?? '*',
          'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
          'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
          'Access-Control-Max-Age': '600',
          ...(headerValue(req, 'access-control-request-private-network') === 'true'
            ? { 'Access-Control-Allow-Private-Network': 'true' }
            : {}),
          Vary: 'Origin',
        },
        '',
      );
      return;
    }

    const sub = url.pathname.slice(API_PREFIX.length);
    const read = await readBody(req, sub === '/media' ? MEDIA_BODY_LIMIT : API_BODY_LIMIT);
    if (!read) return;
    const requestId = randomUUID();
    const bodyText = Buffer.from(read.bytes.subarray(0, RECORDED_BODY_CHARS * 4))
      .toString('utf8')
      .slice(0, RECORDED_BODY_CHARS);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const record: RecordedRequest = {
      seq: state.nextRequestSeq++,
      method,
      path: rawPath,
      headers,
      body: bodyText,
      bodyBytes: read.bytes.length,
      time: new Date(nowMs()).toISOString(),
      status: null,
      outcome: null,
      signatureValid: null,
      idempotencyKey: headerValue(req, IDEMPOTENCY_HEADER)?.trim() || null,
      replayed: false,
      faults: [],
    };
    state.requests.push(record);
    if (state.requests.length > maxRecorded) state.requests.splice(0, state.requests.length - maxRecorded);

    const plan = faults.take(method, rawPath);
    record.faults = plan.applied;
    if (plan.before > 0) await delay(plan.before);

    const drop = (outcome: RecordedRequest['outcome']) => {
      record.outcome = outcome;
      req.socket.destroy();
    };
    const respond = (result: Envelope) => {
      if (res.destroyed || req.socket.destroyed) {
        record.outcome = 'client-aborted';
        record.status = result.status;
        return;
      }
      record.status = result.status;
      record.outcome = 'responded';
      const body = result.payload === null ? '' : JSON.stringify(result.payload);
      finish(
        req,
        res,
        result.status,
        { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store', 'X-Request-Id': requestId, ...cors, ...result.headers },
        body,
      );
    };

    const terminal = plan.terminal;
    if (terminal?.type === 'drop-before-commit') return drop('dropped-before-commit');
    if (terminal?.type === 'status') {
      const headers: Record<string, string> = terminal.retryAfter !== undefined ? { 'Retry-After': String(terminal.retryAfter) } : {};
      const message = terminal.status === 429 ? 'Too Many Requests' : `Sandbox fault: HTTP ${terminal.status}`;
      record.status = terminal.status;
      record.outcome = 'responded';
      if (terminal.body === 'html') {
        finish(
          req,
          res,
          terminal.status,
          { 'Content-Type': 'text/html; charset=utf-8', ...cors, ...headers },
          `<!doctype html><html><head><title>${terminal.status}</title></head><body><h1>${terminal.status} ${message}</h1><p>nginx</p></body></html>`,
        );
      } else if (terminal.body === 'empty') {
        finish(req, res, terminal.status, { ...cors, ...headers }, '');
      } else {
        const errors =
          terminal.status === 422 ? { message: ['The message was refused by the sandbox (injected validation fault).'] } : undefined;
        respond({
          ...envelope(
            terminal.status,
            { status: terminal.status, message: errors ? 'The given data was invalid.' : message, ...(errors ? { errors } : {}) },
            null,
            requestId,
          ),
          headers,
        });
      }
      return;
    }

    // A latency before commit has kept the request in flight here the whole time; it commits now, whether or
    // not the client is still waiting (a server does not notice a client that went away mid-request).
    const result = await processApi(req, rawPath, url, read.bytes, read.tooLarge, record, requestId);
    if (terminal?.type === 'drop-after-commit') {
      record.status = result.status;
      return drop('dropped-after-commit');
    }
    if (terminal?.type === 'commit-then-hang') {
      record.status = result.status;
      record.outcome = 'hung-after-commit';
      // No answer, ever: the client gives up by itself (its timeout, a stopped worker), or the sandbox cuts the
      // socket after `ms`.
      if (terminal.ms !== undefined) {
        const timer = setTimeout(() => req.socket.destroy(), terminal.ms);
        req.socket.once('close', () => clearTimeout(timer));
      }
      return;
    }
    if (plan.after > 0) await delay(plan.after);
    respond(result);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = req.url ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(rawPath, 'http://sandbox.invalid');
    } catch {
      finish(req, res, 400, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Bad request');
      return;
    }
    const path = url.pathname;

    if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return handleClientApi(req, res, rawPath, url);

    if (path === '/__control' || path.startsWith('/__control/')) {
      if (!options.control) {
        finish(
          req,
          res,
          404,
          { 'Content-Type': JSON_TYPE },
          JSON.stringify({ error: 'The control API is off (start with control: true or --control)' }),
        );
        return;
      }
      const read = await readBody(req, API_BODY_LIMIT);
      if (!read) return;
      const reply = read.tooLarge
        ? { status: 413, body: { error: 'body too large' } }
        : handleControl({ state, nowMs, reset, addFaults, clearFaults, seedRandom, setIdempotency }, method, url, read.bytes);
      finish(req, res, reply.status, { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store' }, JSON.stringify(reply.body));
      return;
    }

    const mediaFile = /^\/media\/files\/(m\d+)\/[^/]+$/.exec(path);
    if (mediaFile && (method === 'GET' || method === 'HEAD')) {
      const media = state.media.get(mediaFile[1] ?? '');
      if (!media) {
        finish(req, res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found');
        return;
      }
      finish(
        req,
        res,
        200,
        {
          'Content-Type': media.mimeType,
          'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(media.name)}`,
          'Access-Control-Allow-Origin': '*',
          'Cache-Control': 'private, max-age=3600',
        },
        media.bytes,
      );
      return;
    }

    const page = handleDashboard(state, method, url);
    if (page) {
      finish(req, res, page.status, { 'Content-Type': page.contentType, ...page.headers }, page.body);
      return;
    }
    finish(req, res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[sandbox] internal error', error);
      if (!res.headersSent && !res.destroyed) {
        finish(
          req,
          res,
          500,
          { 'Content-Type': JSON_TYPE },
          JSON.stringify({
            success: false,
            message: 'Internal sandbox error',
            data: null,
            request_id: randomUUID(),
            timestamp: new Date(nowMs()).toISOString(),
          }),
        );
      } else {
        res.destroy();
      }
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${port}`;

  return {
    url: baseUrl,
    port,
    state,
    now: nowMs,
    reset,
    addFaults,
    clearFaults,
    setIdempotency,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
