// Rewrites docs/performance.md from bench/results.json (what `npm run bench` does at
// its end): node scripts/run-ts.mjs bench/write-readme.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/net-helpers.js';
import { updateReadme, type BenchResults } from './readme.js';

const results = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;
const readme = join(ROOT, 'docs', 'performance.md');
writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), results));
console.log('updated docs/performance.md from bench/results.json');
