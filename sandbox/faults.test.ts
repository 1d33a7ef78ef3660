import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TicketMessage } from '../utils/shared/daakey-types';
import { control, loginDemo, signedFetch } from './client';
import { startSandbox, type Sandbox } from './server';
import type { RecordedRequest } from './state';

let sandbox: Sandbox;
let token: string;
const POST_REPLY = { method: 'POST', pathPrefix: '/api/v1/client/tickets/' };

beforeAll(async () => {
  sandbox = await startSandbox({ control: true });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await control(sandbox.url, 'POST', '/reset');
  token = await loginDemo(sandbox.url);
});

const reply = (message: string, key?: string) =>
  signedFetch(sandbox.url, { path: '/tickets/1/messages', token, body: { message }, headers: key ? { 'Idempotency-Key': key } : {} });
const storedMessages = async (id = 1) =>
  (await control<{ messages: TicketMessage[] }>(sandbox.url, 'GET', `/tickets/${id}/messages`)).messages;

describe('faults', () => {
  it('latency delays matching requests until cleared', async () => {
    // Wide margins: a loaded machine may take a few hundred ms for any request, delayed or not.
    await control(sandbox.url, 'POST', '/faults', { faults: [{ type: 'latency', ms: 1_200, match: { method: 'GET' } }] });
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      expect((await signedFetch(sandbox.url, { path: '/tickets', token })).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_150);
    }
    const started = Date.now();
    await reply('not delayed: POST does not match');
    expect(Date.now() - started).toBeLessThan(1_000);
    await control(sandbox.url, 'DELETE', '/faults');
    const after = Date.now();
    await signedFetch(sandbox.url, { path: '/tickets', token });
    expect(Date.now() - after).toBeLessThan(1_000);
  });

  it('429 with Retry-After, consumed after `times` uses, commits nothing', async () => {
    await control(sandbox.url, 'POST', '/faults', {
      faults: [{ type: 'status', status: 429, retryAfter: 7, times: 2, match: POST_REPLY }],
    });
    for (let i = 0; i < 2; i++) {
      const res = await reply('rate limited');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(((await res.json()) as { success: boolean }).success).toBe(false);
    }
    expect((await storedMessages()).some((m) => m.message === 'rate limited')).toBe(false);
    expect((await reply('rate limited')).status).toBe(201);
  });

  it.each([500, 502, 503, 504] as const)('status %i fault, with an HTML body when asked', async (status) => {
    await control(sandbox.url, 'POST', '/faults', { faults: [{ type: 'status', status, body: 'html', retryAfter: 1 }] });
    const res = await reply('server error');
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.text()).toMatch(/<html>/);
  });

  it('drop-before-commit: fetch rejects and nothing is stored', async () => {
    const before = (await storedMessages()).length;
    await control(sandbox.url, 'POST', '/faults', { faults: [{ type: 'drop-before-commit', match: POST_REPLY }] });
    await expect(reply('lost before commit', 'kb1')).rejects.toThrow();
    expect(await storedMessages()).toHaveLength(before);
    // Consumed: the retry goes through.
    expect((await reply('lost before commit', 'kb1')).status).toBe(201);
    expect((await storedMessages()).filter((m) => m.message === 'lost before commit')).toHaveLength(1);
  });

  it('drop-after-commit: fetch rejects, the message is stored exactly once, and (idempotent mode) a keyed retry replays it', async () => {
    await control(sandbox.url, 'POST', '/idempotency', { enabled: true });
    await control(sandbox.url, 'POST', '/faults', { faults: [{ type: 'drop-after-commit', match: POST_REPLY }] });
    await expect(reply('committed then dropped', 'ka1')).rejects.toThrow();
    let stored = (await storedMessages()).filter((m) => m.message === 'committed then dropped');
    expect(stored).toHaveLength(1);

    const retry = await reply('committed then dropped', 'ka1');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(((await retry.json()) as { data: TicketMessage }).data.id).toBe(stored[0]?.id);
    stored = (await storedMessages()).filter((m) => m.message === 'committed then dropped');
    expect(stored).toHaveLength(1);

    const { requests } = await control<{ requests: RecordedRequest[] }>(
      sandbox.url,
      'GET',
      '/requests?method=POST&pathPrefix=/api/v1/client/tickets/1/messages',
    );
    expect(requests.map((r) => r.outcome)).toEqual(['dropped-after-commit', 'responded']);
    expect(requests[0]).toMatchObject({ status: 201, signatureValid: true, faults: ['drop-after-commit'] });
  });

  it('drop-after-commit in the strict sandbox: a keyed retry is a second message', async () => {
    await control(sandbox.url, 'POST', '/faults', { faults: [{ type: 'drop-after-commit', match: POST_REPLY }] });
    await expect(reply('dropped, then sent again', 'ks1')).rejects.toThrow();
    expect((await reply('dropped, then sent again', 'ks1')).status).toBe(201);
    expect((await storedMessages()).filter((m) => m.message === 'dropped, then sent again')).toHaveLength(2);
  });

  it('commit-then-hang: stored at once, never answered; the client gives up, or the sandbox cuts it after ms', async () => {
    await control(sandbox.url, 'POST', '/faults', { faults: [{ type: 'commit-then-hang', times: 1, match: POST_REPLY }] });
    const hung = reply('committed, then silence');
    hung.catch(() => undefined);
    await expect.poll(async () => (await storedMessages()).filter((m) => m.message === 'committed, then silence').length).toBe(1);
    const settled = await Promise.race([
      hung.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((r) => setTimeout(() => r('pending'), 300)),
    ]);
    expect(settled).toBe('pending');
    const { requests } = await control<{ requests: RecordedRequest[] }>(sandbox.url, 'GET', '/requests?method=POST');
    expect(requests.at(-1)).toMatchObject({ outcome: 'hung-after-commit', status: 201, faults: ['commit-then-hang'] });

    await control(sandbox.url, 'POST', '/faults', { faults: [{ type: 'commit-then-hang', ms: 200, times: 1, match: POST_REPLY }] });
    await expect(reply('cut after 200 ms')).rejects.toThrow();
    expect((await storedMessages()).filter((m) => m.message === 'cut after 200 ms')).toHaveLength(1);
  });

  it('while a drop is pending, responses carry Connection: close and idle keep-alive sockets are closed', async () => {
    // A keep-alive socket that served one request and now sits idle.
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<{ status: number; connection: string | undefined; socketClosed: Promise<void> }>((resolve, reject) => {
        const req = httpRequest(`${sandbox.url}${path}`, { agent }, (res) => {
          res.resume();
          const socketClosed = new Promise<void>((done) => res.socket.once('close', () => done()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, socketClosed }));
        });
        req.on('error', reject);
        req.end();
      });
    const idle = await get('/dashboard/tickets');
    expect(idle.connection).toBe('keep-alive');

    await control(sandbox.url, 'POST', '/faults', { faults: [{ type: 'drop-after-commit', match: POST_REPLY }] });
    await idle.socketClosed; // the server closed the idle socket when the fault was added
    const during = await signedFetch(sandbox.url, { path: '/tickets', token });
    expect(during.headers.get('connection')).toBe('close');

    await control(sandbox.url, 'DELETE', '/faults');
    const after = await signedFetch(sandbox.url, { path: '/tickets', token });
    expect(after.headers.get('connection')).not.toBe('close');
    agent.destroy();
  });

  it('latency after commit stores the message before answering', async () => {
    await control(sandbox.url, 'POST', '/faults', {
      faults: [{ type: 'latency', ms: 2_000, phase: 'after-commit', times: 1, match: POST_REPLY }],
    });
    let answered = false;
    const pending = reply('slow answer').then((r) => {
      answered = true;
      return r;
    });
    // Stored while the answer is still held back (2 s leaves room for a loaded machine to see it in between).
    await vi.waitFor(async () => expect((await storedMessages()).some((m) => m.message === 'slow answer')).toBe(true), {
      timeout: 1_500,
      interval: 20,
    });
    expect(answered).toBe(false);
    expect((await pending).status).toBe(201);
  });

  it('probabilistic faults: an injected random decides each request, and the fault stays until cleared', async () => {
    const rolls = [0.1, 0.9, 0.29, 0.3];
    const own = await startSandbox({ control: true, random: () => rolls.shift() ?? 0.99 });
    try {
      const ownToken = await loginDemo(own.url);
      await control(own.url, 'POST', '/faults', { faults: [{ type: 'status', status: 503, probability: 0.3, match: { method: 'GET' } }] });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await signedFetch(own.url, { path: '/tickets', token: ownToken })).status);
      expect(statuses).toEqual([503, 200, 503, 200, 200]);
      const { faults } = await control<{ faults: { probability: number; remaining: number | null }[] }>(own.url, 'GET', '/faults');
      expect(faults).toEqual([expect.objectContaining({ probability: 0.3, remaining: null })]);
    } finally {
      await own.close();
    }
  });

  it('probabilistic faults with a seed are reproducible, near the requested rate, and keep Connection: close for drops', async () => {
    const run = async () => {
      await control(sandbox.url, 'DELETE', '/faults');
      await control(sandbox.url, 'POST', '/faults', {
        seed: 42,
        faults: [{ type: 'status', status: 500, probability: 0.25, match: { method: 'GET' } }],
      });
      const out: number[] = [];
      for (let i = 0; i < 80; i++) out.push((await signedFetch(sandbox.url, { path: '/tickets', token })).status);
      return out;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const hits = first.filter((s) => s === 500).length;
    expect(hits).toBeGreaterThan(8);
    expect(hits).toBeLessThan(35);

    await control(sandbox.url, 'DELETE', '/faults');
    await control(sandbox.url, 'POST', '/faults', {
      seed: 7,
      faults: [{ type: 'drop-after-commit', probability: 0.5, match: POST_REPLY }],
    });
    let dropped = 0;
    for (let i = 0; i < 12; i++) {
      try {
        const res = await reply(`maybe dropped ${i}`, `kp${i}`);
        expect(res.headers.get('connection')).toBe('close');
      } catch {
        dropped++;
      }
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(12);
    // Every message was committed exactly once, dropped or not.
    const stored = (await storedMessages()).filter((m) => m.message.startsWith('maybe dropped'));
    expect(stored).toHaveLength(12);
    expect((await signedFetch(sandbox.url, { path: '/tickets', token })).headers.get('connection')).toBe('close');
  });

  it('latency with maxMs draws each delay from the range', async () => {
    const own = await startSandbox({ control: true, random: () => 1 - Number.EPSILON });
    try {
      const ownToken = await loginDemo(own.url);
      await control(own.url, 'POST', '/faults', { faults: [{ type: 'latency', ms: 50, maxMs: 250, match: { method: 'GET' } }] });
      const started = Date.now();
      await signedFetch(own.url, { path: '/tickets', token: ownToken });
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    } finally {
      await own.close();
    }
  });

  it('validates fault descriptions', async () => {
    const res = await fetch(`${sandbox.url}/__control/faults`, {
      method: 'POST',
      body: JSON.stringify({ faults: [{ type: 'status', status: 418 }] }),
    });
    expect(res.status).toBe(400);
    for (const probability of [0, 1.5, '0.5']) {
      const r = await fetch(`${sandbox.url}/__control/faults`, {
        method: 'POST',
        body: JSON.stringify({ faults: [{ type: 'status', status: 503, probability }] }),
      });
      expect(r.status).toBe(400);
    }
  });
});

