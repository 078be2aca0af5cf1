import { describe, expect, it } from 'vitest';
import {
  checkCitations,
  composeExtractive,
  groupByThread,
  makeSnippet,
  matchFor,
  NO_ANSWER,
  questionToQuery,
  splitSentences,
  support,
  citationOf,
  type AnswerTerm,
  type CodeSource,
  type EntrySource,
} from './oracle.js';

const source = (thread: string, content: string): EntrySource => ({
  kind: 'entry',
  project: 'app',
  thread,
  entryId: `id-${thread}`,
  seq: 0,
  snippet: content,
  score: 1,
  author: 'user',
  timestamp: new Date(0),
  content,
});

/** Answer terms for a question, each of its words at weight 1. */
const termsOf = (question: string): AnswerTerm[] =>
  questionToQuery(question)!.terms.map((t) => ({ stem: t.stem, prefix: t.prefix, weight: 1, asked: true }));

describe('questionToQuery', () => {
  it('drops stop words, stems with porter as the index does, and ORs quoted words so FTS syntax stays words', () => {
    const query = questionToQuery('What did we decide about token expiry?')!;
    expect(query.terms.map((t) => t.stem)).toEqual(['token', 'expiri']);
    expect(query.terms.every((t) => t.source === 'question' && t.weight === 1)).toBe(true);
    expect(matchFor(query.terms)).toBe('"token"* OR "expiry"*');
    expect(matchFor(questionToQuery('NEAR("keys" OR colour*) col:umn -x ^y')!.terms)).toBe(
      '"near"* OR "keys" OR "colour"* OR "col" OR "umn"',
    );
    expect(questionToQuery('what is it?')).toBeUndefined();
  });

  it('adds a quoted phrase as one term', () => {
    const query = questionToQuery('where did we put the "refresh token"?')!;
    expect(matchFor(query.terms)).toContain('"refresh token"');
    expect(query.terms.at(-1)).toMatchObject({ text: 'refresh token', stem: 'refresh token', phrase: true });
  });

  it('keeps no word list of its own: a word and its synonym are two words', () => {
    expect(questionToQuery('typeface')!.terms.map((t) => t.stem)).toEqual(['typefac']);
  });
});

const codeSource = (symbol: string, content: string, startLine = 10): CodeSource => ({
  kind: 'code',
  project: 'app',
  path: 'src/retrier.ts',
  symbol,
  container: '',
  signature: `function ${symbol}()`,
  language: 'typescript',
  startLine,
  endLine: startLine + content.split('\n').length - 1,
  snippet: content,
  score: 1,
  timestamp: new Date(0),
  content,
});

describe('composeExtractive with code', () => {
  it('says what the thread says, then quotes the code from its first line of code, in a fence, citing both', () => {
    const terms = termsOf('why does the retrier give up after an hour?');
    const code = codeSource(
      'giveUpAfter',
      [
        '/** Stops the retrier. */',
        'export function giveUpAfter(hour: number) {',
        '  return hour;',
        '}',
      ].join('\n'),
    );
    const answer = composeExtractive(terms, [
      code,
      source('retrier', 'Decided: the retrier gives up after an hour, so no process lives for ever.'),
    ]);
    expect(answer).toBe(
      [
        'Decided: the retrier gives up after an hour, so no process lives for ever. [2]',
        '',
        'src/retrier.ts:11-13 (giveUpAfter) [1]:',
        '```typescript',
        'export function giveUpAfter(hour: number) {',
        '  return hour;',
        '}',
        '```',
      ].join('\n'),
    );
    expect(citationOf(code)).toBe('src/retrier.ts:10-13 (giveUpAfter)');
  });

  it("quotes a long definition where the question's words are, not only its first lines", () => {
    const body = Array.from({ length: 20 }, (_, i) => `  const step${i} = prepare(${i});`);
    const content = [
      'export function drainQueue(queue: Queue) {',
      ...body,
      '  // Gives up once the backoff passes an hour.',
      '  if (backoffMs > HOUR) return giveUp(queue);',
      '}',
    ].join('\n');
    const long = composeExtractive(termsOf('when does draining give up on backoff?'), [
      codeSource('drainQueue', content),
    ]);
    const quoted = long.split('\n');
    expect(quoted[0]).toBe('src/retrier.ts:21-32 (drainQueue) [1]:');
    expect(quoted).toContain('  if (backoffMs > HOUR) return giveUp(queue);');
    expect(quoted).toHaveLength(12 + 3);
    // Where its first lines hold the words as much as any, it starts at its signature.
    const first = composeExtractive(termsOf('what does drainQueue prepare?'), [
      codeSource('drainQueue', content),
    ]);
    expect(first.split('\n').slice(0, 3)).toEqual([
      'src/retrier.ts:10-21 (drainQueue) [1]:',
      '```typescript',
      'export function drainQueue(queue: Queue) {',
    ]);
  });

  it('fences code that holds a fence with tildes', () => {
    const answer = composeExtractive(termsOf('markdown fence'), [
      codeSource('', 'const markdownFence = "```";'),
    ]);
    expect(answer).toMatch(
      /^src\/retrier\.ts:10 \[1\]:\n~~~~typescript\nconst markdownFence = "```";\n~~~~$/,
    );
  });
});

