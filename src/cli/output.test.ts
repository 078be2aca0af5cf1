import { describe, expect, it } from 'vitest';
import { columns, entryLines, renderHighlight } from './output.js';

describe('entryLines', () => {
  it('aligns authors and indents continuation lines under the content', () => {
    const at = '2026-11-24T12:00:00.000Z';
    const lines = entryLines([
      { seq: 9, timestamp: at, author: 'claude', content: 'one\ntwo' },
      { seq: 10, timestamp: at, author: 'me', content: 'three' },
    ]);
    const [first, second] = lines.map((l) => l.split('\n'));
    expect(first![0]!.indexOf('one')).toBe(second![0]!.indexOf('three'));
    expect(first![1]!.indexOf('two')).toBe(first![0]!.indexOf('one'));
    expect(second![0]).toMatch(/^10 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}\[me\] {6}three$/);
  });
});

describe('columns and highlights', () => {
  it('pads every column but the last', () => {
    expect(
      columns([
        ['A', 'B', 'C'],
        ['long', 'x', 'y'],
      ]),
    ).toEqual(['A     B  C', 'long  x  y']);
  });

  it('bolds ** marks only on a terminal', () => {
    expect(renderHighlight('a **b** c', true)).toBe('a \x1b[1mb\x1b[22m c');
    expect(renderHighlight('a **b** c', false)).toBe('a **b** c');
  });
});
