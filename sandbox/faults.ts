/**
 * Fault injection for the sandbox: the list of armed faults (`POST /__control/faults`) and, for each request,
 * which of them fire. The server applies the plan (delay, status, drop, hang); this module only decides.
 */
import type { ActiveFault, FaultSpec, SandboxState } from './state';

/** mulberry32: a small seeded PRNG, for reproducible probabilistic faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the faults do to one request: delays before and after commit, at most one terminal fault, and their names. */
export interface FaultPlan {
  before: number;
  after: number;
  terminal: ActiveFault | null;
  applied: string[];
}

/**
 * @param random source in [0, 1) for probabilistic faults and latency ranges, until `seedRandom` replaces it.
 * @param onDropArmed called when a fault that cuts or holds a connection is armed (the server stops reusing sockets).
 */
export function createFaults(state: SandboxState, random: () => number, onDropArmed: () => void) {
  return {
    seedRandom(seed: number) {
      random = seededRandom(seed);
    },

    /** True while a drop or hang is armed: every response then closes its connection. */
    dropPending: () =>
      state.faults.some((f) => f.type === 'drop-after-commit' || f.type === 'drop-before-commit' || f.type === 'commit-then-hang'),

    addFaults(specs: FaultSpec[]): ActiveFault[] {
      const added = specs.map((spec) => ({
        ...spec,
        id: state.nextFaultId++,
        // A latency or a probabilistic fault without `times` stays until cleared; every other fault fires once by default.
        remaining: spec.times ?? (spec.type === 'latency' || spec.probability !== undefined ? Infinity : 1),
      }));
      state.faults.push(...added);
      if (added.some((f) => f.type !== 'latency' && f.type !== 'status')) onDropArmed();
      return added;
    },

    clearFaults() {
      state.faults.length = 0;
    },

    /** Takes the faults that apply to this request: every matching latency, and the first matching other fault. */
    take(method: string, rawPath: string): FaultPlan {
      let before = 0;
      let after = 0;
      let terminal: ActiveFault | null = null;
      const applied: string[] = [];
      for (const fault of state.faults) {
        if (fault.remaining <= 0) continue;
        if (fault.match?.method && fault.match.method.toUpperCase() !== method) continue;
        if (fault.match?.pathPrefix && !rawPath.startsWith(fault.match.pathPrefix)) continue;
        if (fault.type !== 'latency' && terminal) continue;
        if (fault.probability !== undefined && random() >= fault.probability) continue;
        if (fault.type === 'latency') {
          const ms = fault.maxMs !== undefined ? fault.ms + random() * (fault.maxMs - fault.ms) : fault.ms;
          if (fault.phase === 'after-commit') after += ms;
          else before += ms;
        } else {
          terminal = fault;
        }
        fault.remaining--;
        applied.push(fault.type);
      }
      state.faults = state.faults.filter((f) => f.remaining > 0);
      return { before, after, terminal, applied };
    },
  };
}
