import { Command, Option } from 'clipanion';
import { resolve } from 'node:path';
import { plural } from '../../shared/format.js';
import { VltCommand } from '../base.js';
import { syncAfterImport, syncLine, type SyncOutcome } from '../write-output.js';

export class ImportCommand extends VltCommand {
  static override paths = [['import']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: "Import threads from vlt's own JSONL export",
    details: `
      Reads a file written by \`vlt export --format jsonl\` (or every \`*.jsonl\` file of a directory)
      and adds its threads and entries to the vault with their ids, sequences, authors, times, tags
      and links. Every line is checked first; a bad line (not JSON, another format version, content
      over 100,000 bytes, a bad id …) is named with its number and nothing is imported. What the
      vault already has is left alone, so importing twice adds nothing. A local thread that holds
      other entries at the same sequences is refused, and nothing is imported. Imported entries are
      queued for the server like any new entry, and sync (\`--no-sync\`: only queue them).
    `,
    examples: [
      ['From a backup', '$0 import vlt-backup.jsonl'],
      ['A directory written by export --out', '$0 import backup/'],
    ],
  });

  source = Option.String({ name: 'file|dir' });
  noSync = Option.Boolean('--no-sync', false, {
    description: 'Only import locally; leave the entries queued',
  });

  async run(): Promise<void> {
    const tty = Boolean((this.context.stderr as { isTTY?: boolean }).isTTY);
    // The export format brings zod's full build: loaded here, never on the push path.
    const { readExport } = await import('../transfer/read-export.js');
    const read = await readExport(resolve(this.context.cwd, this.source));
    const { Vault } = await import('../vault/vault.js');
    const { importThreads } = await import('../vault/import.js');
    const vault = new Vault(this.sqlite({ create: true }));
    const result = importThreads(vault, read.threads, this.queueServer(), {
      where: read.where,
      progress: (done, total) => {
        if (tty) this.context.stderr.write(`\rimporting ${done}/${total} entries`);
      },
    });
    if (tty && result.entries > 0) this.context.stderr.write('\n');
    const present = result.entries - result.added;
    if (!this.json) {
      this.print(
        `IMPORTED: ${plural(result.threads, 'thread')} (${result.newThreads} new), ${plural(result.entries, 'entry', 'entries')} (${result.added} added, ${present} already here)`,
      );
    }
    for (const skipped of result.linksSkipped) {
      this.warn(
        `vlt: the link from ${skipped.entry} to ${skipped.target} was left out: this vault has no thread ${skipped.target}`,
      );
    }
    let sync: SyncOutcome | undefined;
    if (result.threadPks.length > 0) sync = await syncAfterImport(this, result.threadPks);
    const counts = {
      files: read.files.length,
      threads: result.threads,
      newThreads: result.newThreads,
      entries: result.entries,
      added: result.added,
      alreadyPresent: present,
      tagsAdded: result.tagsAdded,
      linksAdded: result.linksAdded,
      linksSkipped: result.linksSkipped.length,
    };
    if (this.json) this.printJson({ ...counts, ...(sync ? { sync } : {}) });
    else if (sync) this.print(syncLine(sync));
  }
}
