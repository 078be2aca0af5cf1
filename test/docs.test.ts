// The documentation's links work: every relative link in README.md and docs/ names a file of this
// repository, and every #anchor a heading of it; nothing points outside the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchors(path: string): Set<string> {
  const text = readFileSync(path, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

function links(path: string): string[] {
  const text = readFileSync(path, 'utf8')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe('documentation links', () => {
  it.each(pages)('%s: every link resolves inside the repository', (page) => {
    const from = join(ROOT, page);
    for (const link of links(from)) {
      if (/^(https?:|mailto:)/.test(link)) continue;
      const [file, anchor] = link.split('#') as [string, string | undefined];
      const target = file ? resolve(dirname(from), file) : from;
      expect(relative(ROOT, target).startsWith('..'), `${page}: ${link} leaves the repository`).toBe(false);
      expect(existsSync(target), `${page}: ${link} names no file`).toBe(true);
      if (anchor) expect([...anchors(target)], `${page}: ${link} names no heading`).toContain(anchor);
    }
  });

  it('names nothing outside the repository as a document to read', () => {
    for (const page of pages) expect(readFileSync(join(ROOT, page), 'utf8')).not.toMatch(/\.\.\/shared\//);
  });
});
