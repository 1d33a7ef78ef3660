import { describe, expect, it } from 'vitest';
import { BACKOFF } from '@/utils/shared/api-contract';
import { createDaakeyClient, encodeMultipart, isRetryable, parseRetryAfter, type DaakeyAuth, type FetchLike } from './daakey-client';
import type { ApiError } from '@/utils/shared/daakey-types';
import { computeSignature, parseSignatureHeader, sha256Hex, type SignatureCredentials } from './signature';

const creds: SignatureCredentials = { mode: 'computed', agencyCode: 'AGENCY123', secret: 'sandbox-secret-123' };
const VECTOR_TS_MS = 1767225600 * 1000;

interface Recorded {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array;
  signal: AbortSignal;
  redirect: RequestRedirect;
}

type Handler = (req: Recorded) => Response | Promise<Response>;

function fakeFetch(handler: Handler): { fetch: FetchLike; calls: Recorded[] } {
  const calls: Recorded[] = [];
  const fetch: FetchLike = async (request) => {
    const rec: Recorded = {
      method: request.method,
      url: new URL(request.url),
      headers: new Headers(request.headers),
      body: new Uint8Array(await request.arrayBuffer()),
      signal: request.signal,
      redirect: request.redirect,
    };
    calls.push(rec);
    return handler(rec);
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const ok = (data: unknown, status = 200, meta: Record<string, unknown> = {}) =>
  json(status, {
    success: true,
    message: 'OK',
    data,
    meta: { agency_id: 1, agency_code: 'AGENCY123', ...meta },
    request_id: 'r',
    timestamp: 't',
  });
const fail = (status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  json(status, { success: false, message, data: null, request_id: 'r', timestamp: 't', ...extra }, headers);
const html = (status: number, headers: Record<string, string> = {}) =>
  new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', { status, headers: { 'content-type': 'text/html', ...headers } });

const message = { id: 7, message: 'Hello', sender: 'client', sender_name: 'Agent', attachments: [], created_at: '2026-01-01T00:00:00Z' };
const ticket = {
  id: 1,
  reference: 'TK-2026-00001',
  subject: 'Car',
  status: 'open',
  priority: 'normal',
  category: 'booking',
  last_message: 'Hello',
  last_message_at: '2026-01-01T00:00:00Z',
  unread_count: 0,
  created_at: '2026-01-01T00:00:00Z',
};

function setup(handler: Handler, options: { baseUrl?: string; auth?: Partial<DaakeyAuth>; timeoutMs?: number; now?: number } = {}) {
  const { fetch, calls } = fakeFetch(handler);
  const clock = { now: options.now ?? VECTOR_TS_MS };
  const client = createDaakeyClient({
    baseUrl: options.baseUrl ?? 'http://127.0.0.1:8787',
    getAuth: async () => ({ token: 'tok-1', signature: creds, ...options.auth }),
    fetch,
    clock: () => clock.now,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { client, calls, clock };
}

function only(calls: Recorded[]): Recorded {
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

async function expectSignatureVerifies(rec: Recorded, nowMs: number) {
  const header = rec.headers.get('x-agency-signature');
  expect(header).not.toBeNull();
  const parsed = parseSignatureHeader(header!);
  expect(parsed?.timestamp).toBe(Math.floor(nowMs / 1000));
  const expected = await computeSignature(creds, {
    method: rec.method,
    pathWithQuery: rec.url.pathname + rec.url.search,
    body: rec.body.length > 0 ? rec.body : null,
    timestamp: parsed!.timestamp,
  });
  expect(header).toBe(expected);
}

function errorOf<T>(result: { ok: true; data: T } | { ok: false; error: ApiError }): ApiError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
  return result.error;
}

describe('daakey client: requests', () => {
  it('sends addMessage with every header, and signs the exact bytes (documented vector)', async () => {
    const { client, calls } = setup(() => ok(message, 201));
    const result = await client.addMessage(
      1,
      { message: 'The technician arrived and fixed the issue. Thank you!', attachments: [] },
      { idempotencyKey: 'key-1' },
    );
    expect(result).toEqual({ ok: true, status: 201, data: message });
    const rec = only(calls);
    expect(rec.method).toBe('POST');
    expect(rec.url.href).toBe('http://127.0.0.1:8787/api/v1/client/tickets/1/messages');
    expect(new TextDecoder().decode(rec.body)).toBe(
      '{"message":"The technician arrived and fixed the issue. Thank you!","attachments":[]}',
    );
    expect(await sha256Hex(rec.body)).toBe('2bec521f1baa258f548589b36192a24c7408928039badc136f11730c5ecdd6e0');
    expect(rec.headers.get('accept')).toBe('application/json');
    expect(rec.headers.get('content-type')).toBe('application/json');
    expect(rec.headers.get('authorization')).toBe('Bearer tok-1');
    expect(rec.headers.get('idempotency-key')).toBe('key-1');
    expect(rec.headers.get('x-agency-signature')).toBe(
      'AGENCY123.1767225600.a302346d3577c15b51994ae2459fd75d45cd8febbb6d43c9ba6f7b568612fd19',
    );
  });

  it('signs non-ASCII bodies over their UTF-8 bytes', async () => {
    const { client, calls } = setup(() => ok(message, 201));
    await client.addMessage(42, { message: 'تم إصلاح المركبة، شكراً', attachments: ['https://cdn.example/a.png'] }, { idempotencyKey: 'k' });
    const rec = only(calls);
    expect(JSON.parse(new TextDecoder().decode(rec.body))).toEqual({
      message: 'تم إصلاح المركبة، شكراً',
      attachments: ['https://cdn.example/a.png'],
    });
    await expectSignatureVerifies(rec, VECTOR_TS_MS);
  });

  it('signs GET path and query as sent (documented vector), without body headers', async () => {
    const { client, calls } = setup(() => ok([ticket], 200, { current_page: 2, per_page: 15, total: 16 }));
    const result = await client.listTickets({ status: 'open', page: 2 });
    expect(result).toEqual({ ok: true, status: 200, data: { items: [ticket], page: 2, perPage: 15, total: 16 } });
    const rec = only(calls);
    expect(rec.url.pathname + rec.url.search).toBe('/api/v1/client/tickets?status=open&page=2');
    expect(rec.headers.get('x-agency-signature')).toBe(
      'AGENCY123.1767225600.5a64caccdfb80f59f029ece8a205ea5ae94da2e7caf653b039fd3fccabd8d4cb',
    );
    expect(rec.headers.get('content-type')).toBeNull();
    expect(rec.headers.get('idempotency-key')).toBeNull();
    expect(rec.body.length).toBe(0);
  });

  it('keeps a base URL path prefix and signs it', async () => {
    const { client, calls } = setup(() => ok([]), { baseUrl: 'https://gw.example/daakey/' });
    await client.listTickets({ perPage: 5 });
    const rec = only(calls);
    expect(rec.url.href).toBe('https://gw.example/daakey/api/v1/client/tickets?per_page=5');
    await expectSignatureVerifies(rec, VECTOR_TS_MS);
  });

  it('re-signs every request with the current clock', async () => {
    const { client, calls, clock } = setup(() => ok(ticket && { ...ticket, messages: [] }));
    await client.getTicket(1);
    clock.now += 61_000;
    await client.getTicket(1);
    expect(calls).toHaveLength(2);
    await expectSignatureVerifies(calls[0]!, VECTOR_TS_MS);
    await expectSignatureVerifies(calls[1]!, VECTOR_TS_MS + 61_000);
  });

  it('logs in without a bearer and reads the token from data.token or data.access_token', async () => {
    const user = { id: 3, name: 'Sam', email: 'sam@example.com' };
    const { client, calls } = setup(() => ok({ access_token: 'abc', user }), { auth: { token: 'stale' } });
    expect(await client.login('sam@example.com', 'pw')).toEqual({ ok: true, status: 200, data: { token: 'abc', user } });
    const rec = only(calls);
    expect(rec.headers.get('authorization')).toBeNull();
    expect(JSON.parse(new TextDecoder().decode(rec.body))).toEqual({ email: 'sam@example.com', password: 'pw' });
    await expectSignatureVerifies(rec, VECTOR_TS_MS);

    const second = setup(() => ok({ token: 'xyz', access_token: 'ignored', user }), { auth: { token: null } });
    expect(await second.client.login('a', 'b')).toMatchObject({ ok: true, data: { token: 'xyz' } });
  });

  it('reads me, logout, createTicket, listMessages', async () => {
    const user = { id: 3, name: 'Sam', email: 'sam@example.com' };
    const routes: Record<string, Response> = {
      'GET /api/v1/client/auth/me': ok(user),
      'POST /api/v1/client/auth/logout': ok(null),
      'POST /api/v1/client/tickets': ok({ ...ticket, messages: [message], extra: 'dropped' }, 201),
      'GET /api/v1/client/tickets/1/messages': ok([message]),
    };
    const { client, calls } = setup((req) => routes[`${req.method} ${req.url.pathname}`]!.clone());
    expect(await client.me()).toEqual({ ok: true, status: 200, data: user });
    expect(await client.logout()).toEqual({ ok: true, status: 200, data: null });
    const created = await client.createTicket({ subject: 'S', message: 'M', category: 'c', priority: 'high' }, { idempotencyKey: 'ct-1' });
    expect(created).toEqual({ ok: true, status: 201, data: ticket });
    expect(await client.listMessages(1)).toEqual({ ok: true, status: 200, data: [message] });
    const createCall = calls[2]!;
    expect(new TextDecoder().decode(createCall.body)).toBe('{"subject":"S","message":"M","category":"c","priority":"high"}');
    expect(createCall.headers.get('idempotency-key')).toBe('ct-1');
    for (const rec of calls) await expectSignatureVerifies(rec, VECTOR_TS_MS);
  });

  it('uploads media as multipart bytes it built and signed itself', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255, 13, 10]);
    const media = { url: 'https://cdn.example/m1/photo.png', name: 'photo "1".png', mime_type: 'image/png', size: bytes.length };
    const { client, calls } = setup(() => ok(media, 201));
    expect(await client.uploadMedia({ name: 'photo "1".png', type: 'image/png', bytes })).toEqual({ ok: true, status: 201, data: media });
    const rec = only(calls);
    const contentType = rec.headers.get('content-type')!;
    expect(contentType).toMatch(/^multipart\/form-data; boundary=----DaakeyQuickReply[0-9a-f]{32}$/);
    await expectSignatureVerifies(rec, VECTOR_TS_MS);
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: rec.body as BufferSource,
    }).formData();
    const file = form.get('file');
    expect(file).toBeInstanceOf(File);
    // Escaped on the wire as browsers do (%22), read back by a multipart parser as the original name.
    expect(new TextDecoder().decode(rec.body)).toContain('filename="photo %221%22.png"');
    expect((file as File).name).toBe('photo "1".png');
    expect((file as File).type).toBe('image/png');
    expect(new Uint8Array(await (file as File).arrayBuffer())).toEqual(bytes);
  });

  it('encodes multipart deterministically for a given boundary', () => {
    const { body, contentType } = encodeMultipart({ name: 'a.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('PDF') }, 'B');
    expect(contentType).toBe('multipart/form-data; boundary=B');
    expect(new TextDecoder().decode(body)).toBe(
      '--B\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\nPDF\r\n--B--\r\n',
    );
  });
});

describe('daakey client: not configured', () => {
  it.each([
    ['no base URL', { baseUrl: '' }],
    ['an invalid base URL', { baseUrl: 'not a url' }],
    ['no signature credentials', { auth: { signature: null } }],
    ['no token', { auth: { token: null } }],
  ])('answers not_configured with %s and sends nothing', async (_label, options) => {
    const { client, calls } = setup(() => ok(message, 201), options);
    const error = errorOf(await client.addMessage(1, { message: 'x', attachments: [] }, { idempotencyKey: 'k' }));
    expect(error.kind).toBe('not_configured');
    expect(calls).toHaveLength(0);
  });

  it('accepts a base URL getter so settings changes apply without a new client', async () => {
    let base: string | null = null;
    const { fetch, calls } = fakeFetch(() => ok([]));
    const client = createDaakeyClient({
      baseUrl: () => base,
      getAuth: async () => ({ token: 't', signature: creds }),
      fetch,
      clock: () => VECTOR_TS_MS,
    });
    expect(errorOf(await client.listMessages(1)).kind).toBe('not_configured');
    base = 'https://staging-api.daakey.com';
    expect((await client.listMessages(1)).ok).toBe(true);
    expect(only(calls).url.origin).toBe('https://staging-api.daakey.com');
  });
});

describe('daakey client: status mapping', () => {
  const send = async (response: () => Response, now = VECTOR_TS_MS) => {
    const { client, calls } = setup(response, { now });
    const result = await client.addMessage(1, { message: 'x', attachments: [] }, { idempotencyKey: 'k' });
    // A POST is attempted exactly once whatever the answer: the outbox owns retries.
    expect(calls).toHaveLength(1);
    return errorOf(result);
  };

  it('400 closed ticket → closed, other 400 → bad_request', async () => {
    expect(await send(() => fail(400, 'Cannot add message to closed ticket'))).toEqual({
      kind: 'closed',
      status: 400,
      message: 'Cannot add message to closed ticket',
    });
    expect(await send(() => fail(400, 'Malformed JSON body'))).toEqual({
      kind: 'bad_request',
      status: 400,
      message: 'Malformed JSON body',
    });
  });

  it('401 → unauthorized, also for Laravel’s bare { message } body', async () => {
    expect(await send(() => fail(401, 'Token revoked'))).toEqual({ kind: 'unauthorized', status: 401, message: 'Token revoked' });
    expect(await send(() => json(401, { message: 'Unauthenticated.' }))).toEqual({
      kind: 'unauthorized',
      status: 401,
      message: 'Unauthenticated.',
    });
  });

  it('403 → forbidden with the server message kept as plain text', async () => {
    const text = 'Signature expired <img src=x onerror=alert(1)>';
    expect(await send(() => fail(403, text))).toEqual({ kind: 'forbidden', status: 403, message: text });
  });

  it('clips enormous server text', async () => {
    const error = await send(() => fail(403, 'A'.repeat(1_000_000)));
    expect(error.message.length).toBeLessThanOrEqual(501);
  });

  it('404, 413, 418', async () => {
    expect(await send(() => fail(404, 'Ticket not found'))).toEqual({ kind: 'not_found', status: 404, message: 'Ticket not found' });
    expect(await send(() => fail(413, 'Too big'))).toEqual({ kind: 'too_large', status: 413, message: 'Too big' });
    expect(
      await send(
        () => new Response('<html>413 Request Entity Too Large</html>', { status: 413, headers: { 'content-type': 'text/html' } }),
      ),
    ).toMatchObject({ kind: 'too_large', status: 413 });
    expect(await send(() => fail(418, 'teapot'))).toEqual({ kind: 'http', status: 418, message: 'teapot' });
  });

  it('never follows a redirect: asks fetch not to, and a 3xx is an error, not a success', async () => {
    const { client, calls } = setup(() => new Response(null, { status: 307, headers: { location: 'https://elsewhere.example/steal' } }));
    const result = await client.addMessage(1, { message: 'x', attachments: [] }, { idempotencyKey: 'k' });
    expect(errorOf(result)).toMatchObject({ kind: 'http', status: 307 });
    expect(only(calls).redirect).toBe('manual');
  });

  it('422 → validation with fields', async () => {
    const error = await send(() =>
      fail(422, 'The message field is required.', { errors: { message: ['The message field is required.'], bogus: 5 } }),
    );
    expect(error).toEqual({
      kind: 'validation',
      status: 422,
      message: 'The message field is required.',
      fields: { message: ['The message field is required.'] },
    });
  });

  it('429 with Retry-After in seconds', async () => {
    expect(await send(() => fail(429, 'Slow down', {}, { 'retry-after': '120' }))).toEqual({
      kind: 'rate_limited',
      status: 429,
      message: 'Slow down',
      retryAfterMs: 120_000,
    });
  });

  it('429 with Retry-After as an HTTP-date, relative to the injected clock', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const at = new Date(now + 90_000).toUTCString();
    expect(await send(() => fail(429, 'Slow down', {}, { 'retry-after': at }), now)).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 90_000,
    });
  });

  it('429 without or with garbage Retry-After → retryAfterMs null', async () => {
    expect(await send(() => fail(429, 'Slow down'))).toMatchObject({ kind: 'rate_limited', retryAfterMs: null });
    expect(await send(() => fail(429, 'Slow down', {}, { 'retry-after': 'soon' }))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: null,
    });
  });

  it('5xx → server with retryAfterMs, even when a proxy sends an HTML page', async () => {
    expect(await send(() => fail(500, 'Server Error'))).toEqual({
      kind: 'server',
      status: 500,
      message: 'Server Error',
      retryAfterMs: null,
    });
    expect(await send(() => html(503, { 'retry-after': '30' }))).toEqual({
      kind: 'server',
      status: 503,
      message: 'The server sent an unexpected answer (HTTP 503, HTML page).',
      retryAfterMs: 30_000,
    });
    expect(await send(() => html(502))).toMatchObject({
      kind: 'server',
      status: 502,
      message: 'The server sent an unexpected answer (HTTP 502, HTML page).',
    });
  });
});

