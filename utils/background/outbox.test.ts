import { describe, expect, it } from 'vitest';
import { BACKOFF, FLUSH_CONCURRENCY, REQUEST_TIMEOUT_MS, UNKNOWN_OUTCOME_WAIT_MS } from '@/utils/shared/api-contract';
import type { ApiError, ApiResult, TicketMessage, TicketWithMessages } from '@/utils/shared/daakey-types';
import {
  createMemoryLock,
  createMemoryOutboxStore,
  createOutbox,
  DEDUPE_SKEW_MS,
  findDelivered,
  MAX_UNDO_MS,
  readSnapshot,
  type OutboxClient,
  type OutboxLock,
  type OutboxRecord,
  type OutboxStore,
} from './outbox';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

type PostBehaviour = 'ok' | 'commit-then-timeout' | 'commit-then-503' | ApiError;

/** A Daakey stand-in: keeps messages per ticket and can commit a message yet report a failure. */
function fakeServer(clock: { now: number }) {
  const messages = new Map<number, TicketMessage[]>();
  let nextId = 100;
  const posts: { ticketId: number; message: string; idempotencyKey: string; at: number }[] = [];
  const gets: { ticketId: number; at: number }[] = [];
  const postPlan: PostBehaviour[] = [];
  const getPlan: ApiError[] = [];
  let postDelayMs = 0;
  const commit = (ticketId: number, message: string, attachments: string[]): TicketMessage => {
    const m: TicketMessage = {
      id: nextId++,
      message,
      sender: 'client',
      sender_name: 'Agent Smith',
      attachments,
      created_at: new Date(clock.now).toISOString(),
    };
    messages.set(ticketId, [...(messages.get(ticketId) ?? []), m]);
    return m;
  };
  const client: OutboxClient = {
    async addMessage(ticketId, body, { idempotencyKey }): Promise<ApiResult<TicketMessage>> {
      posts.push({ ticketId, message: body.message, idempotencyKey, at: clock.now });
      if (postDelayMs > 0) await new Promise((r) => setTimeout(r, postDelayMs));
      const behaviour = postPlan.shift() ?? 'ok';
      if (behaviour === 'ok') return { ok: true, status: 201, data: commit(ticketId, body.message, body.attachments) };
      if (behaviour === 'commit-then-timeout') {
        commit(ticketId, body.message, body.attachments);
        return { ok: false, error: { kind: 'timeout', message: 'timed out' } };
      }
      if (behaviour === 'commit-then-503') {
        commit(ticketId, body.message, body.attachments);
        return { ok: false, error: { kind: 'server', status: 503, message: 'busy', retryAfterMs: null } };
      }
      return { ok: false, error: behaviour };
    },
    async getTicket(ticketId): Promise<ApiResult<TicketWithMessages>> {
      gets.push({ ticketId, at: clock.now });
      const planned = getPlan.shift();
      if (planned) return { ok: false, error: planned };
      return {
        ok: true,
        status: 200,
        data: {
          id: ticketId,
          reference: `TK-2026-${String(ticketId).padStart(5, '0')}`,
          subject: 's',
          status: 'open',
          priority: 'normal',
          category: 'c',
          last_message: null,
          last_message_at: null,
          unread_count: 0,
          created_at: new Date(T0).toISOString(),
          messages: [...(messages.get(ticketId) ?? [])],
        },
      };
    },
  };
  return {
    client,
    posts,
    gets,
    postPlan,
    getPlan,
    messages,
    commit,
    setPostDelay: (ms: number) => {
      postDelayMs = ms;
    },
  };
}

function setup(options: { initial?: unknown; store?: OutboxStore; lock?: OutboxLock; random?: () => number } = {}) {
  const clock = { now: T0 };
  const server = fakeServer(clock);
  const store = options.store ?? createMemoryOutboxStore(options.initial);
  const scheduled: (number | null)[] = [];
  const changes: { changed: string[]; all: number }[] = [];
  const make = () =>
    createOutbox({
      store,
      client: server.client,
      clock: () => clock.now,
      random: options.random ?? (() => 0.5),
      ...(options.lock ? { lock: options.lock } : {}),
      onChange: (changed, all) => changes.push({ changed: changed.map((v) => `${v.id}:${v.state}`), all: all().length }),
      schedule: (at) => {
        scheduled.push(at);
      },
    });
  return { clock, server, store, scheduled, changes, outbox: make(), make };
}

const reply = (clientId: string, ticketId = 1, message = `Reply ${clientId}`) => ({
  clientId,
  ticketId,
  message,
  attachments: [] as string[],
});
const err = {
  closed: { kind: 'closed', status: 400, message: 'Cannot add message to closed ticket' },
  notFound: { kind: 'not_found', status: 404, message: 'Ticket not found' },
  forbidden: { kind: 'forbidden', status: 403, message: 'Signature expired' },
  tooLarge: { kind: 'too_large', status: 413, message: 'Too large' },
  validation: { kind: 'validation', status: 422, message: 'Idempotency key reused with a different body', fields: {} },
  unauthorized: { kind: 'unauthorized', status: 401, message: 'Token revoked' },
  unavailable: { kind: 'server', status: 503, message: 'busy', retryAfterMs: null },
  network: { kind: 'network', message: 'offline' },
} satisfies Record<string, ApiError>;

describe('outbox: enqueue', () => {
  it('writes the entry to the store before any attempt, with the clientId as idempotency key', async () => {
    const { outbox, store, server } = setup();
    const view = await outbox.enqueue(reply('c-1'));
    expect(view).toMatchObject({ id: 'c-1', state: 'queued', attempts: 0, createdAt: T0, sent: null, error: null });
    expect(server.posts).toHaveLength(0);
    const saved = readSnapshot(await store.load());
    expect(saved.records).toHaveLength(1);
    expect(saved.records[0]).toMatchObject({ id: 'c-1', idempotencyKey: 'c-1', state: 'queued' });
  });

  it('is idempotent on clientId: a double Send gives one entry and one POST', async () => {
    const { outbox, server } = setup();
    const [a, b] = await Promise.all([outbox.enqueue(reply('c-1')), outbox.enqueue(reply('c-1', 1, 'different text'))]);
    expect(a.id).toBe(b.id);
    expect(b.message).toBe('Reply c-1');
    expect(await outbox.list()).toHaveLength(1);
    await outbox.flush();
    expect(server.posts).toHaveLength(1);
  });

  it('rejects an unusable entry', async () => {
    const { outbox } = setup();
    await expect(outbox.enqueue({ ...reply('c'), ticketId: 0 })).rejects.toThrow(TypeError);
    await expect(outbox.enqueue({ ...reply('c'), message: '  ' })).rejects.toThrow(TypeError);
    await expect(outbox.enqueue({ ...reply(''), message: 'x' })).rejects.toThrow(TypeError);
  });
});

