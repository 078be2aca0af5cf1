// One note: its markdown rendered safely (../Markdown.tsx), its headings as a contents list with
// anchors, its backlinks, and `#L<line>` (an Oracle citation) shown and marked.
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { normalizePath } from '../../shared/notes.js';
import { Markdown } from '../Markdown.js';
import { useTRPC } from '../trpc.js';
import { ErrorBox, Link, Loading, noteHref, When } from '../ui.js';

/** A link in the note to another `.md` file, as that note's page; anything else is left alone. */
export function noteLinkResolver(projectId: string, path: string) {
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  return (href: string): string | undefined => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/') || href.startsWith('#')) return undefined;
    const [file = '', hash] = href.split('#', 2);
    let decoded: string;
    try {
      decoded = decodeURIComponent(file);
    } catch {
      return undefined;
    }
    if (!/\.md$/i.test(decoded)) return undefined;
    const target = normalizePath(folder ? `${folder}/${decoded}` : decoded);
    return target ? noteHref(projectId, target, hash) : undefined;
  };
}

export function NotePage({ projectId, path, hash }: { projectId: string; path: string; hash: string }) {
  const trpc = useTRPC();
  const note = useQuery({ ...trpc.notes.get.queryOptions({ projectId, path }), retry: false });
  const resolveLink = useCallback(
    (href: string) => noteLinkResolver(projectId, path)(href),
    [projectId, path],
  );
  if (note.isPending) return <Loading />;
  if (note.isError) {
    if (note.error.data?.code === 'NOT_FOUND' || note.error.data?.code === 'BAD_REQUEST') {
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no note {projectId}/{path} in your account.
          </p>
          <Link to="/notes">All notes</Link>
        </section>
      );
    }
    return <ErrorBox error={note.error} retry={() => note.refetch()} />;
  }
  const { note: n, backlinks } = note.data;
  // A note that opens with its title as a `#` heading shows it once, from its own text.
  const first = n.headings[0];
  const titled = first?.level === 1 && first.text === n.title;
  return (
    <article className="note" aria-label={n.title}>
      <p className="crumbs">
        <Link to="/notes">Notes</Link> / {n.projectId} / <span className="path">{n.path}</span>
      </p>
      {!titled && <h1>{n.title}</h1>}
      <p className="muted">
        {n.size.toLocaleString('en-US')} bytes, synced <When date={n.updatedAt} />
        {n.tags.length > 0 && <> · {n.tags.map((t) => `#${t}`).join(' ')}</>}
      </p>
      {n.headings.length > 1 && (
        <nav aria-label="Contents" className="contents">
          <ul>
            {n.headings.map((h) => (
              <li key={`${h.line}`} className={`level-${Math.min(h.level, 4)}`}>
                <a
                  href={`#${h.slug}`}
                  onClick={(event) => {
                    event.preventDefault();
                    window.history.pushState({}, '', `#${h.slug}`);
                    window.dispatchEvent(new PopStateEvent('popstate'));
                  }}
                >
                  {h.text}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <Markdown
        text={n.content}
        headings={n.headings}
        resolveLink={resolveLink}
        target={hash ? hash.slice(1) : undefined}
        frontMatter
      />
      <section aria-labelledby="backlinks-title" className="backlinks">
        <h2 id="backlinks-title">Backlinks</h2>
        {backlinks.length === 0 ? (
          <p className="muted">No note links here.</p>
        ) : (
          <ul>
            {backlinks.map((b) => (
              <li key={b.path}>
                <Link to={noteHref(projectId, b.path, `L${b.line}`)}>{b.title}</Link>{' '}
                <span className="muted">
                  {b.path}:{b.line}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
