import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGE_MAX_CHARS } from '../utils/shared/api-contract';
import type { Ticket, TicketMessage, TicketWithMessages } from '../utils/shared/daakey-types';
import { computeSignature } from '../utils/background/signature';
import { control, loginDemo, signedFetch } from './client';
import { DEMO_AGENCY } from './seed';
import { startSandbox, type Sandbox } from './server';
import { verifyAgencySignature } from './verify';

interface Envelope<T = unknown> {
  success: boolean;
  message: string;
  data: T;
  meta?: Record<string, unknown>;
  errors?: Record<string, string[]>;
  request_id: string;
  timestamp: string;
}

let sandbox: Sandbox;
let token: string;
const read = async <T = unknown>(res: Response) => (await res.json()) as Envelope<T>;

beforeAll(async () => {
  sandbox = await startSandbox({ control: true });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  sandbox.reset();
  token = await loginDemo(sandbox.url);
});

describe('envelope, config and login', () => {
  it('serves /config publicly without Accept or signature', async () => {
    const res = await fetch(`${sandbox.url}/api/v1/client/config`);
    expect(res.status).toBe(200);
    const body = await read<{ limits: { message_max_chars: number } }>(res);
    expect(body.success).toBe(true);
    expect(body.data.limits.message_max_chars).toBe(MESSAGE_MAX_CHARS);
  });

  it('logs in with a signature and no bearer, and /auth/me returns the user', async () => {
    const res = await signedFetch(sandbox.url, {
      path: '/auth/login',
      body: { email: 'agent@demo.daakey.test', password: 'demo-password' },
    });
    expect(res.status).toBe(200);
    const body = await read<{ token: string; user: { id: number; name: string; email: string } }>(res);
    expect(body).toMatchObject({ success: true, meta: { agency_id: 123, agency_code: 'AGENCY123' } });
    expect(body.data.user).toEqual({ id: 7, name: 'Sara Haddad', email: 'agent@demo.daakey.test' });
    expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);

    const me = await signedFetch(sandbox.url, { path: '/auth/me', token: body.data.token });
    expect(me.status).toBe(200);
    expect((await read(me)).data).toEqual({ id: 7, name: 'Sara Haddad', email: 'agent@demo.daakey.test' });
  });

  it('refuses a wrong password (401) and missing fields (422)', async () => {
    const wrong = await signedFetch(sandbox.url, { path: '/auth/login', body: { email: 'agent@demo.daakey.test', password: 'nope' } });
    expect(wrong.status).toBe(401);
    const missing = await signedFetch(sandbox.url, { path: '/auth/login', body: {} });
    expect(missing.status).toBe(422);
    expect(Object.keys((await read(missing)).errors ?? {})).toEqual(['email', 'password']);
  });

  it('logout revokes the token', async () => {
    expect((await signedFetch(sandbox.url, { method: 'POST', path: '/auth/logout', token })).status).toBe(200);
    const after = await signedFetch(sandbox.url, { path: '/auth/me', token });
    expect(after.status).toBe(401);
    expect((await read(after)).message).toBe('Unauthenticated.');
  });

  it('answers CORS preflights for extension origins', async () => {
    const res = await fetch(`${sandbox.url}/api/v1/client/tickets/1/messages`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'chrome-extension://abcdef',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,x-agency-signature,content-type,idempotency-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('chrome-extension://abcdef');
    expect(res.headers.get('access-control-allow-headers')).toContain('X-Agency-Signature');
    expect(res.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
  });
});

describe('request verification', () => {
  it('requires Accept: application/json (406) and a JSON Content-Type on JSON bodies (415)', async () => {
    const noAccept = await signedFetch(sandbox.url, { path: '/tickets', token, headers: { Accept: 'text/html' } });
    expect(noAccept.status).toBe(406);
    expect((await read(noAccept)).message).toMatch(/Accept/);
    const text = await signedFetch(sandbox.url, {
      path: '/tickets/1/messages',
      token,
      body: 'message=hi',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(415);
  });

  const cases: Array<[string, () => Promise<Response>, string]> = [
    ['missing', () => signedFetch(sandbox.url, { path: '/tickets', token, signature: null }), 'Missing agency signature'],
    [
      'malformed',
      () => signedFetch(sandbox.url, { path: '/tickets', token, signature: 'AGENCY123.notatime.xyz' }),
      'Malformed agency signature',
    ],
    [
      'stale',
      () => signedFetch(sandbox.url, { path: '/tickets', token, timestamp: Math.floor(Date.now() / 1000) - 301 }),
      'Stale agency signature timestamp',
    ],
    [
      'future',
      () => signedFetch(sandbox.url, { path: '/tickets', token, timestamp: Math.floor(Date.now() / 1000) + 400 }),
      'Stale agency signature timestamp',
    ],
    [
      'unknown agency',
      () => signedFetch(sandbox.url, { path: '/tickets', token, credentials: { mode: 'computed', agencyCode: 'OTHER', secret: 'x' } }),
      'Unknown agency',
    ],
    [
      'wrong secret',
      () =>
        signedFetch(sandbox.url, { path: '/tickets', token, credentials: { mode: 'computed', agencyCode: 'AGENCY123', secret: 'wrong' } }),
      'Invalid agency signature',
    ],
    [
      'tampered body',
      () =>
        signedFetch(sandbox.url, {
          path: '/tickets/1/messages',
          token,
          body: { message: 'Pay 1000 €' },
          signBody: JSON.stringify({ message: 'Pay 10 €' }),
        }),
      'Invalid agency signature',
    ],
    [
      'other path',
      () => signedFetch(sandbox.url, { path: '/tickets?status=closed', token, signPath: '/api/v1/client/tickets?status=open' }),
      'Invalid agency signature',
    ],
    [
      'wrong issued value',
      () => signedFetch(sandbox.url, { path: '/tickets', token, signature: 'ISSUED-AGENCY123-wrong' }),
      'Malformed agency signature',
    ],
  ];
  it.each(cases)('403 when the signature is %s', async (_name, send, message) => {
    const res = await send();
    expect(res.status).toBe(403);
    expect(await read(res)).toMatchObject({ success: false, message, data: null });
  });

  it('a tampered body stores nothing', async () => {
    await signedFetch(sandbox.url, {
      path: '/tickets/1/messages',
      token,
      body: { message: 'tampered' },
      signBody: '{"message":"original"}',
    });
    expect(sandbox.state.tickets.get(1)?.messages.some((m) => m.message === 'tampered')).toBe(false);
  });

  it('accepts a signature within the 300 s window and the issued value verbatim', async () => {
    expect((await signedFetch(sandbox.url, { path: '/tickets', token, timestamp: Math.floor(Date.now() / 1000) - 290 })).status).toBe(200);
    const issued = await signedFetch(sandbox.url, {
      path: '/tickets',
      token,
      credentials: { mode: 'issued', value: DEMO_AGENCY.issuedSignature ?? '' },
    });
    expect(issued.status).toBe(200);
  });

  it('checks the signature before the token, then 401 for a missing, unknown or revoked token', async () => {
    expect((await signedFetch(sandbox.url, { path: '/tickets', signature: null })).status).toBe(403);
    const missing = await signedFetch(sandbox.url, { path: '/tickets' });
    expect(missing.status).toBe(401);
    expect((await read(missing)).message).toBe('Unauthenticated.');
    expect((await signedFetch(sandbox.url, { path: '/tickets', token: 'sbx_forged' })).status).toBe(401);
    await control(sandbox.url, 'POST', '/tokens/revoke-all');
    expect((await signedFetch(sandbox.url, { path: '/tickets', token })).status).toBe(401);
    const fresh = await loginDemo(sandbox.url);
    expect((await signedFetch(sandbox.url, { path: '/tickets', token: fresh })).status).toBe(200);
  });

  it('verifies the documented test vectors (server side)', async () => {
    const vectors = [
      [
        'POST',
        '/api/v1/client/tickets/1/messages',
        '{"message":"The technician arrived and fixed the issue. Thank you!","attachments":[]}',
        'AGENCY123.1767225600.a302346d3577c15b51994ae2459fd75d45cd8febbb6d43c9ba6f7b568612fd19',
      ],
      [
        'GET',
        '/api/v1/client/tickets?status=open&page=2',
        '',
        'AGENCY123.1767225600.5a64caccdfb80f59f029ece8a205ea5ae94da2e7caf653b039fd3fccabd8d4cb',
      ],
      [
        'POST',
        '/api/v1/client/tickets/42/messages',
        '{"message":"تم إصلاح المركبة، شكراً"}',
        'AGENCY123.1767225600.5d19edc634cf2ad56e92f134ca6ad81dee04287c61a93753f9eaf3e6d3315b79',
      ],
    ] as const;
    for (const [method, path, body, header] of vectors) {
      const check = await verifyAgencySignature({
        header,
        method,
        pathWithQuery: path,
        body: new TextEncoder().encode(body),
        nowSeconds: 1767225600 + 100,
        agencies: [DEMO_AGENCY],
      });
      expect(check.ok).toBe(true);
    }
  });

  it('rejects the signature when the server clock is shifted past the window', async () => {
    await control(sandbox.url, 'POST', '/clock', { offsetSeconds: 600 });
    const res = await signedFetch(sandbox.url, { path: '/tickets', token });
    expect(res.status).toBe(403);
    const body = await read(res);
    expect(body.message).toBe('Stale agency signature timestamp');
    // The envelope timestamp and Date header carry the server clock, so a client can correct its skew.
    expect(Date.parse(body.timestamp) - Date.now()).toBeGreaterThan(590_000);
    const skewed = Math.floor(Date.parse(res.headers.get('date') ?? '') / 1000);
    expect((await signedFetch(sandbox.url, { path: '/tickets', token, timestamp: skewed })).status).toBe(200);
  });
});

describe('tickets', () => {
  it('lists tickets with pagination in meta and filters by status', async () => {
    const res = await signedFetch(sandbox.url, { path: '/tickets?per_page=5&page=2', token });
    const body = await read<Ticket[]>(res);
    expect(res.status).toBe(200);
    expect(body.data).toHaveLength(5);
    expect(body.meta).toMatchObject({ agency_id: 123, agency_code: 'AGENCY123', current_page: 2, per_page: 5, total: 12, last_page: 3 });
    expect(Object.keys(body.data[0] ?? {}).sort()).toEqual(
      [
        'category',
        'created_at',
        'id',
        'last_message',
        'last_message_at',
        'priority',
        'reference',
        'status',
        'subject',
        'unread_count',
      ].sort(),
    );
    const open = await read<Ticket[]>(await signedFetch(sandbox.url, { path: '/tickets?status=open', token }));
    expect(open.data.map((t) => t.id).sort((a, b) => a - b)).toEqual([1, 5, 6, 10, 12]);
    expect(open.meta?.per_page).toBe(15);
    expect((await signedFetch(sandbox.url, { path: '/tickets?status=bogus', token })).status).toBe(422);
  });

  it('shows one ticket with its messages', async () => {
    const body = await read<TicketWithMessages>(await signedFetch(sandbox.url, { path: '/tickets/3', token }));
    expect(body.data).toMatchObject({ id: 3, reference: 'TK-2026-00003', status: 'closed', subject: 'استرداد مبلغ التأمين' });
    expect(body.data.messages.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(body.data.messages[0] ?? {}).sort()).toEqual([
      'attachments',
      'created_at',
      'id',
      'message',
      'sender',
      'sender_name',
    ]);
  });

  it('adds a message (201) and lists it', async () => {
    const res = await signedFetch(sandbox.url, {
      path: '/tickets/1/messages',
      token,
      body: { message: 'The technician arrived and fixed the issue. Thank you!', attachments: [] },
    });
    expect(res.status).toBe(201);
    const body = await read<TicketMessage>(res);
    expect(body).toMatchObject({ success: true, message: 'Message added', meta: { agency_id: 123, agency_code: 'AGENCY123' } });
    expect(body.data).toMatchObject({
      message: 'The technician arrived and fixed the issue. Thank you!',
      sender: 'client',
      sender_name: 'Sara Haddad',
      attachments: [],
    });
    expect(body.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const list = await read<TicketMessage[]>(await signedFetch(sandbox.url, { path: '/tickets/1/messages', token }));
    expect(list.data.at(-1)?.id).toBe(body.data.id);
  });

  it('reopens a resolved ticket', async () => {
    expect(sandbox.state.tickets.get(2)?.status).toBe('resolved');
    const res = await signedFetch(sandbox.url, {
      path: '/tickets/2/messages',
      token,
      body: { message: 'Finalement, le problème revient.' },
    });
    expect(res.status).toBe(201);
    expect(sandbox.state.tickets.get(2)?.status).toBe('open');
  });

  it('refuses a closed ticket with 400', async () => {
    const res = await signedFetch(sandbox.url, { path: '/tickets/3/messages', token, body: { message: 'hello' } });
    expect(res.status).toBe(400);
    expect(await read(res)).toMatchObject({ success: false, message: 'Cannot add message to closed ticket', data: null });
  });

  it.each(['999', 'abc', '1.0', '01', '-1'])('404 for ticket %s', async (id) => {
    const res = await signedFetch(sandbox.url, { path: `/tickets/${id}/messages`, token, body: { message: 'hello' } });
    expect(res.status).toBe(404);
    expect((await read(res)).message).toBe('Ticket not found');
  });

  it.each([
    ['missing message', {}, 'message'],
    ['empty message', { message: '   ' }, 'message'],
    ['non-string message', { message: 42 }, 'message'],
    ['too long message', { message: 'x'.repeat(MESSAGE_MAX_CHARS + 1) }, 'message'],
    ['attachments not an array', { message: 'hi', attachments: 'http://x.test/a.png' }, 'attachments'],
    ['attachment not a URL', { message: 'hi', attachments: ['javascript:alert(1)'] }, 'attachments.0'],
  ])('422 for %s', async (_name, body, field) => {
    const res = await signedFetch(sandbox.url, { path: '/tickets/1/messages', token, body });
    expect(res.status).toBe(422);
    const json = await read(res);
    expect(json.success).toBe(false);
    expect(json.errors?.[field]?.[0]).toBeTruthy();
  });

  it('accepts exactly MESSAGE_MAX_CHARS characters (Arabic counted by character)', async () => {
    const res = await signedFetch(sandbox.url, { path: '/tickets/1/messages', token, body: { message: 'ش'.repeat(MESSAGE_MAX_CHARS) } });
    expect(res.status).toBe(201);
  });

  it('answers malformed JSON with 400 and a message', async () => {
    const res = await signedFetch(sandbox.url, {
      path: '/tickets/1/messages',
      token,
      body: '{"message":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect((await read(res)).message).toMatch(/JSON/);
  });

  it('creates a ticket (201) and validates it (422)', async () => {
    const res = await signedFetch(sandbox.url, {
      path: '/tickets',
      token,
      body: { subject: 'Door stuck', message: 'The door is stuck.', category: 'vehicle', booking_id: 20931 },
    });
    expect(res.status).toBe(201);
    const body = await read<TicketWithMessages>(res);
    expect(body.data).toMatchObject({ id: 13, subject: 'Door stuck', status: 'open', priority: 'normal', category: 'vehicle' });
    expect(body.data.reference).toMatch(/^TK-\d{4}-00013$/);
    expect(body.data.messages).toHaveLength(1);
    const bad = await signedFetch(sandbox.url, { path: '/tickets', token, body: { subject: 'x'.repeat(256), priority: 'urgent' } });
    expect(bad.status).toBe(422);
    expect(Object.keys((await read(bad)).errors ?? {}).sort()).toEqual(['category', 'message', 'priority', 'subject']);
  });
});

describe('Idempotency-Key in the strict sandbox (the default)', () => {
  const send = (key: string, message: string) =>
    signedFetch(sandbox.url, { path: '/tickets/1/messages', token, body: { message }, headers: { 'Idempotency-Key': key } });

  it('is ignored: the same key twice stores two messages, a reused key with another body is accepted', async () => {
    expect(sandbox.state.idempotencyEnabled).toBe(false);
    const first = await send('strict-1', 'Said twice');
    const second = await send('strict-1', 'Said twice');
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect((await read<TicketMessage>(second)).data.id).not.toBe((await read<TicketMessage>(first)).data.id);
    expect((await send('strict-1', 'another body')).status).toBe(201);
    const stored = await control<{ messages: TicketMessage[] }>(sandbox.url, 'GET', '/tickets/1/messages');
    expect(stored.messages.filter((m) => m.message === 'Said twice')).toHaveLength(2);
    expect(sandbox.state.idempotency.size).toBe(0);
  });

  it('a second POST while the first is held before commit is not refused: both commit, the slow one when it ends', async () => {
    await control(sandbox.url, 'POST', '/faults', {
      faults: [{ type: 'latency', ms: 600, times: 1, match: { method: 'POST', pathPrefix: '/api/v1/client/tickets/1/messages' } }],
    });
    const slow = send('strict-2', 'In flight twice');
    await new Promise((r) => setTimeout(r, 150));
    const quick = await send('strict-2', 'In flight twice');
    expect(quick.status).toBe(201);
    const stored = async () =>
      (await control<{ messages: TicketMessage[] }>(sandbox.url, 'GET', '/tickets/1/messages')).messages.filter(
        (m) => m.message === 'In flight twice',
      );
    // The slow request is still in flight at the server: nothing of it is stored yet.
    expect(await stored()).toHaveLength(1);
    expect((await slow).status).toBe(201);
    expect(await stored()).toHaveLength(2);
  });
});

describe('idempotency (the optional mode)', () => {
  beforeEach(() => sandbox.setIdempotency(true));
  afterEach(() => sandbox.setIdempotency(false));
  const send = (key: string, message: string) =>
    signedFetch(sandbox.url, { path: '/tickets/1/messages', token, body: { message }, headers: { 'Idempotency-Key': key } });

  it('is switched through the control API, and a reset restores the start-up choice', async () => {
    sandbox.setIdempotency(false);
    expect(await control(sandbox.url, 'POST', '/idempotency', { enabled: true })).toEqual({ enabled: true });
    expect(sandbox.state.idempotencyEnabled).toBe(true);
    await control(sandbox.url, 'POST', '/reset');
    expect(await control(sandbox.url, 'GET', '/idempotency')).toEqual({ enabled: false });
    const own = await startSandbox({ idempotency: true, control: true });
    try {
      await control(own.url, 'POST', '/reset');
      expect(own.state.idempotencyEnabled).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('replays the stored 201 for the same key and body, without a duplicate', async () => {
    const first = await send('key-1', 'Only once please');
    const second = await send('key-1', 'Only once please');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = [await read<TicketMessage>(first), await read<TicketMessage>(second)];
    expect(b.data.id).toBe(a.data.id);
    const stored = await control<{ messages: TicketMessage[] }>(sandbox.url, 'GET', '/tickets/1/messages');
    expect(stored.messages.filter((m) => m.message === 'Only once please')).toHaveLength(1);
  });

  it('refuses the same key with a different body (422)', async () => {
    await send('key-2', 'first body');
    const res = await send('key-2', 'second body');
    expect(res.status).toBe(422);
    expect((await read(res)).message).toBe('Idempotency key reused with a different body');
  });

  it('re-signs per attempt: a replay with a fresh timestamp is still a replay', async () => {
    const body = { message: 'retry me' };
    const a = await signedFetch(sandbox.url, {
      path: '/tickets/1/messages',
      token,
      body,
      headers: { 'Idempotency-Key': 'k3' },
      timestamp: Math.floor(Date.now() / 1000) - 100,
    });
    const b = await signedFetch(sandbox.url, { path: '/tickets/1/messages', token, body, headers: { 'Idempotency-Key': 'k3' } });
    expect((await read<TicketMessage>(b)).data.id).toBe((await read<TicketMessage>(a)).data.id);
  });

  it('does not remember refusals: a key used on a closed ticket can succeed after reopening', async () => {
    const body = { message: 'after reopen' };
    const path = '/tickets/3/messages';
    expect((await signedFetch(sandbox.url, { path, token, body, headers: { 'Idempotency-Key': 'k4' } })).status).toBe(400);
    await control(sandbox.url, 'POST', '/tickets/3/status', { status: 'open' });
    expect((await signedFetch(sandbox.url, { path, token, body, headers: { 'Idempotency-Key': 'k4' } })).status).toBe(201);
  });

  it('honours the key on POST /tickets too', async () => {
    const body = { subject: 'Once', message: 'Create once', category: 'other' };
    const a = await read<TicketWithMessages>(
      await signedFetch(sandbox.url, { path: '/tickets', token, body, headers: { 'Idempotency-Key': 'create-1' } }),
    );
    const b = await read<TicketWithMessages>(
      await signedFetch(sandbox.url, { path: '/tickets', token, body, headers: { 'Idempotency-Key': 'create-1' } }),
    );
    expect(b.data.id).toBe(a.data.id);
    expect([...sandbox.state.tickets.values()].filter((t) => t.subject === 'Once')).toHaveLength(1);
  });

  it('records requests for the control API', async () => {
    await control(sandbox.url, 'DELETE', '/requests');
    await send('key-5', 'recorded');
    const { requests } = await control<{
      requests: Array<{ method: string; path: string; status: number; signatureValid: boolean; idempotencyKey: string; body: string }>;
    }>(sandbox.url, 'GET', '/requests');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/client/tickets/1/messages',
      status: 201,
      signatureValid: true,
      idempotencyKey: 'key-5',
    });
    expect(requests[0]?.body).toBe(JSON.stringify({ message: 'recorded' }));
  });
});

it('computeSignature output is what the server expects for a GET with a query', async () => {
  const ts = Math.floor(Date.now() / 1000);
  const header = await computeSignature(
    { mode: 'computed', agencyCode: 'AGENCY123', secret: 'sandbox-secret-123' },
    { method: 'GET', pathWithQuery: '/api/v1/client/tickets?status=open&page=1', body: null, timestamp: ts },
  );
  const res = await fetch(`${sandbox.url}/api/v1/client/tickets?status=open&page=1`, {
    headers: { Accept: 'application/json', 'X-Agency-Signature': header, Authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
});
