// Ask the Oracle: example questions made from the user's own threads, the answer streaming in,
// each citation linking to its entry or to its note at the line, and how the answer was made.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { citationOf, type SentSource } from '../../shared/oracle.js';
import { trpcClient, useTRPC } from '../trpc.js';
import { ErrorBox, Highlighted, Link, noteHref } from '../ui.js';
import { answerModeText, exampleQuestions } from '../wording.js';

type Source = SentSource;

/** Where a citation leads: the entry in its thread, or the note at the cited line. */
export const sourceHref = (s: Exclude<Source, { kind: 'code' }>): string =>
  s.kind === 'note'
    ? noteHref(s.project, s.path, `L${s.startLine}`)
    : `/t/${s.project}/${s.thread}#e${s.seq}`;

export function OraclePage() {
  const trpc = useTRPC();
  const recent = useQuery(trpc.threads.list.queryOptions({ limit: 20 }));
  const examples = recent.data ? exampleQuestions(recent.data.threads) : [];
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const [sources, setSources] = useState<Source[]>([]);
  const [mode, setMode] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string } | null>(null);
  const ask = (event: FormEvent) => {
    event.preventDefault();
    askQuestion(question);
  };
  const askQuestion = (asked: string) => {
    setAnswer('');
    setSources([]);
    setMode(null);
    setError(null);
    setBusy(true);
    const subscription = trpcClient.oracle.stream.subscribe(
      { question: asked },
      {
        onData: (event) => {
          if (event.type === 'text') setAnswer((text) => text + event.text);
          else {
            setAnswer(event.answer);
            setSources(event.sources);
            setMode(answerModeText(event.mode, event.note));
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
      {examples.length > 0 && !answer && !busy && (
        <div className="examples">
          <p className="muted">Try a question about your own threads:</p>
          <ul>
            {examples.map((example) => (
              <li key={example}>
                <button
                  type="button"
                  className="example"
                  onClick={() => {
                    setQuestion(example);
                    askQuestion(example);
                  }}
                >
                  {example}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {recent.data?.threads.length === 0 && (
        <p className="muted">
          The Oracle answers from your threads and notes, and you have none on this server yet: sync some
          first.
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {answer && (
        <article className="answer" aria-live="polite">
          <p>
            {answer.split(/(\[\d+\])/g).map((part, i) => {
              const n = /^\[(\d+)\]$/.exec(part)?.[1];
              const source = n ? sources[Number(n) - 1] : undefined;
              return source && source.kind !== 'code' ? (
                <Link key={i} to={sourceHref(source)}>
                  {part}
                </Link>
              ) : (
                <span key={i}>{part}</span>
              );
            })}
          </p>
          {mode && <p className="muted mode">{mode}</p>}
        </article>
      )}
      {sources.length > 0 && (
        <ol className="sources">
          {sources.map((s, i) => (
            <li key={i}>
              {s.kind === 'code' ? (
                <span>
                  [{i + 1}] {citationOf(s)}
                </span>
              ) : (
                <Link to={sourceHref(s)}>
                  [{i + 1}] {citationOf(s)}
                </Link>
              )}{' '}
              <span className="muted">
                {s.kind === 'note'
                  ? `${s.project}: ${s.title}`
                  : s.kind === 'code'
                    ? `${s.project}: ${s.language}`
                    : s.author}
              </span>
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
