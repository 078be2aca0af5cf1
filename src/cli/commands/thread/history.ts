import { Command, Option } from 'clipanion';
import { formatLocalTime } from '../../../shared/format.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';

export class ThreadHistoryCommand extends VltCommand {
  static override paths = [['thread', 'history']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: "Show an entry's texts: the first, each edit, a deletion",
    details: `
      The entry as \`vlt thread push\` names it, its id or a unique id prefix. Oldest first, each with
      its time; the text that stands is marked. An edit that lost to a later one (two machines
      editing one entry) is here too. A deleted entry's earlier texts stay in its history, on this
      machine and on the server. \`--json\` gives \`{entryId, entry, deleted, revisions: [{revisionId,
      at, content, deleted, current}]}\` (content null for the deletion).
    `,
    examples: [['The texts of entry 3', '$0 thread history auth-refactor/3']],
  });

  entry = Option.String({ name: 'entry' });

  async run(): Promise<void> {
    const vault = await this.requireVault();
    const entry = vault.resolveEntry(this.entry, this.project?.id);
    const { deleted, revisions: shown } = vault.entryTexts(entry.pk);
    if (this.json) {
      this.printJson({ entryId: entry.id, entry: entry.label, deleted, revisions: shown });
      return;
    }
    const lines = [`${entry.label}${deleted ? ' (deleted)' : ''}`];
    shown.forEach((r, i) => {
      const what = r.deleted ? 'deleted' : i === 0 ? 'first text' : 'edit';
      lines.push(`${formatLocalTime(r.at)}  ${what}${r.current ? ' (stands)' : ''}`);
      if (r.content !== null && r.content !== '') {
        lines.push(
          ...terminalText(r.content, { multiline: true })
            .split('\n')
            .map((l) => `    ${l}`),
        );
      }
    });
    this.print(lines.join('\n'));
  }
}
