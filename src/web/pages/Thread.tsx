// One thread's summary, then its whole history, in order, paged, each entry's markdown rendered
// (../Markdown.tsx) with its tags and links, each editable and deletable (with a confirmation); new
// entries appear without a reload. Its status can be set and it can be
// moved to another project here (the CLI's copies follow on `vlt sync pull`).
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { THREAD_STATUSES, type ThreadStatus } from '../../shared/names.js';
import { uuidv7 } from '../../shared/uuidv7.js';
import { Markdown } from '../Markdown.js';
import { navigate } from '../router.js';
import { useTRPC } from '../trpc.js';
import { ErrorBox, Link, Loading, When } from '../ui.js';

export function ThreadPage({ projectId, threadId }: { projectId: string; threadId: string }) {
  const trpc = useTRPC();
  const entries = useInfiniteQuery({
    ...trpc.threads.get.infiniteQueryOptions(
      { projectId, threadId, limit: 100 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  });
  const known = entries.data ? entries.data.pages[0]!.thread.lastSyncedSequence : -1;
  // New entries arrive through a subscription and the loaded pages are read again.
  useSubscription(
    trpc.threads.watch.subscriptionOptions(
      { projectId, threadId, afterSequence: known },
      { enabled: entries.isSuccess, onData: () => void entries.refetch() },
    ),
  );
  const setStatus = useMutation(
    trpc.threads.setStatus.mutationOptions({ onSuccess: () => entries.refetch() }),
  );
  const [toProject, setToProject] = useState('');
  const move = useMutation(
    trpc.threads.move.mutationOptions({
      onSuccess: (moved) => navigate(`/t/${moved.projectId}/${moved.threadId}`),
    }),
  );
  const submitMove = (event: FormEvent) => {
    event.preventDefault();
    move.mutate({ projectId, threadId, toProjectId: toProject.trim() });
  };
  const hash = typeof window === 'undefined' ? '' : window.location.hash;
  useEffect(() => {
    if (hash) document.getElementById(hash.slice(1))?.scrollIntoView({ block: 'center' });
  }, [hash, entries.data]);
  if (entries.isPending) return <Loading />;
  if (entries.isError) {
    if (entries.error.data?.code === 'NOT_FOUND') {
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no thread {projectId}/{threadId} in your account.
          </p>
          <Link to="/">All threads</Link>
        </section>
      );
    }
    return <ErrorBox error={entries.error} retry={() => entries.refetch()} />;
  }
  const thread = entries.data.pages[0]!.thread;
  const all = entries.data.pages.flatMap((p) => p.entries);
  return (
    <section aria-labelledby="thread-title">
      <p className="muted">
        <Link to="/">Threads</Link> / {projectId}
      </p>
      <h1 id="thread-title">
        {threadId} <span className={`badge ${thread.status}`}>{thread.status}</span>
      </h1>
      <p className="muted">
        {thread.entryCount} {thread.entryCount === 1 ? 'entry' : 'entries'} · synced up to #
        {thread.lastSyncedSequence} · last activity <When date={thread.lastActivityAt} />
      </p>
      <div className="thread-actions">
        <label className="inline">
          Status
          <select
            value={thread.status}
            disabled={setStatus.isPending}
            onChange={(e) =>
              setStatus.mutate({ projectId, threadId, status: e.target.value as ThreadStatus })
            }
          >
            {THREAD_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <form className="move" onSubmit={submitMove}>
          <label className="inline">
            Move to project
            <input
              value={toProject}
              onChange={(e) => setToProject(e.target.value)}
              placeholder="project id"
            />
          </label>
          <button type="submit" disabled={move.isPending || toProject.trim() === ''}>
            Move
          </button>
        </form>
        {setStatus.isError && <ErrorBox error={setStatus.error} />}
        {move.isError && <ErrorBox error={move.error} />}
      </div>
      <ThreadSummary projectId={projectId} threadId={threadId} readAt={entries.dataUpdatedAt} />
      <h2 className="history">History</h2>
      <ol className="entries">
        {all.map((e) =>
          e.deleted ? (
            <li key={e.entryId} id={`e${e.sequenceId}`} className="deleted">
              <span className="seq">#{e.sequenceId}</span> <span className="muted">deleted</span>
            </li>
          ) : (
            <li
              key={e.entryId}
              id={`e${e.sequenceId}`}
              className={hash === `#e${e.sequenceId}` ? 'target' : ''}
            >
              <a className="seq" href={`#e${e.sequenceId}`}>
                #{e.sequenceId}
              </a>
              <span className="author">{e.author}</span>
              <When date={e.timestamp} />
              {e.edited && <History entryId={e.entryId} seqLabel={`${threadId}#${e.sequenceId}`} />}
              <EntryBody
                entry={e}
                onChanged={() => void entries.refetch()}
                seqLabel={`${threadId}#${e.sequenceId}`}
              />
              {(e.tags.length > 0 || e.links.length > 0) && (
                <p className="marks">
                  {e.tags.map((tag) => (
                    <span key={tag} className="tag">
                      #{tag}
                    </span>
                  ))}
                  {e.links.map((l) => (
                    <span key={`${l.projectId}/${l.threadId}`} className="link">
                      →{' '}
                      <Link to={`/t/${l.projectId}/${l.threadId}`}>
                        {l.projectId}/{l.threadId}
                      </Link>
                      {l.note ? ` (${l.note})` : ''}
                    </span>
                  ))}
                </p>
              )}
            </li>
          ),
        )}
      </ol>
      {entries.hasNextPage && (
        <button type="button" onClick={() => entries.fetchNextPage()} disabled={entries.isFetchingNextPage}>
          Older entries
        </button>
      )}
    </section>
  );
}

/**
 * An entry's text, with Edit (a new revision: the old text is kept, the CLI's copies follow on
 * `vlt sync pull`) and Delete (a tombstone, once confirmed on the page).
 */
/** "edited", which opens the entry's texts, oldest first, the one that stands marked. */
function History({ entryId, seqLabel }: { entryId: string; seqLabel: string }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const history = useQuery({ ...trpc.threads.history.queryOptions({ entryId }), enabled: open });
  return (
    <>
      <button
        type="button"
        className="link muted"
        aria-expanded={open}
        aria-label={`History of ${seqLabel}`}
        onClick={() => setOpen(!open)}
      >
        edited
      </button>
      {open && (
        <div className="history">
          {history.isPending && <Loading />}
          {history.isError && <ErrorBox error={history.error} />}
          {history.data && (
            <ol>
              {history.data.revisions.map((r, i) => (
                <li key={r.revisionId}>
                  <p className="muted">
                    <When date={r.at} /> · {r.content === null ? 'deleted' : i === 0 ? 'first text' : 'edit'}
                    {r.current && ' (stands)'}
                  </p>
                  {r.content !== null && <pre className="history-text">{r.content}</pre>}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </>
  );
}

function EntryBody({
  entry,
  onChanged,
  seqLabel,
}: {
  entry: { entryId: string; content: string };
  onChanged: () => void;
  seqLabel: string;
}) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const edit = useMutation(
    trpc.threads.editEntry.mutationOptions({
      onSuccess: () => {
        setDraft(undefined);
        onChanged();
      },
    }),
  );
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(trpc.threads.deleteEntry.mutationOptions({ onSuccess: onChanged }));
  if (draft !== undefined) {
    return (
      <form
        className="edit"
        onSubmit={(event) => {
          event.preventDefault();
          edit.mutate({ entryId: entry.entryId, revisionId: uuidv7(), content: draft, at: new Date() });
        }}
      >
        <textarea
          aria-label={`New text of ${seqLabel}`}
          value={draft}
          rows={Math.min(20, draft.split('\n').length + 1)}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" disabled={edit.isPending || draft.trim() === '' || draft === entry.content}>
          Save
        </button>{' '}
        <button type="button" className="link" onClick={() => setDraft(undefined)}>
          Cancel
        </button>
        {edit.isError && <ErrorBox error={edit.error} />}
      </form>
    );
  }
  return (
    <>
      <Markdown text={entry.content} breaks className="content" />
      <p className="entry-actions">
        <button type="button" className="link" onClick={() => setDraft(entry.content)}>
          Edit
        </button>{' '}
        {confirming ? (
          <>
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ entryId: entry.entryId, revisionId: uuidv7(), at: new Date() })}
            >
              Yes, delete {seqLabel}
            </button>{' '}
            <button type="button" className="link" onClick={() => setConfirming(false)}>
              Keep it
            </button>{' '}
            <span className="muted">its number stays taken; this cannot be undone</span>
          </>
        ) : (
          <button type="button" className="link" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </p>
      {remove.isError && <ErrorBox error={remove.error} />}
    </>
  );
}

/**
 * The summary above the history, read again whenever the history is (`readAt`: new entries, a new
 * status); each `[thread#seq]` citation links to its entry on this page.
 */
function ThreadSummary({
  projectId,
  threadId,
  readAt,
}: {
  projectId: string;
  threadId: string;
  readAt: number;
}) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.threads.summary.queryOptions({ projectId, threadId }));
  const { refetch } = summary;
  const shown = useRef(readAt);
  useEffect(() => {
    if (shown.current === readAt) return;
    shown.current = readAt;
    void refetch();
  }, [readAt, refetch]);
  if (summary.isPending) return <p className="muted">Summarizing…</p>;
  if (summary.isError) return <ErrorBox error={summary.error} retry={() => summary.refetch()} />;
  const { data } = summary;
  const cite = new RegExp(`(\\[${threadId}#\\d+(?:, ${threadId}#\\d+)*\\])`, 'g');
  return (
    <section className="summary" aria-labelledby="summary-title">
      <h2 id="summary-title">
        Summary{' '}
        <span className="muted">
          {data.mode === 'llm' ? 'written by the LLM' : 'made from the entries'}
          {data.currentTo ? ` · current to #${data.currentTo.sequenceId}` : ''}
        </span>
      </h2>
      {data.note && <p className="muted">{data.note}</p>}
      {data.summary.split('\n').map((line, i) => (
        <p key={i} className={line.startsWith('- ') ? 'item' : undefined}>
          {line.split(cite).map((part, j) =>
            j % 2 === 1 ? (
              <span key={j}>
                [
                {[...part.matchAll(/#(\d+)/g)].map((m, k) => (
                  <span key={m[1]}>
                    {k > 0 && ', '}
                    <a href={`#e${m[1]}`}>
                      {threadId}#{m[1]}
                    </a>
                  </span>
                ))}
                ]
              </span>
            ) : (
              part
            ),
          )}
        </p>
      ))}
    </section>
  );
}
