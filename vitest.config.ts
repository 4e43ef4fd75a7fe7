import { defineConfig } from 'vitest/config';
import path from 'node:path';

// Three projects: unit tests sit beside the code; integration and e2e tests start real
// processes (Next.js production server, the MTA, Chromium), so they run one file at a time.
export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // lib/ modules guard against client bundles with 'server-only'; tests run on the server side.
      'server-only': path.resolve(import.meta.dirname, 'tests/support/server-only.ts'),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['contracts/**/*.test.ts', 'lib/**/*.test.ts', 'mta/**/*.test.ts', 'scripts/**/*.test.ts', 'components/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          globalSetup: ['tests/global-setup.ts'],
          include: ['tests/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          globalSetup: ['tests/global-setup.ts'],
          include: ['tests/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
