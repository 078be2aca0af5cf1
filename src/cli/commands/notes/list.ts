import { Command, Option } from 'clipanion';
import { checkProjectId } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { columns } from '../../output.js';

export class NotesListCommand extends VltCommand {
  static override paths = [['notes', 'list']];
  static override usage = Command.Usage({
    category: 'Notes',
    description: 'List the notes indexed in the local vault',
    details: `
      Every note the vault holds (all projects, or one with \`--project\`), by path, with its title,
      size and number of chunks.
    `,
    examples: [['The notes of one project', '$0 notes list --project my-app']],
  });

  projectOption = Option.String('-p,--project', { description: 'Only this project' });

  async run(): Promise<void> {
    const project = this.projectOption === undefined ? undefined : checkProjectId(this.projectOption);
    const db = this.sqlite({ create: false });
    const { VaultNotes } = await import('../../vault/notes.js');
    const notes = db ? new VaultNotes(db).list(project) : [];
    if (this.json) {
      this.printJson({ notes });
      return;
    }
    if (notes.length === 0) {
      this.warn('no notes indexed yet: run `vlt notes index` (or `vlt notes sync`) in your project');
      return;
    }
    for (const line of columns(
      notes.map((n) => [`${n.project}/${n.path}`, `${n.size} B`, `${n.chunks} chunks`, n.title]),
    ))
      this.print(line);
  }
}
