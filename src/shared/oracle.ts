// The Oracle's pure parts: a question turned into terms, an extractive answer composed from the
// best entries with their citations, snippets, and the LLM prompt and its citations checked.
// Ranking (expansion, fields, fusion) is retrieval.ts. Runs anywhere.
import { codeCitation } from './code.js';
import {
  codeWords,
  indexTerms,
  indexWords,
  MAX_QUERY_TERMS,
  MIN_PREFIX_CHARS,
  stemOf,
} from './search-query.js';

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

export interface OracleTerm {
  /** As typed into the index's query (it stems the words itself). */
  text: string;
  prefix: boolean;
  /** Several words that must stand together ("refresh token", quoted in the question). */
  phrase?: boolean;
}

/** Where a term of a query comes from: the question, or one of the ways it is expanded. */
export type TermSource = 'question' | 'lexicon' | 'association' | 'feedback';

export interface QueryTerm extends OracleTerm {
  /** The index's form of the term: its porter stem (a phrase: its words' stems, space-separated). */
  stem: string;
  /** How much the term counts: 1 for the question's own words, less for an expansion. */
  weight: number;
  source: TermSource;
}

export interface OracleQuery {
  /** The question's own words, then its quoted phrases: at most MAX_QUERY_TERMS. */
  terms: QueryTerm[];
}

/**
 * The question's words without stop words, as the index splits and stems them (search-query.ts),
 * each once; words longer than MIN_PREFIX_CHARS also match as prefixes when `prefix` is on.
 */
export function questionToQuery(question: string, options = { prefix: true }): OracleQuery | undefined {
  const terms: QueryTerm[] = [];
  for (const word of indexWords(question)) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    const stem = stemOf(word);
    if (terms.some((t) => t.stem === stem)) continue;
    terms.push({
      text: word,
      stem,
      prefix: options.prefix && stem.length > MIN_PREFIX_CHARS,
      weight: 1,
      source: 'question',
    });
  }
  if (terms.length === 0) return undefined;
  // A quoted phrase also counts as one term: entries with the words together rank higher.
  for (const [, quoted] of question.matchAll(/"([^"]+)"/g)) {
    const words = indexWords(quoted!);
    if (words.length >= 2) {
      terms.push({
        text: words.join(' '),
        stem: words.map(stemOf).join(' '),
        prefix: false,
        phrase: true,
        weight: 1,
        source: 'question',
      });
    }
  }
  // What one question may cost, as for a search: the first MAX_QUERY_TERMS terms.
  return { terms: terms.slice(0, MAX_QUERY_TERMS) };
}

/** The FTS5 MATCH expression for these terms: each quoted (FTS syntax stays words), OR-ed. */
export function matchFor(terms: OracleTerm[]): string {
  return terms.map((t) => `"${t.text}"${t.prefix ? '*' : ''}`).join(' OR ');
}

/** The index's form of a term (FTS5's porter tokenizer), and the end of its prefix range. */
export function indexRange(term: OracleTerm): { from: string; to: string | undefined } {
  const from = stemOf(term.text);
  return { from, to: term.prefix ? `${from}\uffff` : undefined };
}

