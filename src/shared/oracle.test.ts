import { describe, expect, it } from 'vitest';
import {
  checkCitations,
  composeExtractive,
  groupByThread,
  makeSnippet,
  matchFor,
  pruneCommon,
  NO_ANSWER,
  questionToQuery,
  splitSentences,
  stem,
  type OracleSource,
} from './oracle.js';

const source = (thread: string, content: string): OracleSource => ({
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

describe('questionToQuery', () => {
  it('drops stop words, stems, and ORs quoted prefixes so FTS syntax stays words', () => {
    const query = questionToQuery('What did we decide about token expiry?')!;
    expect(query.stems.map((g) => g[0])).toEqual(['token', 'expir']);
    expect(query.stems[0]).toEqual(expect.arrayContaining(['session', 'jwt']));
    expect(matchFor(query.terms).split(' OR ')).toEqual(
      expect.arrayContaining(['"token"*', '"expir"*', '"jwt"']),
    );
    expect(matchFor(questionToQuery('NEAR("keys" OR colour*) col:umn -x ^y')!.terms)).toBe(
      '"near"* OR "key" OR "colour"* OR "col" OR "umn"',
    );
    expect(questionToQuery('what is it?')).toBeUndefined();
  });

  it('adds a quoted phrase as one term', () => {
    const query = questionToQuery('where did we put the "refresh token"?')!;
    expect(matchFor(query.terms)).toContain('"refresh token"');
    expect(query.terms.at(-1)).toEqual({ text: 'refresh token', prefix: false, phrase: true });
  });

  it('stems so that expire and expiry meet', () => {
    expect(stem('expiry')).toBe(stem('expires').slice(0, 5));
  });
});

describe('composeExtractive', () => {
  it('answers with the best sentences and their citations', () => {
    const stems = questionToQuery('how long do access tokens last before expiry?')!.stems;
    expect(stems.map((g) => g[0])).toEqual(['long', 'acces', 'token', 'last', 'expir']);
    const answer = composeExtractive(stems, [
      source('auth', 'We moved to JWT. Access tokens expire after 15 minutes; refresh tokens last 90 days.'),
      source('lunch', 'Soup again.'),
    ]);
    expect(answer).toMatch(/Access tokens expire after 15 minutes\. \[1\]/);
    expect(answer).not.toContain('[2]');
  });

  it('says plainly when the threads hold no answer', () => {
    const stems = questionToQuery('which database did we pick for analytics?')!.stems;
    expect(
      composeExtractive(stems, [source('lunch', 'Soup again, and the pick of the day was bread.')]),
    ).toBe(NO_ANSWER);
    expect(composeExtractive(stems, [])).toBe(NO_ANSWER);
  });

  it('splits sentences on punctuation, lines and bullets', () => {
    expect(splitSentences('One. Two!\n- three; four')).toEqual(['One.', 'Two!', 'three', 'four']);
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
    const groups = questionToQuery('token expiry')!.stems;
    const long = `${'filler '.repeat(20)}Access tokens expire after 15 minutes. ${'more '.repeat(30)}`;
    const snippet = makeSnippet(long, groups, 12);
    expect(snippet).toMatch(/^….*Access \*\*tokens\*\* \*\*expire\*\* after 15 minutes\..*…$/);
    expect(makeSnippet('Short: tokens.', groups)).toBe('Short: **tokens**.');
  });
});

describe('pruneCommon', () => {
  it('leaves out terms most entries hold, keeping at least the rarest', () => {
    const terms = questionToQuery('token expiry session')!.terms.filter((t) =>
      ['token', 'expir', 'session'].includes(t.text),
    );
    const df: Record<string, number> = { token: 90_000, expir: 40, session: 70_000 };
    expect(pruneCommon(terms, (t) => df[t.text] ?? 0, 100_000).map((t) => t.text)).toEqual(['expir']);
    expect(
      pruneCommon(terms, (t) => (t.text === 'expir' ? 0 : df[t.text]!), 100_000).map((t) => t.text),
    ).toEqual(['session']);
    // A small vault keeps every word.
    expect(pruneCommon(terms, () => 150, 200)).toHaveLength(3);
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
