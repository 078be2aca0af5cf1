// What a person types, turned into the words a search looks for: the one tokenizer of searches
// (the vault's, the server's on both engines, and the Oracle's questions). Every word is only
// ever a word: FTS syntax in the input never becomes an operator or an error.

import { stemmer } from 'stemmer';
import { VltError } from './errors.js';

export interface SearchWord {
  /** Lower case, letters, digits and `_` only. */
  word: string;
  /** `word*`: every indexed word that starts with it. */
  prefix: boolean;
}

/** At most this many words count in one search; the rest are left out. */
export const MAX_QUERY_TERMS = 16;
/**
 * A prefix (`word*`) must be at least this long, or it is an exact word: `a*` would enumerate a
 * large share of an index's words for one query.
 */
export const MIN_PREFIX_CHARS = 3;

const WORD_RE = /[\p{L}\p{N}_]+(\*)?/gu;

/** The words of a search, in order, without duplicates, at most MAX_QUERY_TERMS of them. */
export function searchWords(input: string): SearchWord[] {
  const words: SearchWord[] = [];
  for (const match of input.toLowerCase().matchAll(WORD_RE)) {
    const word = match[0].replace(/\*$/, '');
    const prefix = match[1] === '*' && [...word].length >= MIN_PREFIX_CHARS;
    if (words.some((w) => w.word === word && w.prefix === prefix)) continue;
    words.push({ word, prefix });
    if (words.length === MAX_QUERY_TERMS) break;
  }
  return words;
}

/** More rows (entries, chunks) than this holding a word make it common, of `total` rows. */
export const commonAt = (total: number) => Math.max(1000, total * 0.05);

/**
 * Leaves out terms that most rows hold: bm25 gives them almost no weight, and ranking their
 * matches is most of a query's time on a large index. `documents(term)` is how many rows hold
 * the term; at least the rarest term is always kept. The Oracle fetches its candidates for the
 * terms it keeps; a search's any-word fallback leaves out the same common words (anyFallbacks).
 */
export function pruneCommon<T>(terms: T[], documents: (term: T) => number, total: number): T[] {
  const limit = commonAt(total);
  const counted = terms.map((term) => ({ term, df: documents(term) }));
  const kept = counted.filter((c) => c.df > 0 && c.df <= limit).map((c) => c.term);
  if (kept.length > 0) return kept;
  const rarest = counted.filter((c) => c.df > 0).sort((a, b) => a.df - b.df)[0];
  return rarest ? [rarest.term] : terms;
}

/** How many rows of an index hold each of some words (`counts[i]` for `words[i]`), and how many it has. */
export type WordCounts = (words: SearchWord[]) => { counts: number[]; total: number };

/** A search word as the engines' document counts take it (an Oracle term of one word). */
export const countedWord = (w: SearchWord) => ({ text: w.word, prefix: w.prefix });

/**
 * The any-word searches to try in turn when no row holds all the words, until one finds
 * something: first without the common words (those more than commonAt rows hold: bm25 weighs them
 * at almost nothing, and a question typed as a search, "how do we ship on holidays", ranked every
 * row holding "how" or "we": 1.2 to 2 s at 1,000,000 entries, docs/performance.md); when every
 * word some row holds is common, the rarest of them stays. Then, if words were left out, all of
 * them: the counts are of the whole index (the user's, the vault's), so in a search narrowed to a
 * project, thread or tag the words left might hold nothing there. A word counted 0 stays (it costs
 * nothing, and a word the index splits, `refresh_token`, `café`, is counted 0). `counts`: how many
 * rows hold each word (`counts[i]` for `words[i]`, from countedWord), and how many rows there are.
 */
export function anyFallbacks(
  words: SearchWord[],
  counts: { counts: number[]; total: number },
): SearchWord[][] {
  const limit = commonAt(counts.total);
  const counted = words.map((word, i) => ({ word, df: counts.counts[i] ?? 0 }));
  const kept = counted.filter((c) => c.df <= limit);
  if (!kept.some((c) => c.df > 0)) {
    const rarest = counted.filter((c) => c.df > limit).sort((a, b) => a.df - b.df)[0];
    if (rarest) kept.push(rarest);
  }
  const some = counted.filter((c) => kept.includes(c)).map((c) => c.word);
  return some.length < words.length ? [some, words] : [words];
}

/**
 * A search on the server: `search` with all the words, then, if that finds nothing, with any of
 * them (anyFallbacks), counted by `counts` in the asking user's rows.
 */
export async function allThenAny<T>(
  words: SearchWord[],
  search: (words: SearchWord[], mode: 'all' | 'any') => Promise<T[]>,
  counts: (terms: { text: string; prefix: boolean }[]) => Promise<{ counts: number[]; total: number }>,
): Promise<T[]> {
  const hits = await search(words, 'all');
  if (hits.length > 0 || words.length < 2) return hits;
  for (const some of anyFallbacks(words, await counts(words.map(countedWord)))) {
    const found = await search(some, 'any');
    if (found.length > 0) return found;
  }
  return [];
}

/** `tag:decision` in a search: only entries with that tag (at most this many tags count). */
const TAG_FILTER_RE = /(?<![^\s])tag:#?([\p{L}\p{N}][\p{L}\p{N}_.-]{0,63})(?![^\s])/giu;
export const MAX_QUERY_TAGS = 8;

