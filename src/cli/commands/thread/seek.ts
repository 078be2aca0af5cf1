import { Command, Option } from 'clipanion';
import { usageError } from '../../../shared/errors.js';
import { checkLimit, checkProjectId } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { renderHighlight, snippetLine, terminalText } from '../../output.js';

export const MAX_SEEK_LIMIT = 100;

export class ThreadSeekCommand extends VltCommand {
  static override paths = [['thread', 'seek']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Search every thread in the local vault',
    details: `
      Ranked full-text search (bm25, English stemming) across all projects, best first, with a snippet
      around the match (matched words between ** marks, bold on a terminal). Entries holding all the
      words come first; if none does, entries holding any of them but the common ones (see docs/cli.md).
      \`tag:decision\` (any number of
      them) keeps only entries with that tag; with no other word, the newest tagged entries come
      first, with score 0. \`--project\` restricts the search;
      \`--limit\` sets how many results (default 10, at most 100). A higher score is a better match.
    `,
    examples: [
      ['Where did we talk about rate limits?', '$0 thread seek "rate limit"'],
      ['Only in one project', '$0 thread seek jwt --project my-app --limit 3'],
      ['Decisions about tokens', '$0 thread seek "tag:decision token"'],
    ],
  });

  query = Option.String({ name: 'query' });
  projectOption = Option.String('-p,--project', { description: 'Only this project' });
  limit = Option.String('-n,--limit', '10', { description: 'How many results (1-100, default 10)' });

  async run(): Promise<void> {
    const limit = checkLimit(this.limit, MAX_SEEK_LIMIT);
    const project = this.projectOption === undefined ? undefined : checkProjectId(this.projectOption);
    if (this.query.trim() === '') throw usageError('the search is empty: give it some words');
    const results = (await this.optionalVault())?.seek(this.query, { project, limit }) ?? [];
    if (this.json) {
      this.printJson({
        results: results.map(({ project, thread, entryId, seq, snippet, score }) => ({
          project,
          thread,
          entryId,
          seq,
          snippet,
          score,
        })),
      });
      return;
    }
    if (results.length === 0) {
      this.warn(`no entries match "${this.query}"`);
      return;
    }
    const tty = Boolean((this.context.stdout as { isTTY?: boolean }).isTTY);
    for (const r of results) {
      this.print(terminalText(`${r.project}/${r.thread}#${r.seq}  ${r.score.toFixed(2)}  [${r.author}]`));
      this.print(`  ${renderHighlight(snippetLine(r.snippet), tty)}`);
    }
  }
}
