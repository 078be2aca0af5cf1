// Every synced thread: project and status filters, search with highlights, pages of 50.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { THREAD_STATUSES, type ThreadStatus } from '../../shared/names.js';
import { useTRPC } from '../trpc.js';
import { ErrorBox, Highlighted, Link, Loading, When } from '../ui.js';

export function ThreadsPage() {
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
            placeholder="Words from any entry"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
      </div>
      {query.trim() ? (
        <SearchResults search={search} />
      ) : threads.isPending ? (
        <Loading />
      ) : threads.isError ? (
        <ErrorBox error={threads.error} retry={() => threads.refetch()} />
      ) : threads.data.pages[0]!.threads.length === 0 ? (
        <div className="empty">
          <p>No threads yet. Start one from your terminal:</p>
          <pre>vlt thread new my-thread "first entry"</pre>
        </div>
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

function SearchResults({ search }: { search: ReturnType<typeof useSearch> }) {
  if (search.isPending) return <Loading />;
  if (search.isError) return <ErrorBox error={search.error} retry={() => search.refetch()} />;
  if (search.data.results.length === 0) return <p className="muted">No entry matches.</p>;
  return (
    <ul className="results">
      {search.data.results.map((r) => (
        <li key={`${r.projectId}/${r.threadId}#${r.sequenceId}`}>
          <Link to={`/t/${r.projectId}/${r.threadId}#e${r.sequenceId}`}>
            {r.projectId}/{r.threadId}#{r.sequenceId}
          </Link>
          <p>
            <Highlighted text={r.snippet} />
          </p>
        </li>
      ))}
    </ul>
  );
}

function useSearch(query: string, projectId: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.threads.search.queryOptions({
      query: query.trim() || ' ',
      ...(projectId ? { projectId } : {}),
      limit: 20,
    }),
    enabled: query.trim().length > 0,
  });
}
