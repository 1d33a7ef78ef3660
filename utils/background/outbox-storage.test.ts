import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { UNKNOWN_OUTCOME_WAIT_MS } from '@/utils/shared/api-contract';
import type { TicketMessage, TicketWithMessages } from '@/utils/shared/daakey-types';
import { createMemoryOutboxStore, createOutbox, readSnapshot, type OutboxClient, type OutboxStore } from './outbox';
import { createOutboxStorage, OUTBOX_LEGACY_KEY, OUTBOX_META_KEY, OUTBOX_RECORD_PREFIX } from './outbox-storage';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

function setup() {
  const clock = { now: T0 };
  let nextId = 1;
  const posted: string[] = [];
  const checked: number[] = [];
  const server: TicketMessage[] = [];
  const client: OutboxClient = {
    async addMessage(_ticketId, body) {
      posted.push(body.message);
      const message: TicketMessage = {
        id: nextId++,
        message: body.message,
        sender: 'client',
        sender_name: 'Agent',
        attachments: [],
        created_at: new Date(clock.now).toISOString(),
      };
      server.push(message);
      return { ok: true, status: 201, data: message };
    },
    async getTicket(ticketId) {
      checked.push(ticketId);
      return { ok: true, status: 200, data: { id: ticketId, messages: [...server] } as unknown as TicketWithMessages };
    },
  };
  const make = () =>
    createOutbox({
      store: createOutboxStorage(fakeBrowser.storage.local),
      client,
      clock: () => clock.now++,
      random: () => 0.5,
      schedule: () => undefined,
    });
  return { make, posted, checked, server, clock };
}

/** A server that takes every reply (201) and is never asked to look one up. */
function acceptingClient(onPost: (message: string) => void): OutboxClient {
  return {
    async addMessage(_ticketId, body) {
      onPost(body.message);
      return {
        ok: true,
        status: 201,
        data: { id: 1, message: body.message, sender: 'client', sender_name: 'A', attachments: [], created_at: new Date().toISOString() },
      };
    },
    async getTicket() {
      throw new Error('not expected');
    },
  };
}

/** Records every `set`, to see what each step writes. */
function spyOnSets() {
  const sets: Record<string, unknown>[] = [];
  const original = fakeBrowser.storage.local.set.bind(fakeBrowser.storage.local);
  fakeBrowser.storage.local.set = async (items: Record<string, unknown>) => {
    sets.push(items);
    return original(items);
  };
  return sets;
}

/** A memory store that logs each save as "save id:state,…", to see what each step writes and when. */
function loggingStore(events: string[]): OutboxStore {
  const memory = createMemoryOutboxStore();
  return {
    load: memory.load,
    save: async (snapshot, delta) => {
      events.push(`save ${delta.changed.map((r) => `${r.id}:${r.state}`).join(',')}`);
      await memory.save(snapshot, delta);
    },
  };
}

/** Storage as it stood after each write: where a worker stopped between two writes would leave it. */
function copyAfterEachSet(): Record<string, unknown>[] {
  const copies: Record<string, unknown>[] = [];
  const original = fakeBrowser.storage.local.set.bind(fakeBrowser.storage.local);
  fakeBrowser.storage.local.set = async (items: Record<string, unknown>) => {
    await original(items);
    copies.push(structuredClone(await fakeBrowser.storage.local.get(null)));
  };
  return copies;
}

