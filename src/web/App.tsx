// The shell: who is signed in, the navigation, and the page for the URL.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CodePage } from './pages/Code.js';
import { NotePage } from './pages/Note.js';
import { NotesPage } from './pages/Notes.js';
import { OraclePage } from './pages/Oracle.js';
import { SettingsPage } from './pages/Settings.js';
import { SignInPage } from './pages/SignIn.js';
import { ThreadPage } from './pages/Thread.js';
import { ThreadsPage } from './pages/Threads.js';
import { navigate, useLocation } from './router.js';
import { useTRPC } from './trpc.js';
import { Link, Loading } from './ui.js';

/** A URL part decoded, or undefined when it is not valid percent-encoding. */
function decoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

const SECTIONS = [
  ['/', 'Threads'],
  ['/notes', 'Notes'],
  ['/oracle', 'Oracle'],
  ['/settings', 'Settings'],
] as const;

function NotFoundPage({ path }: { path: string }) {
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>
        There is no page at <code className="path">{path}</code>. Threads live at
        /t/&lt;project&gt;/&lt;thread&gt;, notes at /n/&lt;project&gt;/&lt;path&gt; and code at
        /c/&lt;project&gt;/&lt;path&gt;#L&lt;line&gt;.
      </p>
      <p>
        <Link to="/">All threads</Link> · <Link to="/notes">All notes</Link>
      </p>
    </section>
  );
}

export function App() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const location = useLocation();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), retry: false });
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        navigate('/');
      },
    }),
  );
  if (me.isPending) return <Loading />;
  if (me.isError) return <SignInPage />;
  const path = location.pathname;
  const threadMatch = /^\/t\/([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(path);
  const noteMatch = /^\/n\/([a-z0-9-]+)\/(.+)$/.exec(path);
  const codeMatch = /^\/c\/([a-z0-9-]+)\/(.+)$/.exec(path);
  let page;
  if (codeMatch) {
    const line = Number(/^#L(\d{1,9})$/.exec(location.hash)?.[1] ?? '1');
    page = (
      <CodePage
        key={`${path}#${line}`}
        projectId={codeMatch[1]!}
        path={decoded(codeMatch[2]!) ?? codeMatch[2]!}
        line={Math.max(1, line)}
      />
    );
  } else if (noteMatch) {
    const notePath = decoded(noteMatch[2]!);
    const hash = decoded(location.hash) ?? '';
    page = <NotePage key={path} projectId={noteMatch[1]!} path={notePath ?? noteMatch[2]!} hash={hash} />;
  } else if (path === '/notes') page = <NotesPage />;
  else if (threadMatch) {
    // A new thread (after a move, say) is a new page: its forms start empty.
    page = <ThreadPage key={threadMatch[0]} projectId={threadMatch[1]!} threadId={threadMatch[2]!} />;
  } else if (path === '/oracle') page = <OraclePage />;
  else if (path === '/settings') page = <SettingsPage />;
  else if (path === '/') page = <ThreadsPage username={me.data.user.username} />;
  else page = <NotFoundPage path={path} />;
  // The section a page belongs to, for the navigation's `aria-current`.
  const section = path.startsWith('/n/')
    ? '/notes'
    : path.startsWith('/t/')
      ? '/'
      : path.startsWith('/c/')
        ? '/oracle'
        : path;
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          vlt
        </Link>
        <nav aria-label="Main">
          {SECTIONS.map(([to, name]) => (
            <Link key={to} to={to} current={to === section ? (to === path ? 'page' : 'location') : undefined}>
              {name}
            </Link>
          ))}
        </nav>
        <span className="who">
          {me.data.user.username}
          <button type="button" onClick={() => logout.mutate()}>
            Sign out
          </button>
        </span>
      </header>
      <main>{page}</main>
    </>
  );
}
