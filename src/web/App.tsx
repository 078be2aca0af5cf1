// The shell: who is signed in, the navigation, and the page for the URL.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
  let page;
  if (noteMatch) {
    const notePath = decoded(noteMatch[2]!);
    const hash = decoded(location.hash) ?? '';
    page = <NotePage key={path} projectId={noteMatch[1]!} path={notePath ?? noteMatch[2]!} hash={hash} />;
  } else if (path === '/notes') page = <NotesPage />;
  else if (threadMatch) {
    // A new thread (after a move, say) is a new page: its forms start empty.
    page = <ThreadPage key={threadMatch[0]} projectId={threadMatch[1]!} threadId={threadMatch[2]!} />;
  } else if (path === '/oracle') page = <OraclePage />;
  else if (path === '/settings') page = <SettingsPage />;
  else page = <ThreadsPage />;
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          vlt
        </Link>
        <nav aria-label="Main">
          <Link to="/">Threads</Link>
          <Link to="/notes">Notes</Link>
          <Link to="/oracle">Oracle</Link>
          <Link to="/settings">Settings</Link>
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
