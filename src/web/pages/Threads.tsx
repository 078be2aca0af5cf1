// Every synced thread with its newest entry: project and status filters, search with highlights,
// pages of 50; with no thread yet, how to connect the CLI to this server.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { THREAD_STATUSES, type ThreadStatus } from '../../shared/names.js';
import { useTRPC } from '../trpc.js';
import { ErrorBox, Highlighted, Link, Loading, When } from '../ui.js';
import { plainLine } from '../wording.js';

export function ThreadsPage({ username }: { username: string }) {
  const trpc = useTRPC();
  const [projectId, setProjectId] = useState('');
  const [status, setStatus] = useState<ThreadStatus | ''>('');
  const [query, setQuery] = useState('');
  const projects = useQuery(trpc.projects.list.queryOptions());
  const filter = { ...(projectId ? { projectId } : {}), ...(status ? { status } : {}), limit: 50 };
  const threads = useInfiniteQuery(
    trpc.threads.list.infiniteQueryOptions(filter, {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  );
  const search = useSearch(query, projectId);
  return (
    <section aria-labelledby="threads-title">
      <h1 id="threads-title">Threads</h1>
      <div className="filters">
        <label>
          Project
          <select value={projectId} onChange={(e) => setProjectId(e.target.value)}>
            <option value="">All projects</option>
            {projects.data?.projects.map((p) => (
              <option key={p.projectId} value={p.projectId}>
                {p.projectId} ({p.threadCount})
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as ThreadStatus | '')}>
            <option value="">Any status</option>
            {THREAD_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="grow">
          Search
          <input
            type="search"
            placeholder="Words from any entry, or tag:decision"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
      </div>
      {query.trim() ? (
        <SearchResults search={search} limit={SEARCH_LIMIT} />
      ) : threads.isPending ? (
        <Loading />
      ) : threads.isError ? (
        <ErrorBox error={threads.error} retry={() => threads.refetch()} />
      ) : threads.data.pages[0]!.threads.length === 0 ? (
        projectId || status ? (
          <p className="muted">No thread matches these filters.</p>
        ) : (
          <GetStarted username={username} />
        )
      ) : (
        <>
          <ul className="threads">
            {threads.data.pages.flatMap((page) =>
              page.threads.map((t) => (
                <li key={`${t.projectId}/${t.threadId}`}>
                  <Link to={`/t/${t.projectId}/${t.threadId}`}>
                    <span className="name">
                      {t.projectId}/<strong>{t.threadId}</strong>
                    </span>
                    <span className={`badge ${t.status}`}>{t.status}</span>
                    <span className="count">
                      {t.entryCount} {t.entryCount === 1 ? 'entry' : 'entries'}
                    </span>
                    <When date={t.lastActivityAt} />
                    {t.lastEntry && (
                      <span className="last-entry">
                        <span className="author">{t.lastEntry.author}:</span> {plainLine(t.lastEntry.content)}
                        {t.lastEntry.truncated && '…'}
                      </span>
                    )}
                  </Link>
                </li>
              )),
            )}
          </ul>
          {threads.hasNextPage && (
            <button
              type="button"
              onClick={() => threads.fetchNextPage()}
              disabled={threads.isFetchingNextPage}
            >
              More threads
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** No thread yet: this server's CLI login first (a new user has no token), then a first thread. */
function GetStarted({ username }: { username: string }) {
  const origin = window.location.origin;
  return (
    <div className="empty">
      <p>
        No threads yet. Connect the vlt CLI to this server from your terminal (it asks for your password):
      </p>
      <pre>{`vlt auth login --server ${origin} --username ${username}`}</pre>
      <p>Then start a thread in a project folder; it appears here when it syncs:</p>
      <pre>{'vlt init --project my-app\nvlt thread new my-thread "first entry"'}</pre>
      <p className="muted">
        An agent or a CI job can use an API token instead: make one in <Link to="/settings">Settings</Link>.
      </p>
    </div>
  );
}

function SearchResults({ search, limit }: { search: ReturnType<typeof useSearch>; limit: number }) {
  if (search.isPending) return <Loading />;
  if (search.isError) return <ErrorBox error={search.error} retry={() => search.refetch()} />;
  const { results } = search.data;
  if (results.length === 0) return <p className="muted">No entry matches.</p>;
  return (
    <>
      <p className="muted" role="status">
        {results.length >= limit
          ? `The ${limit} best matching entries`
          : `${results.length} matching ${results.length === 1 ? 'entry' : 'entries'}`}
      </p>
      <ul className="results">
        {results.map((r) => (
          <li key={`${r.projectId}/${r.threadId}#${r.sequenceId}`}>
            <Link to={`/t/${r.projectId}/${r.threadId}#e${r.sequenceId}`}>
              {r.projectId}/{r.threadId}#{r.sequenceId}
            </Link>{' '}
            <span className="meta">
              <span className="author">{r.author}</span> · <When date={r.timestamp} />
            </span>
            <p>
              <Highlighted text={r.snippet} />
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}

const SEARCH_LIMIT = 20;

function useSearch(query: string, projectId: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.threads.search.queryOptions({
      query: query.trim() || ' ',
      ...(projectId ? { projectId } : {}),
      limit: SEARCH_LIMIT,
    }),
    enabled: query.trim().length > 0,
  });
}
