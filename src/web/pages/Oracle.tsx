// Ask the Oracle: example questions made from the user's own threads, the answer streaming in,
// each citation linking to its entry, to its note at the line or to its chunk of code, code quoted
// as code, and how the answer was made.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { citationOf, type SentSource } from '../../shared/oracle.js';
import { trpcClient, useTRPC } from '../trpc.js';
import { codeHref, ErrorBox, Highlighted, Link, noteHref } from '../ui.js';
import { answerModeText, exampleQuestions, unmarked } from '../wording.js';

type Source = SentSource;

/** Where a citation leads: the entry in its thread, the note at the cited line, the chunk of code. */
export const sourceHref = (s: Source): string =>
  s.kind === 'note'
    ? noteHref(s.project, s.path, `L${s.startLine}`)
    : s.kind === 'code'
      ? codeHref(s.project, s.path, s.startLine)
      : `/t/${s.project}/${s.thread}#e${s.seq}`;

/** An answer's text: its prose with each [n] a link to its source, its code quotes in fences as code. */
function AnswerText({ answer, sources }: { answer: string; sources: Source[] }) {
  const cited = (text: string) =>
    text.split(/(\[\d+\])/g).map((part, i) => {
      const n = /^\[(\d+)\]$/.exec(part)?.[1];
      const source = n ? sources[Number(n) - 1] : undefined;
      return source ? (
        <Link key={i} to={sourceHref(source)}>
          {part}
        </Link>
      ) : (
        <span key={i}>{part}</span>
      );
    });
  // A fence: its opening line (with the language), its lines, its closing line (or the end).
  const parts = answer.split(/^```[\w+#.-]*\n([\s\S]*?)(?:^```$|(?![\s\S]))/m);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <pre key={i} className="quote">
            <code>{part.replace(/\n$/, '')}</code>
          </pre>
        ) : part.trim() ? (
          <p key={i}>{cited(part.trim())}</p>
        ) : null,
      )}
    </>
  );
}

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
          The Oracle answers from your threads, notes and code, and you have no thread on this server yet:
          sync some first.
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {answer && (
        <article className="answer" aria-live="polite">
          <AnswerText answer={answer} sources={sources} />
          {mode && <p className="muted mode">{mode}</p>}
        </article>
      )}
      {sources.length > 0 && (
        <ol className="sources">
          {sources.map((s, i) => (
            <li key={i}>
              <Link to={sourceHref(s)}>
                [{i + 1}] {citationOf(s)}
              </Link>{' '}
              <span className="muted">
                {s.kind === 'note'
                  ? `${s.project}: ${s.title}`
                  : s.kind === 'code'
                    ? `${s.project}: ${s.language}`
                    : s.author}
              </span>
              {s.kind === 'code' ? (
                // Code's own `**` (a doc comment, a power) would read as the snippet's marks: the
                // signature, or the snippet unmarked, as code.
                <p>
                  <code className="source-code">{s.signature || unmarked(s.snippet)}</code>
                </p>
              ) : (
                <p>
                  <Highlighted text={s.snippet} />
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
