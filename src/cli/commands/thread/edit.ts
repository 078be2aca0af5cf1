import { Command, Option } from 'clipanion';
import { usageError } from '../../../shared/errors.js';
import { checkContent } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';
import { syncLine, syncRevision } from '../../write-output.js';

export class ThreadEditCommand extends VltCommand {
  static override paths = [['thread', 'edit']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: "Change an entry's text (a new revision; the old text is kept)",
    details: `
      The entry as \`vlt thread push\` names it (\`thread/seq\`, \`project/thread/seq\`), its id or a
      unique id prefix. The new text as an argument, \`-\` for stdin, or none to edit the current text
      in \`$VISUAL\` or \`$EDITOR\` (a file left unchanged or empty changes nothing). The entry keeps
      its id, sequence, author and time; the edit is a new revision with its own time, synced to the
      server and your other machines. When two machines edit one entry, the later edit stands
      everywhere and the other stays in its history.
    `,
    examples: [
      ['Fix a typo', '$0 thread edit auth-refactor/3 "Decided: JWT with a 90-day expiry"'],
      ['In your editor', '$0 thread edit auth-refactor/3'],
      ['From a file', 'cat fixed.md | $0 thread edit auth-refactor/3 -'],
    ],
  });

  entry = Option.String({ name: 'entry' });
  content = Option.String({ name: 'content', required: false });
  noSync = Option.Boolean('--no-sync', false, {
    description: 'Only edit it locally; the server follows later',
  });

  async run(): Promise<void> {
    const vault = await this.requireVault();
    const entry = vault.resolveEntry(this.entry, this.project?.id);
    if (vault.isDeleted(entry.pk))
      throw usageError(`entry ${entry.label} is deleted: there is nothing to edit`);
    const current = vault.entryHistory(entry.pk);
    const text =
      this.content === undefined
        ? await this.inEditor(
            (
              vault.sqlite.prepare('SELECT content FROM entries WHERE pk = ?').get(entry.pk) as {
                content: string;
              }
            ).content,
          )
        : await this.readContent(this.content);
    if (text === undefined) {
      this.warn(`no change: ${entry.label} keeps its text`);
      return;
    }
    const content = checkContent(text);
    const revision = vault.reviseEntry(entry.pk, content, this.queueServer());
    const shown = { entryId: entry.id, entry: entry.label, edited: revision !== undefined };
    if (revision === undefined) {
      if (this.json) this.printJson(shown);
      else this.print(terminalText(`unchanged: ${entry.label}`));
      return;
    }
    if (!this.json) this.print(terminalText(`EDITED: ${entry.label}`));
    const sync = await syncRevision(this, { ...entry, revisionPk: revision });
    if (this.json) this.printJson({ ...shown, revisions: Math.max(2, current.length + 1), sync });
    else this.print(syncLine(sync));
  }

  /** The text after the user's editor; undefined when it is left unchanged or emptied. */
  private async inEditor(text: string): Promise<string | undefined> {
    // Loaded here, not at start: every command's module is loaded on each start (the push path).
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const editor = this.context.env.VISUAL || this.context.env.EDITOR;
    if (!editor) {
      throw usageError('give the new text (or - for stdin), or set $EDITOR to edit it there');
    }
    const dir = mkdtempSync(join(tmpdir(), 'vlt-edit-'));
    const file = join(dir, 'entry.md');
    try {
      writeFileSync(file, text, { mode: 0o600 });
      const run = spawnSync(`${editor} "${file}"`, { shell: true, stdio: 'inherit', env: this.context.env });
      if (run.status !== 0)
        throw usageError(
          `the editor (${editor}) exited with ${run.status ?? run.signal}: nothing was changed`,
        );
      const edited = readFileSync(file, 'utf8').replace(/\r?\n+$/, '');
      return edited.trim() === '' || edited === text ? undefined : edited;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
