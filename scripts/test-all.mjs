#!/usr/bin/env node
// `npm test`: every check in one run — type check, unit tests, both builds, the bundle audit and the
// end-to-end tests in real Chromium — then one plain "N passed, N failed" line (also in .tmp/summary.txt).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';

const polyfills = '--import ./scripts/node20-polyfills.mjs';
const env = {
  ...process.env,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${polyfills}`.trim(),
  FORCE_COLOR: process.env.CI ? '0' : '1',
};
mkdirSync('.tmp', { recursive: true });
let passed = 0;
let failed = 0;
const failures = [];

function run(label, cmd, args) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', env });
  return result.status === 0;
}

function check(label, cmd, args) {
  if (run(label, cmd, args)) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

function vitest(label, configArgs) {
  const out = `.tmp/${label}.json`;
  rmSync(out, { force: true });
  const ok = run(label, 'npx', ['vitest', 'run', ...configArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  if (!existsSync(out)) {
    failed++;
    failures.push(`${label} (no report)`);
    return;
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  for (const file of report.testResults) {
    for (const t of file.assertionResults) if (t.status === 'failed') failures.push(`${label}: ${t.fullName}`);
    // A file that failed to load has no assertions but counts as a failure.
    if (file.status === 'failed' && file.assertionResults.length === 0) {
      failed++;
      failures.push(`${label}: ${file.name} did not load`);
    }
  }
  if (!ok && report.numFailedTests === 0 && failures.length === 0) {
    failed++;
    failures.push(`${label}: runner exited with an error`);
  }
}

check('typecheck', 'npx', ['tsc', '--noEmit']);
check('lint (biome + HTML sinks)', 'npm', ['run', '--silent', 'lint']);
check('format (biome)', 'npm', ['run', '--silent', 'format:check']);
vitest('unit', []);
check('build chrome-mv3', 'npx', ['wxt', 'build']);
check('build firefox', 'npx', ['wxt', 'build', '-b', 'firefox']);
// The firefox build leaves .output/chrome-mv3 alone; the e2e tests load the Chrome build.
vitest('e2e', ['-c', 'vitest.e2e.config.ts']);
// Benchmarks are not tests: CI only checks that the short mode runs and writes its JSON.
check('bench (quick mode runs and writes bench/results.quick.json)', 'npx', ['tsx', 'bench/run.ts', '--quick']);

if (failures.length) console.log(`\nFailed:\n- ${failures.join('\n- ')}`);
const summary = `${passed} passed, ${failed} failed`;
writeFileSync('.tmp/summary.txt', `${summary}\n`);
console.log(`\n${summary}`);
process.exit(failed === 0 ? 0 : 1);