describe('outbox: delivery', () => {
  it('sends a queued entry once, with its idempotency key, and records the server message', async () => {
    const { outbox, server, scheduled } = setup();
    await outbox.enqueue(reply('c-1', 7));
    const views = await outbox.flush();
    expect(server.posts).toEqual([{ ticketId: 7, message: 'Reply c-1', idempotencyKey: 'c-1', at: T0 }]);
    expect(views[0]).toMatchObject({
      state: 'sent',
      attempts: 1,
      sent: { messageId: 100, senderName: 'Agent Smith', createdAt: new Date(T0).toISOString() },
      nextAttemptAt: null,
      error: null,
    });
    expect(scheduled.at(-1)).toBeNull();
    await outbox.flush();
    expect(server.posts).toHaveLength(1);
  });

  it('exactly once when the server commits and the answer times out: the check finds it, no second POST', async () => {
    const { outbox, server, scheduled, clock } = setup();
    server.postPlan.push('commit-then-timeout');
    await outbox.enqueue(reply('c-1'));
    const [afterTimeout] = await outbox.flush();
    expect(afterTimeout).toMatchObject({ state: 'queued', error: { kind: 'timeout' } });
    const wake = scheduled.at(-1)!;
    expect(wake).toBe(afterTimeout!.nextAttemptAt);
    expect(wake).toBeGreaterThan(T0);
    clock.now = wake;
    const [final] = await outbox.flush();
    expect(server.gets).toHaveLength(1);
    expect(server.posts).toHaveLength(1);
    expect(server.messages.get(1)).toHaveLength(1);
    expect(final).toMatchObject({ state: 'sent', sent: { messageId: 100 } });
  });

  it('checks before re-sending after a 5xx, and posts again with the same key when nothing landed', async () => {
    const { outbox, server, clock } = setup();
    server.postPlan.push(err.unavailable);
    await outbox.enqueue(reply('c-1'));
    const [first] = await outbox.flush();
    clock.now = first!.nextAttemptAt!;
    const [final] = await outbox.flush();
    expect(server.gets).toHaveLength(1);
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['c-1', 'c-1']);
    expect(final).toMatchObject({ state: 'sent', attempts: 2 });
    expect(server.messages.get(1)).toHaveLength(1);
  });

  it('a 5xx that committed is found by the check too', async () => {
    const { outbox, server, clock } = setup();
    server.postPlan.push('commit-then-503');
    await outbox.enqueue(reply('c-1'));
    const [first] = await outbox.flush();
    clock.now = first!.nextAttemptAt!;
    await outbox.flush();
    expect(server.posts).toHaveLength(1);
    expect(server.messages.get(1)).toHaveLength(1);
  });

  it('concurrent flush() calls POST each entry once', async () => {
    const { outbox, server } = setup();
    server.setPostDelay(5);
    await outbox.enqueue(reply('a'));
    await outbox.enqueue(reply('b', 2));
    await Promise.all([outbox.flush(), outbox.flush(), outbox.flush({ force: true })]);
    expect(server.posts.map((p) => p.idempotencyKey).sort()).toEqual(['a', 'b']);
    expect((await outbox.list()).map((v) => v.state)).toEqual(['sent', 'sent']);
  });

  it('two outbox instances sharing a store and a lock POST each entry once', async () => {
    const lock = createMemoryLock();
    const { make, server, outbox } = setup({ lock });
    server.setPostDelay(5);
    await outbox.enqueue(reply('a'));
    await outbox.enqueue(reply('b'));
    await Promise.all([outbox.flush(), make().flush(), make().flush()]);
    expect(server.posts).toHaveLength(2);
  });

  it('an enqueue during a flush is not lost and is delivered by that flush', async () => {
    const { outbox, server } = setup();
    server.setPostDelay(5);
    await outbox.enqueue(reply('a'));
    const flushing = outbox.flush();
    await new Promise((r) => setTimeout(r, 1));
    await outbox.enqueue(reply('b'));
    await flushing;
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['a', 'b']);
    expect(await outbox.list()).toHaveLength(2);
  });
});

