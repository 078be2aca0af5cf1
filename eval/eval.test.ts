// The Oracle's quality floor on both sets, checked in CI: a drop below it fails the build.
import { describe, expect, it } from 'vitest';
import { migratedPglite } from '../test/pglite-snapshot.js';
import { formatResults, runEval, type SetResult } from './run.js';

type Floor = Pick<SetResult, 'recallAt5' | 'mrrAt10' | 'threadAt5' | 'answerHasFact' | 'saysNoAnswer'> & {
  /** A ceiling: the share of answerable questions answered "no answer". */
  wrongNoAnswer: number;
};

/** Floors a little under the figures measured when they were set (docs/retrieval.md), per set. */
const FLOORS: Record<string, Floor> = {
  fixture: {
    recallAt5: 0.8,
    mrrAt10: 0.8,
    threadAt5: 0.8,
    answerHasFact: 0.8,
    saysNoAnswer: 0.66,
    wrongNoAnswer: 0.1,
  },
  dev: {
    recallAt5: 0.6,
    mrrAt10: 0.38,
    threadAt5: 0.7,
    answerHasFact: 0.33,
    saysNoAnswer: 0.2,
    wrongNoAnswer: 0.05,
  },
};

describe('Oracle evaluation', () => {
  it('keeps retrieval and answers above the floor on both sets in every mode', async () => {
    // PostgreSQL: a copy of the PGlite database the test run migrated once (test/pglite-snapshot.ts)
    // rather than PGlite's initdb and the migrations again (seconds).
    const results = await runEval(undefined, undefined, { openPostgres: migratedPglite });
    console.log(formatResults(results));
    expect(new Set(results.map((r) => r.set))).toEqual(new Set(Object.keys(FLOORS)));
    for (const r of results) {
      const floor = FLOORS[r.set]!;
      const name = `${r.set} / ${r.mode}`;
      expect(r.recallAt5, `${name} recall@5`).toBeGreaterThanOrEqual(floor.recallAt5);
      expect(r.mrrAt10, `${name} MRR@10`).toBeGreaterThanOrEqual(floor.mrrAt10);
      expect(r.threadAt5, `${name} thread@5`).toBeGreaterThanOrEqual(floor.threadAt5);
      expect(r.answerHasFact, `${name} answers with the fact`).toBeGreaterThanOrEqual(floor.answerHasFact);
      expect(r.saysNoAnswer, `${name} "no answer" when none`).toBeGreaterThanOrEqual(floor.saysNoAnswer);
      expect(r.wrongNoAnswer, `${name} "no answer" wrongly`).toBeLessThanOrEqual(floor.wrongNoAnswer);
    }
    // About 20 s on a quiet two-core machine; over a minute when it shares the cores.
  }, 240_000);
});
