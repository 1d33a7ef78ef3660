/** The bench's mode and sizes, read once from the command line (see bench/run.ts). */
import path from 'node:path';

export const QUICK = process.argv.includes('--quick');
export const STRICT = process.argv.includes('--strict');
// `--only scans` (or sizes, jank, popup, panel, send, memory, drain) runs one group, for profiling a fix; sizes always run.
export const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
export const runs = (group: string) => ONLY === undefined || ONLY === group;
// `--only drain --merge`: the figures of that one scenario and the sizes replace theirs in the results file, the rest is kept.
export const MERGE = ONLY !== undefined && process.argv.includes('--merge');
export const CFG = QUICK
  ? {
      reps: 5,
      rows: 5_000,
      appended: 100,
      sendReps: 10,
      drain: 100,
      drainTickets: 10,
      drainRounds: 1,
      memReps: 2,
      popupReps: 8,
      popupStartReps: 8,
      jankRows: [5_000, 20_000],
      jankLoads: 3,
    }
  : {
      reps: 15,
      rows: 10_000,
      appended: 100,
      sendReps: 20,
      drain: 1_000,
      drainTickets: 50,
      drainRounds: 5,
      memReps: 15,
      popupReps: 20,
      // The popup figure is a ratio of two noisy page loads (each 35–100 ms here): more pairs for its median.
      popupStartReps: 40,
      jankRows: [10_000, 50_000],
      jankLoads: 6,
    };
export const OUT = path.resolve('bench', QUICK ? 'results.quick.json' : 'results.json');
export const started = Date.now();

export function log(...args: unknown[]) {
  console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);
}
