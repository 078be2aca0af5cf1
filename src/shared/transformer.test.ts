// The wire transformer: what it writes is superjson's, whether it walks the
// value itself (plain data with Dates) or leaves it to superjson.
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serializePlain, transformer } from './transformer.js';

const same = (value: unknown) => {
  const ours = transformer.serialize(value);
  // The same JSON and the same annotations (their keys' order aside: superjson's follows how
  // JavaScript orders an object's integer keys at each level, and reading them does not depend on it).
  expect(ours).toEqual(superjson.serialize(value));
  expect(superjson.deserialize(JSON.parse(JSON.stringify(ours)))).toEqual(
    superjson.deserialize(JSON.parse(JSON.stringify(superjson.serialize(value)))),
  );
  return ours;
};

describe('the wire transformer', () => {
  it('walks plain data with Dates itself, and writes what superjson writes', () => {
    const at = new Date(Date.UTC(2026, 10, 30, 12, 0, 0, 123));
    const push = {
      projectId: 'app',
      threadId: 'auth',
      status: 'active',
      createdAt: new Date(at),
      entries: Array.from({ length: 3 }, (_, i) => ({
        entryId: `id-${i}`,
        sequenceId: i,
        content: `entry ${i}`,
        author: 'agent',
        timestamp: new Date(at.getTime() + i),
      })),
    };
    const plain = [
      push,
      { results: [], nextCursor: null },
      [new Date(at), { nested: [[new Date(at)], { deeper: new Date(at) }] }],
      new Date(at),
      'text',
      42,
      -1.5,
      true,
      null,
      {},
      [],
      { 'a.b': new Date(at), 'c\\d': { 'e.f\\.g': new Date(at) }, '': new Date(at) },
      Object.assign(Object.create(null) as object, { at: new Date(at) }),
      { count: 0, score: 1e-9, unicode: 'naïve — ✓', empty: '' },
    ];
    for (const value of plain) {
      expect(serializePlain(value), JSON.stringify(value)).toBeDefined();
      const wire = same(value);
      expect(transformer.deserialize(JSON.parse(JSON.stringify(wire)))).toEqual(value);
    }
  });

  it('leaves to superjson what plain JSON cannot say', () => {
    const shared = new Date(0);
    const obj = { a: 1 };
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    class Point {
      constructor(public x = 1) {}
    }
    const others = [
      { missing: undefined },
      [undefined],
      { n: NaN },
      { n: Infinity },
      { n: -0 },
      { big: 10n },
      new Map([['k', 1]]),
      { set: new Set([1]) },
      { re: /x/g },
      { error: new Error('boom') },
      { invalid: new Date(NaN) },
      { twice: [shared, shared] },
      { same: obj, again: obj },
      circular,
      { point: new Point() },
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
      undefined,
    ];
    for (const value of others) {
      expect(serializePlain(value)).toBeUndefined();
      same(value);
    }
    // A key superjson refuses is refused the same way.
    const polluted = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    expect(() => transformer.serialize(polluted)).toThrow(/prototype pollution/);
    expect(() => transformer.serialize({ constructor: 1 })).toThrow(/prototype pollution/);
  });

  it('agrees with superjson on generated values', () => {
    let state = 7;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const make = (depth: number): unknown => {
      const kind = depth > 3 ? pick(['leaf', 'date']) : pick(['leaf', 'date', 'array', 'object']);
      if (kind === 'date') return new Date(Math.floor(random() * 4e12));
      if (kind === 'array') return Array.from({ length: Math.floor(random() * 4) }, () => make(depth + 1));
      if (kind === 'object') {
        const out: Record<string, unknown> = {};
        for (let i = Math.floor(random() * 4); i > 0; i--) {
          out[pick(['a', 'b.c', 'd\\e', 'entries', '0', 'x y'])] = make(depth + 1);
        }
        return out;
      }
      return pick([null, 'text', 0, 3.25, -7, false, true, '']);
    };
    for (let i = 0; i < 300; i++) {
      const value = make(0);
      expect(serializePlain(value)).toBeDefined();
      same(value);
    }
  });
});
