// The vault's code index: a project's source files by path and hash, their chunks (functions,
// classes, … from src/cli/code/chunk.ts) in code_chunks_fts through the shared fts5 statements,
// searched (`vlt code seek`), looked up by name (`vlt code def`) and read by the Oracle.
import {
  cleanLabel,
  codeIndexColumns,
  MAX_SIGNATURE_CHARS,
  MAX_SYMBOL_CHARS,
  type ChunkPlace,
  type CodeChunk,
} from '../../shared/code.js';
import { CODE_SHAPE, deleteRows, hitsCte, insertRows, scoreOf, type FtsIndex } from '../../shared/fts5.js';
import { rankAllThenAny } from '../../shared/search-query.js';
import type { FileStat, KnownFile } from '../notes/folder.js';
import type { Sqlite } from './open.js';
import { chunkWordCounts } from './word-counts.js';
import { knownFiles } from './notes.js';

/** The vault's index of code chunks (migration 0011). */
export const VAULT_CODE_INDEX: FtsIndex = {
  table: 'code_chunks_fts',
  vocab: 'code_chunks_vocab',
  shape: CODE_SHAPE,
};

/** A file to write: its manifest line, language, the stat when hashed, and its chunks. */
export interface ParsedFile {
  path: string;
  size: number;
  sha256: string;
  language: string;
  hashed?: FileStat | undefined;
  chunks: CodeChunk[];
}

export interface CodeIndexReport {
  added: string[];
  changed: string[];
  deleted: string[];
  unchanged: number;
  chunks: number;
}

/** A chunk found: where it is and what it is. */
export interface CodeHit {
  project: string;
  path: string;
  language: string;
  kind: string;
  symbol: string;
  container: string;
  signature: string;
  startLine: number;
  endLine: number;
  snippet: string;
  score: number;
}

export interface CodeDefinition {
  project: string;
  path: string;
  language: string;
  kind: string;
  symbol: string;
  container: string;
  signature: string;
  startLine: number;
  endLine: number;
}

export class VaultCode {
  constructor(private readonly sqlite: Sqlite) {}

  /** The hash and the stat when hashed of each of `project`'s files. */
  known(project: string): (path: string) => KnownFile | undefined {
    return knownFiles(this.sqlite, 'code_files', project);
  }

  /** What indexing these files would do: which to parse (new or changed), which are gone, how many stay. */
  plan(project: string, files: { path: string; sha256: string }[]) {
    const existing = new Map(
      (
        this.sqlite.prepare('SELECT path, sha256 FROM code_files WHERE project_id = ?').all(project) as {
          path: string;
          sha256: string;
        }[]
      ).map((row) => [row.path, row.sha256]),
    );
    const seen = new Set(files.map((f) => f.path));
    return {
      added: files.filter((f) => !existing.has(f.path)).map((f) => f.path),
      changed: files
        .filter((f) => existing.has(f.path) && existing.get(f.path) !== f.sha256)
        .map((f) => f.path),
      deleted: [...existing.keys()].filter((path) => !seen.has(path)).sort(),
      unchanged: files.filter((f) => existing.get(f.path) === f.sha256).map((f) => f.path),
    };
  }

  /**
   * Makes `project`'s code the repository's: `parsed` (the new and changed files) written with
   * their chunks, `deleted` gone, the stat of files read again with the same text recorded; all in
   * one transaction, so an interrupted index leaves the vault as it was.
   */
  index(
    project: string,
    parsed: ParsedFile[],
    plan: ReturnType<VaultCode['plan']>,
    restat: { path: string; hashed: FileStat }[],
    now = new Date().toISOString(),
  ): CodeIndexReport {
    const run = this.sqlite.transaction(() => {
      this.sqlite
        .prepare('INSERT INTO projects (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING')
        .run(project, project);
      const pkOf = this.sqlite.prepare('SELECT pk FROM code_files WHERE project_id = ? AND path = ?');
      for (const path of plan.deleted)
        this.remove((pkOf.get(project, path) as { pk: number } | undefined)?.pk);
      let chunks = 0;
      const insertFile = this.sqlite.prepare(
        `INSERT INTO code_files (project_id, path, sha256, size, file_stat, language, indexed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertChunk = this.sqlite.prepare(
        `INSERT INTO code_chunks (file_pk, seq, kind, symbol, container, signature, start_line, end_line, content)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const file of parsed) {
        this.remove((pkOf.get(project, file.path) as { pk: number } | undefined)?.pk);
        const filePk = Number(
          insertFile.run(
            project,
            file.path,
            file.sha256,
            file.size,
            file.hashed ? JSON.stringify(file.hashed) : null,
            file.language,
            now,
          ).lastInsertRowid,
        );
        const rows = file.chunks.map((chunk) => ({
          rowid: Number(
            insertChunk.run(
              filePk,
              chunk.seq,
              chunk.kind,
              chunk.symbol,
              chunk.container,
              chunk.signature,
              chunk.startLine,
              chunk.endLine,
              chunk.text,
            ).lastInsertRowid,
          ),
          searched: codeIndexColumns(file.path, chunk),
          projectId: project,
          parentPk: filePk,
        }));
        chunks += rows.length;
        for (let i = 0; i < rows.length; i += 100) {
          const { text, params } = insertRows(VAULT_CODE_INDEX, rows.slice(i, i + 100));
          this.sqlite.prepare(text).run(...params);
        }
      }
      const update = this.sqlite.prepare(
        'UPDATE code_files SET file_stat = ? WHERE project_id = ? AND path = ?',
      );
      for (const { path, hashed } of restat) update.run(JSON.stringify(hashed), project, path);
      return {
        added: plan.added,
        changed: plan.changed,
        deleted: plan.deleted,
        unchanged: plan.unchanged.length,
        chunks,
      };
    });
    return run.immediate();
  }

