// A folder synced by content (notes, code): the manifest of its files and the plan that makes a
// set of stored files match it. The vault's notes and the server's notes and code apply this one
// rule, so a rename is a move everywhere.

/** The most files one upload request carries (notes.upload, code.upload); a sync sends more in several. */
export const MAX_UPLOAD_FILES = 1000;

/** A file as a manifest lists it: where it is and what its text hashes to. */
export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

/**
 * The paths a manifest speaks for: from `from` (included) up to `to` (excluded; null: no end), in
 * JavaScript's string order. A folder whose manifest does not fit in one request sends it in
 * ranges that together cover every path; each is applied alone (moves and copies within it, what
 * is gone from it deleted). Both sides compare paths here, never in SQL, whose collation may order
 * them otherwise.
 */
export interface PathRange {
  from: string;
  to: string | null;
}

export const inRange = (path: string, range: PathRange | undefined): boolean =>
  range === undefined || (path >= range.from && (range.to === null || path < range.to));

/**
 * Ranges of a folder's files (sorted by path, as JavaScript orders strings) whose manifests each
 * take at most `budget` bytes by `sizeOf`: the first from '', the last to no end, each starting
 * at its first file. One range of everything when it all fits.
 */
export function manifestRanges<F extends { path: string }>(
  sorted: F[],
  sizeOf: (files: F[]) => number,
  budget: number,
): { range: PathRange; files: F[] }[] {
  const groups: F[][] = [];
  let group: F[] = [];
  let size = 0;
  for (const file of sorted) {
    const bytes = sizeOf([file]);
    if (group.length > 0 && size + bytes > budget) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(file);
    size += bytes;
  }
  groups.push(group);
  return groups.map((files, i) => ({
    range: {
      from: i === 0 ? '' : files[0]!.path,
      to: i === groups.length - 1 ? null : groups[i + 1]![0]!.path,
    },
    files,
  }));
}

/**
 * What it takes to make a set of files (`existing`, by path) match a folder's manifest, decided
 * by content alone (qmd's and basic-memory's rule): a path whose hash is the same is unchanged; a
 * hash that leaves one path (gone, or holding other text now) and turns up at another is a move
 * (the file keeps its identity: no upload); a hash still in place elsewhere is copied; any other
 * text is missing (to upload, or to read from disk); what is left of the old paths is deleted.
 */
export interface ManifestPlan {
  unchanged: string[];
  moves: { from: string; to: string }[];
  copies: { from: string; to: string }[];
  /** Manifest files whose text the other side does not have. */
  missing: ManifestFile[];
  /** Paths that go: gone from the manifest and not moved. */
  deletes: string[];
}

export function planManifest(
  existing: { path: string; sha256: string }[],
  manifest: ManifestFile[],
): ManifestPlan {
  const byPath = new Map(existing.map((note) => [note.path, note.sha256]));
  const wanted = new Map(manifest.map((file) => [file.path, file.sha256]));
  const byPathOrder = (a: { path: string }, b: { path: string }) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  const plan: ManifestPlan = { unchanged: [], moves: [], copies: [], missing: [], deletes: [] };
  /** Where each hash will be found once the plan is applied: a path it stays at, or moves to. */
  const holder = new Map<string, string>();
  const targets: ManifestFile[] = [];
  for (const file of [...manifest].sort(byPathOrder)) {
    if (byPath.get(file.path) === file.sha256) {
      plan.unchanged.push(file.path);
      if (!holder.has(file.sha256)) holder.set(file.sha256, file.path);
    } else targets.push(file);
  }
  // Files whose text is no longer at their path: each may move once, to a path that wants its text.
  const sources = new Map<string, string[]>();
  for (const note of [...existing].sort(byPathOrder)) {
    if (wanted.get(note.path) === note.sha256) continue;
    sources.set(note.sha256, [...(sources.get(note.sha256) ?? []), note.path]);
  }
  const moved = new Set<string>();
  const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  for (const file of targets) {
    const candidates = (sources.get(file.sha256) ?? []).filter((path) => !moved.has(path));
    const from = candidates.find((path) => baseName(path) === baseName(file.path)) ?? candidates[0];
    if (from !== undefined) {
      moved.add(from);
      plan.moves.push({ from, to: file.path });
      if (!holder.has(file.sha256)) holder.set(file.sha256, file.path);
      continue;
    }
    const copyFrom = holder.get(file.sha256);
    if (copyFrom !== undefined) plan.copies.push({ from: copyFrom, to: file.path });
    // A new text at two paths is sent for each: a copy could only be made once the first arrives.
    else plan.missing.push(file);
  }
  for (const note of [...existing].sort(byPathOrder)) {
    if (!wanted.has(note.path) && !moved.has(note.path)) plan.deletes.push(note.path);
  }
  return plan;
}
