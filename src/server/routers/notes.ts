// Notes: the manifest and upload of `vlt notes sync`, and listing, reading, searching, deleting.
import {
  noteKey,
  notesListInput,
  notesManifestInput,
  notesManifestRangeInput,
  notesSearchInput,
  notesUploadInput,
} from '../../shared/schemas.js';
import { protectedProcedure, router, takeCall, takeSync } from '../trpc.js';

export const notesRouter = router({
  /** Which of the manifest's hashes the server lacks; moves, copies and deletions applied (not with dryRun). */
  manifest: protectedProcedure.input(notesManifestInput).mutation(({ ctx, input }) => {
    takeSync(ctx);
    return ctx.deps.notes.manifest(ctx.user.id, input);
  }),

  /** The same for the paths of one range (a manifest too large for one request goes in ranges). */
  manifestRange: protectedProcedure.input(notesManifestRangeInput).mutation(({ ctx, input }) => {
    takeSync(ctx);
    return ctx.deps.notes.manifest(ctx.user.id, input);
  }),

  upload: protectedProcedure.input(notesUploadInput).mutation(({ ctx, input }) => {
    takeSync(ctx);
    return ctx.deps.notes.upload(ctx.user.id, input);
  }),

  list: protectedProcedure
    .input(notesListInput)
    .query(({ ctx, input }) => ctx.deps.notes.list(ctx.user.id, input)),

  get: protectedProcedure.input(noteKey).query(({ ctx, input }) => ctx.deps.notes.get(ctx.user.id, input)),

  search: protectedProcedure.input(notesSearchInput).query(({ ctx, input }) => {
    takeCall(ctx.deps.searchLimiter, ctx.user.id, 'searches', 'VLT_LIMIT_SEARCH_PER_MINUTE');
    return ctx.deps.notes.search(ctx.user.id, input);
  }),

  delete: protectedProcedure
    .input(noteKey)
    .mutation(({ ctx, input }) => ctx.deps.notes.delete(ctx.user.id, input)),
});
