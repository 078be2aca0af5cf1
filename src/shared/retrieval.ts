// The Oracle's retrieval, written once for the server (SQLite and PostgreSQL) and the local vault:
// the engines only fetch (document counts, candidates for some terms, an entry's neighbours);
// everything else is here. A question's words are expanded with a general lexicon (WordNet),
// with words associated with them in the user's own entries, and with the strongest words of the
// first-pass best entries (pseudo-relevance feedback), each at a weight below the question's own
// words; candidates are scored with BM25 over an entry's fields (its content, its thread's name,
// its neighbours in the thread), a long entry by its best passage, and the rankings are fused.
// Each mechanism can be switched off (RetrievalSettings): docs/retrieval.md has what each does.
import type { Lexicon } from './lexicon.js';
import {
  askedShare,
  groupByThread,
  makeSnippet,
  NO_ANSWER_SUPPORT,
  questionToQuery,
  sourceLabel,
  STOP_WORDS,
  support,
  termFrequency,
  type AnswerTerm,
  type OracleSource,
  type OracleTerm,
  type QueryTerm,
  type RetrievedRow,
} from './oracle.js';
import { codeWords, commonAt, indexWords, MAX_QUERY_TERMS, pruneCommon, stemOf } from './search-query.js';

export interface RetrievalSettings {
  /** Candidates fetched for the question's own words. */
  pool: number;
  /** Candidates fetched for the expansion terms. */
  expansionPool: number;
  /** Words longer than 3 letters also match as prefixes. */
  prefix: boolean;
  /** WordNet synonyms and derivations of the question's words, at this weight (0: off). */
  lexicon: number;
  /** Senses of a word whose synonyms count: 1 (its most frequent) or 2. */
  lexiconSenses: 1 | 2;
  /**
   * A question's word counts less the more meanings the lexicon gives it (take, set, come: 1 /
   * (1 + this × ln(1 + senses))); 0: off.
   */
  vagueness: number;
  /** Words associated with the question's words in the user's own entries, at most this weight (0: off). */
  associations: number;
  /** Words of the first-pass best entries (pseudo-relevance feedback), at most this weight (0: off). */
  feedback: number;
  /** How much the thread's name counts beside the entry's content (0: off). */
  threadField: number;
  /** How much a note's title and headings count beside the chunk's text (0: off). */
  headingField: number;
  /** How much a code chunk's symbol, container, signature and path count beside its text (0: off). */
  symbolField: number;
  /**
   * At most this many of the sources are code chunks while entries or notes are left to fill the
   * rest (0: no cap): long chunks of code share many words with a question and crowd out entries.
   */
  codeShare: number;
  /**
   * How entries and note chunks are ranked together: `score`, one BM25 over both (the statistics
   * of both), or `interleave`, each kind ranked alone and the two rankings fused by reciprocal rank.
   */
  kinds: 'score' | 'interleave';
  /** How much the entries just before and after count (0: off). */
  neighbourField: number;
  /** A long entry scores as its best passage when that is higher. */
  passages: boolean;
  /**
   * A note chunk (a section: a thread's worth of text) counts as a thread of entry-sized
   * passages: its thread score is its own three best separate passages added up, not its
   * note's best chunks (which lifted every chunk of a long note alike), and its coverage is its
   * best passage's, as an entry's is its own (with passages on).
   */
  notePassages: boolean;
  /** Weight, in the fusion, of the ranking by the share of the question's words an entry holds (0: off). */
  coverage: number;
  /** Weight, in the fusion, of the thread's score (its best candidates' scores added up) (0: off). */
  threadScore: number;
  /** How rankings are fused: weighted reciprocal rank, or the sum of scores scaled to the best. */
  fusion: 'rrf' | 'sum';
  /** Below this share of the question's words held by the best source, the answer is "no answer". */
  noAnswer: number;
  /**
   * A question naming something (a capitalised word) that is neither in the user's entries nor a
   * word the lexicon knows (a product, a person, a project: "Kubernetes") is answered "no answer".
   */
  unknownNames: boolean;
  /** An unknown word counts whether written with a capital or not (experiment). */
  unknownWords: boolean;
}

