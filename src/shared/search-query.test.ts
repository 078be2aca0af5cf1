import { describe, expect, it } from 'vitest';
import { buildFtsQuery } from './search-query.js';

describe('buildFtsQuery', () => {
  it('quotes every word so FTS syntax is only ever text', () => {
    expect(buildFtsQuery('token AND expiry')).toEqual({
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
