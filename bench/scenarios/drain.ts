/** Outbox drain: N replies queued over many tickets, delivered after sign-in, against N sequential raw signed POSTs. */
import type { Page, Worker } from 'playwright-core';
import { control, DEMO, startRig, type Rig } from '../../tests/e2e/fixtures';
import { CFG, log } from '../lib/config';
import { call, installRawPost, newTicket, prepareRig, sleep, storedCount, waitFor } from '../lib/helpers';
import { figures, stats } from '../lib/stats';

/**
 * Each drain round runs in a browser and sandbox of its own: an outbox keeps sent replies for a day, and a
 * storage area holding the thousands of replies of earlier rounds makes every write slower (3.3 ms per write
 * with 1,000 kept, 6.8 ms with 4,000 on this machine), which would measure the rounds, not a drain.
 */
export async function drain() {
  for (let round = 1; round <= CFG.drainRounds; round++) {
    const rig = await startRig();
    try {
      await prepareRig(rig);
      const page = await rig.openPage('options.html');
      const worker = await rig.worker();
      await installRawPost(worker, rig);
      await drainRound(rig, page, worker, round);
    } finally {
      await rig.close();
    }
  }
  const n = CFG.drain;
  const exact = drainRounds.every((r) => r.stored === n && r.distinct === n);
  const ordered = drainRounds.every((r) => r.ticketsOutOfOrder === 0);
  const outs = drainRounds.map((r) => r.ms);
  const raws = drainRounds.map((r) => r.rawMs);
  const ratio = stats(drainRounds.map((r) => r.ms / r.rawMs));
  const floors = drainRounds.flatMap((r) => (r.durableFloorMs === null ? [] : [r.durableFloorMs]));
  figures.push({
    name: `Outbox drain (${n.toLocaleString('en')} replies, ${CFG.drainTickets} tickets)`,
    unit: 'ms',
    compare: 'ratio',
    value: stats(outs),
    baseline: stats(raws),
    ratio,
    goal: `≤ 1.0× sequential raw POSTs; exactly ${n} arrive, each ticket's in order`,
    pass: ratio.median <= 1.0 && exact && ordered,
    notes: `${CFG.drainRounds} round(s), each in a fresh browser and sandbox: a raw run (n sequential POSTs over ${CFG.drainTickets} tickets), then sign-out, n replies queued (reply i to ticket i mod ${CFG.drainTickets}), sign-in → the n-th reply stored; the extension figure includes the sign-in request`,
    extra: {
      rounds: drainRounds,
      exactlyOnce: exact,
      inOrderPerTicket: ordered,
      perReplyMs: stats(outs.map((ms) => ms / n)),
      perRawMs: stats(raws.map((ms) => ms / n)),
      // Not the goal's baseline: a POST between two plain storage writes, what durability costs done naively.
      durableFloorMs: stats(floors),
      ratioToDurableFloor: stats(drainRounds.flatMap((r) => (r.durableFloorMs === null ? [] : [r.ms / r.durableFloorMs]))),
    },
  });
}

const drainRounds: {
  round: number;
  ms: number;
  rawMs: number;
  durableFloorMs: number | null;
  queueMs: number;
  stored: number;
  distinct: number;
  /** Tickets whose stored replies are not in the order they were queued. */
  ticketsOutOfOrder: number;
}[] = [];

/** `count` fresh tickets in the sandbox. */
async function newTickets(rig: Rig, subject: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(await newTicket(rig, `${subject} ${i + 1}`));
  return ids;
}