describe('outbox: a drain sends to several tickets at once', () => {
  /** Wraps the fake server's POST: counts requests in flight (overall and per ticket), answers after `delayMs`. */
  function watchPosts(server: ReturnType<typeof fakeServer>, delayMs: (n: number) => number) {
    const post = server.client.addMessage;
    const perTicket = new Map<number, number>();
    const seen = { inFlight: 0, maxInFlight: 0, maxPerTicket: 0, started: 0 };
    server.client.addMessage = async (ticketId, body, options) => {
      const n = seen.started++;
      seen.inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      perTicket.set(ticketId, (perTicket.get(ticketId) ?? 0) + 1);
      seen.maxPerTicket = Math.max(seen.maxPerTicket, perTicket.get(ticketId)!);
      try {
        await new Promise((r) => setTimeout(r, delayMs(n)));
        return await post(ticketId, body, options);
      } finally {
        seen.inFlight--;
        perTicket.set(ticketId, perTicket.get(ticketId)! - 1);
      }
    };
    return seen;
  }
  /** 36 replies over 9 tickets, interleaved as agents would queue them. */
  const spread = () => Array.from({ length: 36 }, (_, i) => reply(`r${String(i).padStart(2, '0')}`, (i % 9) + 1));

  it('keeps at most FLUSH_CONCURRENCY requests in flight, one per ticket, each ticket in order, each reply once', async () => {
    const { outbox, server } = setup();
    // Uneven answer times, so lanes finish out of step and tickets change hands.
    const seen = watchPosts(server, (n) => 1 + ((n * 7) % 5));
    const replies = spread();
    for (const r of replies) await outbox.enqueue(r);
    const views = await outbox.flush();
    expect(views.every((v) => v.state === 'sent')).toBe(true);
    expect(seen.maxInFlight).toBe(FLUSH_CONCURRENCY);
    expect(seen.maxPerTicket).toBe(1);
    expect(server.posts.map((p) => p.idempotencyKey).sort()).toEqual(replies.map((r) => r.clientId));
    for (let ticket = 1; ticket <= 9; ticket++) {
      const queued = replies.filter((r) => r.ticketId === ticket).map((r) => r.message);
      expect(server.posts.filter((p) => p.ticketId === ticket).map((p) => p.message)).toEqual(queued);
      expect(server.messages.get(ticket)!.map((m) => m.message)).toEqual(queued);
    }
  });

  it('a ticket with many replies and one with a few: one lane each, the rest of the lanes idle', async () => {
    const { outbox, server } = setup();
    const seen = watchPosts(server, () => 1);
    for (let i = 0; i < 6; i++) await outbox.enqueue(reply(`long-${i}`, 1));
    await outbox.enqueue(reply('short', 2));
    await outbox.flush();
    expect(seen.maxInFlight).toBe(2);
    expect(seen.maxPerTicket).toBe(1);
    expect(server.posts.filter((p) => p.ticketId === 1).map((p) => p.idempotencyKey)).toEqual(
      Array.from({ length: 6 }, (_, i) => `long-${i}`),
    );
  });

  it.each([
    ['401', err.unauthorized, (o: { isPaused(): Promise<boolean> }) => o.isPaused()],
    ['429', { kind: 'rate_limited', status: 429, message: 'slow down', retryAfterMs: 30_000 } as ApiError, null],
  ])('a %s answered while others are in flight: no lane starts another request', async (_, refusal, paused) => {
    const { outbox, server, store } = setup();
    // The first request is refused at once; the others started beside it answer later.
    const seen = watchPosts(server, (n) => (n === 0 ? 0 : 10));
    server.postPlan.push(refusal);
    const lanes = FLUSH_CONCURRENCY;
    for (let i = 0; i < 2 * lanes; i++) await outbox.enqueue(reply(`t${i + 1}`, i + 1));
    const views = await outbox.flush();
    expect(seen.started).toBe(lanes);
    expect(server.posts.map((p) => p.ticketId).sort((a, b) => a - b)).toEqual(Array.from({ length: lanes }, (_, i) => i + 1));
    // The requests already out are settled, not abandoned; nothing else was started.
    const states = views.map((v) => v.state);
    const expected = (stopped: string) => [stopped, ...Array(lanes - 1).fill('sent'), ...Array(lanes).fill(stopped)];
    if (paused) {
      expect(await paused(outbox)).toBe(true);
      expect(states).toEqual(expected('paused'));
    } else {
      expect(readSnapshot(await store.load()).holdUntil).toBe(T0 + 30_000);
      expect(states).toEqual(expected('queued'));
      await outbox.flush({ force: true });
      expect(seen.started).toBe(FLUSH_CONCURRENCY);
    }
  });

  it('an unknown outcome holds back that reply only: the other tickets go on, and it is looked up after the wait', async () => {
    const { outbox, server, clock } = setup();
    const seen = watchPosts(server, (n) => (n === 0 ? 0 : 5));
    // Ticket 1's request commits at the server but its answer is lost, while the other lanes' are in flight.
    server.postPlan.push('commit-then-timeout');
    const tickets = FLUSH_CONCURRENCY + 2;
    for (let i = 0; i < tickets; i++) await outbox.enqueue(reply(`t${i + 1}`, i + 1));
    await outbox.flush();
    expect(seen.started).toBe(FLUSH_CONCURRENCY);
    // The network is back: a forced flush sends the other tickets, not ticket 1's reply, and looks nothing up.
    clock.now = T0 + 1_000;
    const views = await outbox.flush({ force: true });
    expect(server.gets).toHaveLength(0);
    expect(server.posts.map((p) => p.ticketId).sort((a, b) => a - b)).toEqual(Array.from({ length: tickets }, (_, i) => i + 1));
    expect(views.map((v) => v.state)).toEqual(['queued', ...Array(tickets - 1).fill('sent')]);
    clock.now = T0 + UNKNOWN_OUTCOME_WAIT_MS;
    const [first] = await outbox.flush();
    expect(server.gets).toEqual([{ ticketId: 1, at: T0 + UNKNOWN_OUTCOME_WAIT_MS }]);
    expect(server.posts).toHaveLength(tickets);
    expect(first).toMatchObject({ state: 'sent' });
    expect(server.messages.get(1)).toHaveLength(1);
  });

  it('a Retry-After recorded while another lane looks a reply up: that lane does not post it', async () => {
    // 'looked-up' (ticket 2) needs a look-up first; 'refused' (ticket 1) is refused with a 429 meanwhile.
    const record = (id: string, ticketId: number, over: Partial<OutboxRecord>): OutboxRecord => ({
      id,
      idempotencyKey: id,
      ticketId,
      message: `Reply ${id}`,
      attachments: [],
      state: 'queued',
      attempts: 0,
      createdAt: T0,
      windowStartedAt: T0,
      nextAttemptAt: null,
      undoUntil: null,
      outcomeUnknown: false,
      attemptStartedAt: null,
      inFlightUntil: null,
      sent: null,
      sentAt: null,
      error: null,
      ...over,
    });
    const initial = {
      version: 1,
      paused: false,
      holdUntil: null,
      backoffUntil: null,
      records: [
        record('looked-up', 2, { attempts: 1, outcomeUnknown: true, attemptStartedAt: T0 - UNKNOWN_OUTCOME_WAIT_MS }),
        record('refused', 1, { createdAt: T0 + 1 }),
      ],
    };
    const { outbox, server, store } = setup({ initial });
    const get = server.client.getTicket;
    server.client.getTicket = async (id) => {
      await new Promise((r) => setTimeout(r, 20));
      return get(id);
    };
    server.postPlan.push({ kind: 'rate_limited', status: 429, message: 'slow down', retryAfterMs: 30_000 });
    await outbox.flush();
    expect(server.gets).toHaveLength(1);
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['refused']);
    const saved = readSnapshot(await store.load());
    expect(saved.holdUntil).toBe(T0 + 30_000);
    // Put back as it was: queued, its one earlier attempt counted, not 'sending'.
    expect(saved.records.find((r) => r.id === 'looked-up')).toMatchObject({ state: 'queued', attempts: 1 });
  });

  it('exactly once through random faults and a worker stopped mid-drain', async () => {
    // A seeded generator, so a failure can be replayed.
    let seed = 0x2f6b;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const store = createMemoryOutboxStore();
    const { clock, server } = setup({ store });
    // Faults drawn per request: committed then no answer, no answer and nothing stored, 503, 503 after a commit.
    const faulty = async (...args: Parameters<OutboxClient['addMessage']>) => {
      const roll = rand();
      if (roll < 0.1) server.postPlan.unshift('commit-then-timeout');
      else if (roll < 0.2) server.postPlan.unshift(err.network);
      else if (roll < 0.25) server.postPlan.unshift(err.unavailable);
      else if (roll < 0.3) server.postPlan.unshift('commit-then-503');
      await new Promise((r) => setTimeout(r, 1 + Math.floor(rand() * 4)));
    };
    const worker = (client: OutboxClient, workerStore: OutboxStore) =>
      createOutbox({ store: workerStore, client, clock: () => clock.now, random: rand, schedule: () => undefined });

    // The first worker is stopped mid-drain for good: its storage writes never end, and the server may still
    // commit a request that was on its way while nobody hears the answer.
    let dead = false;
    const never = new Promise<never>(() => undefined);
    // Requests on their way when the worker stopped: each is committed or not by the time the wait is over.
    const onTheirWay: Promise<boolean>[] = [];
    const first = worker(
      {
        async addMessage(ticketId, body, options) {
          const delivered = faulty(ticketId, body, options).then(() => {
            if (!dead) return true;
            if (rand() < 0.5) server.commit(ticketId, body.message, body.attachments);
            return false;
          });
          onTheirWay.push(delivered);
          return (await delivered) ? server.client.addMessage(ticketId, body, options) : never;
        },
        getTicket: (id) => (dead ? never : server.client.getTicket(id)),
      },
      { load: () => store.load(), save: (...args) => (dead ? never : store.save(...args)) },
    );
    const replies = Array.from({ length: 60 }, (_, i) => reply(`c${i}`, (i % 7) + 1, `Chaos ${i}`));
    for (const r of replies) await first.enqueue(r);
    // Flushed as its alarms would (a fault ends a flush), and stopped once a dozen requests went out, some of
    // them answered and some still on their way.
    void (async () => {
      while (!dead) {
        await first.flush({ force: true });
        clock.now += 30_000;
      }
    })();
    while (server.posts.length < 12) await new Promise((r) => setTimeout(r, 1));
    dead = true;
    const postedBeforeStop = server.posts.length;
    // The fake clock jumps past the in-flight wait at once; the server is done with them by then, as it is for real.
    await Promise.all(onTheirWay);

    // A fresh worker on what storage holds, flushing as its alarms would until nothing is left.
    const second = worker(
      {
        async addMessage(ticketId, body, options) {
          await faulty(ticketId, body, options);
          return server.client.addMessage(ticketId, body, options);
        },
        getTicket: (id) => server.client.getTicket(id),
      },
      store,
    );
    for (let round = 0; round < 200; round++) {
      clock.now += 30_000;
      const views = await second.flush({ force: round % 2 === 0 });
      if (views.every((v) => v.state === 'sent')) break;
    }
    expect(postedBeforeStop).toBeGreaterThan(0);
    expect((await second.list()).map((v) => v.state)).toEqual(replies.map(() => 'sent'));
    const stored = [...server.messages.values()].flat().map((m) => m.message);
    expect(stored.sort()).toEqual(replies.map((r) => r.message).sort());
    // The faults did strike: some replies were posted more than once, and each second POST found nothing stored.
    expect(server.posts.length).toBeGreaterThan(replies.length);
    expect(server.gets.length).toBeGreaterThan(0);
  });
});

