/** Popup start: navigation to the Ticket ID box ready, against opening an extension resource with no script. */
import type { Rig } from '../../tests/e2e/fixtures';
import { CFG } from '../lib/config';
import { pollPage } from '../lib/helpers';
import { paired } from '../lib/stats';

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

export async function popup(rig: Rig) {
  const id = rig.extensionId;
  const ready: number[] = [];
  const floor: number[] = [];
  for (let rep = 0; rep < CFG.popupReps + 2; rep++) {
    const t = await popupStartOnce(rig);
    const f = await rig.context.newPage();
    await f.goto(`chrome-extension://${id}/icon/16.png`, { waitUntil: 'load' });
    const fl = await f.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
    await f.close();
    // The first two are warm-up (extension process start, code cache).
    if (rep >= 2) {
      ready.push(t);
      floor.push(fl);
    }
  }
  paired(
    'Popup start',
    'ms',
    'ratio',
    ready,
    floor,
    2,
    '≤ 2× opening an extension resource with no script',
    'navigation start → "Ticket ID" textbox present and enabled; floor: chrome-extension://<id>/icon/16.png navigation start → loadEventEnd (the build has no script-free HTML page)',
  );
}
