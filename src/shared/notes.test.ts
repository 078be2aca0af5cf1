import { describe, expect, it } from 'vitest';
import {
  CHUNK_TOKENS,
  chunkHeading,
  noteCitation,
  noteContentProblem,
  noteKeys,
  notePathProblem,
  parseFrontMatter,
  parseNote,
} from './notes.js';

const paragraph = (words: number, word = 'lorem') => Array.from({ length: words }, () => word).join(' ');

describe('note paths', () => {
  it.each([
    ['docs/auth.md', undefined],
    ['README.MD', undefined],
    ['a b/ü.md', undefined],
  ])('accepts %s', (path, problem) => expect(notePathProblem(path)).toBe(problem));

  it.each([
    ['../etc/passwd.md', /'\.\.'/],
    ['docs/../../x.md', /'\.\.'/],
    ['/etc/x.md', /absolute/],
    ['C:/x.md', /absolute/],
    ['docs\\x.md', /'\/'/],
    ['docs/x\u0000.md', /NUL/],
    ['docs//x.md', /empty/],
    ['./x.md', /'\.'/],
    ['docs/x.txt', /\.md/],
    ['docs/\u001b[31m.md', /control/],
    ['', /empty/],
  ])('refuses %j', (path, problem) => expect(notePathProblem(path)).toMatch(problem));
});

describe('note content', () => {
  it('refuses binary and non-UTF-8 text', () => {
    expect(noteContentProblem('# ok\n')).toBeUndefined();
    expect(noteContentProblem('PNG\u0000\u0001')).toMatch(/binary/);
    expect(noteContentProblem('caf\ud800')).toMatch(/UTF-8/);
    expect(noteContentProblem('\udc00 alone')).toMatch(/UTF-8/);
  });
});

describe('front matter', () => {
  it('reads title, tags and aliases in their usual forms', () => {
    const { data, lines } = parseFrontMatter([
      '---',
      'title: "Token expiry: the rules"',
      'tags: [auth, "security"]',
      'aliases:',
      '  - Expiry',
      "  - 'Token lifetime'",
      'other: [ignored]',
      '---',
      '# Body',
    ]);
    expect(lines).toBe(8);
    expect(data).toEqual({
      title: 'Token expiry: the rules',
      tags: ['auth', 'security'],
      aliases: ['Expiry', 'Token lifetime'],
    });
  });

  it('evaluates nothing and ignores what it does not know', () => {
    const { data } = parseFrontMatter(['---', 'title: !!js/function "x"', 'tags: #one, two', '---']);
    expect(data.title).toBe('!!js/function "x"');
    expect(parseFrontMatter(['---', 'title: never closed']).lines).toBe(0);
    expect(parseFrontMatter(['# no front matter']).lines).toBe(0);
  });
});