describe("outbox: group commit of the lanes' sending marks", () => {
  it("several lanes' 'sending' marks share one storage write, and no POST leaves before its mark is stored", async () => {
    // A slow store: what it holds changes only when a write completes, as with storage.local.set.
    const inner = createMemoryOutboxStore();
    const writes: { marks: string[] }[] = [];
    const store: OutboxStore = {
      load: () => inner.load(),
      async save(snapshot, delta) {
        await new Promise((r) => setTimeout(r, 6));
        await inner.save(snapshot, delta);
        writes.push({ marks: delta.changed.filter((r) => r.state === 'sending').map((r) => r.id) });
      },
    };
    const { outbox, server } = setup({ store });
    const post = server.client.addMessage;
    const unmarkedPosts: string[] = [];
    server.client.addMessage = async (ticketId, body, options) => {
      // What storage holds when the request leaves: this reply, 'sending', with the start of this attempt.
      const stored = readSnapshot(inner.saved()).records.find((r) => r.id === options.idempotencyKey);
      if (stored?.state !== 'sending' || stored.attemptStartedAt === null) unmarkedPosts.push(options.idempotencyKey);
      await new Promise((r) => setTimeout(r, 2));
      return post(ticketId, body, options);
    };
    const replies = Array.from({ length: 3 * FLUSH_CONCURRENCY }, (_, i) =>
      reply(`g${String(i).padStart(2, '0')}`, (i % FLUSH_CONCURRENCY) + 1),
    );
    for (const r of replies) await outbox.enqueue(r);
    writes.length = 0;
    const views = await outbox.flush();

    expect(views.map((v) => v.state)).toEqual(replies.map(() => 'sent'));
    expect(server.posts.map((p) => p.idempotencyKey).sort()).toEqual(replies.map((r) => r.clientId));
    expect(unmarkedPosts).toEqual([]);
    const marks = writes.flatMap((w) => w.marks);
    const markWrites = writes.filter((w) => w.marks.length > 0).length;
    // Every reply's mark was written (once: each was posted once), in fewer writes than marks.
    expect(marks.sort()).toEqual(replies.map((r) => r.clientId));
    expect(markWrites).toBeLessThan(marks.length);
    // The first write carries the first reply of every lane.
    expect(writes[0]!.marks.length).toBe(FLUSH_CONCURRENCY);
  });
});

