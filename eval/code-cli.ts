// `npm run eval:code [-- '{"symbolField":0}'] [--misses]`: the code set, with retrieval settings if given.
import { formatCodeResults, runCodeEval } from './code-run.js';

const json = process.argv.slice(2).find((a) => a.startsWith('{'));
const settings = json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
console.log(formatCodeResults(await runCodeEval(settings), process.argv.includes('--misses')));
