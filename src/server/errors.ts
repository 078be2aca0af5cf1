// Errors the services raise that the transport shapes (trpc.ts), kept apart from both.
import { TRPCError } from '@trpc/server';

/** A CONFLICT or BAD_REQUEST about one entry of a push: the client sets that entry aside. */
export class EntryRejected extends TRPCError {
  constructor(
    code: 'CONFLICT' | 'BAD_REQUEST',
    message: string,
    readonly entryId: string,
    readonly sequenceId: number,
  ) {
    super({ code, message });
  }
}
