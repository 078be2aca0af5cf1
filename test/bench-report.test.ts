// The benchmark report: docs/performance.md is what bench/results.json says, and the
// report runs end to end (a small --quick run: the real CLI, the real server, every row filled).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPerformance, updateReadme, type BenchResults } from '../bench/readme.js';

const ROOT = join(import.meta.dirname, '..');

describe('benchmark report', () => {
  it('docs/performance.md is generated from bench/results.json', () => {
    const results = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;
    const readme = readFileSync(join(ROOT, 'docs', 'performance.md'), 'utf8');
    expect(readme).toContain(renderPerformance(results));
    expect(updateReadme(readme, results)).toBe(readme);
    // The committed report covers the sizes the page speaks of.
    expect(results.growth.map((g) => g.entries)).toEqual(expect.arrayContaining([10_000, 100_000]));
  });

  // A whole (small) benchmark run: a minute of processes and servers. `.ci/run` runs it
  // (VLT_TEST_BENCH=1); `npm test` checks the report against docs/performance.md only.
  it.skipIf(process.env.VLT_TEST_BENCH !== '1')(
    'npm run bench -- --quick runs every measurement and reports each',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vlt-bench-report-'));
      try {
        const out = join(dir, 'results.json');
        const run = spawnSync(
          process.execPath,
          ['scripts/run-ts.mjs', 'bench/report.ts', '--quick', '--out', out],
          { cwd: ROOT, encoding: 'utf8', timeout: 240_000 },
        );
        expect(run.status, run.stderr).toBe(0);
        const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
        expect(JSON.parse(run.stdout)).toEqual(results);
        const positive = expect.any(Number) as unknown;
        const numbers = (value: unknown): number[] =>
          typeof value === 'number'
            ? [value]
            : value && typeof value === 'object'
              ? Object.values(value).flatMap(numbers)
              : [];
        expect(results.growth).toEqual([expect.objectContaining({ entries: 1_000 })]);
        expect(results.drain).toMatchObject({ entries: 1_000, entriesPerSecond: positive });
        for (const section of [results.push, results.pushSync, results.drain, results.growth]) {
          for (const value of numbers(section)) expect(value).toBeGreaterThan(0);
        }
        // Memory is measured (through /usr/bin/time where the machine has it).
        expect(results.growth[0]!.server.serverPeakRssMb).toBeGreaterThan(10);
        // The section renders from it.
        expect(renderPerformance(results)).toMatch(/\| 1,000 +\| [\d,]+\/s/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
