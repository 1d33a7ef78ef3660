/**
 * Chaos run: many replies through the real extension's durable outbox against a sandbox that drops, fails,
 * rate-limits and delays reply POSTs at random, while the service worker is stopped at random moments.
 * Counts, per unique reply text, how many messages the server stored: exactly once is the only right answer.
 *
 *   npx tsx tests/chaos/chaos.ts --replies 1000 --fault-rate 0.3 [--worker-stops 6] [--time-limit 900] [--seed 1]
 *
 * Against the strict sandbox (Idempotency-Key ignored): each worker stop waits for a reply POST the sandbox is
 * holding in flight (a latency fault, committed when it ends), so the outbox's "wait, then look" is exercised.
 *
 * Exits 1 when any reply is duplicated or lost. Needs a build (`npx wxt build`) and Debian's Chromium.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { FaultSpec, RecordedRequest } from '../../sandbox/state';
import { configureAndSignIn, control, startRig } from '../e2e/fixtures';

export const OPEN_TICKETS = [1, 4, 5, 6, 8, 10, 12] as const;
const REPLY_POSTS = { method: 'POST', pathPrefix: '/api/v1/client/tickets/' };
const RESULTS_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface ChaosOptions {
  replies: number;
  /** Share of reply POSTs that meet a fault (split evenly over six kinds). */
  faultRate: number;
  workerStops: number;
  /**
   * Pause before each worker stop, drawn between these bounds (default 2–8 s). A short run needs short
   * pauses, or its drain can end before the stops it is meant to survive.
   */
  stopEveryMs?: readonly [number, number];
  timeLimitMs: number;
  log?: (line: string) => void;
  /** Seeds the sandbox's fault PRNG (default: random, printed). */
  seed?: number;
  /** Default `tests/chaos/results.json`. */
  resultsFile?: string;
}

export interface ChaosResult {
  replies: number;
  faultRate: number;
  seed: number;
  delivered: number;
  duplicates: number;
  lost: number;
  /** Outbox entries left in queued/sending when the run ended (time limit reached). */
  pending: number;
  /** Outbox entries by state at the end. */
  outboxStates: Record<string, number>;
  workerStops: number;
  /** Worker stops made while the sandbox held a reply POST in flight (a latency fault, before its commit). */
  workerStopsWithPostInFlight: number;
  flushes: number;
  wallTimeMs: number;
  /** From enqueueing the first reply until the outbox had nothing queued or sending. */
  drainTimeMs: number;
  timedOut: boolean;
  requests: {
    replyPosts: number;
    byOutcome: Record<string, number>;
    byStatus: Record<string, number>;
    faults: Record<string, number>;
    replayed: number;
    /** POSTs that committed a new message (201, not replayed, not dropped before commit). */
    commits: number;
    withoutIdempotencyKey: number;
  };
  /** Evidence for each duplicated or lost text (first 20). */
  problems: {
    text: string;
    ticketId: number;
    stored: number;
    posts: Pick<RecordedRequest, 'seq' | 'status' | 'outcome' | 'idempotencyKey' | 'replayed' | 'faults' | 'time'>[];
  }[];
}

/** Fault specs whose overall shares are each `faultRate / 6` (terminal faults are exclusive, taken in order). */
export function chaosFaults(faultRate: number): FaultSpec[] {
  const share = faultRate / 6;
  const terminal: FaultSpec[] = [
    { type: 'drop-after-commit', match: REPLY_POSTS },
    { type: 'drop-before-commit', match: REPLY_POSTS },
    { type: 'status', status: 503, match: REPLY_POSTS },
    { type: 'status', status: 500, match: REPLY_POSTS },
    { type: 'status', status: 429, retryAfter: 1, match: REPLY_POSTS },
  ];
  // P(fault i) = p_i · Π_{j<i} (1 − p_j) = share  ⇒  p_i = share / (1 − i·share).
  const faults = terminal.map((f, i) => ({ ...f, probability: Math.min(1, share / (1 - i * share)) }) as FaultSpec);
  // Long enough for a worker stop to land while the sandbox holds the POST (it commits when the delay ends).
  faults.push({ type: 'latency', ms: 1000, maxMs: 3000, probability: share, match: REPLY_POSTS });
  return faults;
}

type Reply<T> = { ok: true; data: T } | { ok: false; error: unknown };
interface OutboxView {
  id: string;
  state: string;
}