  private remove(pk: number | undefined): void {
    if (pk === undefined) return;
    const chunks = (
      this.sqlite.prepare('SELECT pk FROM code_chunks WHERE file_pk = ?').all(pk) as { pk: number }[]
    ).map((c) => c.pk);
    if (chunks.length > 0) {
      const { text, params } = deleteRows(VAULT_CODE_INDEX, chunks);
      this.sqlite.prepare(text).run(...params);
    }
    this.sqlite.prepare('DELETE FROM code_chunks WHERE file_pk = ?').run(pk);
    this.sqlite.prepare('DELETE FROM code_files WHERE pk = ?').run(pk);
  }

  /**
   * The chunks of one indexed file, as `vlt code sync` sends them (places and names, no text);
   * undefined when the vault holds other text for that path (it changed since the index).
   */
  chunkPlaces(project: string, path: string, sha256: string): ChunkPlace[] | undefined {
    const file = this.sqlite
      .prepare('SELECT pk, sha256 FROM code_files WHERE project_id = ? AND path = ?')
      .get(project, path) as { pk: number; sha256: string } | undefined;
    if (file?.sha256 !== sha256) return undefined;
    const rows = this.sqlite
      .prepare(
        `SELECT kind, symbol, container, signature, start_line AS startLine, end_line AS endLine
         FROM code_chunks WHERE file_pk = ? ORDER BY seq`,
      )
      .all(file.pk) as ChunkPlace[];
    return rows.map((c) => ({
      ...c,
      symbol: cleanLabel(c.symbol, MAX_SYMBOL_CHARS),
      container: cleanLabel(c.container, MAX_SYMBOL_CHARS),
      signature: cleanLabel(c.signature, MAX_SIGNATURE_CHARS),
    }));
  }

  /** How many files and chunks `project` has indexed. */
  count(project: string): { files: number; chunks: number } {
    return this.sqlite
      .prepare(
        `SELECT count(DISTINCT f.pk) AS files, count(c.pk) AS chunks
         FROM code_files f LEFT JOIN code_chunks c ON c.file_pk = f.pk WHERE f.project_id = ?`,
      )
      .get(project) as { files: number; chunks: number };
  }

  /** Ranked search over the chunks (bm25, names and signatures weighted), all words first, then any. */
  seek(text: string, options: { project?: string | undefined; limit: number }): CodeHit[] {
    return rankAllThenAny(
      text,
      (match) => this.rank(match, options),
      chunkWordCounts(this.sqlite, VAULT_CODE_INDEX, 'code_chunks'),
    );
  }

  private rank(match: string, options: { project?: string | undefined; limit: number }): CodeHit[] {
    const hits = hitsCte(VAULT_CODE_INDEX, match, { projectId: options.project }, options.limit, {
      snippet: true,
    });
    const rows = this.sqlite
      .prepare(
        `WITH ${hits.text}
         SELECT hits.rank, hits.snippet, f.project_id AS project, f.path, f.language, c.kind, c.symbol,
                c.container, c.signature, c.start_line AS startLine, c.end_line AS endLine
         FROM hits JOIN code_chunks c ON c.pk = hits.pk JOIN code_files f ON f.pk = c.file_pk
         ORDER BY hits.rank`,
      )
      .all(...hits.params) as (Omit<CodeHit, 'score'> & { rank: number })[];
    return rows.map(({ rank, ...row }) => ({ ...row, score: scoreOf(rank) }));
  }

  /**
   * Where a symbol is defined: `name`, or `Container.name` (`Container::name`); exact case first, else any case. A
   * definition split in parts is one result, from its first line to its last.
   */
  definitions(name: string, options: { project?: string | undefined; limit: number }): CodeDefinition[] {
    // `Retrier.start`, or as C++, Rust and PHP write it, `Pool::acquire`.
    const dot = name.lastIndexOf('.');
    const colons = name.lastIndexOf('::');
    const cut = colons > dot ? colons : dot;
    const symbol = cut > 0 ? name.slice(cut + (cut === colons ? 2 : 1)) : name;
    const container = cut > 0 ? name.slice(0, cut) : undefined;
    const find = (exact: boolean) =>
      this.sqlite
        .prepare(
          `SELECT f.project_id AS project, f.path, f.language, c.kind, c.symbol, c.container,
                  min(c.signature) AS signature, min(c.start_line) AS startLine, max(c.end_line) AS endLine
           FROM code_chunks c JOIN code_files f ON f.pk = c.file_pk
           WHERE ${exact ? 'c.symbol = ?' : 'lower(c.symbol) = lower(?)'} AND c.kind NOT IN ('module', 'lines')
             ${options.project === undefined ? '' : 'AND f.project_id = ?'}
             ${container === undefined ? '' : `AND (${exact ? 'c.container' : 'lower(c.container)'} = ${exact ? '?' : 'lower(?)'} OR c.container LIKE ?)`}
           GROUP BY f.pk, c.symbol, c.container, c.kind
           ORDER BY f.path, startLine LIMIT ?`,
        )
        .all(
          symbol,
          ...(options.project === undefined ? [] : [options.project]),
          ...(container === undefined ? [] : [container, `%.${container}`]),
          options.limit,
        ) as CodeDefinition[];
    const exact = find(true);
    return exact.length > 0 ? exact : find(false);
  }
}
