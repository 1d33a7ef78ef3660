#!/usr/bin/env node
// `npm test`: every check in one run — type check, unit tests, both builds, the bundle audit and the
// end-to-end tests in real Chromium and in real Firefox ESR — then one line per browser
// ("chromium e2e: N passed, M failed, K skipped"), the skipped tests with their reasons, and last one plain
// "N passed, N failed" line (also in .tmp/summary.txt).
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

function run(label, cmd, args, extraEnv = {}) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  return result.status === 0;
}

function check(label, cmd, args) {
  if (run(label, cmd, args)) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

/** Per-browser e2e counts, printed just before the total. */
const browserLines = [];
const skippedTests = [];

function vitest(label, configArgs, extraEnv = {}) {
  const out = `.tmp/${label}.json`;
  rmSync(out, { force: true });
  const ok = run(
    label,
    'npx',
    ['vitest', 'run', ...configArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    extraEnv,
  );
  if (!existsSync(out)) {
    failed++;
    failures.push(`${label} (no report)`);
    return null;
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
  for (const file of report.testResults) {
    for (const t of file.assertionResults) {
      if (t.status === 'skipped' || t.status === 'pending' || t.status === 'todo') skippedTests.push(`${label}: ${t.fullName}`);
    }
  }
  return report;
}

/** The e2e tests in one browser; the manifest audit (tests/audit) runs with Chromium and is not an e2e test. */
function e2e(browser, files = []) {
  const report = vitest(`e2e-${browser}`, ['-c', 'vitest.e2e.config.ts', ...files], { E2E_BROWSER: browser });
  let p = 0;
  let f = 0;
  let k = 0;
  for (const file of report?.testResults ?? []) {
    if (file.name.includes('/tests/audit/')) continue;
    for (const t of file.assertionResults) {
      if (t.status === 'passed') p++;
      else if (t.status === 'failed') f++;
      else k++;
    }
    // A file that failed to load or in a hook (its tests then show as skipped) counts as one failure.
    if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed')) f++;
  }
  if (!report) f++;
  browserLines.push(`${browser} e2e: ${p} passed, ${f} failed, ${k} skipped`);
}

check('typecheck', 'npx', ['tsc', '--noEmit']);
check('lint (biome + HTML sinks)', 'npm', ['run', '--silent', 'lint']);
check('format (biome)', 'npm', ['run', '--silent', 'format:check']);
vitest('unit', []);
check('build chrome-mv3', 'npx', ['wxt', 'build']);
check('build firefox', 'npx', ['wxt', 'build', '-b', 'firefox']);
// One set of e2e tests, run once per browser (tests/e2e/driver.ts): Chromium loads .output/chrome-mv3,
// Firefox ESR .output/firefox-mv3.
e2e('chromium');
// The same suite in Firefox ESR; E2E_FIREFOX=smoke runs only its smoke tests (a quicker local run).
const firefoxSmokeOnly = process.env.E2E_FIREFOX === 'smoke';
if (firefoxSmokeOnly) console.log('\nFirefox: smoke tests only (E2E_FIREFOX=smoke).');
e2e('firefox', firefoxSmokeOnly ? ['tests/e2e/firefox-smoke.test.ts'] : []);
// Benchmarks are not tests: CI only checks that the short mode runs and writes its JSON.
check('bench (quick mode runs and writes bench/results.quick.json)', 'npx', ['tsx', 'bench/run.ts', '--quick']);

if (failures.length) console.log(`\nFailed:\n- ${failures.join('\n- ')}`);
if (skippedTests.length) console.log(`\nSkipped (reason in the name):\n- ${skippedTests.join('\n- ')}`);
console.log('');
for (const line of browserLines) console.log(line);
const summary = `${passed} passed, ${failed} failed`;
writeFileSync('.tmp/summary.txt', `${summary}\n`);
console.log(summary);
process.exit(failed === 0 ? 0 : 1);
