import { describe, expect, it } from 'vitest';
import { columns, entryLines, renderHighlight, snippetLine, terminalText } from './output.js';

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

  it('puts a snippet on one line, whatever its line endings', () => {
    expect(snippetLine('a\r\n  b\nc \r')).toBe('a b c ');
    expect(renderHighlight(snippetLine('x = 1;\r'), false)).toBe('x = 1; ');
  });

  it('bolds ** marks only on a terminal', () => {
    expect(renderHighlight('a **b** c', true)).toBe('a \x1b[1mb\x1b[22m c');
    expect(renderHighlight('a **b** c', false)).toBe('a **b** c');
  });
});

describe('terminalText', () => {
  it('escapes C0 and C1 controls, DEL and bidi overrides, always', () => {
    expect(terminalText('a\u001b]0;title\u0007b')).toBe('a\\x1b]0;title\\x07b');
    expect(terminalText('x\ry\nz\tw')).toBe('x\\x0dy\\x0az\\x09w');
    expect(terminalText('\u009b31m\u007f\u0000')).toBe('\\x9b31m\\x7f\\x00');
    expect(terminalText('abc\u202edef\u2066\u2069')).toBe('abc\\u202edef\\u2066\\u2069');
    expect(terminalText('plain é ✓ 日本')).toBe('plain é ✓ 日本');
  });

  it('keeps newlines and tabs of content, and drops the CR of a CRLF only', () => {
    expect(terminalText('one\r\ntwo\tthree\rfour', { multiline: true })).toBe('one\ntwo\tthree\\x0dfour');
  });

  it('makes every printer safe: entry lines, columns, highlights', () => {
    const at = '2026-11-24T12:00:00.000Z';
    const [line] = entryLines([{ seq: 0, timestamp: at, author: 'a\u001b', content: 'b\u001bc\nd' }]);
    expect(line).toMatch(/\[a\\x1b\] {2}b\\x1bc\n +d$/);
    expect(columns([['\u001b[2J', 'x']])).toEqual(['\\x1b[2J  x']);
    expect(renderHighlight('**a**\u0007', true)).toBe('\x1b[1ma\x1b[22m\\x07');
  });
});