export const RETRIEVAL: RetrievalSettings = {
  pool: 60,
  expansionPool: 30,
  prefix: true,
  lexicon: 0,
  lexiconSenses: 1,
  vagueness: 0.3,
  associations: 0,
  feedback: 0,
  threadField: 0,
  headingField: 0.5,
  symbolField: 1,
  codeShare: 3,
  kinds: 'score',
  neighbourField: 0.2,
  passages: true,
  notePassages: true,
  coverage: 1,
  threadScore: 2,
  fusion: 'sum',
  noAnswer: NO_ANSWER_SUPPORT,
  unknownNames: true,
  unknownWords: false,
};

/** A candidate as the engines return it: an entry with its thread's key, for its neighbours. */
export interface CandidateRow extends RetrievedRow {
  kind?: 'entry';
  threadPk: number;
}

/** An entry, a note chunk or a code chunk. */
export type Candidate = CandidateRow | NoteCandidate | CodeCandidate;

/** A candidate's identity in the pool. */
const idOf = (row: Candidate) =>
  row.kind === 'note'
    ? `n${row.notePk}:${row.seq}`
    : row.kind === 'code'
      ? `c${row.filePk}:${row.seq}`
      : row.entryId;
/** Its thread's, note's or file's: the group whose best candidates add up (the thread score), and whose neighbours count. */
const groupOf = (row: Candidate) =>
  row.kind === 'note' ? `n${row.notePk}` : row.kind === 'code' ? `c${row.filePk}` : `t${row.threadPk}`;

export interface Neighbour {
  threadPk: number;
  seq: number;
  content: string;
}

/** A note chunk as the engines return it, for the Oracle. */
export interface NoteCandidate {
  kind: 'note';
  rank: number;
  content: string;
  project: string;
  path: string;
  /** The note's title and aliases, as indexed. */
  title: string;
  heading: string;
  headingText: string;
  startLine: number;
  endLine: number;
  notePk: number;
  seq: number;
  /** When the note's text last changed. */
  timestamp: string;
}

/** A code chunk as the engines return it, for the Oracle. */
export interface CodeCandidate {
  kind: 'code';
  rank: number;
  content: string;
  project: string;
  path: string;
  language: string;
  symbol: string;
  container: string;
  signature: string;
  startLine: number;
  endLine: number;
  filePk: number;
  seq: number;
  /** When the file was indexed. */
  timestamp: string;
}

/** A chunk next to a candidate chunk in its file. */
export interface CodeNeighbour {
  filePk: number;
  seq: number;
  content: string;
}

/** A chunk next to a candidate chunk in its note. */
export interface ChunkNeighbour {
  notePk: number;
  seq: number;
  content: string;
}

/** What retrieval asks of an engine: all of it over the asking user's entries only. */
export interface RetrievalStore {
  /** How many entries hold each term (`counts[i]` for `terms[i]`), and how many there are. */
  counts(terms: OracleTerm[]): Promise<{ counts: number[]; total: number }>;
  /** Entries holding any of the terms, best first by the engine's own ranking. */
  candidates(terms: OracleTerm[], limit: number): Promise<CandidateRow[]>;
  /** The entries at these places (thread, sequence), those that exist. */
  entriesAt(places: { threadPk: number; seq: number }[]): Promise<Neighbour[]>;
  /** Note chunks holding any of the terms, best first (a store without notes has none). */
  noteCandidates?(terms: OracleTerm[], limit: number): Promise<NoteCandidate[]>;
  /** The chunks at these places (note, seq), those that exist. */
  chunksAt?(places: { notePk: number; seq: number }[]): Promise<ChunkNeighbour[]>;
  /** Code chunks holding any of the terms, best first (a store without code has none). */
  codeCandidates?(terms: OracleTerm[], limit: number): Promise<CodeCandidate[]>;
  /** The code chunks at these places (file, seq), those that exist. */
  codeChunksAt?(places: { filePk: number; seq: number }[]): Promise<CodeNeighbour[]>;
}

