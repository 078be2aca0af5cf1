import { describe, expect, it } from 'vitest';
import {
  buildFtsQuery,
  codeWords,
  identifierWords,
  indexWords,
  MAX_QUERY_TERMS,
  parseSearch,
  searchWords,
} from './search-query.js';

describe('buildFtsQuery', () => {
  it('quotes every word so FTS syntax is only ever text', () => {
    expect(buildFtsQuery('token AND expiry')).toMatchObject({
      all: '"token" AND "and" AND "expiry"',
      any: '"token" OR "and" OR "expiry"',
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