describe('daakey client: malformed answers', () => {
  const get = async (response: () => Response) => {
    const { client } = setup(response);
    return errorOf(await client.getTicket(1));
  };

  it.each([
    [
      'an HTML page',
      () => new Response('<!doctype html><p>hi</p>', { status: 200, headers: { 'content-type': 'text/html' } }),
      'HTML page',
    ],
    ['an empty body', () => new Response('', { status: 200 }), 'empty answer'],
    [
      'truncated JSON',
      () => new Response('{"success":true,"data":{"id":1', { status: 200, headers: { 'content-type': 'application/json' } }),
      'unreadable JSON',
    ],
    ['plain text', () => new Response('OK', { status: 200, headers: { 'content-type': 'text/plain' } }), 'not JSON'],
    ['JSON without the envelope', () => json(200, [1, 2]), 'not the usual envelope'],
    ['success: false on 200', () => json(200, { success: false, message: 'x', data: null }), 'success is false'],
    ['a wrongly typed field', () => ok({ ...ticket, id: '1', messages: [] }), 'data.id should be a positive integer'],
    ['a missing messages list', () => ok(ticket), 'data.messages should be an array'],
    ['an unknown status', () => ok({ ...ticket, status: 'weird', messages: [] }), 'data.status should be one of'],
  ])('200 with %s → malformed', async (_label, response, detail) => {
    const error = await get(response);
    expect(error.kind).toBe('malformed');
    expect(error).toMatchObject({ status: 200 });
    expect(error.message).toContain('The server sent an unexpected answer (HTTP 200, ');
    expect(error.message).toContain(detail);
  });

  it('a 4xx that is not Daakey’s JSON → malformed (e.g. a wrong server address)', async () => {
    expect(await get(() => html(404))).toEqual({
      kind: 'malformed',
      status: 404,
      message: 'The server sent an unexpected answer (HTTP 404, HTML page).',
    });
    expect(await get(() => new Response('', { status: 401 }))).toEqual({
      kind: 'malformed',
      status: 401,
      message: 'The server sent an unexpected answer (HTTP 401, empty answer).',
    });
  });

  it('a login answer without a token → malformed', async () => {
    const { client } = setup(() => ok({ user: { id: 1, name: 'a', email: 'b' } }));
    expect(errorOf(await client.login('a', 'b'))).toMatchObject({ kind: 'malformed', status: 200 });
  });
});