export interface Retrieved {
  /** Every term that counted (the question's, then expansions), with its weight × idf. */
  terms: AnswerTerm[];
  /** The best `limit` sources, a thread's next to each other, with snippets. */
  sources: OracleSource[];
}

/** A candidate with its text as the index sees it. */
interface Scored {
  row: Candidate;
  tokens: string[];
  threadTokens: string[];
  neighbourTokens: string[];
  score: number;
  /** A long note chunk's best passage, and its three best separate passages' scores added up. */
  passage?: { tokens: string[]; threeBest: number };
}

const K1 = 1.2;
const B = 0.75;
const PASSAGE = 50;
const FEEDBACK_DOCS = 5;
const EXPANSIONS = { lexicon: 6, association: 4, feedback: 5 };
/** Rarest question words whose own entries are read for associations. */
const ASSOCIATED_WORDS = 4;
const ASSOCIATION_ENTRIES = 20;
/** Candidates whose neighbours are fetched. */
const WITH_NEIGHBOURS = 30;

const idfOf = (df: number, total: number) => Math.log(1 + (total - df + 0.5) / (df + 0.5));

const tokenize = (text: string) => indexWords(text).map(stemOf);

/**
 * Retrieval over one user's entries through `store`. `semantic`, when given, is a second ranking
 * (the embeddings'), fused with the first the same way.
 */
