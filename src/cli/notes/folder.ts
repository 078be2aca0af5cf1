// The notes folder on disk: found from the command line or the project file (always inside the
// repository, the project file's directory), walked for `*.md` files as git would see them
// (.gitignore files respected, `[notes] exclude` applied, symbolic links never followed), each
// read, checked (size, UTF-8, not binary, a clean path) and hashed. A file that cannot be a note
// stops the command with one line that names it: nothing is indexed or sent from a half-read folder.
// A file whose size, times and inode are those recorded when the vault last hashed it is not read
// again (as git's index does): its recorded hash stands, and its text is read only if needed.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { usageError, VltError } from '../../shared/errors.js';
import { MAX_NOTE_BYTES, MAX_NOTES, noteContentProblem, notePathProblem } from '../../shared/notes.js';
import type { ProjectFile } from '../settings.js';
import type { NoteFile } from '../vault/notes.js';

/** A folder inside the repository, to index (notes, code). */
export interface RepoFolder {
  /** The repository: the project file's directory, else the working directory. */
  root: string;
  /** The folder, absolute. */
  dir: string;
  /** The folder relative to the root, `/`-separated ('' for the root itself), for messages. */
  shown: string;
  exclude: string[];
}
export type NotesFolder = RepoFolder;

const toPosix = (path: string) => path.split(sep).join('/');

/**
 * The notes folder: `arg` (relative to the working directory), else the project file's
 * `[notes] dir`, else `docs/` beside it. Refused when it is outside the repository.
 */
export const notesFolder = (cwd: string, project: ProjectFile | undefined, arg: string | undefined) =>
  repoFolder(cwd, project, arg, {
    what: 'notes',
    configured: project?.notes.dir,
    fallback: 'docs',
    exclude: project?.notes.exclude ?? [],
  });

/**
 * A folder to index: `arg` (relative to the working directory), else the configured one (relative
 * to the project file), else `fallback`. Refused when it is outside the repository.
 */
export function repoFolder(
  cwd: string,
  project: ProjectFile | undefined,
  arg: string | undefined,
  options: { what: 'notes' | 'code'; configured: string | undefined; fallback: string; exclude: string[] },
): RepoFolder {
  const { what } = options;
  const root = project ? dirname(project.path) : cwd;
  const chosen =
    arg !== undefined ? resolve(cwd, arg) : resolve(root, options.configured ?? options.fallback);
  const from =
    arg !== undefined
      ? `'${arg}'`
      : options.configured
        ? `[${what}] dir '${options.configured}'`
        : `'${options.fallback}/'`;
  let real: string;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(chosen);
  } catch {
    throw usageError(
      what === 'notes'
        ? `the notes folder ${from} does not exist (${chosen}): create it, pass a folder, or set [notes] dir in vlt.toml`
        : `the folder ${from} does not exist (${chosen}): pass a folder of the repository`,
    );
  }
  const inside = relative(realRoot, real);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw usageError(
      `the ${what} folder ${from} is outside the repository ${root}: ${what} come${what === 'code' ? 's' : ''} from a folder inside it`,
    );
  }
  if (!statSync(real).isDirectory())
    throw usageError(`the ${what} folder ${from} is not a folder: pass a folder`);
  return { root: realRoot, dir: real, shown: toPosix(inside), exclude: options.exclude };
}

interface IgnoreRule {
  /** Relative to the root, '' for the root. */
  base: string;
  rules: Ignore;
}

function gitignoreAt(root: string, base: string): IgnoreRule | undefined {
  try {
    const text = readFileSync(join(root, base, '.gitignore'), 'utf8');
    return { base, rules: ignore().add(text) };
  } catch {
    return undefined;
  }
}

const ignoredBy = (rules: IgnoreRule[], path: string, isDir: boolean) =>
  rules.some(({ base, rules }) => {
    const inside = base === '' ? path : path.slice(base.length + 1);
    return inside !== '' && rules.ignores(isDir ? `${inside}/` : inside);
  });

/** What a file looked like on disk when it was read and hashed, and when that was (ms). */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  at: number;
}

/** What the vault knows of a file: its hash, and the stat it had when hashed. */
export interface KnownFile {
  sha256: string;
  stat: FileStat;
}

/**
 * A recorded hash still stands when the file has the size, times and inode it had when it was
 * hashed, and was not changed in the second before that: a write within the clock's granularity
 * of the hashing could keep its times ("racy" in git's words), so such a file is read again.
 */
export const statStillHolds = (known: FileStat, now: Omit<FileStat, 'at'>): boolean =>
  known.size === now.size &&
  known.mtimeMs === now.mtimeMs &&
  known.ctimeMs === now.ctimeMs &&
  known.ino === now.ino &&
  Math.max(now.mtimeMs, now.ctimeMs) < known.at - 1000;

export interface ScannedFolder {
  files: NoteFile[];
  /** Bytes of all the files. */
  bytes: number;
  /** Symbolic links left out (never followed). */
  links: number;
  /** Files read and hashed (the others kept the hash recorded for their unchanged stat). */
  hashed: number;
}

/**
 * The files of a folder as git sees them (.gitignore files from the root down, the folder's
 * `exclude` patterns, `.git` and symbolic links left out: a link is never followed, so a loop of
 * them costs nothing), in path order; `accept` chooses among them and `skipDir` leaves folders
 * out by name. `visit` is called for each file accepted; the walk stops when it throws.
 */
