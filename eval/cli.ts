// `npm run eval`: prints the Oracle's evaluation table (the LLM row when VLT_LLM_* are set).
import { readServerSettings } from '../src/server/env.js';
import { formatResults, runEval } from './run.js';

const { llm, embeddings } = readServerSettings(process.env);
const results = await runEval(llm, embeddings);
console.log(formatResults(results));
if (!llm)
  console.log('(llm: not measured; set VLT_LLM_BASE_URL, VLT_LLM_MODEL and VLT_LLM_API_KEY to add it)');
