// The repository's source files on disk: the folder (the argument, else the repository that
// holds vlt.toml), walked as git sees it (notes/folder.ts walkFolder: .gitignore, `[code] exclude`,
// symbolic links never followed) without vendored or generated folders, each file hashed unless
// its stat is the one the vault recorded. A file that is not worth indexing (binary, over the size
// limit, minified, not UTF-8, unreadable) is skipped with its reason: a repository always holds some.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VltError } from '../../shared/errors.js';
import {
  generatedTextProblem,
  languageOf,
  MAX_CODE_BYTES,
  MAX_CODE_FILE_BYTES,
  MAX_CODE_FILES,
  SKIPPED_DIRS,
  skippedByName,
  type Grammar,
} from '../../shared/code.js';
import type { ProjectFile } from '../settings.js';
import {
  repoFolder,
  statStillHolds,
  walkFolder,
  type FileStat,
  type KnownFile,
  type RepoFolder,
} from '../notes/folder.js';

/** A source file: its manifest line, its language, its text when it must be read. */
export interface CodeFile {
  path: string;
  size: number;
  sha256: string;
  language: string;
  grammar?: Grammar | undefined;
  text(): string;
  /** Set when this scan read and hashed the file: its stat then, to record. */
  hashed?: FileStat | undefined;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ScannedCode {
  files: CodeFile[];
  bytes: number;
  /** Symbolic links left out (never followed). */
  links: number;
  /** Files read and hashed by this scan. */
  hashed: number;
  skipped: SkippedFile[];
}

/** The folder to index: `arg`, else the repository (the folder of vlt.toml, else the working directory). */
export const codeFolder = (cwd: string, project: ProjectFile | undefined, arg: string | undefined) =>
  repoFolder(cwd, project, arg, {
    what: 'code',
    configured: undefined,
    fallback: '.',
    exclude: project?.code.exclude ?? [],
  });

type Read = { text: string; sha256: string } | { skipped: string };

/** A file's text and hash, or why it is left out. */
function readSource(full: string, size: number): Read {
  let buffer: Buffer;
  try {
    buffer = readFileSync(full);
  } catch (error) {
    return { skipped: `unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (buffer.length !== size && buffer.length > MAX_CODE_FILE_BYTES) {
    return { skipped: `over ${MAX_CODE_FILE_BYTES} bytes` };
  }
  if (buffer.subarray(0, 8000).includes(0)) return { skipped: 'binary (NUL bytes)' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buffer);
  } catch {
    return { skipped: 'not UTF-8 text' };
  }
  const generated = generatedTextProblem(text);
  if (generated) return { skipped: generated };
  return { text, sha256: createHash('sha256').update(buffer).digest('hex') };
}

/** Every source file of the folder, in path order, with the files skipped and why. */
export function scanCode(
  folder: RepoFolder,
  known: (path: string) => KnownFile | undefined = () => undefined,
): ScannedCode {
  const files: CodeFile[] = [];
  const skipped: SkippedFile[] = [];
  let bytes = 0;
  let hashed = 0;
  let skippedNames = 0;
  const { links } = walkFolder(folder, {
    // Lockfiles and minified names are listed in `skipped` with their reason, not passed over.
    accept: (name) => languageOf(name) !== undefined || skippedByName(name) !== undefined,
    skipDir: (name) => SKIPPED_DIRS.has(name),
    visit: (path) => {
      // Left out by name, listed with the reason; they do not count against the limit (a tree of
      // many generated files still indexes), and at most MAX_CODE_FILES of them are listed.
      const byName = skippedByName(path);
      if (byName !== undefined) {
        if (skippedNames++ < MAX_CODE_FILES) skipped.push({ path, reason: byName });
        return;
      }
      if (files.length + skipped.length - Math.min(skippedNames, MAX_CODE_FILES) >= MAX_CODE_FILES) {
        throw new VltError(
          `${folder.shown || 'the repository'} has more than ${MAX_CODE_FILES} source files: index a smaller folder (vlt code index src) or leave some out with [code] exclude in vlt.toml`,
        );
      }
      const language = languageOf(path)!;
      const full = join(folder.root, path);
      let stat: Omit<FileStat, 'at'>;
      const at = Date.now();
      try {
        const { size, mtimeMs, ctimeMs, ino } = lstatSync(full);
        stat = { size, mtimeMs, ctimeMs, ino };
      } catch (error) {
        skipped.push({ path, reason: `unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
        return;
      }
      if (stat.size > MAX_CODE_FILE_BYTES) {
        skipped.push({ path, reason: `over ${MAX_CODE_FILE_BYTES} bytes` });
        return;
      }
      if (bytes + stat.size > MAX_CODE_BYTES) {
        throw new VltError(
          `${folder.shown || 'the repository'} holds more than ${MAX_CODE_BYTES} bytes of source files: index a smaller folder (vlt code index src) or leave some out with [code] exclude in vlt.toml`,
        );
      }
      const record = known(path);
      const base = { path, size: stat.size, language: language.language, grammar: language.grammar };
      if (record && statStillHolds(record.stat, stat)) {
        files.push({
          ...base,
          sha256: record.sha256,
          text: () => {
            const again = readSource(full, stat.size);
            if ('skipped' in again || again.sha256 !== record.sha256) {
              throw new VltError(
                `${path} changed while vlt was reading the repository: run the command again`,
              );
            }
            return again.text;
          },
        });
        bytes += stat.size;
        return;
      }
      const read = readSource(full, stat.size);
      if ('skipped' in read) {
        skipped.push({ path, reason: read.skipped });
        return;
      }
      hashed++;
      bytes += stat.size;
      files.push({ ...base, sha256: read.sha256, hashed: { ...stat, at }, text: () => read.text });
    },
  });
  return { files, bytes, links, hashed, skipped };
}
