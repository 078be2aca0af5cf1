import { defineConfig } from 'vitest/config';

/** The server's suites that run in this process through the router: they run on every engine. */
export const SERVER_SUITES = ['src/server/**/*.test.ts', 'test/authorization.test.ts'];

/** The files that run each in a fresh module state (the `isolated` project). */
const ISOLATED = ['src/shared/uuidv7.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest takes one core fewer than the machine has (one worker on two cores); these suites
    // mostly wait on the processes and servers they start, so a file per core keeps both busy
    // (docs/testing.md has the times).
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/fresh-connections.ts'],
    // clipanion's ESM build imports a directory, which Node's loader refuses: let Vite resolve it.
    server: { deps: { inline: ['clipanion'] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'eval/**/*.test.ts'],
          // The stress runs have their own command, `npm run test:stress`; ISOLATED below.
          exclude: ['test/stress/**', 'node_modules/**', ...ISOLATED],
          // The files of a worker share its module state (each imports the CLI, the server or the
          // test helpers once a worker rather than once a file: seconds a file). No file here
          // mocks a module, stubs the environment or a global, or changes the working directory;
          // threads.test.ts restores its fake timers.
          isolate: false,
        },
      },
      {
        // The files that need a module state of their own: uuidv7.test.ts checks the first id of
        // a process (the generator keeps the last millisecond it used) and leaves that a minute
        // ahead of the clock.
        extends: true,
        test: { name: 'isolated', include: ISOLATED },
      },
      {
        // The in-process server suites again on PostgreSQL, in this process (PGlite): `npm test`
        // needs no server. The process suites (server, sync, notes, hostile) run on a real PostgreSQL in
        // `npm run test:postgres`, which `.ci/run` runs too.
        extends: true,
        test: {
          name: 'pglite',
          include: SERVER_SUITES,
          // The files of a worker share its module state, so one PGlite (its WebAssembly compiled,
          // its database loaded: seconds) serves them all rather than one a file; each test still
          // starts from emptied tables (memoryDeps in test/server-helpers.ts), and no file here
          // mocks a module or changes the environment (threads.test.ts restores its fake timers).
          isolate: false,
          env: { VLT_TEST_DATABASE: 'pglite' },
        },
      },
    ],
  },
});
