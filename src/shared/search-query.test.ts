import { describe, expect, it } from 'vitest';
import {
  anyFallbacks,
  buildFtsQuery,
  codeWords,
  identifierWords,
  indexWords,
  MAX_QUERY_TERMS,
  parseSearch,
  pruneCommon,
  searchWords,
} from './search-query.js';

describe('buildFtsQuery', () => {
  it('quotes every word so FTS syntax is only ever text', () => {
    expect(buildFtsQuery('token AND expiry')).toMatchObject({
      all: '"token" AND "and" AND "expiry"',
      terms: ['"token"', '"and"', '"expiry"'],
    });
    expect(buildFtsQuery('"unbalanced (col:on) NEAR/3 -x ^y')?.terms).toEqual([
      '"unbalanced"',
      '"col"',
      '"on"',
      '"near"',
      '"3"',
      '"x"',
      '"y"',
    ]);
  });

  it('keeps a trailing * as a prefix search and drops duplicates', () => {
    expect(buildFtsQuery('auth* Auth* auth')?.terms).toEqual(['"auth"*', '"auth"']);
  });

  it('returns nothing when there is no word', () => {
    expect(buildFtsQuery(' ()"* -- ')).toBeUndefined();
  });
});

describe('searchWords: what one search may cost', () => {
  it('makes prefixes shorter than 3 characters exact words', () => {
    expect(searchWords('a* bc* def* 0*')).toEqual([
      { word: 'a', prefix: false },
      { word: 'bc', prefix: false },
      { word: 'def', prefix: true },
      { word: '0', prefix: false },
    ]);
  });

  it('keeps at most 16 words', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('').map((c) => `${c.repeat(3)}*`);
    const words = searchWords(alphabet.join(' '));
    expect(words).toHaveLength(MAX_QUERY_TERMS);
    expect(words[15]).toEqual({ word: 'ppp', prefix: true });
  });
});

describe('identifierWords', () => {
  it('splits camel case, joins snake case, and leaves plain words alone', () => {
    expect(identifierWords('refreshToken')).toEqual(['refresh', 'token']);
    expect(identifierWords('MAX_RETRY')).toEqual(['maxretry']);
    expect(identifierWords('HTTPServer parseJSON2 get_userName')).toEqual([
      'http',
      'server',
      'parse',
      'json',
      '2',
      'user',
      'name',
      'getusername',
    ]);
    expect(identifierWords('plain words here')).toEqual([]);
    expect(indexWords(codeWords('acquireLock()'))).toEqual(['acquirelock', 'acquire', 'lock']);
  });
});

describe('parseSearch', () => {
  it('takes tag: filters out of the words, lower case, each once', () => {
    expect(parseSearch('tag:decision token Tag:#Security tag:decision')).toEqual({
      words: [{ word: 'token', prefix: false }],
      tags: ['decision', 'security'],
    });
    expect(buildFtsQuery('tag:decision')).toMatchObject({ all: '', terms: [], tags: ['decision'] });
  });

  it('leaves tag: inside a word, or with nothing after it, as words', () => {
    expect(parseSearch('pretag:x tag: foo')).toEqual({
      words: ['pretag', 'x', 'tag', 'foo'].map((word) => ({ word, prefix: false })),
      tags: [],
    });
  });

  it('keeps FTS syntax in a tag from becoming anything but a tag name', () => {
    expect(parseSearch('tag:a"b OR')).toEqual({
      words: ['tag', 'a', 'b', 'or'].map((word) => ({ word, prefix: false })),
      tags: [],
    });
  });
});

describe('pruneCommon', () => {
  it('leaves out terms most rows hold, keeping at least the rarest', () => {
    const terms = ['token', 'expiry', 'session'];
    const df: Record<string, number> = { token: 90_000, expiry: 40, session: 70_000 };
    expect(pruneCommon(terms, (t) => df[t] ?? 0, 100_000)).toEqual(['expiry']);
    expect(pruneCommon(terms, (t) => (t === 'expiry' ? 0 : df[t]!), 100_000)).toEqual(['session']);
    // A small index keeps every word.
    expect(pruneCommon(terms, () => 150, 200)).toHaveLength(3);
    // Words no row holds are left out; when no word is held at all, the words stand as they are.
    expect(pruneCommon(terms, (t) => (t === 'token' ? 3 : 0), 100_000)).toEqual(['token']);
    expect(pruneCommon(terms, () => 0, 100_000)).toEqual(terms);
  });
});

describe('anyFallbacks', () => {
  const words = searchWords('how do we ship deploy* over holidays');
  const counted = (df: Record<string, number>, total = 1_000_000) => ({
    counts: words.map((w) => df[w.word] ?? 0),
    total,
  });
  const names = (lists: { word: string }[][]) => lists.map((list) => list.map((w) => w.word));
  // 1,000,000 rows: common is over 50,000.
  const df = { how: 400_000, do: 300_000, we: 500_000, ship: 9_000, deploy: 60_000, over: 70_000 };

  it('tries the words that are not common first, then all of them', () => {
    expect(names(anyFallbacks(words, counted(df)))).toEqual([
      ['ship', 'holidays'],
      ['how', 'do', 'we', 'ship', 'deploy', 'over', 'holidays'],
    ]);
    const query = buildFtsQuery('how do we ship deploy* over holidays')!;
    expect(query.any(() => counted(df))[0]).toBe('"ship" OR "holidays"');
    // A prefix is counted as its range of words, and kept like a word.
    expect(query.any(() => counted({ ...df, deploy: 20_000 }))[0]).toBe('"ship" OR "deploy"* OR "holidays"');
  });

  it('keeps the rarest common word when every word some row holds is common', () => {
    const { ship: _ship, ...common } = df;
    // "ship" and "holidays" are counted 0 now: they stay, and "deploy" (the rarest held) with them.
    expect(names(anyFallbacks(words, counted(common)))[0]).toEqual(['ship', 'deploy', 'holidays']);
  });

  it('keeps every word when none is common, or none is counted (a small index, split words)', () => {
    const small = { how: 900, do: 800, we: 950, ship: 3, deploy: 40, over: 700, holidays: 1 };
    expect(names(anyFallbacks(words, counted(small, 2_000)))).toEqual([words.map((w) => w.word)]);
    expect(names(anyFallbacks(words, counted({})))).toEqual([words.map((w) => w.word)]);
  });
});
