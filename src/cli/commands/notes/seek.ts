import { Command, Option } from 'clipanion';
import { usageError } from '../../../shared/errors.js';
import { checkProjectId } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { renderHighlight, snippetLine, terminalText } from '../../output.js';
import { MAX_SEEK_LIMIT } from '../thread/seek.js';

export class NotesSeekCommand extends VltCommand {
  static override paths = [['notes', 'seek']];
  static override usage = Command.Usage({
    category: 'Notes',
    description: 'Search the notes in the local vault',
    details: `
      Ranked full-text search (bm25, English stemming; a word in a note's title weighs 4 times, in a
      heading twice, what it weighs in the text) over the chunks of the notes indexed by \`vlt notes
      index\` or \`sync\`, each result cited as \`path:lines (heading)\` with a snippet. Chunks holding
      all the words come first; if none does, chunks holding any but the common ones (as \`thread seek\`).
    `,
    examples: [['Where do the docs talk about token expiry?', '$0 notes seek "token expiry"']],
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
    const { VaultNotes } = await import('../../vault/notes.js');
    const results = db ? new VaultNotes(db).seek(this.query, { project, limit }) : [];
    if (this.json) {
      this.printJson({ results });
      return;
    }
    if (results.length === 0) {
      this.warn(`no notes match "${this.query}"`);
      return;
    }
    const { noteCitation } = await import('../../../shared/notes.js');
    const tty = Boolean((this.context.stdout as { isTTY?: boolean }).isTTY);
    for (const r of results) {
      this.print(terminalText(`${r.project}/${noteCitation(r)}  ${r.score.toFixed(2)}  ${r.title}`));
      this.print(`  ${renderHighlight(snippetLine(r.snippet), tty)}`);
    }
  }
}