export async function retrieve(
  store: RetrievalStore,
  question: string,
  options: {
    limit: number;
    settings?: Partial<RetrievalSettings> | undefined;
    lexicon?: Lexicon | undefined;
    semantic?: { rows: CandidateRow[]; weight: number } | undefined;
  },
): Promise<Retrieved> {
  const settings = { ...RETRIEVAL, ...options.settings };
  const query = questionToQuery(question, { prefix: settings.prefix });
  if (!query) return { terms: [], sources: [] };
  const asked = query.terms.map((term) =>
    settings.vagueness > 0 && options.lexicon && !term.phrase
      ? {
          ...term,
          weight: term.weight / (1 + settings.vagueness * Math.log1p(options.lexicon.senses(term.stem))),
        }
      : term,
  );
  const known = new Set(asked.map((t) => t.stem));

  // The lexicon's words for the question's words, counted with them.
  const lexical: QueryTerm[] = [];
  if (settings.lexicon > 0 && options.lexicon) {
    for (const term of asked) {
      if (term.phrase) continue;
      for (const related of options.lexicon.related(term.stem)) {
        if (related.sense > settings.lexiconSenses) continue;
        const stem = stemOf(related.word);
        if (known.has(stem) || STOP_WORDS.has(related.word)) continue;
        known.add(stem);
        lexical.push({
          text: related.word,
          stem,
          prefix: false,
          weight: settings.lexicon * (related.sense === 1 ? 1 : 0.5),
          source: 'lexicon',
        });
      }
    }
  }
  // Every term that reaches the index counts against MAX_QUERY_TERMS, expansions included.
  const lexicalKept = lexical.slice(0, Math.min(EXPANSIONS.lexicon, MAX_QUERY_TERMS - asked.length));
  const first = await store.counts([...asked, ...lexicalKept]);
  const total = first.total;
  const df = new Map<QueryTerm, number>();
  [...asked, ...lexicalKept].forEach((term, i) => df.set(term, first.counts[i] ?? 0));
  const lexicalTerms = lexicalKept.filter((t) => (df.get(t) ?? 0) > 0);

  const pool = new Map<string, Candidate>();
  const add = (rows: Candidate[]) => rows.forEach((row) => pool.set(idOf(row), row));
  /** Entries, note chunks and code chunks holding the terms. */
  const fetch = async (terms: QueryTerm[], limit: number): Promise<Candidate[]> => [
    ...(await store.candidates(terms, limit)),
    ...((await store.noteCandidates?.(terms, limit)) ?? []),
    ...((await store.codeCandidates?.(terms, limit)) ?? []),
  ];
  const firstPass = await fetch(
    pruneCommon(asked, (t) => df.get(t) ?? 0, total),
    settings.pool,
  );
  add(firstPass);

  // Associations: words that the entries holding one of the question's (rarer) words share,
  // more than the other entries read do.
  const associated: QueryTerm[] = [];
  const perWord: Candidate[][] = [];
  if (settings.associations > 0) {
    const rare = asked
      .filter((t) => !t.phrase && (df.get(t) ?? 0) > 1 && (df.get(t) ?? 0) <= commonAt(total))
      .sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0))
      .slice(0, ASSOCIATED_WORDS);
    for (const term of rare) perWord.push(await fetch([term], ASSOCIATION_ENTRIES));
    perWord.forEach(add);
    associated.push(
      ...associationTerms(rare, perWord, [...pool.values()], known, (t) => idfOf(df.get(t) ?? 0, total)),
    );
  }

  // Pseudo-relevance feedback: the words that weigh most in the first pass's best entries.
  const feedback: QueryTerm[] = [];
  if (settings.feedback > 0 && firstPass.length > 0) {
    const scoredFirst = scoreAll(firstPass, [...asked, ...lexicalTerms], df, total, settings, new Map());
    feedback.push(...feedbackTerms(scoredFirst.slice(0, FEEDBACK_DOCS), scoredFirst, known));
  }

  // The expansions that fit the budget, strongest first; the new ones counted, then fetched.
  const budget = MAX_QUERY_TERMS - asked.length - lexicalTerms.length;
  const extra = [
    ...associated
      .slice(0, EXPANSIONS.association)
      .map((t) => ({ ...t, weight: t.weight * settings.associations })),
    ...feedback.slice(0, EXPANSIONS.feedback).map((t) => ({ ...t, weight: t.weight * settings.feedback })),
  ]
    .sort((a, b) => b.weight - a.weight)
    .filter((t, i, all) => all.findIndex((u) => u.stem === t.stem) === i)
    .slice(0, Math.max(0, budget));
  if (extra.length > 0) {
    const counted = await store.counts(extra);
    extra.forEach((term, i) => df.set(term, counted.counts[i] ?? 0));
  }
  const expansions = [...lexicalTerms, ...extra.filter((t) => (df.get(t) ?? 0) > 0)];
  if (expansions.length > 0) {
    add(
      await fetch(
        pruneCommon(expansions, (t) => df.get(t) ?? 0, total),
        settings.expansionPool,
      ),
    );
  }

  const terms = [...asked, ...expansions];
  // First scoring, then the best candidates again with their neighbours.
  let scored = scoreAll([...pool.values()], terms, df, total, settings, new Map());
  if (settings.neighbourField > 0 && scored.length > 0) {
    const top = scored.slice(0, WITH_NEIGHBOURS);
    const entryPlaces = top.flatMap(({ row }) =>
      row.kind === 'note' || row.kind === 'code'
        ? []
        : [
            { threadPk: row.threadPk, seq: row.seq - 1 },
            { threadPk: row.threadPk, seq: row.seq + 1 },
          ],
    );
    const chunkPlaces = top.flatMap(({ row }) =>
      row.kind === 'note'
        ? [
            { notePk: row.notePk, seq: row.seq - 1 },
            { notePk: row.notePk, seq: row.seq + 1 },
          ]
        : [],
    );
    const codePlaces = top.flatMap(({ row }) =>
      row.kind === 'code'
        ? [
            { filePk: row.filePk, seq: row.seq - 1 },
            { filePk: row.filePk, seq: row.seq + 1 },
          ]
        : [],
    );
    const neighbours = new Map<string, string>();
    if (codePlaces.length > 0 && store.codeChunksAt) {
      for (const n of await store.codeChunksAt(codePlaces))
        neighbours.set(`c${n.filePk}:${n.seq}`, n.content);
    }
    for (const n of await store.entriesAt(entryPlaces)) neighbours.set(`t${n.threadPk}:${n.seq}`, n.content);
    if (chunkPlaces.length > 0 && store.chunksAt) {
      for (const n of await store.chunksAt(chunkPlaces)) neighbours.set(`n${n.notePk}:${n.seq}`, n.content);
    }
    const rescored = scoreAll(
      top.map((s) => s.row),
      terms,
      df,
      total,
      settings,
      neighbours,
    );
    scored = [...rescored, ...scored.slice(WITH_NEIGHBOURS)];
  }

  // Names are written with a capital (not only as the question's first word).
  const capitalised = new Set(
    question
      .split(/\s+/)
      .slice(1)
      .filter((word) => /\p{Lu}/u.test(word))
      .flatMap(indexWords),
  );
  const unknown = (t: QueryTerm) =>
    settings.unknownNames &&
    t.source === 'question' &&
    !t.phrase &&
    (settings.unknownWords || capitalised.has(t.text)) &&
    (df.get(t) ?? 0) === 0 &&
    /^\p{L}{3,}$/u.test(t.text) &&
    options.lexicon?.senses(t.stem) === 0;
  const answerTerms: AnswerTerm[] = terms.map((t) => ({
    stem: t.stem,
    prefix: t.prefix,
    ...(t.phrase ? { phrase: true } : {}),
    ...(unknown(t) ? { unknown: true } : {}),
    weight: t.weight * idfOf(df.get(t) ?? 0, total),
    asked: t.source === 'question',
  }));
  const ranked = capCode(
    fuse(scored, answerTerms, settings, options.semantic),
    options.limit,
    settings.codeShare,
  );
  const sources: OracleSource[] = groupByThread(ranked.slice(0, options.limit)).map((s) => ({
    ...s,
    snippet: makeSnippet(s.content, answerTerms),
  }));
  return { terms: answerTerms, sources };
}