export function splitSentences(text: string): string[] {
  const split = (lines: string) =>
    lines
      .split(/(?<=[.!?])\s+|\n+|;\s+|\s+[-–—]\s+/)
      .map((s) => s.trim().replace(/^[-*•]\s*/, ''))
      .filter((s) => s.length > 0);
  // A fenced code block is not prose: its lines cut at dots and semicolons are no sentences. It
  // is left out, unless the text is nothing else (then its lines are the sentences).
  const prose = text
    .replace(FENCED_BLOCK, '\n')
    // A single line break inside a paragraph is markdown's soft break (hard-wrapped text), not the
    // end of a sentence; a blank line, a list item, a quote, a heading or a table row is.
    .replace(/\n[ \t]*(?![ \t]|\n|[-*•+>|#]|\d+[.)]\s)/g, ' ')
    // A numbered item's number is no sentence of its own.
    .replace(/^[ \t]*\d+[.)][ \t]+/gm, '');
  const sentences = split(prose);
  return sentences.length > 0 ? sentences : split(text);
}

/** A fenced code block of markdown (``` to ```, or to the end of the text when left open). */
const FENCED_BLOCK = /^```[^\n]*\n[\s\S]*?(^```[^\n]*$|(?![\s\S]))/gm;

/** A term of an answer: its stem, how it matches, and how much it counts (its weight × idf). */
export interface AnswerTerm {
  stem: string;
  prefix: boolean;
  phrase?: boolean;
  weight: number;
  /** One of the question's own words (not an expansion). */
  asked: boolean;
  /** A name the user's entries never hold and the lexicon does not know: nothing can answer about it. */
  unknown?: boolean;
}

/** Whether an indexed token matches a term's stem (a prefix term: any token it starts). */
export function tokenMatches(token: string, term: { stem: string; prefix: boolean }): boolean {
  return token === term.stem || (term.prefix && token.startsWith(term.stem));
}

/** How often a term occurs in a text's tokens (a phrase: its stems one after another). */
export function termFrequency(tokens: string[], term: { stem: string; prefix: boolean; phrase?: boolean }) {
  let n = 0;
  if (!term.phrase) {
    for (const token of tokens) if (tokenMatches(token, term)) n++;
    return n;
  }
  const stems = term.stem.split(' ');
  for (let i = 0; i + stems.length <= tokens.length; i++) {
    if (stems.every((stem, j) => tokens[i + j] === stem)) n++;
  }
  return n;
}

/** The terms of which a text holds at least one occurrence. */
export function matchedTerms<T extends { stem: string; prefix: boolean; phrase?: boolean }>(
  text: string,
  terms: T[],
): T[] {
  const tokens = indexTerms(text);
  return terms.filter((term) => termFrequency(tokens, term) > 0);
}

/**
 * What a source is about besides its text: its thread's name, its note's title and headings, or
 * its code chunk's symbol, container, signature and path (identifiers split).
 */
export function sourceLabel(source: {
  kind?: 'entry' | 'note' | 'code';
  thread?: string;
  title?: string;
  headingText?: string;
  heading?: string;
  symbol?: string;
  container?: string;
  signature?: string;
  path?: string;
}): string {
  if (source.kind === 'note') return `${source.title ?? ''} ${source.headingText ?? source.heading ?? ''}`;
  if (source.kind === 'code') {
    return codeWords(
      `${source.container ?? ''} ${source.symbol ?? ''} ${source.signature ?? ''} ${source.path ?? ''}`,
    );
  }
  return (source.thread ?? '').replace(/-/g, ' ');
}

/** A source's text as its index reads it: code with its identifiers split. */
const searchedText = (source: { kind?: 'entry' | 'note' | 'code'; content: string }) =>
  source.kind === 'code' ? codeWords(source.content) : source.content;

/** The share of the question's own words (by weight) that a source and its label (thread name, note title) hold. */
export function support(
  terms: AnswerTerm[],
  source: Parameters<typeof sourceLabel>[0] & { content: string },
): number {
  return askedShare(terms, indexTerms(`${sourceLabel(source)} ${searchedText(source)}`));
}

/**
 * The share of the question's own words (by weight) that `tokens` hold: a source's support (its
 * label and text), or a long source's best passage's (the Oracle's coverage ranking).
 */
export function askedShare(
  terms: { stem: string; prefix: boolean; phrase?: boolean; weight: number; asked: boolean }[],
  tokens: string[],
): number {
  const asked = terms.filter((t) => t.asked);
  const total = asked.reduce((sum, t) => sum + t.weight, 0);
  if (total === 0) return 0;
  return asked.filter((t) => termFrequency(tokens, t) > 0).reduce((sum, t) => sum + t.weight, 0) / total;
}

interface SourceCommon {
  project: string;
  snippet: string;
  score: number;
  /** The entry's time, or when the note's text last changed. */
  timestamp: Date;
  /** The full entry or chunk, used to compose the answer; not sent to clients. */
  content: string;
  /** What is just before and after it (entries of its thread, chunks of its note), for the LLM; not sent. */
  context?: { before?: string; after?: string };
}

/** An entry of a thread. */
export interface EntrySource extends SourceCommon {
  kind: 'entry';
  thread: string;
  entryId: string;
  seq: number;
  author: string;
}

/** A chunk of a note: cited as `path:startLine-endLine (heading)`. */
export interface NoteSource extends SourceCommon {
  kind: 'note';
  path: string;
  title: string;
  heading: string;
  startLine: number;
  endLine: number;
}

/** A chunk of a repository's code: cited as `src/cli/sync/retrier.ts:13-40 (acquireLock)`. */
export interface CodeSource extends SourceCommon {
  kind: 'code';
  path: string;
  symbol: string;
  /** The enclosing class or module, '' at the top. */
  container: string;
  signature: string;
  language: string;
  startLine: number;
  endLine: number;
}

export type OracleSource = EntrySource | NoteSource | CodeSource;

/** A source as sent to clients: without its full text and context. */
export type SentSource =
  | Omit<EntrySource, 'content' | 'context'>
  | Omit<NoteSource, 'content' | 'context'>
  | Omit<CodeSource, 'content' | 'context'>;

/**
 * How a source is cited: `project/thread#seq`, `docs/auth.md:12-30 (## Token expiry)`, or
 * `src/cli/sync/retrier.ts:13-40 (acquireLock)`.
 */
export function citationOf(
  source:
    | Pick<EntrySource, 'kind' | 'project' | 'thread' | 'seq'>
    | Pick<NoteSource, 'kind' | 'path' | 'startLine' | 'endLine' | 'heading'>
    | Pick<CodeSource, 'kind' | 'path' | 'startLine' | 'endLine' | 'symbol' | 'container'>,
): string {
  if (source.kind === 'code') return codeCitation(source);
  if (source.kind === 'note') {
    const lines =
      source.startLine === source.endLine ? `${source.startLine}` : `${source.startLine}-${source.endLine}`;
    return `${source.path}:${lines}${source.heading ? ` (${source.heading})` : ''}`;
  }
  return `${source.project}/${source.thread}#${source.seq}`;
}

export const NO_ANSWER = 'No confident answer in your threads.';

/**
 * Below this share of the question's words (by weight) held by the best source, the answer is
 * NO_ANSWER: calibrated on the evaluation's two sets, so as to refuse few answerable questions
 * (docs/retrieval.md).
 */
export const NO_ANSWER_SUPPORT = 0.1;

/** An entry this short is quoted whole: its sentences often only make sense together. */
const QUOTE_WHOLE = 400;

/**
 * Extractive answer: the best source's passage that holds most of the question's words (the
 * whole entry when it is short), then the sentences of other sources that hold nearly as much,
 * each followed by its citation [n] (n = position in `sources`, from 1). When the best source
 * holds less than `minSupport` of the question's words, or the question names something the
 * entries never mention, the honest "no confident answer".
 */
export function composeExtractive(
  terms: AnswerTerm[],
  sources: OracleSource[],
  minSupport = NO_ANSWER_SUPPORT,
): string {
  const best = sources[0];
  if (!best || terms.length === 0 || terms.some((t) => t.unknown) || support(terms, best) < minSupport) {
    return NO_ANSWER;
  }
  if (best.kind === 'code') return composeWithCode(terms, sources);
  type Candidate = { text: string; source: number; score: number; order: number };
  const scored: Candidate[] = [];
  sources.slice(0, 3).forEach((source, i) => {
    // Code is quoted, never cut into sentences.
    if (source.kind === 'code') return;
    const context = new Set(matchedTerms(`${sourceLabel(source)} ${source.content}`, terms));
    for (const [order, sentence] of splitSentences(source.content).entries()) {
      const own = matchedTerms(sentence, terms);
      if (own.length === 0) continue;
      // Words found elsewhere in the entry or its thread's name count half.
      const ownWeight = own.reduce((sum, t) => sum + t.weight, 0);
      const contextWeight = [...context].reduce((sum, t) => sum + (own.includes(t) ? 0 : t.weight), 0);
      scored.push({
        text: sentence,
        source: i,
        score: (ownWeight + contextWeight * 0.5) * (1 - i * 0.1),
        order,
      });
    }
  });
  scored.sort((a, b) => b.score - a.score);
  const top = scored[0];
  const parts: { text: string; source: number }[] = [];
  if (best.content.length <= QUOTE_WHOLE)
    parts.push({ text: best.content.replace(/\s+/g, ' ').trim(), source: 0 });
  else {
    // The best sentence of the best source and the one after it: an answer often follows its topic.
    const own = scored.find((c) => c.source === 0)?.order ?? 0;
    parts.push({
      text: splitSentences(best.content)
        .slice(own, own + 2)
        .join(' '),
      source: 0,
    });
  }
  for (const c of scored) {
    if (parts.length >= 3 || !top || c.score < top.score * 0.75) break;
    if (c.source === 0 || parts.some((p) => p.source === c.source)) continue;
    parts.push({ text: c.text, source: c.source });
  }
  return parts.map((p) => `${/[.!?]$/.test(p.text) ? p.text : `${p.text}.`} [${p.source + 1}]`).join(' ');
}

/** At most this many lines of a code chunk are quoted in an answer. */
const QUOTED_LINES = 12;

/**
 * The lines of a code source worth quoting, in a fence with its language, after its citation: the
 * window of QUOTED_LINES lines holding most of the terms; for a definition, from its first line of
 * code (its signature, after its comments) unless a window further down holds more of them (a
 * long function whose answering line is past its first lines).
 */
export function quoteCode(source: CodeSource, terms: AnswerTerm[], n: number): string {
  const lines = source.content.split('\n');
  const code = lines.findIndex((line) => !/^\s*(\/\/|\/\*|\*|#|@|$)/.test(line));
  const head = source.symbol && code >= 0 ? code : 0;
  let from = head;
  if (lines.length - head > QUOTED_LINES) {
    const weights = lines.map((line) =>
      matchedTerms(codeWords(line), terms).reduce((sum, t) => sum + t.weight, 0),
    );
    const window = (i: number) => weights.slice(i, i + QUOTED_LINES).reduce((a, b) => a + b, 0);
    let best = window(head);
    for (let i = head + 1; i + QUOTED_LINES <= lines.length; i++) {
      const sum = window(i);
      if (sum > best) {
        best = sum;
        from = i;
      }
    }
  }
  const shown = lines.slice(from, from + QUOTED_LINES);
  const start = source.startLine + from;
  const fence = source.content.includes('```') ? '~~~~' : '```';
  return [
    `${codeCitation({ ...source, startLine: start, endLine: start + shown.length - 1 })} [${n}]:`,
    `${fence}${source.language}`,
    ...shown,
    fence,
  ].join('\n');
}

/**
 * An answer whose best source is code: the best entry's or note's passage if one is among the
 * sources (what the team said about it), then the code quoted in a fence; at most two quotes.
 */
function composeWithCode(terms: AnswerTerm[], sources: OracleSource[]): string {
  const parts: string[] = [];
  const prose = sources.slice(0, 5).findIndex((s) => s.kind !== 'code' && support(terms, s) >= 0.5);
  if (prose >= 0) {
    const rest = sources.filter((s) => s.kind !== 'code');
    const said = composeExtractive(terms, rest);
    if (said !== NO_ANSWER) {
      // Citations renumbered from the prose-only list to the whole list.
      parts.push(
        said.replace(/\[(\d+)\]/g, (_all, n: string) => `[${sources.indexOf(rest[Number(n) - 1]!) + 1}]`),
      );
    }
  }
  const code = sources
    .map((s, i) => ({ s, i }))
    .filter(
      ({ s, i }) => s.kind === 'code' && (i === 0 || support(terms, s) >= support(terms, sources[0]!) * 0.9),
    )
    .slice(0, 2);
  for (const { s, i } of code) parts.push(quoteCode(s as CodeSource, terms, i + 1));
  return parts.join('\n\n');
}

const clip = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}…` : text);

export function buildPrompt(question: string, sources: OracleSource[]): { system: string; user: string } {
  const numbered = sources
    .map((s, i) => {
      const part = s.kind === 'note' ? 'part of the note' : s.kind === 'code' ? 'code in the file' : 'entry';
      const lines = [
        s.kind === 'note'
          ? `[${i + 1}] note ${s.project}:${citationOf(s)} "${s.title}":`
          : s.kind === 'code'
            ? `[${i + 1}] code ${s.project}:${citationOf(s)} (${s.language}):`
            : `[${i + 1}] ${citationOf(s)} (${s.author}, ${s.timestamp.toISOString()}):`,
      ];
      if (s.context?.before) lines.push(`(context, the ${part} before: ${clip(s.context.before)})`);
      lines.push(s.content);
      if (s.context?.after) lines.push(`(context, the ${part} after: ${clip(s.context.after)})`);
      return lines.join('\n');
    })
    .join('\n\n');
  return {
    system:
      "You answer questions about a developer team's threads (short log entries), notes (markdown documents) and code. Use only the numbered sources; " +
      'quote code in fenced blocks; ' +
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
 * Up to `words` words of the content around where the terms weigh most, the matched words between
 * ** marks (the FTS snippet's format), with … where it was cut.
 */
export function makeSnippet(content: string, terms: AnswerTerm[], words = 24): string {
  const tokens = content.split(/(\s+)/);
  const weightOf = (token: string) => {
    const stems = indexTerms(token);
    let weight = 0;
    for (const term of terms)
      if (!term.phrase && stems.some((s) => tokenMatches(s, term))) weight += term.weight;
    return weight;
  };
  const wordIndexes = tokens.flatMap((t, i) => (/\S/.test(t) ? [i] : []));
  const weights = wordIndexes.map((i) => weightOf(tokens[i]!));
  // The window of `words` words that holds the most weight (distinct positions, so repeats count).
  let start = 0;
  let bestWeight = -1;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i]!;
    if (i >= words) sum -= weights[i - words]!;
    if (i >= words - 1 || i === weights.length - 1) {
      if (sum > bestWeight) {
        bestWeight = sum;
        start = Math.max(0, i - words + 1);
      }
    }
  }
  // Some words before the first match of that window, for context.
  const firstHit = weights.findIndex((w, i) => i >= start && w > 0);
  if (firstHit >= 0) start = Math.max(0, firstHit - Math.floor(words / 3));
  const text = wordIndexes
    .slice(start, start + words)
    .map((i, j) => {
      const token = tokens[i]!;
      if (weights[start + j] === 0) return token;
      const [, lead, core, tail] = /^([^\p{L}\p{N}_]*)(.*?)([^\p{L}\p{N}_]*)$/u.exec(token)!;
      return `${lead}**${core}**${tail}`;
    })
    .join(' ');
  return `${start > 0 ? '…' : ''}${text}${start + words < wordIndexes.length ? '…' : ''}`;
}

/** Sources of one thread (or one note) next to each other, in the order of their best source. */
export function groupByThread<
  T extends { project: string; kind?: 'entry' | 'note' | 'code'; thread?: string; path?: string },
>(sources: T[]): T[] {
  const keyOf = (s: T) =>
    s.kind === 'note' || s.kind === 'code' ? `${s.kind}:${s.project}:${s.path}` : `${s.project}/${s.thread}`;
  const order = new Map<string, number>();
  sources.forEach((s, i) => {
    if (!order.has(keyOf(s))) order.set(keyOf(s), i);
  });
  return sources
    .map((s, i) => ({ s, i }))
    .sort((a, b) => order.get(keyOf(a.s))! - order.get(keyOf(b.s))! || a.i - b.i)
    .map(({ s }) => s);
}