describe('composeExtractive', () => {
  it('quotes the best source and adds sentences of others that hold nearly as much, with citations', () => {
    const terms = termsOf('how long do access tokens last before they expire?');
    const answer = composeExtractive(
      terms,
      [
        source(
          'auth',
          'We moved to JWT. Access tokens expire after 15 minutes; refresh tokens last 90 days.',
        ),
        source('keys', 'Access tokens expire faster on mobile.'),
        source('lunch', 'Soup again.'),
      ],
      0.3,
    );
    expect(answer).toMatch(/^We moved to JWT\. Access tokens expire after 15 minutes; .* \[1\]/);
    expect(answer).toContain('Access tokens expire faster on mobile. [2]');
    expect(answer).not.toContain('[3]');
  });

  it('says plainly when the best source holds too little of the question, or it names the unknown', () => {
    const terms = termsOf('which database did we pick for analytics?');
    expect(composeExtractive(terms, [source('lunch', 'Soup again, and bread.')])).toBe(NO_ANSWER);
    // One word of three ("pick") is under a threshold of a half.
    expect(
      composeExtractive(terms, [source('lunch', 'Soup again, and the pick of the day was bread.')], 0.5),
    ).toBe(NO_ANSWER);
    expect(composeExtractive(terms, [])).toBe(NO_ANSWER);
    // With no threshold, the same source is quoted.
    expect(composeExtractive(terms, [source('lunch', 'Soup again.')], 0)).toBe('Soup again. [1]');
    const named = [...termsOf('which kubernetes version?')].map((t) =>
      t.stem === 'kubernet' ? { ...t, unknown: true } : t,
    );
    expect(composeExtractive(named, [source('infra', 'Kubernetes version 1.29 everywhere.')], 0)).toBe(
      NO_ANSWER,
    );
  });

  it('splits sentences on punctuation, lines and bullets', () => {
    expect(splitSentences('One. Two!\n- three; four')).toEqual(['One.', 'Two!', 'three', 'four']);
  });

  it('reads a single line break inside a paragraph as a space (hard-wrapped markdown)', () => {
    const text =
      'Prereleases are allowed if they are greater than or\nequal to beta.2. So `1.2.4-beta.2` is not.\n\n' +
      'Next paragraph\nwrapped.\n- an item\n  continued\n1. a step\n# A heading\n| a | row |';
    expect(splitSentences(text)).toEqual([
      'Prereleases are allowed if they are greater than or equal to beta.2.',
      'So `1.2.4-beta.2` is not.',
      'Next paragraph wrapped.',
      'an item continued',
      'a step',
      '# A heading',
      '| a | row |',
    ]);
  });

  it('leaves fenced code out of the sentences, unless the text is nothing else', () => {
    const text =
      'Set the flag.\n```js\nconst pool = new Pool({ user: "x" });\npool.end();\n```\nThen restart.';
    expect(splitSentences(text)).toEqual(['Set the flag.', 'Then restart.']);
    // A fence left open runs to the end of the text.
    expect(splitSentences('Before.\n```\nopen(); fence')).toEqual(['Before.']);
    expect(splitSentences('```sh\nnpm install\nnpm test\n```')).toEqual([
      '```sh',
      'npm install',
      'npm test',
      '```',
    ]);
  });

  it('answers with the prose of a long source, not a line of its code', () => {
    const pool =
      'The pool emits an error event whenever an idle client in it meets an error, for example when ' +
      'the database restarts and drops the connection.\n```js\nconst pool = new Pool({ database: "postgres", ' +
      'user: "brianc" });\npool.on("error", (error, client) => { /* the idle client dropped: log it */ });\n' +
      'pool.on("drop", (event) => log(event)); // each idle client drop fires this event: its error\n' +
      'pool.connect().then((client) => client.release());\npool.query("SELECT 1").then(() => pool.end());\n```\n' +
      'Listen for it, or the process exits.';
    const answer = composeExtractive(termsOf('which event fires when an idle client drops?'), [
      source('pool', pool),
    ]);
    expect(answer).toMatch(/^The pool emits an error event whenever an idle client/);
    expect(pool.length).toBeGreaterThan(400); // longer than a source quoted whole
    expect(answer).not.toContain('brianc');
  });
});

describe('support', () => {
  it('is the share of the question words (by weight) the source and its thread name hold', () => {
    const terms = termsOf('token expiry cache');
    expect(support(terms, { thread: 'auth', content: 'Tokens expire daily.' })).toBeCloseTo(1 / 3);
    expect(support(terms, { thread: 'cache-layer', content: 'Token expiry is 15 minutes.' })).toBe(1);
  });
});

describe('checkCitations', () => {
  it('keeps citations to real sources and drops the rest', () => {
    expect(checkCitations('Tokens last 15 min [1] [7]. Keys rotate [2, 9].', 2)).toEqual({
      answer: 'Tokens last 15 min [1]. Keys rotate [2].',
      cited: [1, 2],
    });
    expect(checkCitations('Made up [5].', 2)).toEqual({ answer: 'Made up.', cited: [] });
  });
});

describe('makeSnippet', () => {
  it('marks the question words around the first match and cuts with …', () => {
    const terms = termsOf('token expire');
    const long = `${'filler '.repeat(20)}Access tokens expire after 15 minutes. ${'more '.repeat(30)}`;
    const snippet = makeSnippet(long, terms, 12);
    expect(snippet).toMatch(/^….*Access \*\*tokens\*\* \*\*expire\*\* after 15 minutes\..*…$/);
    expect(makeSnippet('Short: tokens.', terms)).toBe('Short: **tokens**.');
  });
});

describe('groupByThread', () => {
  it('keeps sources of one thread together, threads in the order of their best source', () => {
    const order = groupByThread([
      source('a', '1'),
      source('b', '2'),
      source('a', '3'),
      source('c', '4'),
      source('b', '5'),
    ]);
    expect(order.map((s) => `${s.thread}${s.content}`)).toEqual(['a1', 'a3', 'b2', 'b5', 'c4']);
  });
});
