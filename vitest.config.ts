import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          setupFiles: ['test/helpers/shared-markdown-pool.ts'],
          // The server and browser files share each worker's modules instead of importing the whole server
          // again per file (a third of the suite's time went to those imports). They can: each file opens its
          // own database and app, and keeps no state in modules. Nothing in them stubs globals or mocks modules.
          isolate: false,
        },
      },
      {
        extends: true,
        // Component tests each get a fresh module graph and jsdom window: they register custom elements and
        // stub globals (fetch, requestAnimationFrame).
        test: { name: 'client', include: ['test/client/**/*.test.ts'] },
      },
    ],
  },
});
