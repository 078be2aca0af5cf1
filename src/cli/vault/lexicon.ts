// The Oracle's lexicon for `vlt oracle --local`: dist/lexicon/wordnet.txt beside the bundle (or in
// a checkout's dist/), read once when a question is asked; the push path never loads this module.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEXICON_FILE, parseLexicon, type Lexicon } from '../../shared/lexicon.js';

let loaded: Lexicon | null | undefined;

/** The lexicon, or undefined when the build has not made it (the Oracle runs without it). */
export function vaultLexicon(): Lexicon | undefined {
  if (loaded === undefined) {
    loaded = null;
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const path = [join(dir, LEXICON_FILE), join(dir, 'dist', LEXICON_FILE)].find((p) => existsSync(p));
      if (path) {
        loaded = parseLexicon(readFileSync(path, 'utf8'));
        break;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return loaded ?? undefined;
}
