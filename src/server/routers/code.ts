// Code: the manifest and upload of `vlt code sync`, and listing, reading a chunk, searching, deleting.
import {
  codeChunkKey,
  codeKey,
  codeListInput,
  codeManifestInput,
  codeManifestRangeInput,
  codeSearchInput,
  codeUploadInput,
} from '../../shared/schemas.js';
import { protectedProcedure, router, takeCall, takeSync } from '../trpc.js';

export const codeRouter = router({
  /** Which of the manifest's hashes the server lacks; moves, copies, deletions and the url applied (not with dryRun). */
  manifest: protectedProcedure.input(codeManifestInput).mutation(({ ctx, input }) => {
    takeSync(ctx);
    return ctx.deps.code.codeManifest(ctx.user.id, input);
  }),

  /** The same for the paths of one range (a manifest too large for one request goes in ranges). */
  manifestRange: protectedProcedure.input(codeManifestRangeInput).mutation(({ ctx, input }) => {
    takeSync(ctx);
    return ctx.deps.code.codeManifest(ctx.user.id, input);
  }),

  upload: protectedProcedure.input(codeUploadInput).mutation(({ ctx, input }) => {
    takeSync(ctx);
    return ctx.deps.code.upload(ctx.user.id, input);
  }),

  list: protectedProcedure
    .input(codeListInput)
    .query(({ ctx, input }) => ctx.deps.code.list(ctx.user.id, input)),

  /** A chunk to read, by its file and a line in it (a citation's first line). */
  get: protectedProcedure
    .input(codeChunkKey)
    .query(({ ctx, input }) => ctx.deps.code.get(ctx.user.id, input)),

  search: protectedProcedure.input(codeSearchInput).query(({ ctx, input }) => {
    takeCall(ctx.deps.searchLimiter, ctx.user.id, 'searches', 'VLT_LIMIT_SEARCH_PER_MINUTE');
    return ctx.deps.code.search(ctx.user.id, input);
  }),

  delete: protectedProcedure
    .input(codeKey)
    .mutation(({ ctx, input }) => ctx.deps.code.delete(ctx.user.id, input)),
});
