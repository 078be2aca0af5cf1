import { describe, expect, it } from 'vitest';
import type { AnswerSchema } from './answers.js';
import { checkAnswer, oracleAnswer, pullPage, pushAnswer, whoamiAnswer } from './answers.js';

const at = new Date('2026-11-24T12:00:00Z');
const entry = {
  projectId: 'app',
  threadId: 'notes',
  status: 'active',
  threadCreatedAt: at,
  entryId: '019ab2c4-7f4e-7a31-9c1d-2b8e5f6a7c90',
  sequenceId: 3,
  content: 'line one\nline two',
  author: 'claude',
  timestamp: at,
};
const page = (entries: unknown[], changes: unknown[] = []) => ({
  changes,
  entries,
  cursor: 'c',
  hasMore: false,
});

describe('checkAnswer', () => {
  it('takes what the server sends, dropping fields it does not know', async () => {
    const checked = checkAnswer(pullPage, page([{ ...entry, extra: 'x' }]));
    expect(checked).toEqual({ ok: true, data: page([entry]) });
  });

  it('names the first wrong field and a short, quoted start of its value', async () => {
    const problem = async (data: unknown, schema: AnswerSchema = pullPage) => {
      const checked = checkAnswer(schema, data);
      return checked.ok ? 'ok' : checked.problem;
    };
    expect(await problem(page([{ ...entry, threadId: '../../Evil Project/x/../y' }]))).toBe(
      "an invalid thread name '../../Evil…'",
    );
    expect(await problem(page([entry, { ...entry, entryId: 'x' }]))).toBe("an invalid entry id 'x'");
    expect(await problem(page([{ ...entry, sequenceId: -2 }]))).toBe('an invalid sequence -2');
    expect(await problem(page([{ ...entry, author: 'a'.repeat(65) }]))).toBe(
      "an invalid author 'aaaaaaaaaa…'",
    );
    expect(await problem(page([{ ...entry, content: 'x'.repeat(100_001) }]))).toBe(
      "an invalid entry content 'xxxxxxxxxx…'",
    );
    expect(
      await problem(
        page([], [{ projectId: 'a', threadId: 'b', fromProjectId: 'A B', status: null, changedAt: at }]),
      ),
    ).toBe("an invalid project id 'A B'");
    expect(await problem({ ...page([]), cursor: undefined })).toBe('an answer without its cursor');
    expect(await problem('<html>', pullPage)).toBe("an invalid answer '<html>'");
    expect(
      await problem({ syncedCount: 1, duplicateCount: 0, lastSyncedSequence: 2 ** 31 }, pushAnswer),
    ).toBe('an invalid sequence 2147483648');
    expect(await problem({ user: { username: 'Bob Smith' } }, whoamiAnswer)).toBe(
      "an invalid user name 'Bob Smith'",
    );
    expect(await problem({ user: { id: 'u', username: 'bob' } }, whoamiAnswer)).toBe('ok');
    expect(await problem(page([{ ...entry, author: 'a\u001b[2J' }]))).toBe("an invalid author 'a\u001b[2J'");
    expect(await problem({ answer: 'a', mode: 'magic', note: null, sources: [] }, oracleAnswer)).toBe(
      "an invalid mode field 'magic'",
    );
  });
});
