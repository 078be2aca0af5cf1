// Small shared pieces of the pages.
import type { ReactNode } from 'react';
import { navigate } from './router.js';
import { relativeTime, snippetText, userMessage } from './wording.js';

/** `**word**` marks from the server's snippets as <mark>, everything else as text. */
export function Highlighted({ text }: { text: string }) {
  const parts = snippetText(text).split(/\*\*(.+?)\*\*/g);
  return <>{parts.map((part, i) => (i % 2 ? <mark key={i}>{part}</mark> : <span key={i}>{part}</span>))}</>;
}

export function Link({
  to,
  children,
  className,
  current,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  /** `aria-current`: this page, or the section the page is in. */
  current?: 'page' | 'location' | undefined;
}) {
  return (
    <a
      href={to}
      className={className}
      aria-current={current}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** A note's page, at a line (`L12`) or a heading's anchor when `hash` is given. */
export const noteHref = (projectId: string, path: string, hash?: string): string =>
  `/n/${encodeURIComponent(projectId)}/${path.split('/').map(encodeURIComponent).join('/')}${hash ? `#${hash}` : ''}`;

/** A chunk of code's page, by its file and its first line (`/c/<project>/<path>#L34`). */
export const codeHref = (projectId: string, path: string, line: number): string =>
  `/c/${encodeURIComponent(projectId)}/${path.split('/').map(encodeURIComponent).join('/')}#L${line}`;

export function When({ date }: { date: Date }) {
  return (
    <time
      dateTime={date.toISOString()}
      title={date.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' })}
    >
      {relativeTime(date)}
    </time>
  );
}

export function ErrorBox({ error, retry }: { error: { message: string }; retry?: () => void }) {
  return (
    <div role="alert" className="error">
      <span>{userMessage(error)}</span>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading() {
  return (
    <p className="muted" aria-live="polite">
      Loading…
    </p>
  );
}
