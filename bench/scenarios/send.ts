/** Send overhead: a reply through the extension to sandbox receipt, against a raw signed POST from the worker. */
import type { Page, Worker } from 'playwright-core';
import type { Rig } from '../../tests/e2e/fixtures';
import { CFG } from '../lib/config';
import { newTicket, sleep, waitFor } from '../lib/helpers';
import { paired, stats } from '../lib/stats';

/** Sandbox receipt time (ms, the sandbox's clock = this process's Date.now) of the POST carrying `message`. */
function receiptOf(rig: Rig, message: string): number | null {
  const requests = rig.sandbox.state.requests as { method: string; body: string; time: string; status: number | null }[];
  const r = requests.find((q) => q.method === 'POST' && q.body.includes(message));
  return r ? Date.parse(r.time) : null;
}

export async function send(rig: Rig, page: Page, worker: Worker) {
  const ticketId = await newTicket(rig, 'Bench: send overhead');
  const ext: number[] = [];
  const raw: number[] = [];
  const enqueue: number[] = [];
  for (let rep = 0; rep < CFG.sendReps + 3; rep++) {
    // Extension path: an extension page's reply/send → router → outbox (storage) → signature → ky → sandbox.
    const m1 = `bench send ext ${rep} ${Math.random()}`;
    // Nothing else talks to the background meanwhile (polling outbox/list would compete with the flush).
    const t1 = await page.evaluate(
      async ([ticketId, message]) => {
        const t0 = Date.now();
        await chrome.runtime.sendMessage({
          channel: 'daakey-qr/v1',
          type: 'reply/send',
          payload: { clientId: crypto.randomUUID(), ticketId, message, attachments: [] },
        });
        return { t0, enqueued: Date.now() };
      },
      [ticketId, m1] as const,
    );
    const r1 = await waitFor(() => receiptOf(rig, m1));
    // Let the outbox record it as sent before the baseline runs.
    await waitFor(
      () => (rig.sandbox.state.requests as { body: string; status: number | null }[]).find((q) => q.body.includes(m1) && q.status !== null),
      10_000,
    );
    await sleep(150);
    // Baseline: the same body, signed and fetched raw from the same service worker.
    const m2 = `bench send raw ${rep} ${Math.random()}`;
    const t2 = await worker.evaluate(
      async ([ticketId, message]) => {
        const t0 = Date.now();
        const r = await (globalThis as any).__dqrRaw(ticketId, message);
        if (r.status !== 201) throw new Error(`raw POST ${r.status}`);
        return { t0, done: Date.now() };
      },
      [ticketId, m2] as const,
    );
    const r2 = await waitFor(() => receiptOf(rig, m2));
    if (rep >= 3) {
      ext.push(r1 - t1.t0);
      raw.push(r2 - t2.t0);
      enqueue.push(t1.enqueued - t1.t0);
    }
  }
  paired(
    'Send overhead (to sandbox receipt)',
    'ms',
    'difference',
    ext,
    raw,
    5,
    '≤ +5 ms median',
    'reply/send from an extension page → sandbox receipt, minus a raw signed fetch from the service worker → receipt (ms clocks)',
    {
      replySendAnswerMs: stats(enqueue),
    },
  );
}
