// `vlt code index`: the repository scanned, the new and changed files parsed into chunks (before
// any write), then the vault brought in line in one transaction; or, with a dry run, only planned.
import { codeUrl } from '../../shared/code.js';
import type { VltCommand } from '../base.js';
import type { CodeIndexReport, ParsedFile } from '../vault/code.js';
import { codeFolder, scanCode, type ScannedCode } from './folder.js';
import type { RepoFolder } from '../notes/folder.js';
import type { Sqlite } from '../vault/open.js';

export interface CodeIndexRun {
  project: string;
  folder: RepoFolder;
  scanned: ScannedCode;
  report: CodeIndexReport;
}

/** Indexes `folder` as `project`'s code in the vault `db` (undefined with a dry run and no vault). */
export async function indexCode(
  db: Sqlite | undefined,
  folder: RepoFolder,
  options: { project: string; dryRun: boolean; onProgress?: (done: number, total: number) => void },
): Promise<CodeIndexRun> {
  const { VaultCode } = await import('../vault/code.js');
  const vault = db ? new VaultCode(db) : undefined;
  const scanned = scanCode(folder, vault?.known(options.project));
  const plan = vault?.plan(options.project, scanned.files) ?? {
    added: scanned.files.map((f) => f.path),
    changed: [],
    deleted: [],
    unchanged: [],
  };
  const byPath = new Map(scanned.files.map((f) => [f.path, f]));
  const toParse = [...plan.added, ...plan.changed].map((path) => byPath.get(path)!);
  if (options.dryRun || !vault) {
    return {
      project: options.project,
      folder,
      scanned,
      report: { ...plan, unchanged: plan.unchanged.length, chunks: 0 },
    };
  }
  const { chunkFile } = await import('./chunk.js');
  const parsed: ParsedFile[] = [];
  for (const [i, file] of toParse.entries()) {
    options.onProgress?.(i, toParse.length);
    parsed.push({
      path: file.path,
      size: file.size,
      sha256: file.sha256,
      language: file.language,
      hashed: file.hashed,
      chunks: await chunkFile(file.path, file.text()),
    });
  }
  options.onProgress?.(toParse.length, toParse.length);
  const restat = plan.unchanged.flatMap((path) => {
    const hashed = byPath.get(path)!.hashed;
    return hashed ? [{ path, hashed }] : [];
  });
  const report = vault.index(options.project, parsed, plan, restat);
  return { project: options.project, folder, scanned, report };
}

/** A result with its place on the repository's web host, when it is this project's and `[code] url` is set. */
export function withUrl<T extends { project: string; path: string; startLine: number; endLine: number }>(
  command: VltCommand,
  result: T,
): T & { url?: string } {
  const project = command.project;
  if (!project?.code.url || project.id !== result.project) return result;
  return { ...result, url: codeUrl(project.code.url, result) };
}

/** The index of the command's folder (the argument, else the repository). */
export async function indexFromCommand(
  command: VltCommand,
  options: { dir: string | undefined; project: string; dryRun: boolean; progress: boolean },
): Promise<CodeIndexRun> {
  const folder = codeFolder(command.context.cwd, command.project, options.dir);
  const db = options.dryRun ? command.sqlite({ create: false }) : command.sqlite({ create: true });
  const stderr = command.context.stderr;
  let shown = -1;
  const run = await indexCode(db, folder, {
    project: options.project,
    dryRun: options.dryRun,
    onProgress: (done, total) => {
      if (!options.progress || total < 20) return;
      const percent = Math.floor((done / total) * 100);
      if (percent === shown) return;
      shown = percent;
      stderr.write(`\rparsing ${done}/${total} files`);
      if (done === total) stderr.write('\n');
    },
  });
  return run;
}
