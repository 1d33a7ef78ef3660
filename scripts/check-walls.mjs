#!/usr/bin/env node
// Proves that the import walls in biome.jsonc still fire: for each case it writes a one-line probe file in the
// folder under test, lints all probes in one Biome run, and checks that exactly the forbidden imports are
// flagged by `noRestrictedImports` (and the allowed ones are not, so a rule cannot quietly grow too wide).
// Probes are removed in every case. Run by `npm run lint`.
//
//   node scripts/check-walls.mjs
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const BLOCKED = true;
const ALLOWED = false;

/** [folder the importing file sits in, import specifier, blocked?] */
const CASES = [
  // Pages, the content script and their helpers never hold background code, by alias or relative path.
  ['utils/ui', '@/utils/background/outbox', BLOCKED],
  ['utils/ui', '../background/outbox', BLOCKED],
  ['utils/content', '../../utils/background/signature', BLOCKED],
  ['utils/shared', '../background/panel-passes', BLOCKED],
  ['utils/shared', '../ui/i18n-loader', BLOCKED],
  ['utils/shared', '@/utils/content/ticket-scanner', BLOCKED],
  ['entrypoints/dashboard.content', '@/utils/background/router', BLOCKED],
  ['entrypoints/popup', '../../utils/background/credentials-store', BLOCKED],
  ['entrypoints/options', '../background/managed', BLOCKED],
  ['entrypoints/panel', '@/utils/background/handlers', BLOCKED],
  ['entrypoints/onboarding', '@/entrypoints/background/onboarding', BLOCKED],
  // Views never hold the API client, the signature or the secret store.
  ['components', '@/utils/background/daakey-client', BLOCKED],
  ['components', '../utils/background/signature', BLOCKED],
  ['components', '@/utils/background/credentials-store', BLOCKED],
  ['components', '@/entrypoints/popup/main', BLOCKED],
  // utils/ sits below the views and the entrypoints.
  ['utils/ui', '@/components/actions', BLOCKED],
  ['utils/shared', '../../components/ReplyForm', BLOCKED],
  ['utils/background', '@/entrypoints/background/badge', BLOCKED],
  ['utils/content', '../../entrypoints/dashboard.content/labels', BLOCKED],
  // One page does not borrow another page's wiring.
  ['entrypoints/options', '../popup/main', BLOCKED],
  // Shipped code never imports the sandbox or test code.
  ['entrypoints/background', '@/sandbox/server', BLOCKED],
  ['components', '../tests/support/fake-actions', BLOCKED],
  ['utils/background', '../../sandbox/state', BLOCKED],
  ['entrypoints/popup', '@/tests/support/fake-actions', BLOCKED],
  // What the walls must keep allowing.
  ['utils/ui', '@/utils/shared/messenger', ALLOWED],
  ['utils/ui', '../shared/messages', ALLOWED],
  ['components', '@/utils/ui/connect', ALLOWED],
  ['components', './StatusBadge', ALLOWED],
  ['entrypoints/popup', '@/components/PopupApp', ALLOWED],
  ['entrypoints/dashboard.content', '@/utils/content/ticket-scanner', ALLOWED],
  ['entrypoints/background', '@/utils/background/outbox', ALLOWED],
  ['utils/background', '@/utils/shared/messages', ALLOWED],
];

const root = path.resolve(import.meta.dirname, '..');
const probes = CASES.map(([dir, specifier, blocked], i) => ({
  file: `${dir}/zz-wall-probe-${i}.ts`,
  specifier,
  blocked,
}));

let report;
try {
  for (const p of probes) writeFileSync(path.join(root, p.file), `import * as probe from '${p.specifier}';\nexport { probe };\n`);
  let out;
  try {
    out = execFileSync('npx', ['biome', 'lint', '--reporter=json', '--max-diagnostics=none', ...probes.map((p) => p.file)], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    // Biome exits non-zero when it reports errors, which is the point here.
    out = error.stdout;
  }
  report = JSON.parse(out);
} finally {
  for (const p of probes) rmSync(path.join(root, p.file), { force: true });
}

const flagged = new Set(
  report.diagnostics.filter((d) => d.category === 'lint/style/noRestrictedImports').map((d) => d.location.path.replaceAll('\\', '/')),
);
const wrong = probes.filter((p) => flagged.has(p.file) !== p.blocked);
for (const p of wrong) console.error(`check-walls: ${p.file}: import '${p.specifier}' should be ${p.blocked ? 'blocked' : 'allowed'}`);
if (wrong.length) {
  console.error(`check-walls: ${wrong.length} of ${probes.length} cases wrong; see the overrides in biome.jsonc`);
  process.exit(1);
}
console.log(
  `check-walls: ${probes.filter((p) => p.blocked).length} wall crossings blocked, ${probes.filter((p) => !p.blocked).length} allowed imports pass.`,
);
