// The Oracle's pure parts: a question turned into an FTS query, sentences picked from the best
// entries with their citations, and the LLM prompt and its citations checked. Runs anywhere.
import { stemmer } from 'stemmer';
import { MAX_QUERY_TERMS, MIN_PREFIX_CHARS } from './search-query.js';

export const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below
  between both but by can could did do does doing down during each few for from further had has have
  having he her here hers herself him himself his how i if in into is it its itself just me more most
  my myself no nor not now of off on once only or other our ours ourselves out over own same she should
  so some such than that the their theirs them themselves then there these they this those through to
  too under until up very was we were what when where which while who whom why will with would you your
  yours yourself yourselves did we us ever tell know anything something thing things said say decide
  decided decision make made get got use used still need needs can cannot every time times way ways also
  much many really currently`
    .split(/\s+/)
    .filter(Boolean),
);

/** A crude English stem, enough to match "expiry" with "expire" and "tokens" with "token". */
export function stem(word: string): string {
  let w = word.toLowerCase();
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'ies', 'ied', 'ed', 'es', 's', 'y', 'e']) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w;
}

/**
 * Words that mean the same in a team's engineering notes, so that a question asked in other words
 * still finds the entry: each group is searched when any of its words is asked about.
 */
export const THESAURUS: string[][] = [
  ['login', 'signin', 'auth', 'authentication', 'session', 'token', 'credential', 'jwt'],
  ['ci', 'pipeline', 'build', 'integration'],
  ['deploy', 'deployment', 'ship', 'release', 'rollout', 'production'],
  ['fast', 'faster', 'speed', 'sped', 'quick', 'slow', 'performance', 'latency'],
  ['duty', 'pager', 'incident', 'rotation', 'handover'],
  ['phone', 'mobile', 'device', 'ios', 'android'],
  ['database', 'db', 'postgres', 'sql', 'cluster'],
  ['christmas', 'holiday', 'holidays', 'december', 'freeze'],
  ['font', 'typeface'],
  ['bug', 'crash', 'error', 'failure'],
];

const SYNONYMS = new Map<string, string[]>();
for (const group of THESAURUS) {
  const stems = [...new Set(group.map(stem))];
  for (const s of stems) SYNONYMS.set(s, stems);
}

export interface OracleTerm {
  /** As typed into FTS5 (it applies the porter stemmer itself). */
  text: string;
  prefix: boolean;
  /** Several words that must stand together ("refresh token", quoted in the question). */
  phrase?: boolean;
}

export interface OracleQuery {
  /** Every word of the question and its synonyms, for FTS5 MATCH (see `matchFor`). */
  terms: OracleTerm[];
  /** One group per word of the question: its stem, then its synonyms' stems. */
  stems: string[][];
}

export function questionToQuery(question: string): OracleQuery | undefined {
  const groups: string[][] = [];
  for (const [word] of question.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    const s = stem(word);
    if (groups.some((g) => g[0] === s)) continue;
    groups.push([s, ...(SYNONYMS.get(s) ?? []).filter((other) => other !== s)]);
  }
  if (groups.length === 0) return undefined;
  // Prefix search catches expire/expiry/expired; short stems match exactly, or "ci"* would match half the index.
  const terms: OracleTerm[] = [...new Set(groups.flat())].map((text) => ({
    text,
    prefix: text.length > MIN_PREFIX_CHARS,
  }));
  // A quoted phrase also counts as one term: entries with the words together rank higher.
  for (const [, quoted] of question.matchAll(/"([^"]+)"/g)) {
    const words = [...quoted!.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)].map((m) => m[0]);
    if (words.length >= 2) terms.push({ text: words.join(' '), prefix: false, phrase: true });
  }
  // What one question may cost, as for a search: the first MAX_QUERY_TERMS terms.
  return { terms: terms.slice(0, MAX_QUERY_TERMS), stems: groups.slice(0, MAX_QUERY_TERMS) };
}

/** The FTS5 MATCH expression for these terms: each quoted (FTS syntax stays words), OR-ed. */
export function matchFor(terms: OracleTerm[]): string {
  return terms.map((t) => `"${t.text}"${t.prefix ? '*' : ''}`).join(' OR ');
}

/** The index's form of a term (FTS5's porter tokenizer), and the end of its prefix range. */
export function indexRange(term: OracleTerm): { from: string; to: string | undefined } {
  const from = stemmer(term.text);
  return { from, to: term.prefix ? `${from}\uffff` : undefined };
}

/**
 * Leaves out terms that most entries hold: bm25 gives them almost no weight, and ranking their
 * matches is most of a query's time on a large vault. `documents(term)` is how many entries hold
 * the term; at least the rarest term is always kept.
 */
export function pruneCommon(
  terms: OracleTerm[],
  documents: (term: OracleTerm) => number,
  total: number,
): OracleTerm[] {
  const limit = Math.max(1000, total * 0.05);
  const counted = terms.map((term) => ({ term, df: documents(term) }));
  const kept = counted.filter((c) => c.df > 0 && c.df <= limit).map((c) => c.term);
  if (kept.length > 0) return kept;
  const rarest = counted.filter((c) => c.df > 0).sort((a, b) => a.df - b.df)[0];
  return rarest ? [rarest.term] : terms;
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+|;\s+|\s+[-–—]\s+/)
    .map((s) => s.trim().replace(/^[-*•]\s*/, ''))
    .filter((s) => s.length > 0);
}

/** The question's word groups (by their first stem) of which some word occurs in the text. */
export function matchedStems(text: string, groups: string[][]): Set<string> {
  const words = new Set<string>();
  for (const [word] of text.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) words.add(stem(word));
  const found = new Set<string>();
  for (const group of groups) {
    const hit = group.some((s) =>
      [...words].some(
        (w) => (w.startsWith(s) || s.startsWith(w)) && (Math.min(w.length, s.length) >= 3 || w === s),
      ),
    );
    if (hit) found.add(group[0]!);
  }
  return found;
}

export interface OracleSource {
  project: string;
  thread: string;
  entryId: string;
  seq: number;
  snippet: string;
  score: number;
  author: string;
  timestamp: Date;
  /** The full entry, used to compose the answer; not sent to clients. */
  content: string;
  /** The entries just before and after it in its thread, for the LLM's context; not sent to clients. */
  context?: { before?: string; after?: string };
}

export const NO_ANSWER = 'No confident answer in your threads.';

/**
 * Extractive answer: the sentences that hold most of the question's words, from the best entries,
 * each followed by its citation [n] (n = position in `sources`, from 1). Below the threshold,
 * the honest "no confident answer".
 */
export function composeExtractive(stems: string[][], sources: OracleSource[], maxSentences = 3): string {
  if (sources.length === 0 || stems.length === 0) return NO_ANSWER;
  const needed = stems.length <= 2 ? 1 : Math.ceil(stems.length * 0.4);
  type Candidate = { text: string; source: number; hits: number; order: number };
  const candidates: Candidate[] = [];
  sources.forEach((source, i) => {
    const contextHits = matchedStems(`${source.thread.replace(/-/g, ' ')} ${source.content}`, stems);
    for (const [order, sentence] of splitSentences(source.content).entries()) {
      const own = matchedStems(sentence, stems).size;
      if (own === 0) continue;
      // Words found elsewhere in the entry or its thread's name count half.
      const hits = own + (contextHits.size - own) * 0.5;
      candidates.push({ text: sentence, source: i, hits: hits - i * 0.05, order });
    }
  });
  candidates.sort((a, b) => b.hits - a.hits);
  const best = candidates[0];
  if (!best || best.hits + 0.25 < needed) return NO_ANSWER;
  const chosen = candidates.filter((c) => c.hits >= Math.max(1, best.hits * 0.6)).slice(0, maxSentences);
  chosen.sort((a, b) => a.source - b.source || a.order - b.order);
  return chosen.map((c) => `${/[.!?]$/.test(c.text) ? c.text : `${c.text}.`} [${c.source + 1}]`).join(' ');
}

const clip = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}…` : text);

