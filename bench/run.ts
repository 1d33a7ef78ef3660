/**
 * Performance bench: real Chromium (Debian's /usr/bin/chromium via playwright-core) with the built
 * extension (`.output/chrome-mv3`), the sandbox in this process. Every figure is a ratio (or a
 * difference) against a baseline measured in the same run on the same machine. See bench/README.md.
 *
 *   npx tsx bench/run.ts            full mode (≥ 15 repetitions, 10,000 rows, 1,000 replies)
 *   npx tsx bench/run.ts --quick    CI mode (fewer repetitions and rows, 100 replies; < 2 minutes)
 *   npx tsx bench/run.ts --only X   one scenario (sizes, scans, jank, popup, panel, send, memory, drain); sizes always run
 *
 * Writes bench/results.json (bench/results.quick.json in quick mode) and prints a table.
 * Exit code 0 even when a goal is missed (the table and JSON say so); `--strict` exits 1 on a miss.
 *
 * This file is the driver: each scenario lives in bench/scenarios/, the pieces they share in bench/lib/.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, startRig } from '../tests/e2e/fixtures';
import { CFG, log, MERGE, ONLY, OUT, QUICK, runs, STRICT, started } from './lib/config';
import { installRawPost, prepareRig } from './lib/helpers';
import { type Figure, figures, table } from './lib/stats';
import { drain } from './scenarios/drain';
import { jank } from './scenarios/jank';
import { memory } from './scenarios/memory';
import { panelOpen } from './scenarios/panel';
import { popup } from './scenarios/popup';
import { scans } from './scenarios/scans';
import { send } from './scenarios/send';
import { sizes } from './scenarios/sizes';

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let chromium = 'unknown';
  try {
    chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {}
  return {
    cpu: model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    chromium,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

/**
 * Replaces one scenario's figures in the results file (matched by name up to its parenthesis, so a figure
 * whose size changed replaces its old self) and records the partial run, so no figure's provenance is lost.
 */
function merge(fresh: Figure[], host: unknown, durationSeconds: number) {
  const saved = JSON.parse(readFileSync(OUT, 'utf8')) as { figures: Figure[]; partialRuns?: unknown[] };
  const key = (f: Figure) => f.name.replace(/\s*\(.*$/, '');
  for (const f of fresh) {
    // The same name first: two figures of one scenario differ only in their parenthesis (10,000 and 50,000 rows).
    const same = saved.figures.findIndex((g) => g.name === f.name);
    const at = same >= 0 ? same : saved.figures.findIndex((g) => key(g) === key(f) && !fresh.some((h) => h.name === g.name));
    if (at >= 0) saved.figures[at] = f;
    else saved.figures.push(f);
  }
  saved.partialRuns = [
    ...(saved.partialRuns ?? []),
    // Strings, not arrays: the file stays as Biome formats it (short arrays would be put on one line).
    {
      only: ONLY,
      figures: fresh.map((f) => f.name).join('; '),
      config: { ...CFG, jankRows: CFG.jankRows.join(', ') },
      machine: host,
      durationSeconds,
    },
  ];
  writeFileSync(OUT, `${JSON.stringify(saved, null, 2)}\n`);
}

/** The scenarios that share one browser (drain starts browsers of its own). */
async function browserScenarios() {
  const rig = await startRig();
  try {
    await prepareRig(rig);
    if (runs('scans')) await scans(rig);
    if (runs('popup')) await popup(rig);
    if (runs('panel')) await panelOpen(rig);
    const page = await rig.openPage('options.html');
    const worker = await rig.worker();
    await installRawPost(worker, rig);
    if (runs('jank')) await jank(rig, page);
    if (runs('send')) await send(rig, page, worker);
    if (runs('memory')) await memory(rig, page);
    await page.close();
  } finally {
    await rig.close();
  }
}

async function main() {
  log(`${QUICK ? 'quick' : 'full'} mode`, CFG);
  // Sizes always run and are merged with any scenario: they describe the build every figure was measured on.
  sizes();
  if (ONLY !== 'sizes') await browserScenarios();
  if (runs('drain')) await drain();
  const result = {
    mode: QUICK ? 'quick' : 'full',
    config: { ...CFG, jankRows: CFG.jankRows.join(', ') },
    machine: machine(),
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    figures,
  };
  if (ONLY === undefined) writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  else if (MERGE) merge(figures, result.machine, result.durationSeconds);
  table();
  log(
    ONLY === undefined
      ? `wrote ${path.relative(process.cwd(), OUT)} in ${result.durationSeconds} s`
      : MERGE
        ? `--only ${ONLY} --merge: its figures replaced in ${path.relative(process.cwd(), OUT)} (${result.durationSeconds} s)`
        : `--only ${ONLY}: nothing written (${result.durationSeconds} s)`,
  );
  if (STRICT && figures.some((f) => !f.pass)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
