// `vlt notes index` and the local half of `vlt notes sync`: the folder scanned, then indexed in
// the vault (or, with a dry run, only planned), with the one summary both commands print.
import type { VltCommand } from '../base.js';
import type { IndexReport } from '../vault/notes.js';
import { notesFolder, scanNotes, type NotesFolder, type ScannedFolder } from './folder.js';

export interface LocalIndex {
  project: string;
  folder: NotesFolder;
  scanned: ScannedFolder;
  report: IndexReport;
}

export async function indexLocally(
  command: VltCommand,
  options: { dir: string | undefined; project: string; dryRun: boolean },
): Promise<LocalIndex> {
  const folder = notesFolder(command.context.cwd, command.project, options.dir);
  const { VaultNotes } = await import('../vault/notes.js');
  const db = options.dryRun ? command.sqlite({ create: false }) : command.sqlite({ create: true });
  const scanned = scanNotes(folder, db ? new VaultNotes(db).known(options.project) : undefined);
  let report: IndexReport;
  if (options.dryRun) {
    const plan = db
      ? new VaultNotes(db).plan(options.project, scanned.files)
      : { unchanged: [], moves: [], copies: [], missing: scanned.files, deletes: [] };
    const known = new Set(db ? new VaultNotes(db).list(options.project).map((n) => n.path) : []);
    const written = [...plan.missing, ...plan.copies.map((c) => ({ path: c.to }))].map((f) => f.path);
    report = {
      added: written.filter((p) => !known.has(p)),
      changed: written.filter((p) => known.has(p)),
      moved: plan.moves,
      deleted: plan.deletes,
      unchanged: plan.unchanged.length,
    };
  } else {
    report = new VaultNotes(db!).index(options.project, scanned.files);
  }
  return { project: options.project, folder, scanned, report };
}

/** `3 new, 1 changed, 1 moved, 2 deleted, 1197 unchanged`, or `nothing changed (1204 unchanged)`. */
export function describeIndex(report: IndexReport): string {
  const parts = [
    [report.added.length, 'new'],
    [report.changed.length, 'changed'],
    [report.moved.length, 'moved'],
    [report.deleted.length, 'deleted'],
  ].filter(([n]) => (n as number) > 0);
  if (parts.length === 0) return `nothing changed (${report.unchanged} unchanged)`;
  return [...parts.map(([n, what]) => `${n} ${what}`), `${report.unchanged} unchanged`].join(', ');
}

export const localJson = (report: IndexReport) => ({
  added: report.added,
  changed: report.changed,
  moved: report.moved,
  deleted: report.deleted,
  unchanged: report.unchanged,
});
