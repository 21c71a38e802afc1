import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Every response of every test file is checked against the OpenAPI document (test/helpers/openapi-contract.ts).
    setupFiles: ['test/helpers/contract-setup.ts'],
    // Each file gets its own database, so files run in parallel; PGlite start-up and Chromium need time.
    testTimeout: 30_000,
    // expect.poll waits up to 1 s by default: too short for a page to load and render in Chromium on CI's two
    // cores under the suite's load (a moderation queue's heading missed it on the PostgreSQL pass). A poll that
    // must be prompt says so with its own timeout.
    expect: { poll: { timeout: 5_000 } },
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
