import { Command, Option } from 'clipanion';
import { usageError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';
import { syncLine, syncMark } from '../../write-output.js';

export class ThreadLinkCommand extends VltCommand {
  static override paths = [['thread', 'link']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Link an entry to a thread it refers to',
    details: `
      Records that an entry refers to another thread, with an optional note. The entry as \`vlt thread
      push\` names it (\`thread/seq\`, \`project/thread/seq\`), its id or a unique id prefix. Linking the
      same pair again with \`--note\` replaces the note (\`--note ""\` takes it away); without it, the note stays. Links show in \`vlt thread read\` (\`→ project/thread\`) and
      sync like entries: then one line on sync, as for a push.
    `,
    examples: [
      [
        'Point a decision at the thread that explains it',
        '$0 thread link auth-refactor/4 infra/secrets --note "key rotation"',
      ],
    ],
  });

  entry = Option.String({ name: 'entry-id' });
  thread = Option.String({ name: 'thread' });
  note = Option.String('--note', { description: 'Why the entry refers to the thread' });
  noSync = Option.Boolean('--no-sync', false, {
    description: 'Only link it locally; the server follows later',
  });

  async run(): Promise<void> {
    if (this.note !== undefined && this.note.length > 1000) {
      throw usageError('--note is over 1000 characters: keep it short, or push an entry instead');
    }
    const target = this.threadRef(this.thread);
    const vault = await this.requireVault();
    const entry = vault.resolveEntry(this.entry, this.project?.id);
    const targetThread = vault.requireThread(target.project, target.thread);
    const changed = vault.linkEntry(entry.pk, targetThread, this.note, this.queueServer());
    const to = `${target.project}/${target.thread}`;
    const shown = { entryId: entry.id, entry: entry.label, target: to, note: this.note ?? null };
    if (!changed) {
      if (this.json) this.printJson(shown);
      else this.print(terminalText(`already linked: ${entry.label} → ${to}`));
      return;
    }
    if (!this.json) this.print(terminalText(`LINKED: ${entry.label} → ${to}`));
    const sync = await syncMark(this, entry);
    if (this.json) this.printJson({ ...shown, sync });
    else this.print(syncLine(sync));
  }
}
