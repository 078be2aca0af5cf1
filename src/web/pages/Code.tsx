// One chunk of code, read-only: its lines with their numbers, what it is, the chunks before and
// after it in its file, and its place on the repository's web host when the project has one
// (`[code] url`, shown as a plain link). Another user's chunk is not found.
import { useQuery } from '@tanstack/react-query';
import { codeCitation } from '../../shared/code.js';
import { useTRPC } from '../trpc.js';
import { codeHref, ErrorBox, Link, Loading, When } from '../ui.js';

/** `git.example.com`: where a link goes, said before it is followed. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the repository';
  }
}

export function CodePage({ projectId, path, line }: { projectId: string; path: string; line: number }) {
  const trpc = useTRPC();
  const got = useQuery({ ...trpc.code.get.queryOptions({ projectId, path, line }), retry: false });
  if (got.isPending) return <Loading />;
  if (got.isError) {
    if (got.error.data?.code === 'NOT_FOUND' || got.error.data?.code === 'BAD_REQUEST') {
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no code {projectId}/{path} at line {line} in your account.
          </p>
          <Link to="/oracle">Ask the Oracle</Link>
        </section>
      );
    }
    return <ErrorBox error={got.error} retry={() => got.refetch()} />;
  }
  const { file, chunk, previous, next, url } = got.data;
  const lines = chunk.content.split('\n');
  const width = String(chunk.endLine).length;
  return (
    <article className="code-chunk" aria-label={codeCitation({ path, ...chunk })}>
      <p className="crumbs">
        Code / {file.projectId} / <span className="path">{file.path}</span>
      </p>
      <h1 className="citation">{codeCitation({ path, ...chunk })}</h1>
      <p className="muted">
        {chunk.kind === 'lines' || chunk.kind === 'module' ? 'lines' : chunk.kind} in {file.language} ·{' '}
        {file.size.toLocaleString('en-US')} bytes, synced <When date={file.updatedAt} />
        {url && (
          <>
            {' · '}
            <a href={url} rel="noopener noreferrer" target="_blank" className="host-link">
              View on {hostOf(url)}
            </a>
          </>
        )}
      </p>
      {chunk.signature && <p className="signature">{chunk.signature}</p>}
      <pre className="code-view" aria-label={`Lines ${chunk.startLine} to ${chunk.endLine}`}>
        <code>
          {lines.map((text, i) => (
            <span key={i} className="code-line" id={`L${chunk.startLine + i}`}>
              <span className="ln" aria-hidden="true">
                {String(chunk.startLine + i).padStart(width, ' ')}
              </span>
              {text}
              {'\n'}
            </span>
          ))}
        </code>
      </pre>
      <nav aria-label="Chunks" className="chunk-nav">
        {previous !== null ? (
          <Link to={codeHref(projectId, path, previous)}>← Before</Link>
        ) : (
          <span className="muted">Start of the file</span>
        )}
        {next !== null ? (
          <Link to={codeHref(projectId, path, next)}>After →</Link>
        ) : (
          <span className="muted">End of the file</span>
        )}
      </nav>
    </article>
  );
}
