// The MTA's integration tests need no site build: `npx vitest run -c tests/integration/mta/vitest.config.ts`
// runs them alone (the main config's integration project also runs them, after building the site).
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Keep Vite's cache with the repository's, not in a node_modules/ under tests/.
  cacheDir: path.resolve(import.meta.dirname, '../../../node_modules/.vite'),
  test: {
    name: 'mta-integration',
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
