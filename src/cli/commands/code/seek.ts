import { Command, Option } from 'clipanion';
import { usageError } from '../../../shared/errors.js';
import { checkProjectId } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { renderHighlight, snippetLine, terminalText } from '../../output.js';
import { MAX_SEEK_LIMIT } from '../thread/seek.js';

export class CodeSeekCommand extends VltCommand {
  static override paths = [['code', 'seek']];
  static override usage = Command.Usage({
    category: 'Code',
    description: 'Search the code indexed in the local vault',
    details: `
      Ranked full-text search (bm25, English stemming) over the chunks made by \`vlt code index\`:
      a word in a symbol's name weighs 6 times, in its signature 3 times, in the file's path twice
      what it weighs in the body; identifiers are split (\`refreshToken\` is found by "refresh token")
      and comments are searched as text. Each result is cited as \`path:lines (symbol)\`. Chunks
      holding all the words come first; if none does, chunks holding any but the common ones (as
      \`thread seek\`).
    `,
    examples: [['Where is the retrier lock taken?', '$0 code seek "retrier lock"']],
  });

  query = Option.String({ name: 'query' });
  projectOption = Option.String('-p,--project', { description: 'Only this project' });
  limit = Option.String('-n,--limit', '10', { description: 'How many results (1-100, default 10)' });

  async run(): Promise<void> {
    const limit = Number(this.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEEK_LIMIT) {
      throw usageError(`--limit must be a whole number from 1 to ${MAX_SEEK_LIMIT}, not '${this.limit}'`);
    }
    const project = this.projectOption === undefined ? undefined : checkProjectId(this.projectOption);
    if (this.query.trim() === '') throw usageError('the search is empty: give it some words');
    const db = this.sqlite({ create: false });
    const { VaultCode } = await import('../../vault/code.js');
    const results = db ? new VaultCode(db).seek(this.query, { project, limit }) : [];
    if (this.json) {
      const { withUrl } = await import('../../code/local.js');
      this.printJson({ results: results.map((r) => withUrl(this, r)) });
      return;
    }
    if (results.length === 0) {
      this.warn(`no code matches "${this.query}" (index a repository with \`vlt code index\`)`);
      return;
    }
    const { codeCitation } = await import('../../../shared/code.js');
    const tty = Boolean((this.context.stdout as { isTTY?: boolean }).isTTY);
    for (const r of results) {
      this.print(terminalText(`${codeCitation(r)}  ${r.score.toFixed(2)}  ${r.project}`));
      this.print(`  ${renderHighlight(snippetLine(r.snippet), tty)}`);
    }
  }
}
