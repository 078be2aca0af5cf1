// A thread as a markdown file (`vlt export --format md`): YAML front matter, then each entry as a
// section whose last block carries an Obsidian block id `^e<seq>`, so that `[[thread#^e3]]` links to
// (and `![[thread#^e3]]` shows) entry 3. For reading and linking; `vlt import` reads the JSONL export.
import type { ExportedThread } from '../../shared/export-format.js';

/**
 * Whether markdown ends with a plain paragraph, where a block id goes at the end of its last line;
 * after a list, quote, table, heading or code, Obsidian wants it on a line of its own.
 */
function endsWithParagraph(text: string): boolean {
  const lines = text.split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (/^\s*([-*+]\s|\d+[.)]\s|>|\||#|```|~~~)/.test(last) || /^( {4}|\t)/.test(last)) return false;
  // Inside a code fence left open: its end is code, not a paragraph.
  const fences = lines.filter((l) => /^\s*(```|~~~)/.test(l)).length;
  return fences % 2 === 0;
}

export function threadMarkdown(thread: ExportedThread): string {
  const lines = [
    '---',
    `project: ${thread.project}`,
    `thread: ${thread.thread}`,
    `status: ${thread.status}`,
    `created: ${JSON.stringify(thread.created)}`,
    `entries: ${thread.entries.length}`,
    '---',
    '',
    `# ${thread.project}/${thread.thread}`,
    '',
  ];
  for (const entry of thread.entries) {
    lines.push(`## ${entry.seq} · ${entry.timestamp} · ${entry.author}`, '');
    if (entry.deleted) {
      // It keeps its number and block id; its text is gone.
      lines.push(`*(deleted)* ^e${entry.seq}`, '');
      continue;
    }
    const meta: string[] = [];
    if (entry.tags.length > 0) meta.push(`tags: ${entry.tags.map((t) => `#${t}`).join(' ')}`);
    for (const link of entry.links) {
      const note = link.note ? `: ${link.note.replace(/\s+/g, ' ')}` : '';
      meta.push(`see [[${link.project}/${link.thread}]]${note}`);
    }
    if (meta.length > 0) lines.push(meta.join('  \n'), '');
    const content = entry.content.replace(/\r\n/g, '\n').replace(/\s+$/, '');
    if (endsWithParagraph(content)) lines.push(`${content} ^e${entry.seq}`, '');
    else lines.push(content, '', `^e${entry.seq}`, '');
  }
  return lines.join('\n');
}
