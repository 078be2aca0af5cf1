// A mistake the user can fix: printed as one line on stderr, never with a stack trace.
export class VltError extends Error {
  override readonly name = 'VltError';
  constructor(
    message: string,
    /** Process exit status: 1 for a failed operation, 2 for bad usage or input. */
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}

export const usageError = (message: string): VltError => new VltError(message, 2);
