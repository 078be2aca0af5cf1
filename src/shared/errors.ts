// A mistake the user can fix: printed as one line on stderr, never with a stack trace.

/**
 * What kind of failure it was, for programs (`--json` prints `{"error": {"code", "message"}}`):
 * `usage` (bad usage or input, exit 2), `not_found` (no such thread or entry),
 * `unreachable` (the server did not answer), `unauthorized` (no token, or a refused one),
 * `server` (the server refused or sent something invalid), `storage` (the vault's disk or file),
 * `failed` (anything else that failed), `internal` (a bug, exit 70).
 */
export type ErrorCode =
  'usage' | 'not_found' | 'unreachable' | 'unauthorized' | 'server' | 'storage' | 'failed' | 'internal';

export class VltError extends Error {
  override readonly name = 'VltError';
  constructor(
    message: string,
    /** Process exit status: 1 for a failed operation, 2 for bad usage or input. */
    readonly exitCode: number = 1,
    readonly code: ErrorCode = exitCode === 2 ? 'usage' : 'failed',
  ) {
    super(message);
  }
}

export const usageError = (message: string): VltError => new VltError(message, 2);
export const notFound = (message: string): VltError => new VltError(message, 1, 'not_found');