/** Sends one protocol message from an extension page; a stopped worker is woken by it. Rejects when the port closed. */
async function send<T>(page: Page, type: string, payload: unknown): Promise<Reply<T>> {
  // A message caught by a worker stop can stay unanswered forever: give up after 10 s.
  return page.evaluate(
    async ({ type, payload }) =>
      (await Promise.race([
        chrome.runtime.sendMessage({ channel: 'daakey-qr/v1', type, payload }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 10 s')), 10_000)),
      ])) as Reply<T>,
    { type, payload },
  );
}

/** Enqueues a batch; entries are keyed by clientId, so a batch interrupted by a worker stop is simply sent again. */
async function enqueueBatch(
  page: Page,
  batch: { clientId: string; ticketId: number; message: string }[],
  log: (line: string) => void,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const failures = await page.evaluate(async (items) => {
      const results = await Promise.all(
        items.map((item) =>
          Promise.race([
            chrome.runtime.sendMessage({ channel: 'daakey-qr/v1', type: 'reply/send', payload: { ...item, attachments: [] } }),
            new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 15 s')), 15_000)),
          ])
            .then((r: { ok: boolean; error?: unknown }) => (r?.ok ? null : JSON.stringify(r?.error ?? r)))
            .catch((e: unknown) => String(e)),
        ),
      );
      return results.filter((r): r is string => r !== null);
    }, batch);
    if (failures.length === 0) return;
    log(`  enqueue: ${failures.length} of ${batch.length} not confirmed (${failures[0]}); sending the batch again`);
    if (attempt >= 8) throw new Error(`enqueue kept failing: ${failures[0]}`);
    await new Promise((r) => setTimeout(r, 300 * attempt));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function count(values: string[]): Record<string, number> {
  const acc: Record<string, number> = {};
  for (const v of values) acc[v] = (acc[v] ?? 0) + 1;
  return acc;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const started = Date.now();
  // Every request of the run is counted: keep them all (each reply makes a few).
  const rig = await startRig({ maxRecordedRequests: options.replies * 20 + 1000 });
  try {
    await configureAndSignIn(rig);
    const page = await rig.openPage('popup.html');
    const runId = `${started.toString(36)}-${seed}`;
    const texts = Array.from({ length: options.replies }, (_, i) => ({
      clientId: crypto.randomUUID(),
      ticketId: OPEN_TICKETS[i % OPEN_TICKETS.length]!,
      message: `chaos ${runId} #${i}`,
    }));

    rig.sandbox.state.requests.length = 0;
    await control(rig, 'POST', '/faults', { seed, faults: chaosFaults(options.faultRate) });
    log(`chaos: ${options.replies} replies, fault rate ${options.faultRate}, seed ${seed}, up to ${options.workerStops} worker stops`);

    const drainStarted = Date.now();
    const deadline = drainStarted + options.timeLimitMs;
    let done = false;
    let stops = 0;
    let stopsInFlight = 0;
    let flushes = 0;
    /** A reply POST the sandbox is holding (a latency fault): it has not answered it, nor committed it yet. */
    const heldPost = () =>
      rig.sandbox.state.requests.some((r) => r.method === 'POST' && r.outcome === null && r.faults.includes('latency'));

    const stopper = (async () => {
      while (!done && stops < options.workerStops) {
        const [least, most] = options.stopEveryMs ?? [2000, 8000];
        await sleep(least + Math.random() * (most - least));
        // Stop the worker while a request is in flight at the server (waiting up to 15 s for one).
        for (let waited = 0; !done && !heldPost() && waited < 15_000; waited += 25) await sleep(25);
        if (done) break;
        const inFlight = heldPost();
        await rig.stopWorker().catch((e) => log(`stopWorker failed: ${e}`));
        stops++;
        if (inFlight) stopsInFlight++;
        log(
          `  worker stopped (${stops}) at +${((Date.now() - drainStarted) / 1000).toFixed(1)} s${inFlight ? ', a POST in flight at the server' : ''}`,
        );
      }
    })();
    const flusher = (async () => {
      while (!done) {
        await sleep(2000);
        if (done) break;
        await send(page, 'outbox/flush', {}).then(
          () => flushes++,
          () => undefined,
        );
      }
    })();

    for (let i = 0; i < texts.length; i += 50) {
      await enqueueBatch(page, texts.slice(i, i + 50), log);
      if ((i + 50) % 250 === 0) log(`  enqueued ${i + 50} at +${((Date.now() - drainStarted) / 1000).toFixed(1)} s`);
    }
    log(`  enqueued ${texts.length} in ${((Date.now() - drainStarted) / 1000).toFixed(1)} s`);

    let entries: OutboxView[] = [];
    let timedOut = false;
    let lastProgress = Date.now();
    for (;;) {
      const listed = await send<OutboxView[]>(page, 'outbox/list', {}).catch(() => null);
      if (listed?.ok) {
        entries = listed.data;
        const pending = entries.filter((e) => e.state === 'queued' || e.state === 'sending').length;
        if (pending === 0) break;
        if (Date.now() - lastProgress >= 15_000) {
          lastProgress = Date.now();
          log(`  +${((Date.now() - drainStarted) / 1000).toFixed(0)} s: outbox ${JSON.stringify(count(entries.map((e) => e.state)))}`);
        }
      }
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
      await sleep(1000);
    }
    const drainTimeMs = Date.now() - drainStarted;
    done = true;
    await Promise.all([stopper, flusher]);
    rig.sandbox.clearFaults();
    // Let any response still in flight land before counting.
    await sleep(1500);

    const posts = rig.sandbox.state.requests.filter(
      (r) => r.method === 'POST' && /^\/api\/v1\/client\/tickets\/\d+\/messages$/.test(r.path),
    );
    const postsByText = new Map<string, RecordedRequest[]>();
    for (const r of posts) {
      let message = '';
      try {
        message = (JSON.parse(r.body) as { message?: string }).message ?? '';
      } catch {}
      postsByText.set(message, [...(postsByText.get(message) ?? []), r]);
    }

    let delivered = 0;
    let duplicates = 0;
    let lost = 0;
    const problems: ChaosResult['problems'] = [];
    const storedCounts = new Map<string, number>();
    for (const ticketId of OPEN_TICKETS) {
      const { messages } = await control<{ messages: { message: string }[] }>(rig, 'GET', `/tickets/${ticketId}/messages`);
      for (const m of messages) storedCounts.set(m.message, (storedCounts.get(m.message) ?? 0) + 1);
    }
    for (const t of texts) {
      const stored = storedCounts.get(t.message) ?? 0;
      if (stored === 1) delivered++;
      else if (stored > 1) duplicates++;
      else lost++;
      if (stored !== 1 && problems.length < 20) {
        problems.push({
          text: t.message,
          ticketId: t.ticketId,
          stored,
          posts: (postsByText.get(t.message) ?? []).map(({ seq, status, outcome, idempotencyKey, replayed, faults, time }) => ({
            seq,
            status,
            outcome,
            idempotencyKey,
            replayed,
            faults,
            time,
          })),
        });
      }
    }
    const pendingLeft = entries.filter((e) => e.state === 'queued' || e.state === 'sending').length;

    const result: ChaosResult = {
      replies: options.replies,
      faultRate: options.faultRate,
      seed,
      delivered,
      duplicates,
      lost,
      pending: pendingLeft,
      outboxStates: count(entries.map((e) => e.state)),
      workerStops: stops,
      workerStopsWithPostInFlight: stopsInFlight,
      flushes,
      wallTimeMs: Date.now() - started,
      drainTimeMs,
      timedOut,
      requests: {
        replyPosts: posts.length,
        byOutcome: count(posts.map((p) => p.outcome ?? 'pending')),
        byStatus: count(posts.map((p) => String(p.status))),
        faults: count(posts.flatMap((p) => p.faults)),
        replayed: posts.filter((p) => p.replayed).length,
        commits: posts.filter((p) => p.status === 201 && !p.replayed && p.outcome !== 'dropped-before-commit').length,
        withoutIdempotencyKey: posts.filter((p) => !p.idempotencyKey).length,
      },
      problems,
    };
    log(
      `chaos: delivered ${delivered} / duplicates ${duplicates} / lost ${lost}` +
        ` — wall ${(result.wallTimeMs / 1000).toFixed(1)} s (drain ${(drainTimeMs / 1000).toFixed(1)} s), ${stops} worker stops (${stopsInFlight} with a POST in flight), ${flushes} flushes` +
        `${timedOut ? `, TIME LIMIT with ${pendingLeft} pending` : ''}`,
    );
    log(
      `  posts ${posts.length}: ${JSON.stringify(result.requests.byStatus)} outcomes ${JSON.stringify(result.requests.byOutcome)} replayed ${result.requests.replayed}; outbox ${JSON.stringify(result.outboxStates)}`,
    );
    const resultsFile = options.resultsFile ?? path.join(RESULTS_DIR, 'results.json');
    await mkdir(path.dirname(resultsFile), { recursive: true });
    await writeFile(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await rig.close();
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const seedIndex = process.argv.indexOf('--seed');
  runChaos({
    replies: arg('replies', 1000),
    faultRate: arg('fault-rate', 0.3),
    workerStops: arg('worker-stops', 6),
    timeLimitMs: arg('time-limit', 900) * 1000,
    ...(seedIndex >= 0 ? { seed: Number(process.argv[seedIndex + 1]) } : {}),
  }).then(
    (r) => process.exit(r.duplicates > 0 || r.lost > 0 ? 1 : 0),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
