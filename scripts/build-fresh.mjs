// Whether dist/ is the build of these sources: its stamp (dist/.built, written last by
// scripts/build.mjs) is newer than every input. Exits 0 when it is, 1 when not. The test setup
// (test/global-setup.ts) skips the build when it is, and the package test (scripts/test-package.sh)
// packs it as it is, so a CI run builds once, in `npm ci`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['src', 'drizzle', 'scripts/build.mjs', 'vite.config.ts', 'package.json', 'package-lock.json'];
const STAMP = join(root, 'dist', '.built');

/** The newest modification time under `path`, in ms. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : undefined;
process.exit(built !== undefined && INPUTS.every((input) => newest(join(root, input)) <= built) ? 0 : 1);
