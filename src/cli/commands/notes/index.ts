import { Command, Option } from 'clipanion';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';

export class NotesIndexCommand extends VltCommand {
  static override paths = [['notes', 'index']];
  static override usage = Command.Usage({
    category: 'Notes',
    description: 'Index a folder of markdown notes in the local vault (no server)',
    details: `
      Reads every \`*.md\` file under the folder (default: vlt.toml's \`[notes] dir\`, else \`docs/\`
      beside vlt.toml), as git sees it (.gitignore respected, \`[notes] exclude\` applied, symbolic
      links not followed), and makes the project's notes in the vault match it by content: new and
      changed files are parsed into heading-aware chunks, a file whose text turns up at another path
      is a move, files gone are deleted. Then \`vlt notes seek\` and \`vlt oracle --local\` find them.
      \`--dry-run\` says what would change. \`vlt notes sync\` does this and sends them to the server.
    `,
    examples: [
      ['Index docs/', '$0 notes index'],
      ['Another folder, as a check first', '$0 notes index handbook --dry-run'],
    ],
  });

  dir = Option.String({ name: 'dir', required: false });
  projectOption = Option.String('-p,--project', { description: 'The project the notes belong to' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Say what would change, change nothing' });

  async run(): Promise<void> {
    const { describeIndex, indexLocally, localJson } = await import('../../notes/local.js');
    const project = this.currentProject(this.projectOption);
    const { folder, scanned, report } = await indexLocally(this, {
      dir: this.dir,
      project,
      dryRun: this.dryRun,
    });
    if (this.json) {
      this.printJson({
        project,
        dir: folder.shown || '.',
        files: scanned.files.length,
        bytes: scanned.bytes,
        hashed: scanned.hashed,
        dryRun: this.dryRun,
        local: localJson(report),
      });
      return;
    }
    this.print(
      terminalText(`notes: ${scanned.files.length} files in ${folder.shown || '.'}/ (project ${project})`),
    );
    this.print(terminalText(`${this.dryRun ? 'would index' : 'indexed'}: ${describeIndex(report)}`));
  }
}