describe('outbox: a reply is signed while its mark is written', () => {
  /** A store whose writes take a while (or fail), and a client that says when a reply was prepared and sent. */
  function preparedSetup(failWrites: boolean) {
    const inner = createMemoryOutboxStore();
    const events: string[] = [];
    const store: OutboxStore = {
      load: () => inner.load(),
      async save(snapshot, delta) {
        events.push('write>');
        await new Promise((r) => setTimeout(r, 5));
        if (failWrites) throw new Error('QUOTA_BYTES quota exceeded');
        await inner.save(snapshot, delta);
        events.push('write<');
      },
    };
    const ctx = setup({ store });
    const post = ctx.server.client.addMessage;
    ctx.server.client.prepareMessage = async (ticketId, body, options) => {
      events.push(`prepare ${options.idempotencyKey}`);
      return async () => {
        const stored = readSnapshot(inner.saved()).records.find((r) => r.id === options.idempotencyKey);
        events.push(`send ${options.idempotencyKey} (stored ${stored?.state ?? 'nothing'})`);
        return post(ticketId, body, options);
      };
    };
    return { ...ctx, events };
  }

  it('prepares the request before its mark is stored and sends it only once the mark is', async () => {
    const { outbox, server, events } = preparedSetup(false);
    const sent = outbox.enqueue(reply('p-1'));
    await outbox.flush();
    await sent;
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['p-1']);
    // Prepared before the write that carries the new reply as 'sending' completes, sent after it.
    const prepared = events.indexOf('prepare p-1');
    const sentAt = events.indexOf('send p-1 (stored sending)');
    expect(prepared).toBeGreaterThanOrEqual(0);
    expect(sentAt).toBeGreaterThan(events.indexOf('write<'));
    expect(prepared).toBeLessThan(events.indexOf('write<'));
    expect((await outbox.list()).map((v) => v.state)).toEqual(['sent']);
  });

  it('a prepared request whose mark could not be written is never sent', async () => {
    const { outbox, server, events } = preparedSetup(true);
    const sent = outbox.enqueue(reply('p-2'));
    await expect(outbox.flush()).rejects.toThrow(/quota/);
    await expect(sent).rejects.toThrow(/quota/);
    expect(events).toContain('prepare p-2');
    expect(events.some((e) => e.startsWith('send'))).toBe(false);
    expect(server.posts).toEqual([]);
  });
});

describe('outbox: retry timing', () => {
  it('honours 429 Retry-After: no attempt before the time, even when forced, then sends', async () => {
    const { outbox, server, clock, scheduled } = setup();
    server.postPlan.push({ kind: 'rate_limited', status: 429, message: 'Slow down', retryAfterMs: 120_000 });
    await outbox.enqueue(reply('a'));
    await outbox.enqueue(reply('b'));
    const views = await outbox.flush();
    expect(server.posts).toHaveLength(1);
    expect(views.map((v) => v.nextAttemptAt)).toEqual([T0 + 120_000, T0 + 120_000]);
    expect(scheduled.at(-1)).toBe(T0 + 120_000);
    clock.now = T0 + 119_999;
    await outbox.flush();
    await outbox.flush({ force: true });
    expect(server.posts).toHaveLength(1);
    clock.now = T0 + 120_000;
    await outbox.flush();
    // A 429 was a refusal: nothing to check, and both entries go out once each.
    expect(server.gets).toHaveLength(0);
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['a', 'a', 'b']);
    expect(server.posts[1]!.at).toBe(T0 + 120_000);
  });

  it('a reply written down ahead goes back to the queue untouched when the one before it is refused with 503', async () => {
    const { outbox, server, store } = setup();
    server.postPlan.push(err.unavailable);
    await outbox.enqueue(reply('a'));
    await outbox.enqueue(reply('b'));
    const views = await outbox.flush();
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['a']);
    expect(views.map((v) => [v.id, v.state, v.attempts])).toEqual([
      ['a', 'queued', 1],
      ['b', 'queued', 0],
    ]);
    const saved = readSnapshot(await store.load()).records.find((r) => r.id === 'b');
    expect(saved).toMatchObject({ state: 'queued', attempts: 0, outcomeUnknown: false });
  });

  it('backs off with full jitter after a network error and stops hammering the other entries', async () => {
    const { outbox, server, clock } = setup({ random: () => 0.75 });
    server.postPlan.push(err.network);
    await outbox.enqueue(reply('a'));
    await outbox.enqueue(reply('b'));
    const views = await outbox.flush();
    expect(server.posts).toHaveLength(1);
    const delay = 0.75 * BACKOFF.baseMs;
    // 'a' got no answer: it may still be in flight at the server until its start plus the wait.
    expect(views.map((v) => v.nextAttemptAt)).toEqual([T0 + UNKNOWN_OUTCOME_WAIT_MS, T0 + delay]);
    clock.now = T0 + delay - 1;
    await outbox.flush();
    expect(server.posts).toHaveLength(1);
    // The network came back and a window said so: a forced flush skips our own backoff, not the in-flight wait.
    await outbox.flush({ force: true });
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['a', 'b']);
    expect(server.gets).toHaveLength(0);
    clock.now = T0 + UNKNOWN_OUTCOME_WAIT_MS;
    await outbox.flush();
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['a', 'b', 'a']);
    expect(server.gets).toEqual([{ ticketId: 1, at: T0 + UNKNOWN_OUTCOME_WAIT_MS }]);
  });

  it('stops automatic retries at the 24 h window: needs_attention, then no more requests', async () => {
    const { outbox, server, clock, scheduled } = setup({ random: () => 1 });
    await outbox.enqueue(reply('a'));
    for (let i = 0; i < 500; i++) server.postPlan.push(err.unavailable);
    let view = (await outbox.flush())[0]!;
    let rounds = 0;
    while (view.state === 'queued' && rounds < 1000) {
      clock.now = scheduled.at(-1)!;
      view = (await outbox.flush())[0]!;
      rounds++;
    }
    expect(view.state).toBe('needs_attention');
    expect(view.error).toMatchObject({ kind: 'server', status: 503 });
    for (const p of server.posts) expect(p.at - T0).toBeLessThanOrEqual(BACKOFF.giveUpAfterMs);
    expect(scheduled.at(-1)).toBeNull();
    const posts = server.posts.length;
    const gets = server.gets.length;
    clock.now += 7 * 24 * 60 * 60_000;
    await outbox.flush({ force: true });
    expect(server.posts).toHaveLength(posts);
    expect(server.gets).toHaveLength(gets);

    // The agent retries: a new window, and the earlier unknown outcome is checked first.
    server.postPlan.length = 0;
    expect(await outbox.retry('a')).toMatchObject({ state: 'queued', error: null });
    const [sent] = await outbox.flush();
    expect(sent!.state).toBe('sent');
    expect(server.gets).toHaveLength(gets + 1);
    expect(server.posts).toHaveLength(posts + 1);
  });

  it('an entry found past its window before any attempt goes to needs_attention without a request', async () => {
    const { outbox, server, clock } = setup();
    await outbox.enqueue(reply('a'));
    clock.now += BACKOFF.giveUpAfterMs;
    const [view] = await outbox.flush();
    expect(view!.state).toBe('needs_attention');
    expect(server.posts).toHaveLength(0);
  });
});

