// `npm run eval`: prints the Oracle's evaluation table on both sets (the LLM row when VLT_LLM_*
// are set). `npm run eval -- --misses` lists every question missed.
import { readServerSettings } from '../src/server/env.js';
import { formatCodeResults, runCodeEval } from './code-run.js';
import { formatResults, runEval } from './run.js';

const { llm, embeddings } = readServerSettings(process.env);
const results = await runEval(llm, embeddings);
console.log(formatResults(results, process.argv.includes('--misses')));
console.log(formatCodeResults(await runCodeEval(), process.argv.includes('--misses')));
if (!llm)
  console.log('(llm: not measured; set VLT_LLM_BASE_URL, VLT_LLM_MODEL and VLT_LLM_API_KEY to add it)');