export function walkFolder(
  folder: RepoFolder,
  options: {
    accept: (name: string) => boolean;
    skipDir?: (name: string) => boolean;
    visit: (path: string) => void;
  },
): { links: number } {
  const exclude = ignore().add(folder.exclude);
  // The .gitignore files from the root down to the folder count, as in git.
  const rules: IgnoreRule[] = [];
  const parts = folder.shown === '' ? [] : folder.shown.split('/');
  for (let i = 0; i <= parts.length; i++) {
    const rule = gitignoreAt(folder.root, parts.slice(0, i).join('/'));
    if (rule) rules.push(rule);
  }
  let links = 0;
  const walk = (relDir: string, rules: IgnoreRule[]) => {
    const here =
      relDir === folder.shown
        ? rules
        : [...rules, ...[gitignoreAt(folder.root, relDir)].filter((r) => r !== undefined)];
    let entries;
    try {
      entries = readdirSync(join(folder.root, relDir), { withFileTypes: true });
    } catch (error) {
      // A folder vlt may not read is left out, as git leaves it out of a listing.
      if (relDir !== folder.shown && (error as NodeJS.ErrnoException).code === 'EACCES') return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      const inFolder = folder.shown === '' ? path : path.slice(folder.shown.length + 1);
      if (entry.name === '.git') continue;
      if (entry.isSymbolicLink()) {
        links++;
        continue;
      }
      const isDir = entry.isDirectory();
      if (isDir && options.skipDir?.(entry.name)) continue;
      if (ignoredBy(here, path, isDir) || exclude.ignores(isDir ? `${inFolder}/` : inFolder)) continue;
      if (isDir) walk(path, here);
      else if (entry.isFile() && options.accept(entry.name)) options.visit(path);
    }
  };
  walk(folder.shown, rules);
  return { links };
}

/**
 * Every `*.md` file of the folder, checked and hashed, in path order. `known` gives the vault's
 * record of a path (relative to the root): a file whose stat still holds is not read.
 */
export function scanNotes(
  folder: NotesFolder,
  known: (path: string) => KnownFile | undefined = () => undefined,
): ScannedFolder {
  const files: NoteFile[] = [];
  let bytes = 0;
  let hashed = 0;
  const { links } = walkFolder(folder, {
    accept: (name) => /\.md$/i.test(name),
    visit: (path) => {
      const file = noteFile(folder.root, path, known(path));
      if (file.hashed) hashed++;
      files.push(file);
      bytes += file.size;
      if (files.length > MAX_NOTES) {
        throw new VltError(
          `the notes folder ${folder.shown || '.'} has more than ${MAX_NOTES} markdown files: point vlt at a smaller folder or leave some out with [notes] exclude in vlt.toml`,
        );
      }
    },
  });
  return { files, bytes, links, hashed };
}

/**
 * One file, checked: its path, its size (before reading it), its text. A file whose stat still
 * holds keeps its known hash (and has no new stat to record); its text is read when asked for,
 * and must still hash to it.
 */
function noteFile(root: string, path: string, known: KnownFile | undefined): NoteFile {
  const pathProblem = notePathProblem(path);
  if (pathProblem) {
    throw new VltError(
      `${JSON.stringify(path)} cannot be a note: ${pathProblem}; rename it or leave it out with [notes] exclude`,
    );
  }
  const full = join(root, path);
  const at = Date.now();
  const { size, mtimeMs, ctimeMs, ino } = lstatSync(full);
  const stat = { size, mtimeMs, ctimeMs, ino };
  if (known && statStillHolds(known.stat, stat)) {
    let text: string | undefined;
    return {
      path,
      size,
      sha256: known.sha256,
      text: () => {
        if (text !== undefined) return text;
        const again = readNote(full, path, size);
        if (again.sha256 !== known.sha256) {
          throw new VltError(`${path} changed while vlt was reading the folder: run the command again`);
        }
        return (text = again.text);
      },
    };
  }
  const { text, sha256 } = readNote(full, path, size);
  return { path, size, sha256, hashed: { ...stat, at }, text: () => text };
}

/** A file's text, checked, and its hash. */
function readNote(full: string, path: string, size: number): { text: string; sha256: string } {
  if (size > MAX_NOTE_BYTES) {
    throw new VltError(
      `${path} is ${size} bytes, over the limit of ${MAX_NOTE_BYTES} bytes for a note: split it, or leave it out with [notes] exclude in vlt.toml`,
    );
  }
  const buffer = readFileSync(full);
  if (buffer.includes(0)) {
    throw new VltError(
      `${path} cannot be a note: it holds NUL bytes (a binary file, not markdown); leave it out with [notes] exclude in vlt.toml`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buffer);
  } catch {
    throw new VltError(
      `${path} is not UTF-8 text: convert it to UTF-8, or leave it out with [notes] exclude in vlt.toml`,
    );
  }
  const problem = noteContentProblem(text);
  if (problem)
    throw new VltError(`${path} cannot be a note: ${problem}; leave it out with [notes] exclude in vlt.toml`);
  if (buffer.length !== size) {
    throw new VltError(`${path} changed while vlt was reading the folder: run the command again`);
  }
  return { text, sha256: createHash('sha256').update(buffer).digest('hex') };
}