describe('outbox: non-retryable outcomes', () => {
  it.each([
    ['400 closed', err.closed],
    ['403', err.forbidden],
    ['404', err.notFound],
    ['413', err.tooLarge],
    ['422 idempotency conflict', err.validation],
  ])('%s → failed with the error and the text kept, zero further requests', async (_label, error) => {
    const { outbox, server, clock, scheduled } = setup();
    server.postPlan.push(error);
    await outbox.enqueue(reply('a', 1, 'Keep this text'));
    const [view] = await outbox.flush();
    expect(view).toMatchObject({ state: 'failed', message: 'Keep this text', error, nextAttemptAt: null });
    expect(scheduled.at(-1)).toBeNull();
    clock.now += 60 * 60_000;
    await outbox.flush();
    await outbox.flush({ force: true });
    expect(server.posts).toHaveLength(1);
    expect(server.gets).toHaveLength(0);
  });

  it('a failed entry does not block the next one', async () => {
    const { outbox, server } = setup();
    server.postPlan.push(err.closed);
    await outbox.enqueue(reply('a'));
    await outbox.enqueue(reply('b', 2));
    expect((await outbox.flush()).map((v) => v.state)).toEqual(['failed', 'sent']);
    expect(server.posts).toHaveLength(2);
  });
});

describe('outbox: 401 pauses', () => {
  it('pauses the whole outbox without dropping anything; resume continues with one send per entry', async () => {
    const { outbox, server, store, clock, scheduled } = setup();
    server.postPlan.push(err.unauthorized);
    await outbox.enqueue(reply('a'));
    await outbox.enqueue(reply('b'));
    const views = await outbox.flush();
    expect(views.map((v) => v.state)).toEqual(['paused', 'paused']);
    expect(views[0]!.error).toMatchObject({ kind: 'unauthorized' });
    expect(server.posts).toHaveLength(1);
    expect(await outbox.isPaused()).toBe(true);
    expect(readSnapshot(await store.load())).toMatchObject({ paused: true });
    expect(readSnapshot(await store.load()).records.map((r) => r.state)).toEqual(['queued', 'queued']);
    expect(scheduled.at(-1)).toBeNull();

    clock.now += 60 * 60_000;
    await outbox.flush({ force: true });
    expect(server.posts).toHaveLength(1);

    await outbox.resume();
    expect(scheduled.at(-1)).toBe(clock.now);
    const after = await outbox.flush();
    expect(after.map((v) => v.state)).toEqual(['sent', 'sent']);
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['a', 'a', 'b']);
    // 401 is a refusal: nothing to check before posting again.
    expect(server.gets).toHaveLength(0);
  });

  it('the paused flag survives a new instance', async () => {
    const { outbox, make, server } = setup();
    await outbox.enqueue(reply('a'));
    await outbox.pause();
    const second = make();
    expect(await second.isPaused()).toBe(true);
    await second.flush();
    expect(server.posts).toHaveLength(0);
  });

  it('a 401 during the dedupe check pauses too, keeping the unknown outcome', async () => {
    const { outbox, server, clock } = setup();
    server.postPlan.push('commit-then-timeout');
    await outbox.enqueue(reply('a'));
    const [first] = await outbox.flush();
    clock.now = first!.nextAttemptAt!;
    server.getPlan.push(err.unauthorized);
    expect((await outbox.flush())[0]!.state).toBe('paused');
    await outbox.resume();
    expect((await outbox.flush())[0]!.state).toBe('sent');
    expect(server.posts).toHaveLength(1);
    expect(server.gets).toHaveLength(2);
  });
});

describe('outbox: crash recovery', () => {
  const sendingRecord = (): OutboxRecord => ({
    id: 'crashed',
    idempotencyKey: 'crashed',
    ticketId: 3,
    message: 'Sent just before the worker died',
    attachments: ['https://cdn.example/a.png'],
    state: 'sending',
    attempts: 1,
    createdAt: T0 - 10_000,
    windowStartedAt: T0 - 10_000,
    nextAttemptAt: null,
    undoUntil: null,
    outcomeUnknown: false,
    attemptStartedAt: T0 - 10_000,
    inFlightUntil: null,
    sent: null,
    sentAt: null,
    error: null,
  });
  const initial = () => ({ version: 1, paused: false, holdUntil: null, backoffUntil: null, records: [sendingRecord()] });

  it('an entry left "sending" that never landed is checked once it can no longer be in flight, then delivered once', async () => {
    const { outbox, server, clock, scheduled } = setup({ initial: initial() });
    // Started 10 s ago: it may still be in flight at the server for another UNKNOWN_OUTCOME_WAIT_MS - 10 s.
    const [waiting] = await outbox.flush();
    expect(server.gets).toHaveLength(0);
    expect(server.posts).toHaveLength(0);
    expect(waiting).toMatchObject({ state: 'queued', nextAttemptAt: T0 - 10_000 + UNKNOWN_OUTCOME_WAIT_MS });
    expect(scheduled.at(-1)).toBe(T0 - 10_000 + UNKNOWN_OUTCOME_WAIT_MS);
    clock.now = T0 - 10_000 + UNKNOWN_OUTCOME_WAIT_MS;
    const [view] = await outbox.flush();
    expect(server.gets).toEqual([{ ticketId: 3, at: clock.now }]);
    expect(server.posts).toHaveLength(1);
    expect(view).toMatchObject({ state: 'sent', attempts: 2 });
    await outbox.flush();
    expect(server.posts).toHaveLength(1);
  });

  it('an entry left "sending" whose POST landed is marked sent without posting', async () => {
    const { outbox, server, clock } = setup({ initial: initial() });
    clock.now = T0 - 5_000;
    server.commit(3, 'Sent just before the worker died', ['https://cdn.example/a.png']);
    clock.now = T0 + UNKNOWN_OUTCOME_WAIT_MS;
    const [view] = await outbox.flush();
    expect(server.posts).toHaveLength(0);
    expect(view).toMatchObject({ state: 'sent', sent: { messageId: 100 } });
  });
});

