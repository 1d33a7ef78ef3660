/**
 * A CPU profile of the content script's first scan on the big dashboard page, summed by function (self time).
 * Build without minification first so the names are readable, and rebuild normally afterwards:
 *
 *   DQR_NO_MINIFY=1 npx wxt build && npx tsx bench/profile-scan.ts [rows=5000] && npx wxt build
 *
 * The sampling profiler slows the page down; read the shares, not the milliseconds.
 */
import { startRig } from '../tests/e2e/fixtures';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

const rows = Number(process.argv[2] ?? 5000);
const rig = await startRig();
try {
  // The dashboard script is registered at run time by the worker: give it a moment after launch.
  await new Promise((r) => setTimeout(r, 3000));
  const page = await rig.context.newPage();
  const cdp = await rig.context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.goto(`${rig.sandbox.url}/dashboard/big?rows=${rows}`);
  const find = await page.waitForFunction(() => performance.getEntriesByName('dqr-scan', 'measure')[0]?.duration ?? null, null, {
    timeout: 60_000,
  });
  console.log(`scanAll(): ${Number(await find.jsonValue()).toFixed(1)} ms on ${rows} rows (profiler on)`);
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((sample, i) => {
    const node = byId.get(sample);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
} finally {
  await rig.close();
}