/** The ranking with at most `share` code sources among the first `limit` while other sources can fill them. */
function capCode(ranked: OracleSource[], limit: number, share: number): OracleSource[] {
  if (share <= 0 || share >= limit) return ranked;
  const kept: OracleSource[] = [];
  const held: OracleSource[] = [];
  for (const source of ranked) {
    if (kept.length >= limit) break;
    if (source.kind === 'code' && kept.filter((s) => s.kind === 'code').length >= share) held.push(source);
    else kept.push(source);
  }
  return [...kept, ...held, ...ranked.slice(kept.length + held.length)];
}

/** Every candidate scored for the terms, best first. */
function scoreAll(
  rows: Candidate[],
  terms: QueryTerm[],
  df: Map<QueryTerm, number>,
  total: number,
  settings: RetrievalSettings,
  neighbours: Map<string, string>,
): Scored[] {
  const docs = rows.map((row): Scored => ({
    row,
    // Code is read with its identifiers split (refreshToken: refresh, token), as its index holds it.
    tokens: tokenize(row.kind === 'code' ? codeWords(row.content) : row.content),
    threadTokens:
      row.kind === 'note'
        ? settings.headingField > 0
          ? tokenize(`${row.title} ${row.headingText}`)
          : []
        : row.kind === 'code'
          ? settings.symbolField > 0
            ? // The name counts twice what the signature and the path count, as in the index (6 : 3 : 2).
              tokenize(
                codeWords(`${row.container} ${row.symbol} `.repeat(2) + `${row.signature} ${row.path}`),
              )
            : []
          : settings.threadField > 0
            ? tokenize(row.thread.replace(/-/g, ' '))
            : [],
    neighbourTokens:
      settings.neighbourField > 0
        ? tokenize(
            `${neighbours.get(`${groupOf(row)}:${row.seq - 1}`) ?? ''} ${neighbours.get(`${groupOf(row)}:${row.seq + 1}`) ?? ''}`,
          )
        : [],
    score: 0,
  }));
  // The median length, not the mean: the candidates of many words are the long entries.
  const lengths = docs.map((d) => d.tokens.length).sort((a, b) => a - b);
  const averageLength = Math.max(1, lengths[lengths.length >> 1] ?? 1);
  const weights = terms.map((t) => t.weight * idfOf(df.get(t) ?? 0, total));
  for (const doc of docs) {
    const { score, passage } = bm25f(doc, terms, weights, averageLength, settings);
    doc.score = score;
    if (passage && doc.row.kind === 'note') doc.passage = passage;
  }
  return docs.sort((a, b) => b.score - a.score);
}

