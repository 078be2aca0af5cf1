// Markdown notes, as pure logic: the rules of a note's path and content, YAML front matter (a small
// safe subset: title, tags, aliases), headings, links ([[wikilinks]] and markdown links, resolved
// to the keys a note answers to, for backlinks), and heading-aware chunks that never split a code
// fence, each with its heading path and line range. The local vault and the server parse with
// this one module, so a note is the same chunks everywhere.

import { approxTokens, CHUNK_TOKENS, MIN_CHUNK_TOKENS, OVERLAP_TOKENS } from './note-names.js';

export * from './note-names.js';

export interface FrontMatter {
  title?: string;
  tags: string[];
  aliases: string[];
}

export interface Heading {
  /** 1 to 6. */
  level: number;
  text: string;
  /** 1-based line in the file. */
  line: number;
  /** The anchor of the heading (GitHub's style), unique in the note. */
  slug: string;
}

export interface NoteLink {
  /** What the link names, as a key (`path:docs/auth.md` or `name:token expiry`): see noteKeys. */
  key: string;
  /** 1-based line in the file. */
  line: number;
}

export interface NoteChunk {
  /** 0-based position in the note. */
  seq: number;
  /** The headings above the chunk, outermost first, as written (`## Token expiry`). */
  headingPath: string[];
  /** The headings inside the chunk after its first, as written. */
  innerHeadings: string[];
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
}

export interface ParsedNote {
  title: string;
  tags: string[];
  aliases: string[];
  headings: Heading[];
  links: NoteLink[];
  chunks: NoteChunk[];
}

/** A scalar of YAML front matter: quotes removed, nothing evaluated. */
function scalar(raw: string): string {
  const text = raw.trim();
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(text) ?? /^'((?:[^']|'')*)'$/.exec(text);
  if (quoted)
    return text.startsWith('"') ? quoted[1]!.replace(/\\(.)/g, '$1') : quoted[1]!.replace(/''/g, "'");
  return text.replace(/\s+#.*$/, '');
}

/** `[a, b]`, `a, b` or one value, as a list (each item a short line of text). */
function list(raw: string): string[] {
  const text = raw.trim();
  const inner = /^\[(.*)\]$/.exec(text)?.[1] ?? text;
  return inner
    .split(',')
    .map(scalar)
    .filter((item) => item.length > 0);
}

const MAX_META_ITEMS = 50;
const MAX_META_CHARS = 200;
const clean = (text: string) =>
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').slice(0, MAX_META_CHARS);

/**
 * YAML front matter (`---` on the first line to the next `---` or `...`), read as a small safe
 * subset: `key: value`, `key: [a, b]` and `key:` followed by `- item` lines, for the keys title,
 * tags and aliases. Nothing is evaluated; anything else is ignored. `lines` is how many lines it
 * takes (0 without front matter).
 */