export function buildPrompt(question: string, sources: OracleSource[]): { system: string; user: string } {
  const numbered = sources
    .map((s, i) => {
      const lines = [
        `[${i + 1}] ${s.project}/${s.thread}#${s.seq} (${s.author}, ${s.timestamp.toISOString()}):`,
      ];
      if (s.context?.before) lines.push(`(context, the entry before: ${clip(s.context.before)})`);
      lines.push(s.content);
      if (s.context?.after) lines.push(`(context, the entry after: ${clip(s.context.after)})`);
      return lines.join('\n');
    })
    .join('\n\n');
  return {
    system:
      'You answer questions about a developer team\'s notes ("threads"). Use only the numbered sources; ' +
      'lines marked "context" only help you read them. ' +
      'Cite every claim with its source number in square brackets, like [2]. If the sources do not hold ' +
      'the answer, say exactly: "No confident answer in your threads." Be brief.',
    user: `Sources:\n\n${numbered}\n\nQuestion: ${question}`,
  };
}

/** Drops citations that point to no source; returns the answer and the cited source numbers. */
export function checkCitations(answer: string, sourceCount: number): { answer: string; cited: number[] } {
  const cited = new Set<number>();
  const cleaned = answer
    .replace(/\[(\d+(?:\s*,\s*\d+)*)\]/g, (_all, list: string) => {
      const valid = list
        .split(',')
        .map((n) => Number(n.trim()))
        .filter((n) => Number.isInteger(n) && n >= 1 && n <= sourceCount);
      for (const n of valid) cited.add(n);
      return valid.length ? `[${valid.join(', ')}]` : '';
    })
    .replace(/\s+([.,;:])/g, '$1')
    .replace(/ {2,}/g, ' ')
    .trim();
  return { answer: cleaned, cited: [...cited].sort((a, b) => a - b) };
}

