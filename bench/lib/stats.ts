/** Summaries of repeated measurements, the figures they make, and the table printed at the end. */

export interface Stats {
  n: number;
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    median: r(quantile(s, 0.5)),
    p25: r(quantile(s, 0.25)),
    p75: r(quantile(s, 0.75)),
    min: r(s[0] ?? NaN),
    max: r(s.at(-1) ?? NaN),
  };
}

export interface Figure {
  name: string;
  unit: string;
  /** What the goal compares: a ratio value/baseline, a difference value−baseline, or the value itself. */
  compare: 'ratio' | 'difference' | 'absolute';
  value: Stats;
  baseline: Stats | null;
  /** Per-repetition ratios (or differences) when value and baseline are paired, else median/median. */
  ratio: Stats | null;
  goal: string;
  pass: boolean;
  notes?: string;
  extra?: Record<string, unknown>;
}
export const figures: Figure[] = [];

export function paired(
  name: string,
  unit: string,
  compare: 'ratio' | 'difference',
  value: number[],
  baseline: number[],
  goalMax: number,
  goal: string,
  notes?: string,
  extra?: Record<string, unknown>,
) {
  const per = value.map((v, i) => (compare === 'ratio' ? v / baseline[i]! : v - baseline[i]!));
  const ratio = stats(per);
  figures.push({
    name,
    unit,
    compare,
    value: stats(value),
    baseline: stats(baseline),
    ratio,
    goal,
    pass: ratio.median <= goalMax,
    notes,
    extra,
  });
}

/** Median difference of two unpaired samples, its spread the conservative cross of their quartiles and extremes. */
export function unpairedDifference(a: Stats, b: Stats): Stats {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: a.n,
    median: r(a.median - b.median),
    p25: r(a.p25 - b.p75),
    p75: r(a.p75 - b.p25),
    min: r(a.min - b.max),
    max: r(a.max - b.min),
  };
}

export function fmt(s: Stats | null, unit = '', digits = 2): string {
  if (!s) return '—';
  if (s.n === 1) return `${s.median.toFixed(digits)}${unit}`;
  return `${s.median.toFixed(digits)}${unit} [${s.p25.toFixed(digits)}–${s.p75.toFixed(digits)}]`;
}

export function table() {
  const rows = figures.map((f) => {
    const u = f.compare === 'absolute' ? ' B' : '';
    const d = f.compare === 'absolute' ? 0 : 2;
    const rel =
      f.compare === 'ratio'
        ? fmt(f.ratio, '×')
        : f.compare === 'difference'
          ? fmt(f.ratio, ` ${f.unit.startsWith('MiB') ? 'MiB' : 'ms'}`)
          : '—';
    return [f.name, fmt(f.value, u, d), fmt(f.baseline, '', d), rel, f.goal, f.pass ? 'PASS' : 'MISS'];
  });
  const head = ['Figure', 'Value median [p25–p75]', 'Baseline', 'Ratio / difference', 'Goal', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}
