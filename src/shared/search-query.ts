// Turns what a person types into a safe FTS5 MATCH expression: every word quoted, so FTS syntax
// characters in the input are only ever words, never operators or errors.

export interface FtsQuery {
  /** All terms must match. */
  all: string;
  /** Any term may match: the fallback when `all` finds nothing. */
  any: string;
  terms: string[];
}

const WORD_RE = /[\p{L}\p{N}_]+(\*)?/gu;

export function buildFtsQuery(input: string): FtsQuery | undefined {
  const terms: string[] = [];
  for (const match of input.toLowerCase().matchAll(WORD_RE)) {
    const word = match[0].replace(/\*$/, '');
    const prefix = match[1] === '*';
    const term = `"${word}"${prefix ? '*' : ''}`;
    if (!terms.includes(term)) terms.push(term);
  }
  if (terms.length === 0) return undefined;
  return { all: terms.join(' AND '), any: terms.join(' OR '), terms };
}

/** The words of a search as they are (lower case), each with whether it ends in `*` (a prefix). */
export function searchWords(input: string): { word: string; prefix: boolean }[] {
  const words: { word: string; prefix: boolean }[] = [];
  for (const match of input.toLowerCase().matchAll(WORD_RE)) {
    const word = match[0].replace(/\*$/, '');
    const prefix = match[1] === '*';
    if (!words.some((w) => w.word === word && w.prefix === prefix)) words.push({ word, prefix });
  }
  return words;
}