/** BM25 over an entry's fields (content, thread name, neighbours), a long entry also by its best passage. */
function bm25f(
  doc: Omit<Scored, 'score'>,
  terms: QueryTerm[],
  weights: number[],
  averageLength: number,
  settings: RetrievalSettings,
): { score: number; passage?: { tokens: string[]; threeBest: number } } {
  const score = (tokens: string[], length: number, average: number) => {
    let sum = 0;
    terms.forEach((term, i) => {
      const labelWeight =
        doc.row.kind === 'note'
          ? settings.headingField
          : doc.row.kind === 'code'
            ? settings.symbolField
            : settings.threadField;
      const tf =
        termFrequency(tokens, term) +
        labelWeight * termFrequency(doc.threadTokens, term) +
        settings.neighbourField * termFrequency(doc.neighbourTokens, term) * 0.5;
      if (tf > 0) sum += (weights[i]! * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / average));
    });
    return sum;
  };
  const whole = score(doc.tokens, doc.tokens.length, averageLength);
  // A code chunk is one unit already (a function, a class's header): it scores whole.
  if (!settings.passages || doc.row.kind === 'code' || doc.tokens.length <= PASSAGE * 1.5)
    return { score: whole };
  const passages: { start: number; score: number }[] = [];
  for (let start = 0; start < doc.tokens.length; start += PASSAGE / 2) {
    const passage = doc.tokens.slice(start, start + PASSAGE);
    passages.push({ start, score: score(passage, passage.length, averageLength) });
    if (start + PASSAGE >= doc.tokens.length) break;
  }
  passages.sort((a, b) => b.score - a.score || a.start - b.start);
  const best = passages[0]!;
  // The three best passages that do not overlap (the windows overlap by half).
  const separate: typeof passages = [];
  for (const p of passages) {
    if (separate.length === 3) break;
    if (separate.every((q) => Math.abs(q.start - p.start) >= PASSAGE)) separate.push(p);
  }
  return {
    score: Math.max(whole, best.score),
    passage: {
      tokens: doc.tokens.slice(best.start, best.start + PASSAGE),
      threeBest: separate.reduce((sum, p) => sum + p.score, 0),
    },
  };
}

/** Tokens worth proposing as an expansion: not a stop word, not a number, not already asked. */
const usable = (stem: string, known: Set<string>) =>
  stem.length >= 3 && !known.has(stem) && !STOP_WORDS.has(stem) && !/^\d+$/.test(stem);

/**
 * Words associated with the question's words in the user's entries: for each word, the entries
 * holding it (`perWord`); a word that many of them share, and that the rest of the entries read
 * (`background`) hold less often, is associated (a pointwise mutual information), weighted by the
 * rarity of the question's word. Weights up to 1, strongest first.
 */
export function associationTerms(
  words: QueryTerm[],
  perWord: Candidate[][],
  background: Candidate[],
  known: Set<string>,
  idf: (term: QueryTerm) => number,
): QueryTerm[] {
  const holding = (rows: Candidate[]) => {
    const counts = new Map<string, { n: number; word: string }>();
    for (const row of rows) {
      const seen = new Set<string>();
      for (const word of indexWords(row.content)) {
        const stem = stemOf(word);
        if (seen.has(stem) || !usable(stem, known)) continue;
        seen.add(stem);
        const c = counts.get(stem);
        if (c) c.n++;
        else counts.set(stem, { n: 1, word });
      }
    }
    return counts;
  };
  const all = holding(background);
  const strength = new Map<string, { score: number; word: string }>();
  words.forEach((term, i) => {
    const rows = perWord[i] ?? [];
    if (rows.length < 3) return;
    for (const [stem, { n, word }] of holding(rows)) {
      if (n < 2) continue;
      const p = n / rows.length;
      const q = ((all.get(stem)?.n ?? 0) + 1) / (background.length + 1);
      if (p <= q) continue;
      const score = idf(term) * p * Math.log(p / q);
      const s = strength.get(stem);
      strength.set(stem, { score: (s?.score ?? 0) + score, word: s?.word ?? word });
    }
  });
  return normalised(strength, 'association');
}

