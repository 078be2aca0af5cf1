import { Command, Option } from 'clipanion';
import { checkTag } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';
import { syncLine, syncMark } from '../../write-output.js';

export class ThreadTagCommand extends VltCommand {
  static override paths = [['thread', 'tag']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Tag an entry',
    details: `
      The entry as \`vlt thread push\` names it (\`thread/seq\` or \`project/thread/seq\`; \`#\` for the
      last \`/\` works too), or its id, or a unique prefix of the id of at least 6 characters. Tags are
      lower-case; tagging twice changes nothing. Tags show in \`vlt thread read\` (\`#decision\`), are
      found by \`vlt thread seek tag:decision\`, and sync like entries: then one line on sync, as for
      a push (\`synced\`, or \`queued:\` and why; a tag of an entry not yet on the server goes with it).
    `,
    examples: [
      ['Tag entry 3 of a thread', '$0 thread tag auth-refactor/3 decision'],
      ['By entry id', '$0 thread tag 019ab2c4-7f4e-7a31-9c1d-2b8e5f6a7c90 bug'],
    ],
  });

  entry = Option.String({ name: 'entry-id' });
  tag = Option.String({ name: 'tag' });
  noSync = Option.Boolean('--no-sync', false, {
    description: 'Only tag it locally; the server follows later',
  });

  async run(): Promise<void> {
    const tag = checkTag(this.tag);
    const vault = await this.requireVault();
    const entry = vault.resolveEntry(this.entry, this.project?.id);
    const added = vault.tagEntry(entry.pk, tag, this.queueServer());
    const shown = { entryId: entry.id, entry: entry.label, tag, added };
    if (!added) {
      if (this.json) this.printJson(shown);
      else this.print(terminalText(`already tagged: ${entry.label} #${tag}`));
      return;
    }
    if (!this.json) this.print(terminalText(`TAGGED: ${entry.label} #${tag}`));
    const sync = await syncMark(this, entry);
    if (this.json) this.printJson({ ...shown, sync });
    else this.print(syncLine(sync));
  }
}
