import { Command, Option } from 'clipanion';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';
import { syncLine, syncRevision } from '../../write-output.js';

export class ThreadRmCommand extends VltCommand {
  static override paths = [['thread', 'rm']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Delete an entry (a tombstone: the numbers of the others stay)',
    details: `
      The entry as \`vlt thread push\` names it, its id or a unique id prefix. It leaves \`thread read\`,
      searches and the Oracle, with its tags and links; its sequence stays taken (a tombstone), so
      the thread's numbers do not move. Synced to the server and your other machines; a deletion
      stands over any edit. Deleting twice changes nothing.
    `,
    examples: [['Delete entry 3', '$0 thread rm auth-refactor/3']],
  });

  entry = Option.String({ name: 'entry' });
  noSync = Option.Boolean('--no-sync', false, {
    description: 'Only delete it locally; the server follows later',
  });

  async run(): Promise<void> {
    const vault = await this.requireVault();
    const entry = vault.resolveEntry(this.entry, this.project?.id);
    const revision = vault.reviseEntry(entry.pk, null, this.queueServer());
    const shown = { entryId: entry.id, entry: entry.label, deleted: revision !== undefined };
    if (revision === undefined) {
      if (this.json) this.printJson(shown);
      else this.print(terminalText(`already deleted: ${entry.label}`));
      return;
    }
    if (!this.json) this.print(terminalText(`DELETED: ${entry.label}`));
    const sync = await syncRevision(this, { ...entry, revisionPk: revision });
    if (this.json) this.printJson({ ...shown, sync });
    else this.print(syncLine(sync));
  }
}
