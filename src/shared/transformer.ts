// The wire transformer shared by the server and every client: Dates stay Dates. The format is
// superjson's. Serializing walks every value to find what JSON cannot carry, and superjson's walker
// is generic (a registry of types, paths kept as arrays): about 1.2 ms for a push of 100 entries,
// 15% of the CLI's time in a drain. The values this product sends are plain objects, arrays,
// strings, numbers, booleans, null and Dates, so `serialize` walks those itself and writes what
// superjson writes for them; anything else (a Map, undefined, NaN, a value met twice, a class) is
// left to superjson. Deserializing is superjson's own.
import superjson, { type SuperJSONResult } from 'superjson';

/** Thrown by the walk when a value needs superjson. */
const ELSEWHERE = Symbol('superjson');

/** A key as superjson writes it in a path: `\` and `.` escaped. */
const escapeKey = (key: string) => key.replace(/\\/g, '\\\\').replace(/\./g, '\\.');

/** Keys superjson refuses (a prototype pollution risk): it throws, so they are left to it. */
const REFUSED = new Set(['__proto__', 'constructor', 'prototype']);

/** `value` as superjson serializes it, for plain data with Dates; undefined for anything else. */
export function serializePlain(value: unknown): SuperJSONResult | undefined {
  const values: Record<string, ['Date']> = {};
  let rootDate = false;
  const seen = new Set<object>();
  const walk = (v: unknown, path: string | undefined): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      throw ELSEWHERE;
    }
    if (typeof v !== 'object') throw ELSEWHERE;
    // A value met twice is an identity superjson records.
    if (seen.has(v)) throw ELSEWHERE;
    seen.add(v);
    if (v instanceof Date) {
      if (Object.getPrototypeOf(v) !== Date.prototype || Number.isNaN(v.getTime())) throw ELSEWHERE;
      if (path === undefined) rootDate = true;
      else values[path] = ['Date'];
      return v.toISOString();
    }
    const at = (key: string) => (path === undefined ? escapeKey(key) : `${path}.${escapeKey(key)}`);
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) throw ELSEWHERE;
      const out: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) throw ELSEWHERE;
        out[i] = walk(v[i], at(String(i)));
      }
      return out;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw ELSEWHERE;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      if (REFUSED.has(key)) throw ELSEWHERE;
      out[key] = walk((v as Record<string, unknown>)[key], at(key));
    }
    return out;
  };
  let json: unknown;
  try {
    json = walk(value, undefined);
  } catch (error) {
    if (error === ELSEWHERE) return undefined;
    throw error;
  }
  const result = { json } as SuperJSONResult;
  if (rootDate) result.meta = { values: ['Date'], v: 1 };
  else if (Object.keys(values).length > 0) result.meta = { values, v: 1 };
  return result;
}

export const transformer = {
  serialize: (value: unknown): SuperJSONResult => serializePlain(value) ?? superjson.serialize(value),
  deserialize: <T = unknown>(payload: SuperJSONResult): T => superjson.deserialize<T>(payload),
};
