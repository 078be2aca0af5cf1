// `npm run eval:ablation`: each retrieval mechanism switched off (and some variants), one at a
// time, on both sets, in one mode (default: local; `--mode extractive` for the server on SQLite,
// `--mode "extractive (pg)"` for PGlite). The table behind docs/retrieval.md.
import { RETRIEVAL, type RetrievalSettings } from '../src/shared/retrieval.js';
import { devSet, fixtureSet, runEval, type EvalMode, type SetResult } from './run.js';

const argv = process.argv.slice(2);
const modeAt = argv.indexOf('--mode');
const mode = (modeAt >= 0 ? argv[modeAt + 1] : 'local') as EvalMode;
const withAt = argv.indexOf('--with');
/** Settings applied under every variant (to try a value before making it the default). */
const base = (withAt >= 0 ? JSON.parse(argv[withAt + 1]!) : {}) as Partial<RetrievalSettings>;
const only = argv.filter(
  (a, i) => !a.startsWith('--') && (modeAt < 0 || i !== modeAt + 1) && (withAt < 0 || i !== withAt + 1),
);

const VARIANTS: [string, Partial<RetrievalSettings>][] = [
  ['all on (defaults)', {}],
  ['with lexicon (WordNet) 0.3', { lexicon: 0.3 }],
  ['with lexicon 0.15', { lexicon: 0.15 }],
  ['with lexicon, two senses', { lexicon: 0.3, lexiconSenses: 2 }],
  ['no vagueness weighting', { vagueness: 0 }],
  ['vagueness 0.6', { vagueness: 0.6 }],
  ['with associations 0.3', { associations: 0.3 }],
  ['with associations 0.15', { associations: 0.15 }],
  ['with feedback (RM3) 0.3', { feedback: 0.3 }],
  ['with feedback 0.15', { feedback: 0.15 }],
  ['no thread-name field', { threadField: 0 }],
  ['no neighbour field', { neighbourField: 0 }],
  ['no passages', { passages: false }],
  ['no coverage ranking', { coverage: 0 }],
  ['no thread score', { threadScore: 0 }],
  ['thread score 1', { threadScore: 1 }],
  ['fusion: reciprocal rank', { fusion: 'rrf' }],
  ['no prefix matching', { prefix: false }],
  ['no "no answer"', { noAnswer: 0, unknownNames: false }],
  ['"no answer" on support only', { unknownNames: false }],
  ['"no answer" support 0.3', { noAnswer: 0.3 }],
  ['"no answer": unknown words too', { unknownWords: true }],
  [
    'none of them (plain BM25)',
    {
      lexicon: 0,
      vagueness: 0,
      associations: 0,
      feedback: 0,
      threadField: 0,
      neighbourField: 0,
      passages: false,
      coverage: 0,
      threadScore: 0,
    },
  ],
];

const pct = (x: number) => `${(x * 100).toFixed(1)}`.padStart(5);
const row = (r: SetResult) =>
  `${pct(r.recallAt5)} ${r.mrrAt10.toFixed(3)} ${pct(r.threadAt5)} ${pct(r.answerHasFact)} ${pct(r.saysNoAnswer)} ${pct(r.wrongNoAnswer)}`;
const sets = [fixtureSet(), devSet()];
console.log(`mode: ${mode}; per set: recall@5 MRR@10 thread@5 fact no-answer wrong-no-answer`);
console.log(`${'variant'.padEnd(30)} | ${'fixture'.padEnd(38)} | dev`);
for (const [name, settings] of VARIANTS) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const results = await runEval(undefined, undefined, {
    sets,
    settings: { ...base, ...settings },
    modes: [mode],
  });
  console.log(`${name.padEnd(30)} | ${row(results[0]!)} | ${row(results[1]!)}`);
}
console.log(`defaults: ${JSON.stringify(RETRIEVAL)}`);