/**
 * Relevance-model feedback (RM3-like): words that weigh most in the best entries (each entry by
 * its score, each word by its share of the entry), against how much they weigh in all candidates.
 * Weights up to 1, strongest first.
 */
export function feedbackTerms(best: Scored[], all: Scored[], known: Set<string>): QueryTerm[] {
  const model = (docs: Scored[], byScore: boolean) => {
    const weights = new Map<string, number>();
    const total = docs.reduce((sum, d) => sum + (byScore ? d.score : 1), 0) || 1;
    for (const doc of docs) {
      const share = (byScore ? doc.score : 1) / total / Math.max(1, doc.tokens.length);
      for (const stem of doc.tokens) weights.set(stem, (weights.get(stem) ?? 0) + share);
    }
    return weights;
  };
  const relevant = model(best, true);
  const background = model(all, false);
  const spread = new Map<string, number>();
  for (const doc of best)
    for (const stem of new Set(doc.tokens)) spread.set(stem, (spread.get(stem) ?? 0) + 1);
  const strength = new Map<string, { score: number; word: string }>();
  const words = new Map<string, string>();
  for (const doc of best) for (const word of indexWords(doc.row.content)) words.set(stemOf(word), word);
  for (const [stem, p] of relevant) {
    // A word of one entry only is that entry's, not the question's.
    if (!usable(stem, known) || (spread.get(stem) ?? 0) < 2) continue;
    const q = background.get(stem) ?? p;
    if (p <= q) continue;
    strength.set(stem, { score: p * Math.log(p / q), word: words.get(stem) ?? stem });
  }
  return normalised(strength, 'feedback');
}

function normalised(
  strength: Map<string, { score: number; word: string }>,
  source: 'association' | 'feedback',
) {
  const max = Math.max(0, ...[...strength.values()].map((s) => s.score));
  if (max === 0) return [];
  return [...strength]
    .sort((a, b) => b[1].score - a[1].score)
    .map(([stem, { score, word }]) => ({ text: word, stem, prefix: false, weight: score / max, source }));
}

/**
 * The final order: the BM25 ranking fused with the ranking by the share of the question's words an
 * entry holds (and the semantic ranking, when given), by weighted reciprocal rank or by the sum of
 * scores scaled to each ranking's best.
 */