describe('outbox storage', () => {
  beforeEach(() => fakeBrowser.reset());

  it('keeps one key per reply and survives a new instance (a restarted worker)', async () => {
    const { make, posted } = setup();
    const first = make();
    await first.enqueue({ clientId: 'a', ticketId: 1, message: 'first', attachments: [] });
    await first.enqueue({ clientId: 'b', ticketId: 2, message: 'second', attachments: ['https://cdn.test/x.png'] });
    const stored = await fakeBrowser.storage.local.get(null);
    expect(Object.keys(stored).sort()).toEqual([OUTBOX_META_KEY, `${OUTBOX_RECORD_PREFIX}a`, `${OUTBOX_RECORD_PREFIX}b`]);

    const second = make();
    expect((await second.list()).map((e) => [e.id, e.state])).toEqual([
      ['a', 'queued'],
      ['b', 'queued'],
    ]);
    await second.flush();
    expect(posted).toEqual(['first', 'second']);
    expect((await make().list()).map((e) => e.state)).toEqual(['sent', 'sent']);
  });

  it('writes only the reply that changed: a step costs the same with 1 or 300 replies waiting', async () => {
    const { make } = setup();
    const outbox = make();
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => outbox.enqueue({ clientId: `c${i}`, ticketId: 1, message: `m${i}`, attachments: [] })),
    );
    const sets = spyOnSets();
    await outbox.flush();
    // One write per reply: its 'sending' carries the previous reply's 'sent'; one more for the last 'sent'.
    expect(sets).toHaveLength(301);
    const recordKeys = sets.map((items) => Object.keys(items).filter((k) => k.startsWith(OUTBOX_RECORD_PREFIX)));
    expect(recordKeys.every((keys) => keys.length >= 1 && keys.length <= 2)).toBe(true);
    expect(Math.max(...sets.map((items) => JSON.stringify(items).length))).toBeLessThan(2000);
    const stored = readSnapshot(await createOutboxStorage(fakeBrowser.storage.local).load());
    expect(stored.records.filter((r) => r.state === 'sent')).toHaveLength(300);
  });

  it("a worker that dies before a reply's deferred 'sent' is written: the next one finds the reply on the server and posts nothing", async () => {
    const { make, posted, checked, clock } = setup();
    const outbox = make();
    await outbox.enqueue({ clientId: 'late', ticketId: 4, message: 'deferred', attachments: [] });
    const copies = copyAfterEachSet();
    await outbox.flush();
    expect(posted).toEqual(['deferred']);
    // Storage as it was after the 'sending' write, before the 'sent' one: the worker died in between.
    const beforeSent = copies.findLast((c) => (c[`${OUTBOX_RECORD_PREFIX}late`] as { state: string }).state === 'sending');
    expect(beforeSent).toBeDefined();
    fakeBrowser.reset();
    await fakeBrowser.storage.local.set(beforeSent!);

    const restarted = make();
    // Its request may still be in flight at the server: nothing is looked up before the wait is over.
    await restarted.flush();
    expect(checked).toEqual([]);
    clock.now += UNKNOWN_OUTCOME_WAIT_MS;
    const [entry] = await restarted.flush();
    expect(entry).toMatchObject({ id: 'late', state: 'sent' });
    expect(checked).toEqual([4]);
    expect(posted).toEqual(['deferred']);
  });

  it('a Send costs one storage write before its POST: the new reply is written with its "sending"', async () => {
    const events: string[] = [];
    const store = loggingStore(events);
    let outbox: ReturnType<typeof createOutbox>;
    const client = acceptingClient(() => events.push('POST'));
    // As the background does: a wake-up "due now" starts a flush at once.
    outbox = createOutbox({
      store,
      client,
      clock: Date.now,
      random: () => 0.5,
      schedule: (at) => void (at !== null && at <= Date.now() && outbox.flush()),
    });
    const view = await outbox.enqueue({ clientId: 'one', ticketId: 2, message: 'hello', attachments: [] });
    expect(['queued', 'sending', 'sent']).toContain(view.state);
    await expect.poll(() => events.includes('POST')).toBe(true);
    expect(events[0]).toBe('save one:sending');
    expect(events[1]).toBe('POST');
  });

  it("in a drain, the next reply's 'sending' is written while the current reply's request is in flight", async () => {
    const events: string[] = [];
    const store = loggingStore(events);
    const client: OutboxClient = {
      async addMessage(ticketId, body) {
        events.push(`POST ${body.message}`);
        // The request stays in flight until the next reply's 'sending' is written (or 2 s, so that an outbox that
        // does not write ahead fails the order below instead of hanging): no race with a timer on a loaded machine.
        const next = ({ a: 'b', b: 'c' } as Record<string, string>)[body.message];
        const until = Date.now() + 2000;
        while (next && !events.some((e) => e.startsWith('save ') && e.includes(`${next}:sending`)) && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 1));
        }
        events.push(`201 ${body.message}`);
        const data = { id: ticketId, message: body.message, sender: 'client', sender_name: 'A', attachments: [], created_at: '' };
        return { ok: true, status: 201, data } as const;
      },
      async getTicket() {
        throw new Error('not expected');
      },
    };
    const outbox = createOutbox({ store, client, clock: Date.now, random: () => 0.5, schedule: () => undefined });
    for (const id of ['a', 'b', 'c']) await outbox.enqueue({ clientId: id, ticketId: 1, message: id, attachments: [] });
    events.length = 0;
    const views = await outbox.flush();
    expect(events).toEqual([
      'save a:sending',
      'POST a',
      'save b:sending',
      '201 a',
      'POST b',
      'save a:sent,c:sending',
      '201 b',
      'POST c',
      '201 c',
      'save b:sent,c:sent',
    ]);
    expect(views.map((v) => [v.id, v.state, v.attempts])).toEqual([
      ['a', 'sent', 1],
      ['b', 'sent', 1],
      ['c', 'sent', 1],
    ]);
  });

  it('a worker that stops after the next reply was written down ahead: recovery checks it, then posts it once', async () => {
    const { make, posted, checked, server, clock } = setup();
    const outbox = make();
    await outbox.enqueue({ clientId: 'first', ticketId: 4, message: 'first', attachments: [] });
    await outbox.enqueue({ clientId: 'second', ticketId: 5, message: 'second', attachments: [] });
    const copies = copyAfterEachSet();
    await outbox.flush();
    expect(posted).toEqual(['first', 'second']);
    // Storage right after 'second' was written down ahead, before its request: the worker stopped there.
    const state = (c: Record<string, unknown>, id: string) => (c[`${OUTBOX_RECORD_PREFIX}${id}`] as { state: string }).state;
    const stoppedThere = copies.find((c) => state(c, 'second') === 'sending');
    expect(stoppedThere).toBeDefined();
    fakeBrowser.reset();
    await fakeBrowser.storage.local.set(stoppedThere!);
    // The worker stopped before the request for 'second' went out: the server never got it.
    server.splice(
      server.findIndex((m) => m.message === 'second'),
      1,
    );
    posted.length = 0;
    checked.length = 0;

    const restarted = make();
    await restarted.flush();
    expect(checked).toEqual([]);
    clock.now += UNKNOWN_OUTCOME_WAIT_MS;
    const entries = await restarted.flush();
    expect(entries.map((e) => [e.id, e.state])).toEqual([
      ['first', 'sent'],
      ['second', 'sent'],
    ]);
    // 'second' never went: looked up, not found, posted now. 'first' (sent, or in flight and found) is not posted again.
    expect(checked).toContain(5);
    expect(posted).toEqual(['second']);
  });

  it('a reply whose first write fails is forgotten, and the Send gets the error', async () => {
    const memory = createMemoryOutboxStore();
    let fail = true;
    const store: OutboxStore = {
      load: memory.load,
      save: async (snapshot, delta) => {
        if (fail) throw new Error('QUOTA_BYTES quota exceeded');
        await memory.save(snapshot, delta);
      },
    };
    const posted: string[] = [];
    const client = acceptingClient((message) => posted.push(message));
    const outbox = createOutbox({ store, client, clock: Date.now, random: () => 0.5, schedule: () => undefined });
    await expect(outbox.enqueue({ clientId: 'lost?', ticketId: 2, message: 'not stored', attachments: [] })).rejects.toThrow(/quota/);
    fail = false;
    expect(await outbox.list()).toEqual([]);
    await outbox.flush();
    expect(posted).toEqual([]);
  });

  it('removes the keys of discarded and pruned replies', async () => {
    const { make } = setup();
    const outbox = make();
    await outbox.enqueue({ clientId: 'gone', ticketId: 1, message: 'x', attachments: [] });
    await outbox.discard('gone');
    expect(Object.keys(await fakeBrowser.storage.local.get(null))).toEqual([OUTBOX_META_KEY]);
  });

  it('migrates a version 1 outbox (the whole snapshot under one key) without losing or resending anything', async () => {
    const record = (id: string, state: string, createdAt: number) => ({
      id,
      idempotencyKey: id,
      ticketId: 3,
      message: `text ${id}`,
      attachments: [],
      state,
      attempts: state === 'sent' ? 1 : 0,
      createdAt,
      windowStartedAt: createdAt,
      nextAttemptAt: null,
      outcomeUnknown: false,
      sent: state === 'sent' ? { messageId: 9, senderName: 'Agent', createdAt: new Date(createdAt).toISOString() } : null,
      sentAt: state === 'sent' ? createdAt : null,
      error: null,
    });
    await fakeBrowser.storage.local.set({
      [OUTBOX_LEGACY_KEY]: {
        version: 1,
        paused: true,
        holdUntil: null,
        backoffUntil: null,
        records: [record('old-sent', 'sent', T0 - 2000), record('old-queued', 'queued', T0 - 1000)],
      },
      [`${OUTBOX_LEGACY_KEY}$`]: { v: 1 },
    });
    const { make, posted } = setup();
    const outbox = make();
    expect((await outbox.list()).map((e) => [e.id, e.state])).toEqual([
      ['old-sent', 'sent'],
      ['old-queued', 'paused'],
    ]);
    await outbox.resume();
    const stored = await fakeBrowser.storage.local.get(null);
    expect(Object.keys(stored).sort()).toEqual([OUTBOX_META_KEY, `${OUTBOX_RECORD_PREFIX}old-queued`, `${OUTBOX_RECORD_PREFIX}old-sent`]);
    await outbox.flush();
    expect(posted).toEqual(['text old-queued']);
    expect(readSnapshot(await createOutboxStorage(fakeBrowser.storage.local).load()).records.map((r) => r.state)).toEqual(['sent', 'sent']);
  });

  it('drops a record it cannot read instead of failing to start', async () => {
    await fakeBrowser.storage.local.set({
      [OUTBOX_META_KEY]: { version: 2, paused: false, holdUntil: null, backoffUntil: null },
      [`${OUTBOX_RECORD_PREFIX}bad`]: 'garbage',
    });
    const { make } = setup();
    expect(await make().list()).toEqual([]);
  });
});
