// Shared pieces of human output: aligned columns, entry lines, highlights.
import { formatLocalTime } from '../shared/format.js';

/** Pads columns to their widest cell; the last column is not padded. */
export function columns(rows: string[][]): string[] {
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

/** `**word**` marks from FTS become bold on a terminal and stay as marks elsewhere. */
export function renderHighlight(text: string, tty: boolean): string {
  return tty ? text.replace(/\*\*(.+?)\*\*/g, '\x1b[1m$1\x1b[22m') : text;
}

/** `seq  time  [author]  content`, columns aligned, continuation lines indented under the content. */
export function entryLines(
  entries: { seq: number; timestamp: string; author: string; content: string }[],
): string[] {
  const seqWidth = Math.max(1, ...entries.map((e) => String(e.seq).length));
  const authorWidth = Math.max(0, ...entries.map((e) => [...e.author].length));
  const indent = ' '.repeat(seqWidth + 2 + 19 + 2 + authorWidth + 2 + 2);
  return entries.map((e) => {
    const author = `[${e.author}]`.padEnd(authorWidth + 2);
    const head = `${String(e.seq).padStart(seqWidth)}  ${formatLocalTime(e.timestamp)}  ${author}  `;
    return head + e.content.replace(/\r?\n/g, `\n${indent}`);
  });
}
