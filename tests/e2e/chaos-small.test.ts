import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChaos } from '../chaos/chaos';

/** A small chaos run: every reply stored exactly once despite random faults and worker stops. */
describe('chaos (small)', () => {
  it('60 replies, 30 % faults, worker stops while POSTs are in flight: no duplicates, nothing lost', async () => {
    const result = await runChaos({
      replies: 60,
      faultRate: 0.3,
      workerStops: 3,
      // Three stops early on, each once the sandbox holds a POST in flight.
      stopEveryMs: [1000, 3000],
      // Every unknown outcome (a stop mid-request, a dropped connection) waits 20 s before its look-up.
      timeLimitMs: 150_000,
      resultsFile: path.resolve('.tmp/chaos-small.json'),
      log: (line) => console.log(line),
    });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ duplicates: 0, lost: 0, delivered: 60, timedOut: false });
    expect(result.workerStops).toBeGreaterThanOrEqual(2);
  }, 200_000);
});