describe('outbox: an unknown outcome means wait, then look', () => {
  const sending = (over: Partial<OutboxRecord> = {}): OutboxRecord => ({
    id: 'mid-request',
    idempotencyKey: 'mid-request',
    ticketId: 6,
    message: 'Posted while the worker stopped',
    attachments: [],
    state: 'sending',
    attempts: 1,
    createdAt: T0,
    windowStartedAt: T0,
    nextAttemptAt: null,
    undoUntil: null,
    outcomeUnknown: false,
    attemptStartedAt: T0,
    inFlightUntil: null,
    sent: null,
    sentAt: null,
    error: null,
    ...over,
  });
  const snapshotWith = (...records: OutboxRecord[]) => ({ version: 1, paused: false, holdUntil: null, backoffUntil: null, records });

  it('records the attempt start in storage before the request leaves', async () => {
    const { outbox, server, store, clock } = setup();
    let savedAtPost: OutboxRecord | undefined;
    const post = server.client.addMessage;
    server.client.addMessage = async (...args) => {
      savedAtPost = readSnapshot(await store.load()).records[0];
      return post(...args);
    };
    clock.now = T0 + 1234;
    await outbox.enqueue(reply('c-1'));
    await outbox.flush();
    expect(savedAtPost).toMatchObject({ state: 'sending', attemptStartedAt: T0 + 1234, attempts: 1 });
  });

  it('a worker stopped mid-request: no look-up, no re-send, not even forced, until the start plus the wait', async () => {
    const { outbox, server, clock, scheduled } = setup({ initial: snapshotWith(sending()) });
    // The worker restarts 600 ms later (the failing case: the look-up ran before the slow POST committed).
    for (const at of [T0 + 600, T0 + REQUEST_TIMEOUT_MS, T0 + UNKNOWN_OUTCOME_WAIT_MS - 1]) {
      clock.now = at;
      await outbox.flush();
      await outbox.flush({ force: true });
      await outbox.retry('mid-request');
      await outbox.flush({ force: true });
      expect(server.gets).toHaveLength(0);
      expect(server.posts).toHaveLength(0);
    }
    expect(scheduled.at(-1)).toBe(T0 + UNKNOWN_OUTCOME_WAIT_MS);
    // The slow request commits at the server, 2 s after it started, long after the worker was stopped.
    clock.now = T0 + 2_000;
    server.commit(6, 'Posted while the worker stopped', []);
    clock.now = T0 + UNKNOWN_OUTCOME_WAIT_MS;
    const [view] = await outbox.flush();
    expect(server.gets).toEqual([{ ticketId: 6, at: T0 + UNKNOWN_OUTCOME_WAIT_MS }]);
    expect(server.posts).toHaveLength(0);
    expect(server.messages.get(6)).toHaveLength(1);
    expect(view).toMatchObject({ state: 'sent', sent: { messageId: 100 } });
  });

  it('a timeout whose request commits after the client gave up is found by the look-up: one message', async () => {
    const { outbox, server, clock } = setup();
    server.postPlan.push({ kind: 'timeout', message: 'timed out' });
    await outbox.enqueue(reply('c-1', 2, 'Late commit'));
    clock.now = T0;
    const [afterTimeout] = await outbox.flush();
    expect(afterTimeout).toMatchObject({ state: 'queued', nextAttemptAt: T0 + UNKNOWN_OUTCOME_WAIT_MS });
    // The server finishes 2 s past our timeout.
    clock.now = T0 + REQUEST_TIMEOUT_MS + 2_000;
    await outbox.flush({ force: true });
    expect(server.gets).toHaveLength(0);
    server.commit(2, 'Late commit', []);
    clock.now = T0 + UNKNOWN_OUTCOME_WAIT_MS;
    const [final] = await outbox.flush();
    expect(server.posts).toHaveLength(1);
    expect(server.gets).toHaveLength(1);
    expect(final).toMatchObject({ state: 'sent' });
  });

  it('a dropped connection with nothing stored: looked up after the wait, then sent again once', async () => {
    const { outbox, server, clock } = setup();
    server.postPlan.push(err.network);
    await outbox.enqueue(reply('c-1', 4, 'Dropped before commit'));
    await outbox.flush();
    clock.now = T0 + UNKNOWN_OUTCOME_WAIT_MS;
    const [view] = await outbox.flush();
    expect(server.gets).toEqual([{ ticketId: 4, at: T0 + UNKNOWN_OUTCOME_WAIT_MS }]);
    expect(server.posts.map((p) => p.at)).toEqual([T0, T0 + UNKNOWN_OUTCOME_WAIT_MS]);
    expect(view).toMatchObject({ state: 'sent', attempts: 2 });
    expect(server.messages.get(4)).toHaveLength(1);
  });

  it('an answered failure (503) is done at the server: looked up after the backoff, without the in-flight wait', async () => {
    const { outbox, server, clock } = setup();
    server.postPlan.push(err.unavailable);
    await outbox.enqueue(reply('c-1'));
    const [first] = await outbox.flush();
    expect(first!.nextAttemptAt).toBeLessThan(T0 + UNKNOWN_OUTCOME_WAIT_MS);
    clock.now = first!.nextAttemptAt!;
    await outbox.flush();
    expect(server.gets).toHaveLength(1);
    expect(server.posts).toHaveLength(2);
  });

  it('a record from an older version without a start waits from the moment it is found', async () => {
    const { outbox, server, clock } = setup({ initial: snapshotWith(sending({ attemptStartedAt: null })) });
    clock.now = T0 + 60_000;
    const [view] = await outbox.flush();
    expect(view!.nextAttemptAt).toBe(T0 + 60_000 + UNKNOWN_OUTCOME_WAIT_MS);
    expect(server.gets).toHaveLength(0);
  });

  it('a reply written down ahead gets a fresh start when the request before it was slow', async () => {
    const { outbox, server, store, clock } = setup();
    await outbox.enqueue(reply('a'));
    await outbox.enqueue(reply('b'));
    const starts: (number | null | undefined)[] = [];
    const post = server.client.addMessage;
    server.client.addMessage = async (...args) => {
      starts.push(readSnapshot(await store.load()).records.find((r) => r.id === args[2].idempotencyKey)?.attemptStartedAt);
      const result = await post(...args);
      // 'a' takes 10 s to answer; meanwhile 'b' is written down as 'sending'.
      if (args[2].idempotencyKey === 'a') {
        await new Promise((r) => setTimeout(r, 20));
        clock.now += 10_000;
      }
      return result;
    };
    await outbox.flush();
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['a', 'b']);
    expect(starts).toEqual([T0, T0 + 10_000]);
  });
});