function fuse(
  scored: Scored[],
  terms: AnswerTerm[],
  settings: RetrievalSettings,
  semantic: { rows: CandidateRow[]; weight: number } | undefined,
): OracleSource[] {
  const rows = new Map<string, Candidate>(scored.map((s) => [idOf(s.row), s.row]));
  for (const row of semantic?.rows ?? []) if (!rows.has(idOf(row))) rows.set(idOf(row), row);
  const label = (row: Candidate) =>
    row.kind === 'note' || row.kind === 'code'
      ? { ...row }
      : { ...row, kind: 'entry' as const, thread: row.thread };
  const rankings: { scores: Map<string, number>; weight: number }[] = [
    { scores: new Map(scored.map((s) => [idOf(s.row), s.score])), weight: 1 },
  ];
  // A long note chunk by its best passage (notePassages): its words and its title's and headings'.
  const passages = new Map(
    settings.notePassages ? scored.flatMap((s) => (s.passage ? [[idOf(s.row), s]] : [])) : [],
  );
  const passageSupport = ({ row, passage }: Scored) =>
    askedShare(terms, [...passage!.tokens, ...tokenize(sourceLabel(row))]);
  if (settings.coverage > 0) {
    rankings.push({
      scores: new Map(
        [...rows.values()].map((row) => {
          const long = passages.get(idOf(row));
          return [idOf(row), long ? passageSupport(long) : support(terms, label(row))];
        }),
      ),
      weight: settings.coverage,
    });
  }
  if (settings.threadScore > 0) {
    // A thread's (a note's) evidence: its three best candidates' scores, added up, given to each of
    // them; with notePassages, a note chunk is its own thread, of its passages.
    const groupOfRow = (row: Candidate) =>
      settings.notePassages && row.kind === 'note' ? idOf(row) : groupOf(row);
    const byGroup = new Map<string, number[]>();
    for (const s of scored) {
      const evidence =
        settings.notePassages && s.row.kind === 'note' ? [s.passage?.threeBest ?? s.score] : [s.score];
      byGroup.set(groupOfRow(s.row), [...(byGroup.get(groupOfRow(s.row)) ?? []), ...evidence]);
    }
    const groupScore = (group: string) =>
      (byGroup.get(group) ?? [])
        .sort((a, b) => b - a)
        .slice(0, 3)
        .reduce((sum, x) => sum + x, 0);
    rankings.push({
      scores: new Map([...rows.values()].map((row) => [idOf(row), groupScore(groupOfRow(row))])),
      weight: settings.threadScore,
    });
  }
  if (semantic && semantic.rows.length > 0) {
    const n = semantic.rows.length;
    rankings.push({
      scores: new Map(semantic.rows.map((row, i) => [idOf(row), (n - i) / n])),
      weight: semantic.weight,
    });
  }
  const fused = new Map<string, number>();
  const interleave = settings.kinds === 'interleave';
  for (const { scores, weight } of rankings) {
    if (interleave) {
      // Each kind ranked alone; a rank in one counts as the same rank in the other.
      for (const kind of ['entry', 'note', 'code']) {
        [...scores]
          .filter(([id]) => (rows.get(id)!.kind ?? 'entry') === kind)
          .sort((a, b) => b[1] - a[1])
          .forEach(([id], i) => fused.set(id, (fused.get(id) ?? 0) + weight / (60 + i + 1)));
      }
    } else if (settings.fusion === 'rrf') {
      [...scores]
        .sort((a, b) => b[1] - a[1])
        .forEach(([id], i) => fused.set(id, (fused.get(id) ?? 0) + weight / (60 + i + 1)));
    } else {
      const best = Math.max(1e-9, ...scores.values());
      for (const [id, score] of scores) fused.set(id, (fused.get(id) ?? 0) + (weight * score) / best);
    }
  }
  return [...fused]
    .sort((a, b) => b[1] - a[1])
    .map(([id, score]): OracleSource => {
      const row = rows.get(id)!;
      if (row.kind === 'code') {
        return {
          kind: 'code',
          project: row.project,
          path: row.path,
          symbol: row.symbol,
          container: row.container,
          signature: row.signature,
          language: row.language,
          startLine: row.startLine,
          endLine: row.endLine,
          snippet: row.content,
          score: Number(score.toPrecision(4)),
          timestamp: new Date(row.timestamp),
          content: row.content,
        };
      }
      if (row.kind === 'note') {
        return {
          kind: 'note',
          project: row.project,
          path: row.path,
          title: row.title,
          heading: row.heading,
          startLine: row.startLine,
          endLine: row.endLine,
          snippet: row.content,
          score: Number(score.toPrecision(4)),
          timestamp: new Date(row.timestamp),
          content: row.content,
        };
      }
      return {
        kind: 'entry',
        project: row.project,
        thread: row.thread,
        entryId: row.entryId,
        seq: row.seq,
        snippet: row.content,
        score: Number(score.toPrecision(4)),
        author: row.author,
        timestamp: new Date(row.timestamp),
        content: row.content,
      };
    });
}