describe('daakey client: transport failures', () => {
  it('times out a fetch that never answers, aborts it, and does not retry the POST', async () => {
    let aborted = false;
    const { client, calls } = setup(
      (req) =>
        new Promise<Response>((_, reject) => {
          req.signal.addEventListener('abort', () => {
            aborted = true;
            reject(new DOMException('aborted', 'AbortError'));
          });
        }),
      { timeoutMs: 40 },
    );
    const error = errorOf(await client.addMessage(1, { message: 'x', attachments: [] }, { idempotencyKey: 'k' }));
    expect(error.kind).toBe('timeout');
    expect(calls).toHaveLength(1);
    expect(aborted).toBe(true);
  });

  it('times out a body that stops arriving after the headers', async () => {
    const stalled = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode('{"succ')) });
    const { client } = setup(() => new Response(stalled, { status: 201, headers: { 'content-type': 'application/json' } }), {
      timeoutMs: 40,
    });
    expect(errorOf(await client.addMessage(1, { message: 'x', attachments: [] }, { idempotencyKey: 'k' })).kind).toBe('timeout');
  });

  it.each(['Failed to fetch', 'fetch failed', 'something unusual'])('maps a TypeError(%s) from fetch to network', async (text) => {
    const { client, calls } = setup(() => Promise.reject(new TypeError(text)));
    expect(errorOf(await client.addMessage(1, { message: 'x', attachments: [] }, { idempotencyKey: 'k' })).kind).toBe('network');
    expect(calls).toHaveLength(1);
  });
});

