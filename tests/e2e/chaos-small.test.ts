import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChaos } from '../chaos/chaos';

/** A small chaos run: every reply stored exactly once despite random faults and worker stops. */
describe('chaos (small)', () => {
  it('60 replies, 30 % faults, worker stops: no duplicates, nothing lost, under 90 s', async () => {
    const started = Date.now();
    const result = await runChaos({
      replies: 60,
      faultRate: 0.3,
      workerStops: 3,
      // Three stops within the first 9 s: a 60-reply drain under these faults lasts longer than that.
      stopEveryMs: [1000, 3000],
      timeLimitMs: 60_000,
      resultsFile: path.resolve('.tmp/chaos-small.json'),
      log: (line) => console.log(line),
    });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ duplicates: 0, lost: 0, delivered: 60, timedOut: false });
    expect(result.workerStops).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(90_000);
  }, 90_000);
});
