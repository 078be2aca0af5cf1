// Ask the Oracle: the answer streams in, each citation links to its entry or to its note at the line.
import { useState, type FormEvent } from 'react';
import { citationOf, type SentSource } from '../../shared/oracle.js';
import { trpcClient } from '../trpc.js';
import { ErrorBox, Highlighted, Link, noteHref } from '../ui.js';

type Source = SentSource;

/** Where a citation leads: the entry in its thread, or the note at the cited line. */
export const sourceHref = (s: Source): string =>
  s.kind === 'note'
    ? noteHref(s.project, s.path, `L${s.startLine}`)
    : `/t/${s.project}/${s.thread}#e${s.seq}`;

export function OraclePage() {
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const [sources, setSources] = useState<Source[]>([]);
  const [mode, setMode] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string } | null>(null);
  const ask = (event: FormEvent) => {
    event.preventDefault();
    setAnswer('');
    setSources([]);
    setMode(null);
    setError(null);
    setBusy(true);
    const subscription = trpcClient.oracle.stream.subscribe(
      { question },
      {
        onData: (event) => {
          if (event.type === 'text') setAnswer((text) => text + event.text);
          else {
            setAnswer(event.answer);
            setSources(event.sources);
            setMode(event.note ? `${event.mode}: ${event.note}` : event.mode);
            setBusy(false);
            subscription.unsubscribe();
          }
        },
        onError: (e) => {
          setError(e);
          setBusy(false);
        },
      },
    );
  };
  return (
    <section aria-labelledby="oracle-title">
      <h1 id="oracle-title">Oracle</h1>
      <form onSubmit={ask} className="ask">
        <label className="grow">
          Question
          <input
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            placeholder="What did we decide about …?"
            required
            maxLength={2000}
          />
        </label>
        <button type="submit" disabled={busy}>
          Ask
        </button>
      </form>
      {error && <ErrorBox error={error} />}
      {answer && (
        <article className="answer" aria-live="polite">
          <p>
            {answer.split(/(\[\d+\])/g).map((part, i) => {
              const n = /^\[(\d+)\]$/.exec(part)?.[1];
              const source = n ? sources[Number(n) - 1] : undefined;
              return source ? (
                <Link key={i} to={sourceHref(source)}>
                  {part}
                </Link>
              ) : (
                <span key={i}>{part}</span>
              );
            })}
          </p>
          {mode && <p className="muted">({mode})</p>}
        </article>
      )}
      {sources.length > 0 && (
        <ol className="sources">
          {sources.map((s, i) => (
            <li key={i}>
              <Link to={sourceHref(s)}>
                [{i + 1}] {citationOf(s)}
              </Link>{' '}
              <span className="muted">{s.kind === 'note' ? `${s.project}: ${s.title}` : s.author}</span>
              <p>
                <Highlighted text={s.snippet} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
