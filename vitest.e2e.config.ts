import { defineConfig } from 'vitest/config';

// End-to-end tests drive a real browser: Chromium, or Firefox ESR with E2E_BROWSER=firefox (tests/e2e/driver.ts).
// Two files at a time fits the 2-core machines. The manifest audit reads the builds only: it runs in the Chromium
// pass; the Firefox smoke test (its own minimal rig) runs in the Firefox pass.
const firefox = process.env.E2E_BROWSER === 'firefox';

export default defineConfig({
  test: {
    include: firefox ? ['tests/e2e/**/*.test.ts'] : ['tests/e2e/**/*.test.ts', 'tests/audit/**/*.test.ts'],
    exclude: firefox ? ['**/node_modules/**'] : ['**/node_modules/**', 'tests/e2e/firefox-smoke.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    // A browser start and sign-in on a 2-core machine shared with other runs can take over a minute.
    hookTimeout: 120_000,
    maxWorkers: 2,
    fileParallelism: true,
  },
});