export function parseFrontMatter(lines: string[]): { data: FrontMatter; lines: number } {
  const data: FrontMatter = { tags: [], aliases: [] };
  if (lines[0]?.trim() !== '---') return { data, lines: 0 };
  const end = lines.findIndex((line, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(line));
  if (end < 0) return { data, lines: 0 };
  let key: string | undefined;
  for (const line of lines.slice(1, end)) {
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item && key) {
      if (key === 'tags' || key === 'aliases') data[key].push(scalar(item[1]!));
      continue;
    }
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!pair) continue;
    key = pair[1]!.toLowerCase();
    const value = pair[2]!;
    if (key === 'title' && value.trim()) data.title = clean(scalar(value));
    else if ((key === 'tags' || key === 'aliases' || key === 'alias' || key === 'tag') && value.trim()) {
      data[key.startsWith('tag') ? 'tags' : 'aliases'].push(...list(value));
    }
    if (key === 'alias') key = 'aliases';
    if (key === 'tag') key = 'tags';
  }
  const tidy = (items: string[]) =>
    [...new Set(items.map((t) => clean(t.replace(/^#/, '')).trim()).filter(Boolean))].slice(
      0,
      MAX_META_ITEMS,
    );
  data.tags = tidy(data.tags);
  data.aliases = tidy(data.aliases);
  return { data, lines: end + 1 };
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/** The opening of a fenced code block: its marker (``` or ~~~, 3 or more) when the line opens one. */
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;

interface Line {
  text: string;
  /** 1-based line in the file. */
  number: number;
  inFence: boolean;
  heading?: { level: number; text: string };
}

/** The body's lines, each marked as inside a code fence (its fence lines too) or a heading. */
function classify(lines: string[], firstNumber: number): Line[] {
  const out: Line[] = [];
  let fence: string | undefined;
  lines.forEach((text, i) => {
    const number = firstNumber + i;
    if (fence) {
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      out.push({ text, number, inFence: true });
      if (close.test(text)) fence = undefined;
      return;
    }
    const open = FENCE_OPEN.exec(text);
    if (open && !(open[1]![0] === '`' && text.slice(open[0].length).includes('`'))) {
      fence = open[1]!;
      out.push({ text, number, inFence: true });
      return;
    }
    const heading = ATX_HEADING.exec(text);
    if (heading) {
      out.push({
        text,
        number,
        inFence: false,
        heading: { level: heading[1]!.length, text: (heading[2] ?? '').trim() },
      });
      return;
    }
    out.push({ text, number, inFence: false });
  });
  return out;
}

/** A path made plain: `.` and `..` segments applied, `/`-separated; undefined when it climbs out of the root. */
export function normalizePath(path: string): string | undefined {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(segment);
  }
  return out.join('/');
}

const withoutMd = (text: string) => text.replace(/\.md$/i, '');
const lower = (text: string) => text.toLowerCase().trim();

/**
 * The keys a note answers to, for links: its path, and as a name its path and file name without
 * `.md`, its title and its aliases (lower case).
 */
export function noteKeys(note: { path: string; title: string; aliases: string[] }): string[] {
  const base = note.path.split('/').pop() ?? note.path;
  return [
    ...new Set([
      `path:${lower(note.path)}`,
      `name:${lower(withoutMd(note.path))}`,
      `name:${lower(withoutMd(base))}`,
      `name:${lower(note.title)}`,
      ...note.aliases.map((alias) => `name:${lower(alias)}`),
    ]),
  ];
}

const MAX_LINKS = 500;

/** Links of one line of text (outside code), as keys; `dir` is the note's folder, for relative links. */
function linksOf(text: string, dir: string): string[] {
  const keys: string[] = [];
  const prose = text.replace(/`[^`]*`/g, '');
  for (const [, target] of prose.matchAll(/\[\[([^\][|#]+)(?:#[^\]|]*)?(?:\|[^\]]*)?\]\]/g)) {
    const name = lower(withoutMd(target!));
    if (name) keys.push(`name:${name}`);
  }
  for (const [, target] of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    let href = target!.split('#')[0]!.split('?')[0]!;
    if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) continue;
    try {
      href = decodeURIComponent(href);
    } catch {
      continue;
    }
    if (!/\.md$/i.test(href)) continue;
    const resolved = normalizePath(href.startsWith('/') ? href.slice(1) : dir ? `${dir}/${href}` : href);
    if (resolved) keys.push(`path:${lower(resolved)}`);
  }
  return keys;
}

/** A note's lines as its line numbers count them (1 is the first): CRLF or CR ends a line too, and a final newline opens none. */
export function noteLines(text: string): string[] {
  const all = text.replace(/\r\n?/g, '\n').split('\n');
  if (all.length > 1 && all[all.length - 1] === '') all.pop();
  return all;
}

/**
 * A note parsed: its title (front matter, else its first `#` heading, else its file name), tags,
 * aliases, headings, links and chunks. Line numbers are the file's, front matter included.
 */
export function parseNote(path: string, text: string): ParsedNote {
  const all = noteLines(text);
  const front = parseFrontMatter(all);
  const lines = classify(all.slice(front.lines), front.lines + 1);
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';

  const headings: Heading[] = [];
  const slugs = new Map<string, number>();
  const links: NoteLink[] = [];
  for (const line of lines) {
    if (line.heading) {
      const base = headingSlug(line.heading.text) || 'section';
      const n = slugs.get(base) ?? 0;
      slugs.set(base, n + 1);
      headings.push({ ...line.heading, line: line.number, slug: n === 0 ? base : `${base}-${n}` });
    }
    if (!line.inFence && links.length < MAX_LINKS) {
      for (const key of linksOf(line.text, dir)) links.push({ key, line: line.number });
    }
  }
  const fileName = withoutMd(path.split('/').pop() ?? path);
  const title = front.data.title || clean(headings.find((h) => h.level === 1)?.text ?? '').trim();
  return {
    title: title || fileName,
    tags: front.data.tags,
    aliases: front.data.aliases,
    headings,
    links: links.slice(0, MAX_LINKS),
    chunks: chunkLines(lines),
  };
}

interface Section {
  headingPath: string[];
  lines: Line[];
}

/** The body cut at each heading (outside fences): the lines before the first heading are a section too. */
function sections(lines: Line[]): Section[] {
  const out: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let current: Section = { headingPath: [], lines: [] };
  for (const line of lines) {
    if (line.heading) {
      if (current.lines.some((l) => l.text.trim() !== '')) out.push(current);
      while (stack.length > 0 && stack[stack.length - 1]!.level >= line.heading.level) stack.pop();
      stack.push({
        level: line.heading.level,
        text: `${'#'.repeat(line.heading.level)} ${line.heading.text}`,
      });
      current = { headingPath: stack.map((h) => h.text), lines: [line] };
    } else current.lines.push(line);
  }
  if (current.lines.some((l) => l.text.trim() !== '')) out.push(current);
  return out;
}

/** Blocks of a section: runs of lines between blank lines, a fence (with its lines) always one block. */
function blocks(lines: Line[]): Line[][] {
  const out: Line[][] = [];
  let block: Line[] = [];
  const flush = () => {
    if (block.some((l) => l.text.trim() !== '')) out.push(block);
    block = [];
  };
  for (const line of lines) {
    if (!line.inFence && line.text.trim() === '') {
      flush();
      continue;
    }
    // A fence starts a block of its own and stays one block to its closing line.
    if (line.inFence && (block.length === 0 || !block[block.length - 1]!.inFence)) flush();
    if (!line.inFence && block.length > 0 && block[block.length - 1]!.inFence) flush();
    block.push(line);
  }
  flush();
  return out;
}

const tokensOf = (lines: Line[]) => approxTokens(lines.map((l) => l.text).join('\n'));

/** A chunk of the lines from `lines`' first to its last that holds text, blank lines between included. */
function chunkOf(seq: number, headingPath: string[], lines: Line[], body: Line[]): NoteChunk {
  let last = lines.length - 1;
  while (last > 0 && lines[last]!.text.trim() === '' && !lines[last]!.inFence) last--;
  const first = body.findIndex((l) => l.number === lines[0]!.number);
  const span = body.slice(first, first + lines[last]!.number - lines[0]!.number + 1);
  return {
    seq,
    headingPath,
    innerHeadings: span
      .slice(1)
      .filter((l) => l.heading)
      .map((l) => `${'#'.repeat(l.heading!.level)} ${l.heading!.text}`),
    startLine: lines[0]!.number,
    endLine: lines[last]!.number,
    text: span
      .map((l) => l.text)
      .join('\n')
      .trim(),
  };
}

/**
 * Chunks by headings: a section is a chunk; a short one takes the sections after it while the
 * chunk stays under CHUNK_TOKENS; a long one is split between blocks (never inside a fence, which
 * stays whole however long), each part after the first repeating the last block before it when
 * that block is short (OVERLAP_TOKENS).
 */
function chunkLines(lines: Line[]): NoteChunk[] {
  const pieces: { headingPath: string[]; lines: Line[] }[] = [];
  for (const section of sections(lines)) {
    if (tokensOf(section.lines) <= CHUNK_TOKENS) {
      pieces.push(section);
      continue;
    }
    let part: Line[][] = [];
    let size = 0;
    for (const block of blocks(section.lines)) {
      const tokens = tokensOf(block);
      if (part.length > 0 && size + tokens > CHUNK_TOKENS) {
        pieces.push({ headingPath: section.headingPath, lines: part.flat() });
        const previous = part[part.length - 1]!;
        const overlap = tokensOf(previous) <= OVERLAP_TOKENS && tokens + tokensOf(previous) <= CHUNK_TOKENS;
        part = overlap ? [previous] : [];
        size = overlap ? tokensOf(previous) : 0;
      }
      part.push(block);
      size += tokens;
    }
    if (part.length > 0) pieces.push({ headingPath: section.headingPath, lines: part.flat() });
  }
  // Short pieces take the pieces after them while the whole stays under the aim.
  const merged: { headingPath: string[]; lines: Line[] }[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (
      last &&
      tokensOf(last.lines) < MIN_CHUNK_TOKENS &&
      tokensOf(last.lines) + tokensOf(piece.lines) <= CHUNK_TOKENS
    ) {
      last.lines = [...last.lines, ...piece.lines];
    } else merged.push({ headingPath: piece.headingPath, lines: [...piece.lines] });
  }
  return merged.map((piece, seq) => chunkOf(seq, piece.headingPath, piece.lines, lines));
}

/** The heading a citation shows: the chunk's innermost heading as written, or '' before any. */
export const chunkHeading = (chunk: Pick<NoteChunk, 'headingPath'>): string =>
  chunk.headingPath[chunk.headingPath.length - 1] ?? '';

/** What the index searches as a chunk's headings: its heading path and the headings inside it, without the marks. */
export const chunkHeadingText = (chunk: Pick<NoteChunk, 'headingPath' | 'innerHeadings'>): string =>
  [...chunk.headingPath, ...chunk.innerHeadings].map((h) => h.replace(/^#+\s*/, '')).join(' / ');

/** What the index searches as a note's title: its title and aliases. */
export const noteTitleText = (note: { title: string; aliases: string[] }): string =>
  [note.title, ...note.aliases].join(' / ');

/** A citation of a note: `docs/auth.md:12-30 (## Token expiry)`. */
export function noteCitation(source: {
  path: string;
  startLine: number;
  endLine: number;
  heading: string;
}): string {
  const lines =
    source.startLine === source.endLine ? `${source.startLine}` : `${source.startLine}-${source.endLine}`;
  return `${source.path}:${lines}${source.heading ? ` (${source.heading})` : ''}`;
}