describe('control API', () => {
  it('changes a ticket status, and reset restores the seed', async () => {
    await control(sandbox.url, 'POST', '/tickets/1/status', { status: 'closed' });
    expect((await reply('to closed')).status).toBe(400);
    await reply('x');
    await control(sandbox.url, 'POST', '/reset');
    expect(sandbox.state.tickets.get(1)?.status).toBe('open');
    expect(sandbox.state.requests).toHaveLength(0);
    // Tokens are cleared by a reset too.
    expect((await signedFetch(sandbox.url, { path: '/tickets', token })).status).toBe(401);
  });

  it('adds a message to a ticket as the customer or another agent', async () => {
    const added = await control<{ message: TicketMessage }>(sandbox.url, 'POST', '/tickets/1/messages', { message: 'Any news?' });
    expect(added.message).toMatchObject({ message: 'Any news?', sender: 'client', sender_name: 'Customer' });
    const other = await control<{ message: TicketMessage }>(sandbox.url, 'POST', '/tickets/1/messages', {
      message: 'I am on it',
      sender_name: 'Karim (agent)',
    });
    expect(other.message.id).toBe(added.message.id + 1);
    expect((await storedMessages()).slice(-2).map((m) => m.message)).toEqual(['Any news?', 'I am on it']);
    await expect(control(sandbox.url, 'POST', '/tickets/1/messages', {})).rejects.toThrow(/400/);
  });

  it('is off unless enabled', async () => {
    const plain = await startSandbox();
    try {
      expect((await fetch(`${plain.url}/__control/requests`)).status).toBe(404);
      expect((await fetch(`${plain.url}/__control/reset`, { method: 'POST' })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
