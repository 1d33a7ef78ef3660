/** The first scan of a big dashboard against a bare TreeWalker pass, and an incremental scan of appended rows. */
import type { Page } from 'playwright-core';
import type { Rig } from '../../tests/e2e/fixtures';
import { CFG, log } from '../lib/config';
import { hoverLastVisibleRow, waitMeasure, waitWholeScan } from '../lib/helpers';
import { paired, stats } from '../lib/stats';

/** The baseline: a bare TreeWalker text pass, run in the page's main world at DOMContentLoaded, i.e. on the very DOM the content script scans, before it runs. */
const BASELINE_INIT = () => {
  document.addEventListener('DOMContentLoaded', () => {
    const t0 = performance.now();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let chars = 0;
    let nodes = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      chars += (n as Text).data.length;
      nodes++;
    }
    (window as unknown as { __dqrBaseline: unknown }).__dqrBaseline = { ms: performance.now() - t0, nodes, chars };
  });
};

/**
 * The bare walk again, in a fresh isolated world of the same page (CDP `Page.createIsolatedWorld`): a content
 * script runs in such a world, where each node it touches needs a wrapper of that world, which costs more than
 * the page's own main-world walk does.
 */
async function isolatedWalk(rig: Rig, page: Page, worldName: string): Promise<number> {
  const cdp = await rig.context.newCDPSession(page);
  try {
    const { frameTree } = (await cdp.send('Page.getFrameTree')) as { frameTree: { frame: { id: string } } };
    const { executionContextId } = (await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName })) as {
      executionContextId: number;
    };
    const expression =
      '(() => { const t0 = performance.now(); const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); let chars = 0; for (let n = w.nextNode(); n; n = w.nextNode()) chars += n.data.length; return performance.now() - t0; })()';
    const result = (await cdp.send('Runtime.evaluate', { expression, contextId: executionContextId, returnByValue: true })) as {
      result: { value: number };
    };
    return result.result.value;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export async function scans(rig: Rig) {
  const first: number[] = [];
  const base: number[] = [];
  const isolated: number[] = [];
  const incr: number[] = [];
  const fresh100: number[] = [];
  let baseInfo: unknown = null;
  let buttons = 0;
  for (let rep = 0; rep < CFG.reps; rep++) {
    // The big page, its first scan, then 100 rows appended.
    const page = await rig.context.newPage();
    await page.addInitScript(BASELINE_INIT);
    await page.goto(`${rig.sandbox.url}/dashboard/big?rows=${CFG.rows}`, { timeout: 300_000 });
    // The whole page, as if the agent scrolled to its end: the scan at load stops a few screens down.
    first.push((await waitWholeScan(page)).busy);
    const b = (await page.evaluate(() => (window as unknown as { __dqrBaseline: { ms: number } }).__dqrBaseline)) as { ms: number };
    baseInfo = b;
    base.push(b.ms);
    isolated.push(await isolatedWalk(rig, page, `dqr-bench-${rep}`));
    buttons = await page.evaluate(() => document.querySelectorAll('[data-daakey-qr]').length);
    await page.evaluate(
      ([from, count]) => {
        const colours = ['#FF0000', '#00AA55', '#1E90FF', '#333333'];
        let html = '';
        for (let id = from; id < from + count; id++) {
          const day = String((id % 28) + 1).padStart(2, '0');
          const ref = `TK-2026-${String(id).padStart(5, '0')}`;
          html += `<tr data-ticket-id="${id}"><td class="ref"><a href="/dashboard/tickets/${id}">${ref}</a></td><td class="subject">Ticket ${id} subject</td><td>€${(id % 97) + 4}.00</td><td>+33 6 ${String(id % 100).padStart(2, '0')} 34 56 78</td><td>UTF-8</td><td>${colours[id % 4]}</td><td>2026-01-${day}</td><td>BK-${40000 + id}</td></tr>`;
        }
        document.querySelector('tbody')!.insertAdjacentHTML('beforeend', html);
      },
      [CFG.rows + 1, CFG.appended] as const,
    );
    incr.push(await waitMeasure(page, 'dqr-scan-incremental'));
    // Buttons beyond the first 50 are placed as their rows near the viewport: bring the new rows there.
    await page.evaluate(() => document.querySelector('tbody tr:last-child')?.scrollIntoView());
    await page.waitForTimeout(400);
    const after = await page.evaluate(() => document.querySelectorAll('[data-daakey-qr]').length);
    // A long table has one pill, beside it: the last appended row must show it under the pointer.
    const served = after > buttons || (await hoverLastVisibleRow(page)) === true;
    if (!served) log('warning: the appended rows got no button once scrolled into view');
    await page.close();

    // A fresh page of the same 100 rows: the incremental baseline.
    const small = await rig.context.newPage();
    await small.goto(`${rig.sandbox.url}/dashboard/big?rows=${CFG.appended}`);
    fresh100.push(await waitMeasure(small, 'dqr-scan'));
    await small.close();
    log(
      `scan rep ${rep + 1}/${CFG.reps}: first ${first.at(-1)!.toFixed(1)} ms vs walker ${b.ms.toFixed(1)} ms (isolated world ${isolated.at(-1)!.toFixed(1)} ms); +${CFG.appended} rows ${incr.at(-1)!.toFixed(2)} ms vs fresh ${fresh100.at(-1)!.toFixed(2)} ms`,
    );
  }
  paired(
    `Scan CPU, first scan (${CFG.rows.toLocaleString('en')} rows)`,
    'ms',
    'ratio',
    first,
    isolated,
    3,
    '≤ 3× TreeWalker text pass in an isolated world',
    'dqr-scan: main-thread time of the first scan over the whole page (scrolled to its end, as the scan follows scrolling), its slices summed (scanning + anchors handed to the inline buttons); baseline: a bare TreeWalker text pass in a fresh isolated world of the same page (CDP Page.createIsolatedWorld), the kind of world a content script runs in',
    {
      buttons,
      // The former baseline: the same bare walk in the page's main world at DOMContentLoaded.
      mainWorldWalk: stats(base),
      ratioToMainWorldWalk: stats(first.map((v, i) => v / base[i]!)),
      baselineDom: baseInfo,
    },
  );
  paired(
    `Incremental scan (+${CFG.appended} rows)`,
    'ms',
    'ratio',
    incr,
    fresh100,
    2,
    '≤ 2× first scan of a fresh 100-row page',
    'dqr-scan-incremental vs dqr-scan of /dashboard/big?rows=100',
  );
}