describe('outbox: dedupe matching', () => {
  const record = { message: ' Thanks!\r\n', attachments: ['u1'], createdAt: T0 } as OutboxRecord;
  const msg = (over: Partial<TicketMessage>): TicketMessage => ({
    id: 1,
    message: 'Thanks!',
    sender: 'client',
    sender_name: 'A',
    attachments: ['u1'],
    created_at: new Date(T0).toISOString(),
    ...over,
  });

  it('matches trimmed text, same attachments, after createdAt minus the skew', () => {
    expect(findDelivered([msg({})], record, new Set())?.id).toBe(1);
    expect(findDelivered([msg({ created_at: new Date(T0 - DEDUPE_SKEW_MS + 1000).toISOString() })], record, new Set())?.id).toBe(1);
  });

  it.each([
    ['older than the entry', { created_at: new Date(T0 - DEDUPE_SKEW_MS - 1000).toISOString() }],
    ['different text', { message: 'Thanks' }],
    ['different attachments', { attachments: ['u2'] }],
    ['from support staff', { sender: 'support' }],
    ['an unreadable date', { created_at: 'yesterday-ish' }],
  ])('ignores a message %s', (_label, over) => {
    expect(findDelivered([msg(over)], record, new Set())).toBeNull();
  });

  it('does not let two identical replies claim one server message', async () => {
    const { outbox, server, clock } = setup();
    server.postPlan.push('commit-then-timeout', err.network);
    await outbox.enqueue(reply('a', 1, 'Thanks!'));
    await outbox.enqueue(reply('b', 1, 'Thanks!'));
    const [first] = await outbox.flush();
    clock.now = first!.nextAttemptAt!;
    await outbox.flush();
    clock.now += 60 * 60_000;
    const views = await outbox.flush();
    expect(views.map((v) => v.state)).toEqual(['sent', 'sent']);
    expect(server.messages.get(1)).toHaveLength(2);
    expect(new Set(views.map((v) => v.sent?.messageId)).size).toBe(2);
  });
});

describe('outbox: undo window', () => {
  it('holds a reply for its window, even against a forced flush, then posts it once', async () => {
    const { outbox, server, clock, scheduled, store } = setup();
    const view = await outbox.enqueue({ ...reply('u', 4), undoMs: 10_000 });
    expect(view).toMatchObject({ state: 'queued', undoUntil: T0 + 10_000, nextAttemptAt: T0 + 10_000 });
    // Durable from the start: a worker stopped inside the window still sends it afterwards.
    expect(readSnapshot(await store.load()).records[0]).toMatchObject({ id: 'u', undoUntil: T0 + 10_000 });
    expect(scheduled.at(-1)).toBe(T0 + 10_000);
    clock.now = T0 + 9_999;
    await outbox.flush();
    await outbox.flush({ force: true });
    expect(server.posts).toHaveLength(0);
    clock.now = T0 + 10_000;
    const [sent] = await outbox.flush();
    expect(sent).toMatchObject({ state: 'sent', undoUntil: null });
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['u']);
  });

  it('an undo inside the window discards the reply: no request, ever', async () => {
    const { outbox, server, clock } = setup();
    await outbox.enqueue({ ...reply('u'), undoMs: 5_000 });
    expect(await outbox.discard('u')).toBe(true);
    clock.now = T0 + 60_000;
    await outbox.flush({ force: true });
    expect(server.posts).toHaveLength(0);
    expect(await outbox.list()).toEqual([]);
  });

  it('does not hold the replies queued behind it, and refuses a window past the limit', async () => {
    const { outbox, server } = setup();
    await outbox.enqueue({ ...reply('held'), undoMs: 5_000 });
    await outbox.enqueue(reply('plain'));
    await outbox.flush();
    expect(server.posts.map((p) => p.idempotencyKey)).toEqual(['plain']);
    await expect(outbox.enqueue({ ...reply('x'), undoMs: MAX_UNDO_MS + 1 })).rejects.toThrow(TypeError);
  });
});

describe('outbox: retry, discard, list, prune', () => {
  it('retry() requeues a failed entry now; discard() removes it; list() filters by ticket', async () => {
    const { outbox, server } = setup();
    server.postPlan.push(err.notFound);
    await outbox.enqueue(reply('a', 1));
    await outbox.enqueue(reply('b', 2));
    await outbox.flush();
    expect((await outbox.list(1)).map((v) => [v.id, v.state])).toEqual([['a', 'failed']]);
    expect(await outbox.retry('a')).toMatchObject({ state: 'queued', error: null });
    await outbox.flush();
    expect((await outbox.list(1))[0]!.state).toBe('sent');
    expect(await outbox.retry('missing')).toBeNull();
    expect(await outbox.discard('b')).toBe(true);
    expect(await outbox.discard('b')).toBe(false);
    expect((await outbox.list()).map((v) => v.id)).toEqual(['a']);
  });

  it('does not discard an entry while it is being sent', async () => {
    const { outbox, server } = setup();
    server.setPostDelay(10);
    await outbox.enqueue(reply('a'));
    const flushing = outbox.flush();
    await new Promise((r) => setTimeout(r, 3));
    expect(await outbox.discard('a')).toBe(false);
    await flushing;
    expect((await outbox.list())[0]!.state).toBe('sent');
  });

  it('prune() removes sent entries older than a day and keeps the rest', async () => {
    const { outbox, server, clock } = setup();
    server.postPlan.push('ok', err.closed);
    await outbox.enqueue(reply('old'));
    await outbox.enqueue(reply('failed'));
    await outbox.flush();
    clock.now += 24 * 60 * 60_000 + 1;
    await outbox.enqueue(reply('new'));
    await outbox.flush();
    expect(await outbox.prune()).toBe(1);
    expect((await outbox.list()).map((v) => v.id)).toEqual(['failed', 'new']);
  });

  it('reports every change and tolerates unreadable stored data', async () => {
    const { outbox, changes } = setup({ initial: { version: 1, records: [{ id: 5 }, 'junk'], paused: 'yes' } });
    expect(await outbox.list()).toEqual([]);
    expect(await outbox.isPaused()).toBe(false);
    await outbox.enqueue(reply('a'));
    expect(changes.at(-1)).toEqual({ changed: ['a:queued'], all: 1 });
  });

  it('tells each step what it changed, not every entry; a pause changes them all', async () => {
    const { outbox, changes, server } = setup();
    for (const id of ['a', 'b', 'c']) await outbox.enqueue(reply(id));
    const from = changes.length;
    await outbox.flush();
    const steps = changes.slice(from);
    expect(steps.map((c) => c.changed.join(' '))).toContain('c:sent');
    // A step names the reply it moved (and a deferred one its write carried along), never the whole queue.
    expect(steps.every((c) => c.changed.length <= 2 && c.all === 3)).toBe(true);
    server.postPlan.push(err.unauthorized);
    await outbox.enqueue(reply('d'));
    await outbox.flush();
    expect(changes.at(-1)!.changed).toEqual(['a:sent', 'b:sent', 'c:sent', 'd:paused']);
  });
});
