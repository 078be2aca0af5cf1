// Failures of the database's storage (a full disk, a write that the system refused, a read-only
// file), told apart from bugs: they are the operator's to fix, and say so.

const SQLITE_STORAGE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/;
/** PostgreSQL's disk_full, insufficient_resources, io_error, data_corrupted and read-only transaction. */
const PG_STORAGE = new Set(['53100', '53000', '58030', 'XX001', '25006']);

/** What is wrong with the storage, in a few words, or undefined when `error` is something else. */
export function storageFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || code === '53100') return 'its disk is full';
  if (code.startsWith('SQLITE_READONLY') || code === '25006') return 'its database is read-only';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'XX001')
    return 'its database is damaged';
  if (SQLITE_STORAGE.test(code) || PG_STORAGE.has(code)) return `its storage failed (${code})`;
  return undefined;
}
