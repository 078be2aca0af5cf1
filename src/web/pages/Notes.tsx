// Every synced note as a tree (project, then folders), 100 a page ("More notes"), and a search
// over their chunks (notes.search) whose results open the note at the matching lines.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc.js';
import { ErrorBox, Highlighted, Link, Loading, noteHref } from '../ui.js';

interface Listed {
  projectId: string;
  path: string;
  title: string;
}

interface Folder {
  name: string;
  folders: Map<string, Folder>;
  notes: Listed[];
}

/** Projects, then folders by path segment, then notes, each in path order (the list's order). */
function treeOf(notes: Listed[]): Map<string, Folder> {
  const projects = new Map<string, Folder>();
  for (const note of notes) {
    let folder: Folder | undefined = projects.get(note.projectId);
    if (!folder) {
      folder = { name: note.projectId, folders: new Map(), notes: [] };
      projects.set(note.projectId, folder);
    }
    const segments = note.path.split('/');
    for (const segment of segments.slice(0, -1)) {
      let next: Folder | undefined = folder.folders.get(segment);
      if (!next) {
        next = { name: segment, folders: new Map(), notes: [] };
        folder.folders.set(segment, next);
      }
      folder = next;
    }
    folder.notes.push(note);
  }
  return projects;
}

/** Folders start open while the tree is small enough to read whole, else only the first levels. */
const OPEN_ALL_UP_TO = 200;

function FolderView({
  folder,
  open,
  depth,
  openAll,
}: {
  folder: Folder;
  open: boolean;
  depth: number;
  openAll: boolean;
}) {
  return (
    <details open={open}>
      <summary>{depth === 0 ? folder.name : `${folder.name}/`}</summary>
      <ul>
        {[...folder.folders.values()].map((child) => (
          <li key={`d:${child.name}`}>
            <FolderView folder={child} open={openAll || depth < 1} depth={depth + 1} openAll={openAll} />
          </li>
        ))}
        {folder.notes.map((note) => (
          <li key={note.path}>
            <Link to={noteHref(note.projectId, note.path)}>
              <span className="name">{note.path.split('/').pop()}</span>
            </Link>{' '}
            {note.title !== note.path.split('/').pop() && <span className="muted">{note.title}</span>}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function NotesPage() {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const notes = useInfiniteQuery(
    trpc.notes.list.infiniteQueryOptions(
      { limit: 100 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const search = useQuery({
    ...trpc.notes.search.queryOptions({ query: query.trim() || ' ', limit: 20 }),
    enabled: query.trim().length > 0,
  });
  const listed = notes.data?.pages.flatMap((page) => page.notes) ?? [];
  return (
    <section aria-labelledby="notes-title">
      <h1 id="notes-title">Notes</h1>
      <div className="filters">
        <label className="grow">
          Search notes
          <input
            type="search"
            placeholder="Words from any note"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
      </div>
      {query.trim() ? (
        search.isPending ? (
          <Loading />
        ) : search.isError ? (
          <ErrorBox error={search.error} retry={() => search.refetch()} />
        ) : search.data.results.length === 0 ? (
          <p className="muted">No note matches.</p>
        ) : (
          <ul className="results">
            {search.data.results.map((r) => (
              <li key={`${r.projectId}/${r.path}:${r.startLine}`}>
                <Link to={noteHref(r.projectId, r.path, `L${r.startLine}`)}>
                  {r.projectId}/{r.path}:{r.startLine}-{r.endLine}
                  {r.heading ? ` (${r.heading})` : ''}
                </Link>
                <p>
                  <Highlighted text={r.snippet} />
                </p>
              </li>
            ))}
          </ul>
        )
      ) : notes.isPending ? (
        <Loading />
      ) : notes.isError ? (
        <ErrorBox error={notes.error} retry={() => notes.refetch()} />
      ) : listed.length === 0 ? (
        <div className="empty">
          <p>No notes yet. Sync a folder of markdown from your terminal:</p>
          <pre>vlt notes sync docs/</pre>
        </div>
      ) : (
        <>
          <div className="tree">
            {[...treeOf(listed).values()].map((project, i, all) => (
              <FolderView
                key={project.name}
                folder={project}
                open={all.length === 1 || i === 0 || listed.length <= OPEN_ALL_UP_TO}
                depth={0}
                openAll={listed.length <= OPEN_ALL_UP_TO}
              />
            ))}
          </div>
          {notes.hasNextPage && (
            <button type="button" onClick={() => notes.fetchNextPage()} disabled={notes.isFetchingNextPage}>
              More notes
            </button>
          )}
        </>
      )}
    </section>
  );
}
