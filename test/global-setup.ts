// Builds the CLI and server bundles before the suite, so process tests run the current code; skips
// the build when dist/ is newer than every input (as after `npm ci`, or a second vitest run), so a
// CI run builds once.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['src', 'drizzle', 'scripts/build.mjs', 'vite.config.ts', 'package.json', 'package-lock.json'];
const STAMP = 'dist/.built';

/** The newest modification time under `path`, in ms. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

export function isFresh(): boolean {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.every((input) => newest(input) <= built);
}

export default function setup(): void {
  if (process.env.VLT_TEST_REBUILD !== '1' && isFresh()) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
