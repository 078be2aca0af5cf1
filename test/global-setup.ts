// Builds the CLI and server bundles before the suite, so process tests run the current code; skips
// the build when dist/ is already the build of these sources (scripts/build-fresh.mjs: as after
// `npm ci`, or a second vitest run), so a CI run builds once.
import { execFileSync, spawnSync } from 'node:child_process';

const isFresh = (): boolean =>
  spawnSync(process.execPath, ['scripts/build-fresh.mjs'], { stdio: 'inherit' }).status === 0;

export default function setup(): void {
  if (process.env.VLT_TEST_REBUILD !== '1' && isFresh()) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
