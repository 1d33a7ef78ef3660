import { defineConfig } from 'vitest/config';

// End-to-end tests drive real Chromium; two at a time fits the 2-core machines.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts', 'tests/audit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    fileParallelism: true,
  },
});
