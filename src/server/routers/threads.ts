// Threads: the sync endpoint, listing, reading, moving, status, deleting, search, summaries and pull for other machines.
import {
  annotateInput,
  deleteEntryInput,
  entryHistoryInput,
  editEntryInput,
  exportInput,
  getInput,
  listInput,
  moveInput,
  pullInput,
  pushInput,
  searchInput,
  setStatusInput,
  threadKey,
  watchInput,
} from '../../shared/schemas.js';
import { protectedProcedure, router, takeCall } from '../trpc.js';

export const threadsRouter = router({
  push: protectedProcedure.input(pushInput).mutation(({ ctx, input }) => {
    // Per token (a machine syncing), or per user for the web.
    const [key, whose] =
      ctx.auth.kind === 'token'
        ? [`token:${ctx.auth.tokenId}`, 'for this token']
        : [`user:${ctx.user.id}`, 'for this account'];
    takeCall(ctx.deps.pushLimiter, key, 'pushes', 'VLT_LIMIT_PUSH_PER_MINUTE', whose);
    return ctx.deps.threads.push(ctx.user.id, input);
  }),

  syncStatus: protectedProcedure
    .input(threadKey)
    .query(({ ctx, input }) => ctx.deps.threads.syncStatus(ctx.user.id, input.projectId, input.threadId)),

  list: protectedProcedure
    .input(listInput)
    .query(({ ctx, input }) => ctx.deps.threads.list(ctx.user.id, input)),

  get: protectedProcedure.input(getInput).query(({ ctx, input }) => ctx.deps.threads.get(ctx.user.id, input)),

  delete: protectedProcedure
    .input(threadKey)
    .mutation(({ ctx, input }) => ctx.deps.threads.delete(ctx.user.id, input.projectId, input.threadId)),

  /** Moves a thread to another project; the user's other machines follow when they pull. */
  move: protectedProcedure
    .input(moveInput)
    .mutation(({ ctx, input }) => ctx.deps.threads.move(ctx.user.id, input)),

  /** Sets a thread's status; the user's other machines follow when they pull. */
  setStatus: protectedProcedure
    .input(setStatusInput)
    .mutation(({ ctx, input }) => ctx.deps.threads.setStatus(ctx.user.id, input)),

  /** Tags and links of entries (from `vlt thread tag`/`link` on any machine); other machines pull them. */
  annotate: protectedProcedure
    .input(annotateInput)
    .mutation(({ ctx, input }) => ctx.deps.threads.annotate(ctx.user.id, input)),

  /** An entry's new text (a revision; the old one kept); other machines pull it. */
  editEntry: protectedProcedure
    .input(editEntryInput)
    .mutation(({ ctx, input }) => ctx.deps.threads.revise(ctx.user.id, input)),

  /** An entry deleted (a tombstone: its sequence stays taken); other machines pull it. */
  deleteEntry: protectedProcedure
    .input(deleteEntryInput)
    .mutation(({ ctx, input }) => ctx.deps.threads.revise(ctx.user.id, { ...input, content: null })),

  /** An entry's texts, oldest first: the first, each edit, a deletion; the one that stands marked. */
  history: protectedProcedure
    .input(entryHistoryInput)
    .query(({ ctx, input }) => ctx.deps.threads.history(ctx.user.id, input.entryId)),

  search: protectedProcedure.input(searchInput).query(({ ctx, input }) => {
    takeCall(ctx.deps.searchLimiter, ctx.user.id, 'searches', 'VLT_LIMIT_SEARCH_PER_MINUTE');
    return ctx.deps.threads.search(ctx.user.id, input);
  }),

  /** New entries of a thread as they arrive (server-sent events), for the web's thread page. */
  watch: protectedProcedure
    .input(watchInput)
    .subscription(({ ctx, input, signal }) => ctx.deps.threads.watch(ctx.user.id, input, signal)),

  /** The thread's summary, the entry it is current to, and how it was made (deterministic or llm). */
  summary: protectedProcedure
    .input(threadKey)
    .query(({ ctx, input }) => ctx.deps.summaries.summary(ctx.user.id, input)),

  /**
   * The caller's own threads and entries in vlt's export format (what `vlt import` reads), a page
   * of lines at a time: the header first, then `nextCursor` until it is null.
   */
  export: protectedProcedure
    .input(exportInput)
    .query(({ ctx, input }) => ctx.deps.threads.exportPage(ctx.user.id, input)),

  pull: protectedProcedure
    .input(pullInput)
    .query(({ ctx, input }) => ctx.deps.threads.pull(ctx.user.id, input)),
});
