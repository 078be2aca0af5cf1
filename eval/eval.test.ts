// The Oracle's quality floor, checked in CI: a drop below it fails the build.
import { describe, expect, it } from 'vitest';
import { formatResults, runEval } from './run.js';

/** Floors a little under the figures measured when they were set (README, "The Oracle"). */
const FLOOR = { recallAt5: 0.9, mrrAt10: 0.85, answerHasFact: 0.8, saysNoAnswer: 0.66 };

describe('Oracle evaluation', () => {
  it('keeps retrieval and answers above the floor in every mode', async () => {
    const results = await runEval();
    console.log(formatResults(results));
    for (const result of results) {
      expect(result.recallAt5, `${result.mode} recall@5`).toBeGreaterThanOrEqual(FLOOR.recallAt5);
      expect(result.mrrAt10, `${result.mode} MRR@10`).toBeGreaterThanOrEqual(FLOOR.mrrAt10);
      expect(result.answerHasFact, `${result.mode} answers with the fact`).toBeGreaterThanOrEqual(
        FLOOR.answerHasFact,
      );
      expect(result.saysNoAnswer, `${result.mode} no-answer honesty`).toBeGreaterThanOrEqual(
        FLOOR.saysNoAnswer,
      );
    }
  });
});
