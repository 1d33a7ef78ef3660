/** JS heap on a big dashboard with the extension, against the same page with the site switched off. */
import type { CDPSession, Page } from 'playwright-core';
import type { Rig } from '../../tests/e2e/fixtures';
import { CFG, log } from '../lib/config';
import { sleep, waitWholeScan, withoutExtension } from '../lib/helpers';
import { figures, stats, unpairedDifference } from '../lib/stats';

async function heapUsed(cdp: CDPSession): Promise<{ js: number; embedder: number | null }> {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number };
  return { js: usage.usedSize, embedder: usage.embedderHeapUsedSize ?? null };
}

export async function memory(rig: Rig, page: Page) {
  const url = `${rig.sandbox.url}/dashboard/big?rows=${CFG.rows}`;
  const settle = async (p: Page, withExtension: boolean) => {
    // The worst case: the agent scrolled to the end, so the scan covered the whole page.
    if (withExtension) await waitWholeScan(p);
    // Reference lookups go to the background in batches of 50 every 50 ms; let them finish.
    await sleep(withExtension ? settleMs : 0);
  };
  const measure = async (withExtension: boolean) => {
    const p = await rig.context.newPage();
    await p.goto(url, { timeout: 300_000 });
    await settle(p, withExtension);
    const cdp = await rig.context.newCDPSession(p);
    const h = await heapUsed(cdp);
    await cdp.detach();
    await p.close();
    return h;
  };
  // How long until the content script is quiet: wait until the sandbox sees no more ticket-list reads.
  const settleMs = await (async () => {
    const before = rig.sandbox.state.requests.length;
    const p = await rig.context.newPage();
    const t0 = Date.now();
    await p.goto(url, { timeout: 300_000 });
    await waitWholeScan(p);
    let last = rig.sandbox.state.requests.length;
    let quietSince = Date.now();
    while (Date.now() - quietSince < 1500 && Date.now() - t0 < 60_000) {
      await sleep(100);
      const now = rig.sandbox.state.requests.length;
      if (now !== last) {
        last = now;
        quietSince = Date.now();
      }
    }
    await p.close();
    const ms = quietSince - t0 + 300;
    log(`content script quiet ${ms} ms after navigation (${last - before} API requests from the page's reference lookups)`);
    return ms;
  })();

  const withExt: number[] = [];
  const withExtEmbedder: number[] = [];
  for (let i = 0; i < CFG.memReps; i++) {
    const h = await measure(true);
    withExt.push(h.js);
    if (h.embedder !== null) withExtEmbedder.push(h.embedder);
  }
  // The same page with the dashboard site switched off: the content script is not registered.
  const without: number[] = [];
  const withoutEmbedder: number[] = [];
  await withoutExtension(page, async () => {
    for (let i = 0; i < CFG.memReps; i++) {
      const h = await measure(false);
      without.push(h.js);
      if (h.embedder !== null) withoutEmbedder.push(h.embedder);
    }
    const p = await rig.context.newPage();
    await p.goto(url, { timeout: 300_000 });
    await sleep(800);
    const running = await p.evaluate(() => document.querySelector('[data-daakey-qr]') !== null);
    await p.close();
    if (running) throw new Error('content script still ran with the site disabled');
  });
  const mb = (x: number) => x / (1024 * 1024);
  const a = stats(withExt.map(mb));
  const b = stats(without.map(mb));
  const added = a.median - b.median;
  figures.push({
    name: `Memory (${CFG.rows.toLocaleString('en')} rows)`,
    unit: 'MiB JS heap after GC',
    compare: 'difference',
    value: a,
    baseline: b,
    ratio: unpairedDifference(a, b),
    goal: '≤ 2 MB added',
    pass: added <= 2,
    notes: `CDP Runtime.getHeapUsage (renderer isolate, all worlds) after 3× HeapProfiler.collectGarbage, once the scan has covered the whole page (scrolled to its end) and ${settleMs} ms after navigation; baseline: same page with the site disabled. Difference spread is the conservative p25−p75 / min−max cross (unpaired).`,
    extra: withExtEmbedder.length
      ? { embedderHeapMiB: { withExtension: stats(withExtEmbedder.map(mb)), without: stats(withoutEmbedder.map(mb)) } }
      : undefined,
  });
}
