import { describe, expect, it } from 'vitest';
import { inRange, manifestRanges, planManifest } from './manifest.js';

describe('planManifest', () => {
  const f = (path: string, sha: string) => ({ path, sha256: sha.repeat(64).slice(0, 64), size: 1 });
  const e = (path: string, sha: string) => ({ path, sha256: sha.repeat(64).slice(0, 64) });

  it('finds nothing to do when nothing changed', () => {
    const plan = planManifest([e('a.md', 'a'), e('b.md', 'b')], [f('a.md', 'a'), f('b.md', 'b')]);
    expect(plan).toEqual({ unchanged: ['a.md', 'b.md'], moves: [], copies: [], missing: [], deletes: [] });
  });

  it('tells edits, new files, deletions, moves and copies apart by hash', () => {
    const plan = planManifest(
      [e('a.md', 'a'), e('b.md', 'b'), e('old/c.md', 'c'), e('gone.md', 'd')],
      [f('a.md', '1'), f('b.md', 'b'), f('new/c.md', 'c'), f('copy-of-b.md', 'b'), f('n.md', '2')],
    );
    expect(plan.unchanged).toEqual(['b.md']);
    expect(plan.moves).toEqual([{ from: 'old/c.md', to: 'new/c.md' }]);
    expect(plan.copies).toEqual([{ from: 'b.md', to: 'copy-of-b.md' }]);
    expect(plan.missing.map((m) => m.path)).toEqual(['a.md', 'n.md']);
    expect(plan.deletes).toEqual(['gone.md']);
  });

  it('moves a note whose path now holds other text, and prefers the same file name', () => {
    // Swapped texts: each note moves to the other's path; nothing is uploaded.
    expect(planManifest([e('x.md', 'a'), e('y.md', 'b')], [f('x.md', 'b'), f('y.md', 'a')]).moves).toEqual([
      { from: 'y.md', to: 'x.md' },
      { from: 'x.md', to: 'y.md' },
    ]);
    const plan = planManifest(
      [e('a/readme.md', 's'), e('b/readme.md', 's')],
      [f('c/readme.md', 's'), f('z.md', 's')],
    );
    expect(plan.moves).toEqual([
      { from: 'a/readme.md', to: 'c/readme.md' },
      { from: 'b/readme.md', to: 'z.md' },
    ]);
    expect(plan.deletes).toEqual([]);
  });

  it('uploads a new text once per path, and deletes everything when the manifest is empty', () => {
    expect(planManifest([], [f('a.md', 'n'), f('b.md', 'n')]).missing).toHaveLength(2);
    expect(planManifest([e('a.md', 'a')], []).deletes).toEqual(['a.md']);
  });
});

describe('manifestRanges and inRange', () => {
  // Sorted as JavaScript orders strings (é after z).
  const files = ['a.md', 'b/x.md', 'b/y.md', 'c.md', 'z.md', 'é.md'].map((path) => ({ path }));
  const sizeOf = (group: { path: string }[]) => JSON.stringify(group).length;

  it('one range of everything when it fits, else ranges that cover every path once, in order', () => {
    expect(manifestRanges(files, sizeOf, 10_000)).toEqual([{ range: { from: '', to: null }, files }]);
    const ranges = manifestRanges(files, sizeOf, sizeOf(files.slice(0, 2)));
    expect(ranges.length).toBeGreaterThan(1);
    expect(ranges.flatMap((r) => r.files)).toEqual(files);
    expect(ranges[0]!.range.from).toBe('');
    expect(ranges.at(-1)!.range.to).toBeNull();
    for (const [i, { range, files: mine }] of ranges.entries()) {
      expect(mine.every((f) => sizeOf([f]) <= sizeOf(files.slice(0, 2)))).toBe(true);
      if (i > 0) expect(range.from).toBe(ranges[i - 1]!.range.to);
      // Each file is in its own range and in no other; so is any path between them.
      for (const f of files) expect(inRange(f.path, range)).toBe(mine.includes(f));
    }
    for (const path of ['', 'b', 'b/z.md', 'd.md', 'zz.md', '\u{1F600}.md']) {
      expect(ranges.filter((r) => inRange(path, r.range))).toHaveLength(1);
    }
  });

  it('no range is every path', () => {
    expect(inRange('anything.md', undefined)).toBe(true);
    expect(inRange('b.md', { from: 'a.md', to: 'b.md' })).toBe(false);
    expect(inRange('a.md', { from: 'a.md', to: 'b.md' })).toBe(true);
  });
});
