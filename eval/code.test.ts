// The code set's floor, checked in CI: recall@5 of `vlt code seek` and of the Oracle (local mode)
// on the code questions, a little under what was measured when it was set (docs/code.md).
import { describe, expect, it } from 'vitest';
import { formatCodeResults, runCodeEval } from './code-run.js';

const FLOORS: Record<string, number> = {
  'code seek': 0.75,
  'oracle local, code only': 0.75,
  'oracle local, code + dev entries': 0.6,
};

describe('code evaluation', () => {
  it('finds the code that answers the questions in the five best sources', async () => {
    const results = await runCodeEval();
    console.log(formatCodeResults(results, true));
    expect(results.map((r) => r.mode).filter((m) => m in FLOORS)).toEqual(Object.keys(FLOORS));
    for (const r of results.filter((r) => r.mode in FLOORS))
      expect(r.recallAt5, `${r.mode} recall@5`).toBeGreaterThanOrEqual(FLOORS[r.mode]!);
    // Two codebases parsed and 917 entries loaded: about 15 s on a quiet two-core machine.
  }, 240_000);
});
