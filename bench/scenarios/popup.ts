/** Popup start: navigation to the Ticket ID box ready, against opening an extension resource with no script. */
import type { Rig } from '../../tests/e2e/fixtures';
import { CFG } from '../lib/config';
import { pollPage } from '../lib/helpers';
import { paired, stats } from '../lib/stats';

// A string, not a function: tsx (esbuild keepNames) would wrap inner functions in a `__name` helper the page lacks.
export const POPUP_INIT = `{
  const observer = new MutationObserver(() => {
    const el = document.getElementById('ticket-id');
    if (el && !el.disabled && el.labels && el.labels[0] && el.labels[0].textContent.trim() === 'Ticket ID') {
      window.__dqrReady = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}`;

/** One popup start: navigation to popup.html → the Ticket ID box present and enabled, in ms. */
export async function popupStartOnce(rig: Rig): Promise<number> {
  const p = await rig.context.newPage();
  try {
    await p.addInitScript({ content: POPUP_INIT });
    await p.goto(`chrome-extension://${rig.extensionId}/popup.html`);
    // waitForFunction needs eval, which an extension page's policy forbids: poll instead.
    return await pollPage(p, () => (window as unknown as { __dqrReady?: number }).__dqrReady ?? null);
  } finally {
    await p.close();
  }
}

/**
 * The floor: an extension resource with no script, navigation start → `loadEventEnd`. `observed` gives it the
 * same init script as the popup page: Playwright runs it in every new document (its own binding and our
 * MutationObserver), a cost of the harness that the popup pays and a bare floor would not.
 */
async function floorOnce(rig: Rig, observed: boolean): Promise<number> {
  const f = await rig.context.newPage();
  try {
    if (observed) await f.addInitScript({ content: POPUP_INIT });
    await f.goto(`chrome-extension://${rig.extensionId}/icon/16.png`, { waitUntil: 'load' });
    return await f.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
  } finally {
    await f.close();
  }
}

export async function popup(rig: Rig) {
  const ready: number[] = [];
  const floor: number[] = [];
  const bare: number[] = [];
  for (let rep = 0; rep < CFG.popupStartReps + 2; rep++) {
    // Alternate the order (ABBA): whatever follows the popup shares the machine with the work the popup's
    // messages start in the background, so neither side always comes after it.
    let t: number;
    let fl: number;
    let b: number;
    if (rep % 2 === 0) {
      t = await popupStartOnce(rig);
      fl = await floorOnce(rig, true);
      b = await floorOnce(rig, false);
    } else {
      b = await floorOnce(rig, false);
      fl = await floorOnce(rig, true);
      t = await popupStartOnce(rig);
    }
    // The first two are warm-up (extension process start, code cache).
    if (rep >= 2) {
      ready.push(t);
      floor.push(fl);
      bare.push(b);
    }
  }
  const perBare = stats(ready.map((t, i) => t / bare[i]!));
  paired(
    'Popup start',
    'ms',
    'ratio',
    ready,
    floor,
    2,
    '≤ 2× opening an extension resource with no script',
    'navigation start → "Ticket ID" textbox present and enabled; floor: chrome-extension://<id>/icon/16.png navigation start → loadEventEnd (the build has no script-free HTML page), with the same init script as the popup page',
    { bareFloorMs: stats(bare), ratioToBareFloor: perBare },
  );
}
