import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'eval/**/*.test.ts'],
    // The stress runs have their own command, `npm run test:stress`.
    exclude: ['test/stress/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // clipanion's ESM build imports a directory, which Node's loader refuses: let Vite resolve it.
    server: { deps: { inline: ['clipanion'] } },
  },
});