describe('parseNote', () => {
  it('takes the title from front matter, else the first level-1 heading, else the file name', () => {
    expect(parseNote('a/b.md', '---\ntitle: T\n---\n# H\n').title).toBe('T');
    expect(parseNote('a/b.md', 'text\n# H\n').title).toBe('H');
    expect(parseNote('a/b.md', '## only a level 2\n').title).toBe('b');
  });

  it('keeps headings with their lines and unique anchors; a # inside a fence is code', () => {
    const note = parseNote(
      'x.md',
      ['# Auth', '', '## Tokens', '```sh', '# not a heading', '```', '## Tokens', 'more'].join('\n'),
    );
    expect(note.headings.map((h) => [h.level, h.text, h.line, h.slug])).toEqual([
      [1, 'Auth', 1, 'auth'],
      [2, 'Tokens', 3, 'tokens'],
      [2, 'Tokens', 7, 'tokens-1'],
    ]);
  });

  it('resolves markdown links against the note and keeps wikilinks by name, not in code', () => {
    const note = parseNote(
      'docs/guide/setup.md',
      [
        'See [auth](../auth.md#expiry), [[Token Expiry|the rules]] and [[ops/runbook.md]].',
        'Not [a site](https://example.com/x.md), not [up](../../../x.md), not `[[code]]`.',
        '```',
        '[[in a fence]]',
        '```',
      ].join('\n'),
    );
    expect(note.links.map((l) => l.key)).toEqual([
      'name:token expiry',
      'name:ops/runbook',
      'path:docs/auth.md',
    ]);
    expect(noteKeys({ path: 'docs/auth.md', title: 'Auth', aliases: ['Token Expiry'] })).toEqual([
      'path:docs/auth.md',
      'name:docs/auth',
      'name:auth',
      'name:token expiry',
    ]);
  });

  it('gives each chunk its heading path and its line range in the file', () => {
    const text = [
      '---',
      'title: Guide',
      '---',
      '# Guide',
      paragraph(300),
      '',
      '## Install',
      paragraph(300, 'install'),
      '',
      '### From source',
      paragraph(300, 'source'),
    ].join('\n');
    const { chunks } = parseNote('guide.md', text);
    expect(chunks.map((c) => [c.headingPath, c.startLine, c.endLine])).toEqual([
      [['# Guide'], 4, 5],
      [['# Guide', '## Install'], 7, 8],
      [['# Guide', '## Install', '### From source'], 10, 11],
    ]);
    expect(chunks[1]!.text.startsWith('## Install\n')).toBe(true);
    expect(chunkHeading(chunks[2]!)).toBe('### From source');
    expect(noteCitation({ path: 'guide.md', ...chunks[2]!, heading: chunkHeading(chunks[2]!) })).toBe(
      'guide.md:10-11 (### From source)',
    );
  });

  it('merges short sections into the chunk before them', () => {
    const text = ['# A', 'one line', '## B', 'two lines', '## C', 'three'].join('\n');
    const { chunks } = parseNote('a.md', text);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.innerHeadings).toEqual(['## B', '## C']);
    expect([chunks[0]!.startLine, chunks[0]!.endLine]).toEqual([1, 6]);
  });

  it('splits a long section between blocks, near the aim, never inside a code fence', () => {
    const fence = [
      '```js',
      ...Array.from({ length: 400 }, (_, i) => `const x${i} = ${i}; // ${paragraph(3)}`),
      '```',
    ];
    const text = [
      '# Long',
      ...Array.from({ length: 12 }, () => [paragraph(250), '']).flat(),
      ...fence,
      '',
      paragraph(50),
    ].join('\n');
    const { chunks } = parseNote('long.md', text);
    expect(chunks.length).toBeGreaterThan(3);
    const lines = text.split('\n');
    for (const chunk of chunks) {
      // Every chunk's text is exactly its lines, and opens and closes as many fences as it holds.
      expect(chunk.text).toBe(
        lines
          .slice(chunk.startLine - 1, chunk.endLine)
          .join('\n')
          .trim(),
      );
      expect((chunk.text.match(/^```/gm) ?? []).length % 2).toBe(0);
      const tokens = Math.ceil(chunk.text.length / 4);
      if (!chunk.text.includes('```')) expect(tokens).toBeLessThanOrEqual(CHUNK_TOKENS);
    }
    // The fence is whole in one chunk, over the aim.
    const withFence = chunks.filter((c) => c.text.includes('const x0 ='));
    expect(withFence).toHaveLength(1);
    expect(withFence[0]!.text).toContain('const x399 =');
    // Every line of the section is in some chunk.
    const covered = new Set(
      chunks.flatMap((c) => Array.from({ length: c.endLine - c.startLine + 1 }, (_, i) => c.startLine + i)),
    );
    lines.forEach((line, i) => {
      if (line.trim()) expect(covered.has(i + 1), `line ${i + 1}`).toBe(true);
    });
  });

  it('overlaps the parts of a split section by a short block', () => {
    const text = ['# S', paragraph(400, 'alpha'), '', 'short bridge', '', paragraph(400, 'beta')].join('\n');
    const { chunks } = parseNote('s.md', text);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]!.text).toContain('short bridge');
    expect(chunks[1]!.text.startsWith('short bridge')).toBe(true);
  });

  it('treats an unclosed fence as code to the end', () => {
    const { headings, chunks } = parseNote('u.md', '# A\n```\n# inside\n');
    expect(headings).toHaveLength(1);
    expect(chunks[0]!.text).toContain('# inside');
  });
});
