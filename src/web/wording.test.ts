import { describe, expect, it } from 'vitest';
import {
  answerModeText,
  exampleQuestions,
  plainLine,
  unmarked,
  relativeTime,
  snippetText,
  userMessage,
} from './wording.js';

describe('wording', () => {
  it('says times in the given language', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0, 0);
    expect(relativeTime(new Date(now - 5 * 60_000), now, 'en-US')).toBe('5 minutes ago');
    expect(relativeTime(new Date(now - 5 * 60_000), now, 'de-DE')).toBe('vor 5 Minuten');
    expect(relativeTime(new Date(now - 86_400_000), now, 'en-US')).toBe('yesterday');
    expect(relativeTime(new Date(Date.UTC(2026, 1, 28, 12)), now, 'de-DE')).toBe('28.02.2026');
  });

  it('turns server errors into sentences without field names', () => {
    expect(
      userMessage({ message: "toProjectId: a project id is 1-64 lower-case letters, digits and '-'" }),
    ).toBe("A project id is 1-64 lower-case letters, digits and '-'.");
    expect(userMessage({ message: 'entries.0.content: too long; name: a token needs a label' })).toBe(
      'Too long. A token needs a label.',
    );
    expect(userMessage({ message: 'project webapp already has a thread auth-refactor' })).toBe(
      'Project webapp already has a thread auth-refactor.',
    );
    expect(userMessage({ message: 'Failed to fetch' })).toMatch(/could not be reached/);
  });

  it("makes example questions from the user's threads, and none without threads", () => {
    expect(exampleQuestions([])).toEqual([]);
    const questions = exampleQuestions([
      { projectId: 'billing', threadId: 'invoice-rounding', status: 'active' },
      { projectId: 'webapp', threadId: 'key-rotation', status: 'blocked' },
      { projectId: 'other', threadId: 'invoice-rounding', status: 'active' },
      { projectId: 'webapp', threadId: 'release', status: 'active' },
      { projectId: 'webapp', threadId: 'auth', status: 'active' },
      { projectId: 'webapp', threadId: 'too-many', status: 'active' },
    ]);
    expect(questions).toEqual([
      'What did we decide about invoice rounding?',
      'What is blocking key rotation?',
      'Where does release in webapp stand?',
      'What did we decide about auth?',
    ]);
  });

  it('explains how an answer was made', () => {
    expect(answerModeText('extractive', null)).toMatch(
      /^Quoted, not written: this server has no language model/,
    );
    expect(answerModeText('extractive-fallback', 'timed out')).toMatch(/could not answer \(timed out\)/);
    expect(answerModeText('llm', null)).toMatch(/^Written by the language model/);
  });

  it('shows the start of an entry as plain text', () => {
    expect(
      plainLine(
        '## Rollout plan\n\n- enable the flag for **staff**\n- see [the doc](https://x.invalid/a) and `make`\n\n```ts\nconst a = 1;\n```\nDone.',
      ),
    ).toBe('Rollout plan enable the flag for staff see the doc and make Done.');
  });

  it('leaves fence marks and heading hashes out of a snippet, and keeps its match marks', () => {
    expect(snippetText('## **Rollout** plan - enable ```ts const a = 1; ``` C# and #1')).toBe(
      '**Rollout** plan - enable const a = 1; C# and #1',
    );
  });
});

describe('unmarked', () => {
  it("takes the snippet's marks away and leaves code's own stars", () => {
    expect(unmarked('/** Takes the **background** **retrier** lock */ a ** b')).toBe(
      '/** Takes the background retrier lock */ a ** b',
    );
  });
});
