import { Command, Option } from 'clipanion';
import { usageError } from '../../shared/errors.js';
import { formatLocalTime } from '../../shared/format.js';
import { checkLimit, checkProjectId, checkTag } from '../../shared/names.js';
import { VltCommand } from '../base.js';
import { renderHighlight, snippetLine, terminalText } from '../output.js';

export class OracleCommand extends VltCommand {
  static override paths = [['oracle']];
  static override usage = Command.Usage({
    category: 'Oracle',
    description: 'Ask a question; get an answer drawn from your threads and notes, with citations',
    details: `
      Asks the server's Oracle. The answer cites the entries and note chunks it used as [1], [2] …,
      listed under Sources: an entry as project/thread#seq, a note as path:lines (heading). With \`--local\`, or when the server cannot be reached (or you are not logged in), the
      same retrieval and extractive answer run over the local vault, and the output says so.
      \`--limit\` is how many entries to draw from (1-20, default 5). \`--tag\` draws only from
      entries with that tag (\`vlt thread tag\`), and then from no note.
    `,
    examples: [
      ['Ask', '$0 oracle "what did we decide about token expiry?"'],
      ['Offline, one project', '$0 oracle "why was CI slow?" --project infra --local'],
      ['Only from decisions', '$0 oracle "how do tokens expire?" --tag decision'],
    ],
  });

  question = Option.String({ name: 'question' });
  projectOption = Option.String('-p,--project', { description: 'Only this project' });
  limit = Option.String('-n,--limit', '5', { description: 'Entries to draw from (1-20, default 5)' });
  local = Option.Boolean('--local', false, { description: 'Answer from the local vault' });
  tag = Option.String('-t,--tag', { description: 'Only entries with this tag' });

  async run(): Promise<void> {
    const limit = checkLimit(this.limit, 20);
    const question = this.question.trim();
    if (!question) throw usageError('ask a question: vlt oracle "what did we decide about …?"');
    if ([...question].length > 2000) throw usageError('the question is over 2000 characters: shorten it');
    const project = this.projectOption === undefined ? undefined : checkProjectId(this.projectOption);
    const tag = this.tag === undefined ? undefined : checkTag(this.tag);

    const { askOracle } = await import('../oracle.js');
    const result = await askOracle(this, { question, project, limit, local: this.local, tag });
    if (this.json) {
      this.printJson({
        question,
        answer: result.answer,
        mode: result.mode,
        note: result.note,
        sources: result.sources.map((s) => ({ ...s, timestamp: new Date(s.timestamp).toISOString() })),
      });
      return;
    }
    const { citationOf } = await import('../../shared/oracle.js');
    const tty = Boolean((this.context.stdout as { isTTY?: boolean }).isTTY);
    this.print(terminalText(result.answer, { multiline: true }));
    if (result.sources.length > 0) {
      this.print();
      this.print('Sources:');
      result.sources.forEach((s, i) => {
        const when = formatLocalTime(new Date(s.timestamp).toISOString()).slice(0, 16);
        this.print(
          terminalText(
            s.kind === 'note'
              ? `  [${i + 1}] ${citationOf(s)}  (${s.project}: ${s.title})`
              : s.kind === 'code'
                ? `  [${i + 1}] ${citationOf(s)}  (${s.project}: ${s.language})`
                : `  [${i + 1}] ${citationOf(s)}  (${s.author}, ${when})`,
          ),
        );
        this.print(`      ${renderHighlight(snippetLine(s.snippet), tty)}`);
      });
    }
    this.warn(`(${result.note ?? `mode: ${result.mode}`})`);
  }
}