async function drainRound(rig: Rig, page: Page, worker: Worker, round: number) {
  const n = CFG.drain;

  /** n sequential raw signed POSTs from the worker, over as many tickets as the drain: the baseline. */
  const rawDrain = async () => {
    const rawTickets = await newTickets(rig, 'Bench: raw drain', CFG.drainTickets);
    const ms = await worker.evaluate(
      async ([tickets, n]) => {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          const r = await (globalThis as any).__dqrRaw(tickets[i % tickets.length], `raw drain ${i}`);
          if (r.status !== 201) throw new Error(`raw POST ${r.status}`);
        }
        return performance.now() - t0;
      },
      [rawTickets, n] as const,
    );
    const stored = rawTickets.reduce((sum, id) => sum + storedCount(rig, id), 0);
    if (stored !== n) throw new Error(`raw drain stored ${stored}`);
    return ms;
  };

  // What durability alone costs: the same POSTs, each between two storage writes of one reply record
  // (written down as 'sending' before the request, 'sent' after), as a naive outbox would do.
  const durableFloor = async () => {
    const durableTicket = await newTicket(rig, 'Bench: durable floor');
    const durableMs = await worker.evaluate(
      async ([ticketId, n]) => {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          const record = {
            id: `bench-${i}`,
            ticketId,
            message: `durable floor ${i}`,
            attachments: [],
            state: 'sending',
            attempts: 1,
            createdAt: Date.now(),
          };
          await chrome.storage.local.set({ [`bench:r:${i}`]: record, 'bench:meta': { version: 2, paused: false } });
          const r = await (globalThis as any).__dqrRaw(ticketId, `durable floor ${i}`);
          if (r.status !== 201) throw new Error(`raw POST ${r.status}`);
          await chrome.storage.local.set({
            [`bench:r:${i}`]: { ...record, state: 'sent', sent: r.json.data },
            'bench:meta': { version: 2, paused: false },
          });
        }
        const ms = performance.now() - t0;
        await chrome.storage.local.remove([...Array.from({ length: n }, (_, i) => `bench:r:${i}`), 'bench:meta']);
        return ms;
      },
      [durableTicket, n] as const,
    );
    log(`durable floor: ${n} POSTs, each between two storage writes, in ${durableMs.toFixed(0)} ms`);
    return durableMs;
  };

  /** Queue n replies over the tickets while signed out (the outbox pauses), then sign in: the drain runs. */
  const outboxDrain = async (round: number) => {
    const tickets = await newTickets(rig, `Bench: outbox drain ${round}`, CFG.drainTickets);
    const storedAll = () => tickets.reduce((sum, id) => sum + storedCount(rig, id), 0);
    await call(page, 'auth/sign-out', {});
    const q0 = Date.now();
    await page.evaluate(
      async ([tickets, n]) => {
        const batch = 25;
        for (let i = 0; i < n; i += batch) {
          await Promise.all(
            Array.from({ length: Math.min(batch, n - i) }, (_, k) =>
              chrome.runtime.sendMessage({
                channel: 'daakey-qr/v1',
                type: 'reply/send',
                payload: {
                  clientId: crypto.randomUUID(),
                  ticketId: tickets[(i + k) % tickets.length],
                  message: `outbox drain ${i + k}`,
                  attachments: [],
                },
              }),
            ),
          );
        }
      },
      [tickets, n] as const,
    );
    const queueMs = Date.now() - q0;
    await sleep(500);
    const before = storedAll();
    log(
      `round ${round}: queued ${n} replies over ${tickets.length} tickets in ${queueMs} ms while signed out (${before} delivered meanwhile)`,
    );
    const t0 = Date.now();
    const signIn = await call(page, 'auth/sign-in', { email: DEMO.email, password: DEMO.password });
    if (!signIn.ok) throw new Error(`sign-in failed: ${JSON.stringify(signIn.error)}`);
    await waitFor(() => storedAll() >= n, 20 * 60_000, 5);
    const ms = Date.now() - t0;
    await sleep(1000);
    const texts: string[] = [];
    let ticketsOutOfOrder = 0;
    for (const id of tickets) {
      const stored = ((await control<{ messages: { message: string }[] }>(rig, 'GET', `/tickets/${id}/messages`)).messages ?? []).filter(
        (m) => m.message.startsWith('outbox drain '),
      );
      const order = stored.map((m) => Number(m.message.slice('outbox drain '.length)));
      if (order.some((x, i) => i > 0 && x <= order[i - 1]!)) ticketsOutOfOrder++;
      texts.push(...stored.map((m) => m.message));
    }
    return { ms, queueMs, stored: texts.length, distinct: new Set(texts).size, ticketsOutOfOrder };
  };

  // The floor once, in the first round, before the outbox holds anything (it removes its own keys again).
  const durableFloorMs = round === 1 ? await durableFloor() : null;
  const rawMs = await rawDrain();
  const result = await outboxDrain(round);
  log(
    `round ${round}: raw ${n} POSTs in ${rawMs.toFixed(0)} ms; outbox drain ${result.stored} stored (${result.distinct} distinct, ${result.ticketsOutOfOrder} tickets out of order) in ${result.ms} ms`,
  );
  drainRounds.push({
    round,
    ...result,
    rawMs: Math.round(rawMs),
    durableFloorMs: durableFloorMs === null ? null : Math.round(durableFloorMs),
  });
}
