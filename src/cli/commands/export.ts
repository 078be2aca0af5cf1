import { Command, Option } from 'clipanion';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { notFound, usageError, VltError } from '../../shared/errors.js';
import { plural } from '../../shared/format.js';
import { checkProjectId } from '../../shared/names.js';
import { VERSION } from '../../shared/version.js';
import { VltCommand } from '../base.js';
import { terminalText } from '../output.js';

const FORMATS = ['jsonl', 'md'] as const;

/** Writes `text`, waiting while the stream's buffer is full (a long export to a pipe). */
async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((done) => stream.once('drain', done));
}

/** Writes a file whole or not at all: a temporary file renamed over it. */
function writeWhole(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as { code?: string }).code;
    throw new VltError(
      `cannot write ${path}${code ? ` (${code})` : ''}: check the directory and its permissions`,
      1,
      'storage',
    );
  }
}

export class ExportCommand extends VltCommand {
  static override paths = [['export']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Export threads as JSONL (to import again) or markdown (to read)',
    details: `
      Every thread of the vault (or of one project) with all its entries: ids, sequences, authors,
      times, content, tags and links. \`--format jsonl\` (the default) is vlt's own format, which
      \`vlt import\` reads back: one JSON object per line, a header line first, then each thread and
      its entries; on stdout, or with \`--out DIR\` as \`DIR/<project>.jsonl\` per project. \`--format
      md\` writes \`DIR/<project>/<thread>.md\` per thread: YAML front matter (project, thread,
      status, created, entries) and a section per entry ending with an Obsidian block id \`^e<seq>\`.
      Progress goes to stderr on a terminal; with \`--out\`, \`--json\` prints the counts.
    `,
    examples: [
      ['Everything, to a file', '$0 export > vlt-backup.jsonl'],
      ['One project, a file per project', '$0 export -p my-app --out backup/'],
      ['Markdown for Obsidian', '$0 export --format md --out ~/notes/vlt'],
    ],
  });

  projectOption = Option.String('-p,--project', {
    description: 'Only this project (default: every project)',
  });
  format = Option.String('--format', 'jsonl', { description: 'jsonl (vlt import reads it) or md' });
  out = Option.String('--out', { description: 'Write files into this directory (needed for md)' });

  async run(): Promise<void> {
    const format = this.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) {
      throw usageError(`unknown --format '${this.format}': use jsonl or md`);
    }
    if (format === 'md' && this.out === undefined) {
      throw usageError('--format md writes a file per thread: give --out DIR');
    }
    if (this.json && this.out === undefined) {
      throw usageError(
        '--json prints counts after writing files: give --out DIR (without it the export is on stdout)',
      );
    }
    const project = this.projectOption === undefined ? undefined : checkProjectId(this.projectOption);
    const vault = await this.optionalVault();
    const threads = vault?.threadsToExport(project) ?? [];
    if (project !== undefined && threads.length === 0) {
      throw notFound(`no threads in project '${project}' to export: see \`vlt thread list\``);
    }
    const tty = Boolean((this.context.stderr as { isTTY?: boolean }).isTTY);
    const progress = (done: number) => {
      if (tty) this.context.stderr.write(`\rexporting ${done}/${threads.length} threads`);
    };
    const out = this.out === undefined ? undefined : resolve(this.context.cwd, this.out);
    if (out !== undefined) {
      try {
        mkdirSync(out, { recursive: true });
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new VltError(
          `cannot make the directory ${out}${code ? ` (${code})` : ''}: give another --out`,
          1,
          'storage',
        );
      }
    }
    // The export format brings zod's full build: loaded here, never on the push path.
    const { headerLine, threadLines } = await import('../../shared/export-format.js');
    const { threadMarkdown } = await import('../transfer/markdown.js');
    let entries = 0;
    const files: string[] = [];
    const header = headerLine(project ?? null, VERSION);
    if (out === undefined) {
      await write(this.context.stdout, `${header}\n`);
      for (const [i, row] of threads.entries()) {
        const thread = vault!.exportThread(row);
        entries += thread.entries.length;
        await write(this.context.stdout, `${threadLines(thread).join('\n')}\n`);
        progress(i + 1);
      }
    } else if (format === 'jsonl') {
      // A file per project, each a whole export of its own.
      const byProject = new Map<string, typeof threads>();
      for (const row of threads) byProject.set(row.projectId, [...(byProject.get(row.projectId) ?? []), row]);
      let done = 0;
      for (const [id, rows] of byProject) {
        const lines = [headerLine(id, VERSION)];
        for (const row of rows) {
          const thread = vault!.exportThread(row);
          entries += thread.entries.length;
          lines.push(...threadLines(thread));
          progress(++done);
        }
        const path = join(out, `${id}.jsonl`);
        writeWhole(path, `${lines.join('\n')}\n`);
        files.push(path);
      }
    } else {
      for (const [i, row] of threads.entries()) {
        const thread = vault!.exportThread(row);
        entries += thread.entries.length;
        const dir = join(out, thread.project);
        mkdirSync(dir, { recursive: true });
        const path = join(dir, `${thread.thread}.md`);
        writeWhole(path, threadMarkdown(thread));
        files.push(path);
        progress(i + 1);
      }
    }
    if (tty && threads.length > 0) this.context.stderr.write('\n');
    const projects = new Set(threads.map((t) => t.projectId)).size;
    if (this.json) {
      this.printJson({ format, out, projects, threads: threads.length, entries, files });
    } else if (out !== undefined) {
      this.print(
        terminalText(
          `EXPORTED: ${plural(threads.length, 'thread')}, ${plural(entries, 'entry', 'entries')} to ${out} (${format === 'md' ? 'markdown' : 'JSONL'}, ${plural(files.length, 'file')})`,
        ),
      );
    } else if (tty) {
      this.context.stderr.write(
        `exported ${plural(threads.length, 'thread')}, ${plural(entries, 'entry', 'entries')}\n`,
      );
    }
  }
}
