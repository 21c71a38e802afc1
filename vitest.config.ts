import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Every response of every test file is checked against the OpenAPI document (test/helpers/openapi-contract.ts).
    setupFiles: ['test/helpers/contract-setup.ts'],
    // Each file gets its own database, so files run in parallel; PGlite start-up and Chromium need time.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
