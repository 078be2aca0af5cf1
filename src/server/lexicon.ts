// The Oracle's lexicon on the server: dist/lexicon/wordnet.txt (scripts/build-lexicon.mjs), read
// once at the first question, found beside the bundle or in the checkout's dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEXICON_FILE, parseLexicon, type Lexicon } from '../shared/lexicon.js';

let loaded: Promise<Lexicon | undefined> | undefined;

/** The lexicon, or undefined (with one warning) when the build has not made it. */
export function serverLexicon(): Promise<Lexicon | undefined> {
  loaded ??= Promise.resolve().then(() => {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      for (const path of [join(dir, LEXICON_FILE), join(dir, 'dist', LEXICON_FILE)]) {
        if (existsSync(path)) return parseLexicon(readFileSync(path, 'utf8'));
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    process.stderr.write(
      `vlt-server: ${LEXICON_FILE} not found (run npm run build): the Oracle runs without it\n`,
    );
    return undefined;
  });
  return loaded;
}
