// Reads vlt's own JSONL export from files, line by line with a cap on a line's length (a hostile
// file cannot make it hold a gigabyte line), strict UTF-8, every line validated before anything is
// written. A directory is every `*.jsonl` file in it, in name order.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { usageError, VltError } from '../../shared/errors.js';
import { ExportReader, MAX_EXPORT_LINE_BYTES, type ExportedThread } from '../../shared/export-format.js';

export interface ReadExport {
  threads: ExportedThread[];
  files: string[];
  lines: number;
  /** `file:line` of a thread (`project/thread`) or an entry (its id). */
  where(key: string): string;
}

const problemAt = (file: string, line: number, problem: string) =>
  usageError(
    `${basename(file)} line ${line}: ${problem}; nothing was imported (fix or remove that line, or export again with \`vlt export\`)`,
  );

/** The files `path` names: itself, or a directory's `*.jsonl` files. */
export function exportFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw usageError(`no file or directory ${path}: give a file written by \`vlt export --format jsonl\``);
  }
  if (!stat.isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) {
    throw usageError(
      `no .jsonl files in ${path}: \`vlt import\` reads vlt's own export (\`vlt export --format jsonl --out DIR\`); a markdown export is for reading`,
    );
  }
  return files;
}

async function readFile(
  file: string,
  into: Map<string, string>,
  threads: ExportedThread[],
  ids: Set<string>,
) {
  const reader = new ExportReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (bytes: Buffer) => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw problemAt(file, reader.lines + 1, 'not valid UTF-8 text');
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const problem = reader.line(text);
    if (problem) throw problemAt(file, reader.lines, problem);
  };
  let stream;
  try {
    stream = createReadStream(file);
    for await (const chunk of stream) {
      let buffer = chunk as Buffer;
      let newline = buffer.indexOf(0x0a);
      while (newline !== -1) {
        pending.push(buffer.subarray(0, newline));
        take(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
        buffer = buffer.subarray(newline + 1);
        newline = buffer.indexOf(0x0a);
      }
      if (buffer.length > 0) {
        pending.push(buffer);
        pendingBytes += buffer.length;
        if (pendingBytes > MAX_EXPORT_LINE_BYTES) {
          throw problemAt(
            file,
            reader.lines + 1,
            `the line is over ${MAX_EXPORT_LINE_BYTES / 1024 / 1024} MiB, longer than any entry makes`,
          );
        }
      }
    }
  } catch (error) {
    if (error instanceof VltError) throw error;
    const code = (error as { code?: string }).code;
    throw new VltError(
      `cannot read ${file}${code ? ` (${code})` : ''}: check the path and its permissions`,
      1,
      'storage',
    );
  } finally {
    stream?.destroy();
  }
  if (pendingBytes > 0) take(Buffer.concat(pending));
  const problem = reader.end();
  if (problem) throw problemAt(file, Math.max(1, reader.lines), problem);
  for (const thread of reader.threads) {
    const name = `${thread.project}/${thread.thread}`;
    const line = reader.lineOf.get(name)!;
    if (into.has(name)) {
      throw problemAt(file, line, `thread ${name} is also in ${into.get(name)}`);
    }
    into.set(name, `${basename(file)} line ${line}`);
    for (const entry of thread.entries) {
      if (ids.has(entry.id)) {
        throw problemAt(file, reader.lineOf.get(entry.id)!, `entry id ${entry.id} is also in another file`);
      }
      ids.add(entry.id);
      into.set(entry.id, `${basename(file)} line ${reader.lineOf.get(entry.id)}`);
    }
    threads.push(thread);
  }
  return reader.lines;
}

/** Reads and validates every line of `path` (a file or a directory of them). */
export async function readExport(path: string): Promise<ReadExport> {
  const files = exportFiles(path);
  const places = new Map<string, string>();
  const threads: ExportedThread[] = [];
  const ids = new Set<string>();
  let lines = 0;
  for (const file of files) lines += await readFile(file, places, threads, ids);
  return { threads, files, lines, where: (key) => places.get(key) ?? basename(path) };
}
