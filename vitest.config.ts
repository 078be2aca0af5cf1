import { defineConfig } from 'vitest/config';

/** The server's suites that run in this process through the router: they run on every engine. */
export const SERVER_SUITES = ['src/server/**/*.test.ts', 'test/authorization.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // clipanion's ESM build imports a directory, which Node's loader refuses: let Vite resolve it.
    server: { deps: { inline: ['clipanion'] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'eval/**/*.test.ts'],
          // The stress runs have their own command, `npm run test:stress`.
          exclude: ['test/stress/**', 'node_modules/**'],
        },
      },
      {
        // The same server suites on PostgreSQL, in this process (PGlite): `npm test` needs no server.
        extends: true,
        test: {
          name: 'pglite',
          include: [...SERVER_SUITES, 'test/server.test.ts', 'test/sync.test.ts', 'test/hostile.test.ts'],
          env: { VLT_TEST_DATABASE: 'pglite' },
        },
      },
    ],
  },
});
