// Shared pieces of human output: text made safe for a terminal, aligned columns, entry lines,
// highlights. `--json` is the faithful form of everything printed here.
import { formatLocalTime } from '../shared/format.js';

/**
 * C0 and C1 control characters and DEL, and the bidi overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069), which could retitle the terminal, write the clipboard, overwrite a line or
 * reorder what is shown. Text from the vault or a server goes through `terminalText` before a
 * terminal sees it.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_CONTENT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every unsafe character shown as an escape (`\x1b`, `\u202e`); with `multiline`
 * (entry content), newlines and tabs stay, and the CR of a CRLF goes.
 */
export function terminalText(text: string, { multiline = false }: { multiline?: boolean } = {}): string {
  return text.replace(multiline ? UNSAFE_IN_CONTENT : UNSAFE, (char, offset: number) => {
    if (multiline && char === '\r' && text[offset + 1] === '\n') return '';
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/** Pads columns to their widest cell (each made safe for a terminal); the last column is not padded. */
export function columns(cells: string[][]): string[] {
  const rows = cells.map((row) => row.map((cell) => terminalText(cell)));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** A snippet on one line: its line breaks (LF, CRLF or a lone CR) and the space around them, one space. */
export const snippetLine = (snippet: string): string => snippet.replace(/\s*[\r\n]+\s*/g, ' ');

/** Content made safe, its `**word**` marks from FTS bold on a terminal and left as marks elsewhere. */
export function renderHighlight(text: string, tty: boolean): string {
  const safe = terminalText(text, { multiline: true });
  return tty ? safe.replace(/\*\*(.+?)\*\*/g, '\x1b[1m$1\x1b[22m') : safe;
}

/** An entry's outgoing link as `thread read` shows it. */
export interface ShownLink {
  project: string;
  thread: string;
  note: string | null;
}

/**
 * `seq  time  [author]  content`, columns aligned, continuation lines indented under the content;
 * then, under it, the entry's tags (`#decision`) and links (`→ project/thread (note)`), if any.
 */
export function entryLines(
  shown: {
    seq: number;
    timestamp: string;
    author: string;
    content: string;
    tags?: string[];
    links?: ShownLink[];
  }[],
): string[] {
  const entries = shown.map((e) => ({
    ...e,
    author: terminalText(e.author),
    content: terminalText(e.content, { multiline: true }),
  }));
  const seqWidth = Math.max(1, ...entries.map((e) => String(e.seq).length));
  const authorWidth = Math.max(0, ...entries.map((e) => [...e.author].length));
  const indent = ' '.repeat(seqWidth + 2 + 19 + 2 + authorWidth + 2 + 2);
  return entries.map((e) => {
    const author = `[${e.author}]`.padEnd(authorWidth + 2);
    const head = `${String(e.seq).padStart(seqWidth)}  ${formatLocalTime(e.timestamp)}  ${author}  `;
    const marks = [
      ...(e.tags ?? []).map((tag) => `#${tag}`),
      ...(e.links ?? []).map(
        (l) => `→ ${l.project}/${l.thread}${l.note ? ` (${terminalText(l.note)})` : ''}`,
      ),
    ];
    return (
      head +
      e.content.replace(/\n/g, `\n${indent}`) +
      (marks.length > 0 ? `\n${indent}${marks.join('  ')}` : '')
    );
  });
}
