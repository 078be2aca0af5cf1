// `npm run test:stress`: the fault and concurrency runs of test/stress, one file at a time.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/stress/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/fresh-connections.ts'],
    server: { deps: { inline: ['clipanion'] } },
  },
});