export interface RetrievedRow {
  rank: number;
  content: string;
  entryId: string;
  seq: number;
  author: string;
  timestamp: string;
  project: string;
  thread: string;
}

/**
 * Up to `words` words of the content around its first match, the question's words between **
 * marks (the FTS snippet's format), with … where it was cut.
 */
export function makeSnippet(content: string, groups: string[][], words = 24): string {
  const tokens = content.split(/(\s+)/);
  const isHit = (token: string) => {
    const bare = token.toLowerCase().replace(/[^\p{L}\p{N}_-]/gu, '');
    return bare.length > 0 && matchedStems(bare, groups).size > 0;
  };
  const wordIndexes = tokens.flatMap((t, i) => (/\S/.test(t) ? [i] : []));
  const firstHit = wordIndexes.findIndex((i) => isHit(tokens[i]!));
  const start = Math.max(0, (firstHit < 0 ? 0 : firstHit) - Math.floor(words / 3));
  const chosen = wordIndexes.slice(start, start + words);
  const text = chosen
    .map((i) => {
      const token = tokens[i]!;
      if (!isHit(token)) return token;
      const [, lead, core, tail] = /^([^\p{L}\p{N}_]*)(.*?)([^\p{L}\p{N}_]*)$/u.exec(token)!;
      return `${lead}**${core}**${tail}`;
    })
    .join(' ');
  return `${start > 0 ? '…' : ''}${text}${start + words < wordIndexes.length ? '…' : ''}`;
}

/** bm25 first, then the share of the question's words an entry (with its thread's name) holds. */
export function rerank(rows: RetrievedRow[], stems: string[][]): OracleSource[] {
  const best = Math.max(1e-9, ...rows.map((r) => -r.rank));
  return rows
    .map((r) => {
      const coverage = matchedStems(`${r.thread.replace(/-/g, ' ')} ${r.content}`, stems).size / stems.length;
      return { r, score: -r.rank / best + coverage };
    })
    .sort((a, b) => b.score - a.score)
    .map(({ r, score }) => ({
      project: r.project,
      thread: r.thread,
      entryId: r.entryId,
      seq: r.seq,
      snippet: r.content,
      score: Number(score.toPrecision(4)),
      author: r.author,
      timestamp: new Date(r.timestamp),
      content: r.content,
    }));
}

/**
 * Retrieval shared by the server and the local vault: `run` executes an FTS5 MATCH and returns the
 * best-ranked candidates; they are re-ranked and the best `limit` get snippets.
 */
export function retrieveSources(
  run: (match: string) => RetrievedRow[],
  query: OracleQuery,
  terms: OracleTerm[],
  limit: number,
): OracleSource[] {
  return finishSources(rerank(run(matchFor(terms)), query.stems), query, limit);
}

/** The best `limit` of ranked sources, grouped by thread, with snippets. */
export function finishSources(ranked: OracleSource[], query: OracleQuery, limit: number): OracleSource[] {
  return groupByThread(ranked.slice(0, limit)).map((source) => ({
    ...source,
    snippet: makeSnippet(source.content, query.stems),
  }));
}

/** Reciprocal-rank fusion of two rankings (entry ids, best first); `weight` scales the second. */
export function fuseRankings(first: string[], second: string[], weight: number, k = 60): string[] {
  const score = new Map<string, number>();
  first.forEach((id, i) => score.set(id, (score.get(id) ?? 0) + 1 / (k + i + 1)));
  second.forEach((id, i) => score.set(id, (score.get(id) ?? 0) + weight / (k + i + 1)));
  return [...score].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

/** Sources of one thread next to each other, threads in the order of their best source. */
export function groupByThread<T extends { project: string; thread: string }>(sources: T[]): T[] {
  const order = new Map<string, number>();
  sources.forEach((s, i) => {
    const key = `${s.project}/${s.thread}`;
    if (!order.has(key)) order.set(key, i);
  });
  return sources
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        order.get(`${a.s.project}/${a.s.thread}`)! - order.get(`${b.s.project}/${b.s.thread}`)! || a.i - b.i,
    )
    .map(({ s }) => s);
}

/** Document counts from an FTS5 vocabulary table (`entries_vocab`), through two prepared queries. */
export function vocabularyCounter(
  exact: (term: string) => number | undefined,
  range: (from: string, to: string) => number,
): (term: OracleTerm) => number {
  return (term) => {
    const { from, to } = indexRange(term);
    return to === undefined ? (exact(from) ?? 0) : range(from, to);
  };
}