describe('isRetryable and parseRetryAfter', () => {
  it('retries network, timeout, 408, 429, 500, 502, 503, 504 and nothing else', () => {
    const yes: ApiError[] = [
      { kind: 'network', message: '' },
      { kind: 'timeout', message: '' },
      { kind: 'http', status: 408, message: '' },
      { kind: 'rate_limited', status: 429, message: '', retryAfterMs: null },
      ...[500, 502, 503, 504].map((status): ApiError => ({ kind: 'server', status, message: '', retryAfterMs: null })),
      { kind: 'malformed', status: 502, message: '' },
    ];
    const no: ApiError[] = [
      { kind: 'closed', status: 400, message: '' },
      { kind: 'bad_request', status: 400, message: '' },
      { kind: 'unauthorized', status: 401, message: '' },
      { kind: 'forbidden', status: 403, message: '' },
      { kind: 'not_found', status: 404, message: '' },
      { kind: 'too_large', status: 413, message: '' },
      { kind: 'validation', status: 422, message: '', fields: {} },
      { kind: 'server', status: 501, message: '', retryAfterMs: null },
      { kind: 'malformed', status: 200, message: '' },
      { kind: 'not_configured', message: '' },
    ];
    for (const e of yes) expect(isRetryable(e), JSON.stringify(e)).toBe(true);
    for (const e of no) expect(isRetryable(e), JSON.stringify(e)).toBe(false);
  });

  it('parses seconds and HTTP-dates; past dates give 0; junk gives null', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter(new Date(now + 3_600_000).toUTCString(), now)).toBe(3_600_000);
    expect(parseRetryAfter(new Date(now - 10_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(BACKOFF.retryAfterMaxMs).toBeGreaterThan(0);
  });
});

describe('clock skew', () => {
  it('learns the server time from a stale-timestamp refusal and signs again once', async () => {
    const serverNow = VECTOR_TS_MS;
    const { client, calls } = setup(
      (req) => {
        const ts = Number(req.headers.get('X-Agency-Signature')!.split('.').at(-2));
        return Math.abs(ts * 1000 - serverNow) > 300_000
          ? fail(403, 'Stale agency signature timestamp', { timestamp: new Date(serverNow).toISOString() })
          : ok(message, 201);
      },
      { now: VECTOR_TS_MS + 10 * 60_000 },
    );
    const result = await client.addMessage(1, { message: 'Hello', attachments: [] }, { idempotencyKey: 'k-1' });
    expect(result.ok).toBe(true);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.headers.get('Idempotency-Key')).toBe('k-1');
    // The offset is kept: the next request is right the first time.
    await client.addMessage(1, { message: 'Again', attachments: [] }, { idempotencyKey: 'k-2' });
    expect(calls).toHaveLength(3);
  });

  it('does not loop on a refusal that is not about the clock', async () => {
    const { client, calls } = setup(() =>
      fail(403, 'Invalid agency signature', { timestamp: new Date(VECTOR_TS_MS + 3_600_000).toISOString() }),
    );
    const result = await client.me();
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(calls).toHaveLength(1);
  });
});
