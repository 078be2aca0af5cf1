import { describe, expect, it } from 'vitest';
import {
  checkSummary,
  summarizeThread,
  SUMMARY_MAX_CHARS,
  summarySources,
  type SummaryEntry,
} from './summary.js';

const thread = (contents: (string | [string, string[]])[], status = 'active') =>
  summarizeThread({
    project: 'app',
    thread: 'auth',
    status,
    entries: contents.map((c, seq): SummaryEntry =>
      typeof c === 'string' ? { seq, content: c } : { seq, content: c[0], tags: c[1] },
    ),
  });

describe('summarizeThread', () => {
  it('finds the goal, decisions, blockers, questions and the latest entries, each citing thread#seq', () => {
    const summary = thread([
      'Goal: move sessions to JWT',
      'Tried refresh tokens in cookies: CORS got in the way.',
      'Decided: JWT with a 90-day expiry. Refresh on each request.',
      'Should the tokens be revocable?',
      'We will keep the old session table for a month.',
      ['Use RS256 for signing', ['decision']],
      'Blocked by the missing key rotation in the vault service.',
      'Wrote the middleware and its tests',
    ]);
    expect(summary.goal).toEqual({ seq: 0, text: 'move sessions to JWT' });
    expect(summary.decisions.map((d) => d.seq)).toEqual([2, 4, 5]);
    expect(summary.blockers.map((d) => d.seq)).toEqual([6]);
    expect(summary.questions.map((d) => d.seq)).toEqual([3]);
    // The last three entries, but for those listed already.
    expect(summary.latest.map((d) => d.seq)).toEqual([7]);
    expect(summary.headSeq).toBe(7);
    expect(summary.text).toBe(
      [
        'app/auth · active · 8 entries (summary current to #7)',
        'Goal: move sessions to JWT [auth#0]',
        'Blockers:',
        '- Blocked by the missing key rotation in the vault service. [auth#6]',
        'Decisions:',
        '- Decided: JWT with a 90-day expiry. Refresh on each request. [auth#2]',
        '- We will keep the old session table for a month. [auth#4]',
        '- Use RS256 for signing [auth#5]',
        'Open questions:',
        '- Should the tokens be revocable? [auth#3]',
        'Latest:',
        '- Wrote the middleware and its tests [auth#7]',
      ].join('\n'),
    );
  });

  it('drops blockers once unblocked and questions once answered', () => {
    const summary = thread([
      'Speed up CI',
      'Blocked on the runner quota',
      'Why is the cache missed on every run?',
      'Unblocked: the quota was raised',
      'Answered: the cache key held the date',
      'Anything else left?',
    ]);
    expect(summary.blockers).toEqual([]);
    expect(summary.questions.map((q) => q.seq)).toEqual([5]);
  });

  it('is the same text for the same entries, and changes with a new entry', () => {
    const entries = ['Goal', 'Decided to use SQLite', 'note'];
    expect(thread(entries).text).toBe(thread([...entries]).text);
    expect(thread([...entries, 'We will ship on Friday']).text).toContain('We will ship on Friday [auth#3]');
  });

  it('stays within the cap however long the thread, keeping the newest lines', () => {
    const long = (i: number) => `Decided ${i}: ${'a long reason with many words '.repeat(10)}`;
    const summary = thread([
      'x'.repeat(5000),
      ...Array.from({ length: 4999 }, (_, i) => (i % 3 === 0 ? long(i + 1) : `Blocked by thing ${i + 1}?`)),
    ]);
    expect(summary.text.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary.goal!.text.length).toBeLessThanOrEqual(120);
    expect(summary.decisions.length).toBeGreaterThan(0);
    expect(summary.decisions.at(-1)!.seq).toBe(4999 - ((4999 - 1) % 3));
    expect(summary.text).toContain(`[auth#${summary.headSeq}]`);
  });

  it("reads markdown as text: emphasis, links and marks off, identifiers' underscores and inline code kept", () => {
    const summary = thread([
      '# Goal: make **everyone** log in with [passkeys](https://example.com/passkeys)',
      '**Decided**: keep `MAX_RETRY` and snake_case_names as they are; _see_ [[auth-notes|the notes]]',
      '> Blocked by ~~the vendor~~ the *legal* review\n\n```ts\nconst x = 1;\n```',
      '- first point\n- second point with ![diagram](d.png)',
    ]);
    expect(summary.goal?.text).toBe('make everyone log in with passkeys');
    expect(summary.decisions.map((l) => l.text)).toEqual([
      'Decided: keep `MAX_RETRY` and snake_case_names as they are; see the notes',
    ]);
    expect(summary.blockers.map((l) => l.text)).toEqual([
      'Blocked by the vendor the legal review const x = 1;',
    ]);
    expect(summary.latest.map((l) => l.text)).toEqual(['first point second point with diagram']);
    expect(summary.text).not.toMatch(/\*\*|\]\(|```/);
  });

  it('says so when a thread has no entries', () => {
    expect(thread([]).text).toBe('app/auth · active · 0 entries');
  });
});

describe('the LLM summary', () => {
  const entries = [
    { seq: 0, content: 'Goal' },
    { seq: 1, content: 'x' },
    { seq: 9, content: 'Decided y' },
  ];
  it('keeps valid citations as thread#seq and drops the others', () => {
    expect(checkSummary('The goal [1]; decided y [3] [7].', 'auth', entries)).toBe(
      'The goal [auth#0]; decided y [auth#9].',
    );
  });

  it('is refused when it cites nothing', () => {
    expect(checkSummary('All good [8].', 'auth', entries)).toBeUndefined();
  });

  it('is made from entry 0, what the deterministic summary cites, and the last entries', () => {
    const all = Array.from({ length: 40 }, (_, seq) => ({
      seq,
      content: seq === 10 ? 'Decided: x' : `note ${seq}`,
    }));
    const summary = summarizeThread({ project: 'p', thread: 't', status: 'active', entries: all });
    expect(summarySources(all, summary).map((e) => e.seq)).toEqual([0, 10, 35, 36, 37, 38, 39]);
  });
});