export interface ParsedSearch {
  /** The words to look for (none: every entry with the tags). */
  words: SearchWord[];
  /** Tags every hit carries, lower case (`tag:decision`). */
  tags: string[];
}

/**
 * A search as a person types it: `tag:<tag>` (anywhere, any number, all must hold) keeps only
 * entries with that tag, the rest are words (searchWords). The one place that reads `tag:`.
 */
export function parseSearch(input: string): ParsedSearch {
  const tags: string[] = [];
  const rest = input.replace(TAG_FILTER_RE, (_whole, tag: string) => {
    const name = tag.toLowerCase().replace(/[.-]+$/, '');
    if (name !== '' && !tags.includes(name) && tags.length < MAX_QUERY_TAGS) tags.push(name);
    return ' ';
  });
  return { words: searchWords(rest), tags };
}

/** One word as an FTS5 term: quoted (so it is only a word), `*` after it for a prefix. */
export const ftsTerm = ({ word, prefix }: SearchWord): string => `"${word}"${prefix ? '*' : ''}`;

export interface FtsQuery {
  /** Tags every hit carries (`tag:decision`). */
  tags: string[];
  /** All terms must match. */
  all: string;
  /**
   * Any term may match: the fallbacks when `all` finds nothing, to try in turn (anyFallbacks).
   * `counts`: how many rows of the searched index hold each word, and how many it has.
   */
  any: (counts: WordCounts) => string[];
  terms: string[];
  words: SearchWord[];
}

/**
 * The FTS5 MATCH expressions for a search (empty when it has tags but no word: every entry with
 * them), or undefined when it has neither a word nor a tag.
 */
export function buildFtsQuery(input: string): FtsQuery | undefined {
  const { words, tags } = parseSearch(input);
  if (words.length === 0 && tags.length === 0) return undefined;
  const terms = words.map(ftsTerm);
  return {
    all: terms.join(' AND '),
    any: (counts) => anyFallbacks(words, counts(words)).map((some) => some.map(ftsTerm).join(' OR ')),
    terms,
    words,
    tags,
  };
}

/**
 * The words of a text as the index splits them (FTS5's unicode61 with diacritics removed: letters
 * and digits, `_` and punctuation between words), lower case, accents folded.
 */
export function indexWords(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

const STEMS = new Map<string, string>();

/** A word's porter stem, as FTS5's porter tokenizer indexes it (remembered: texts repeat words). */
export function stemOf(word: string): string {
  let stem = STEMS.get(word);
  if (stem === undefined) {
    stem = stemmer(word);
    if (STEMS.size > 50_000) STEMS.clear();
    STEMS.set(word, stem);
  }
  return stem;
}

/** A text's terms as the index holds them: its words, stemmed. */
export const indexTerms = (text: string): string[] => indexWords(text).map(stemOf);

const IDENTIFIER_RE = /[\p{L}_][\p{L}\p{N}_]*/gu;
/** Where an identifier's words meet: `refresh|Token`, `HTTP|Server`, `v2|Beta`. */
const CASE_BOUNDARY =
  /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

/**
 * For code: the words an index would miss in a text's identifiers, lower case. The index already
 * splits at `_` and keeps `refreshToken` whole as `refreshtoken`; this adds the parts of a
 * camel-case word (`refresh token`) and the joined form of a snake-case one (`MAX_RETRY` →
 * `maxretry`), so that `refresh token`, `refreshToken` and `max retry` all find them.
 */
export function identifierWords(text: string): string[] {
  const words: string[] = [];
  for (const [identifier] of text.matchAll(IDENTIFIER_RE)) {
    const segments = identifier.split('_').filter(Boolean);
    for (const segment of segments) {
      const parts = segment.split(CASE_BOUNDARY);
      if (parts.length > 1) for (const part of parts) words.push(part.toLowerCase());
    }
    if (segments.length > 1) words.push(segments.join('').toLowerCase());
  }
  return words;
}

/** A code text as its index searches it: the text, then the words of its identifiers. */
export const codeWords = (text: string): string => `${text}\n${identifierWords(text).join(' ')}`;

/**
 * A search of chunks (notes, code: they have no tags, so `tag:` filters are left out of the words)
 * as rankQuery ranks it. A search with no words is refused with one line.
 */
export function rankAllThenAny<T>(text: string, rank: (match: string) => T[], counts: WordCounts): T[] {
  const query = buildFtsQuery(text);
  if (!query || query.terms.length === 0)
    throw new VltError('the search has no words to look for: give it some words');
  return rankQuery(query, rank, counts);
}

/**
 * A search in the vault: `rank` with all the words first, then, if that finds nothing, with each
 * of the any-word fallbacks (anyFallbacks) until one finds something, as allThenAny on the server.
 */
export function rankQuery<T>(query: FtsQuery, rank: (match: string) => T[], counts: WordCounts): T[] {
  const hits = rank(query.all);
  if (hits.length > 0 || query.terms.length < 2) return hits;
  for (const match of query.any(counts)) {
    const found = rank(match);
    if (found.length > 0) return found;
  }
  return [];
}
