// `npm run eval:notes [-- '{"kinds":"interleave"}']`: the notes set, with retrieval settings if given.
import { formatNotesResults, runNotesEval } from './notes-run.js';

const settings = process.argv[2] ? (JSON.parse(process.argv[2]) as Record<string, unknown>) : undefined;
console.log(formatNotesResults(await runNotesEval(settings, process.argv[3]?.split(','))));
