// A general lexical resource for the Oracle: WordNet compiled at build time into a map from a
// porter stem to words of its synonyms and derivations (scripts/build-lexicon.mjs writes
// dist/lexicon/wordnet.txt). Looked up by binary search in the file's text, so that loading it is
// one file read and nothing else: the server and `vlt oracle --local` read it, the push path never.

/** Where the build writes the lexicon, under dist/ (beside the bundles). */
export const LEXICON_FILE = 'lexicon/wordnet.txt';

export interface Related {
  /** A word (the index stems it as it stems the question's words). */
  word: string;
  /** 1: a synonym or derivation of the word's most frequent sense; 2: of its second sense only. */
  sense: 1 | 2;
}

export interface Lexicon {
  related(stem: string): Related[];
  /** How many meanings the general language gives the stem's words (0: not an English word it knows). */
  senses(stem: string): number;
}

/** The lexicon in the text of dist/lexicon/wordnet.txt (sorted lines `stem<TAB>senses<TAB>word …`). */
export function parseLexicon(text: string): Lexicon {
  /** The start of the line holding position `at`. */
  const lineStart = (at: number) => text.lastIndexOf('\n', at - 1) + 1;
  const find = (stem: string): string | undefined => {
    let low = 0;
    let high = text.length;
    while (low < high) {
      const start = lineStart((low + high) >> 1);
      const tab = text.indexOf('\t', start);
      const end = text.indexOf('\n', start);
      const key = text.slice(start, tab);
      if (key === stem) return text.slice(tab + 1, end < 0 ? undefined : end);
      if (key < stem) low = end < 0 ? text.length : end + 1;
      else high = start;
    }
    return undefined;
  };
  const fields = (stem: string) => {
    const line = find(stem);
    if (line === undefined) return undefined;
    const tab = line.indexOf('\t');
    return { senses: Number(line.slice(0, tab)), words: line.slice(tab + 1) };
  };
  return {
    senses: (stem) => fields(stem)?.senses ?? 0,
    related(stem) {
      const words = fields(stem)?.words;
      if (!words) return [];
      return words
        .split(' ')
        .map((word) => (word.startsWith('~') ? { word: word.slice(1), sense: 2 } : { word, sense: 1 }));
    },
  };
}
