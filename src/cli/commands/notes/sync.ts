import { Command, Option } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';

export class NotesSyncCommand extends VltCommand {
  static override paths = [['notes', 'sync']];
  static override usage = Command.Usage({
    category: 'Notes',
    description: 'Index a folder of markdown notes and sync it to the server, by content',
    details: `
      Does \`vlt notes index\` (the local vault: \`vlt notes seek\` and \`vlt oracle --local\` cite the
      notes offline), then sends the server a manifest of the folder: every file's path, SHA-256 and
      size. The server answers with the hashes it lacks, and only those files are uploaded, in
      requests under 1 MiB. A file whose text the server has at another path is a move (nothing is
      uploaded); files gone from the folder are deleted there. A second run with nothing changed
      uploads nothing and says so. Notes belong to the project (\`--project\`, else vlt.toml's); the
      folder is \`[notes] dir\` in vlt.toml, else \`docs/\` beside it. \`--dry-run\` changes nothing.
    `,
    examples: [
      ['Sync docs/', '$0 notes sync'],
      ['See what would be sent', '$0 notes sync --dry-run'],
    ],
  });

  dir = Option.String({ name: 'dir', required: false });
  projectOption = Option.String('-p,--project', { description: 'The project the notes belong to' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Say what would change, change nothing' });

  async run(): Promise<void> {
    const { describeIndex, indexLocally, localJson } = await import('../../notes/local.js');
    const { api, connection, notLoggedIn } = await import('../../sync/run.js');
    const { describeServerSync, notesKind, syncFolder } = await import('../../sync/folder.js');
    const project = this.currentProject(this.projectOption);
    const conn = connection(this);
    const local = await indexLocally(this, { dir: this.dir, project, dryRun: this.dryRun });
    const { folder, scanned, report } = local;
    if (!this.json) {
      this.print(
        terminalText(`notes: ${scanned.files.length} files in ${folder.shown || '.'}/ (project ${project})`),
      );
      this.print(terminalText(`local${this.dryRun ? ' (would index)' : ''}: ${describeIndex(report)}`));
    }
    if (!conn.token) {
      throw new VltError(
        this.dryRun
          ? `the server was not asked what it lacks: ${notLoggedIn(conn)}`
          : `the notes are indexed locally but not sent: ${notLoggedIn(conn)}`,
      );
    }
    const tty = Boolean((this.context.stderr as NodeJS.WriteStream).isTTY) && !this.json;
    const server = await syncFolder(conn, scanned.files, notesKind(api(conn, 60_000), project), {
      dryRun: this.dryRun,
      onProgress: (done, total) => {
        if (tty) this.context.stderr.write(`\ruploading ${done}/${total} notes`);
      },
    });
    if (tty && server.uploaded > 0) this.context.stderr.write('\n');
    if (this.json) {
      this.printJson({
        project,
        dir: folder.shown || '.',
        files: scanned.files.length,
        bytes: scanned.bytes,
        hashed: scanned.hashed,
        dryRun: this.dryRun,
        local: localJson(report),
        server,
      });
      return;
    }
    this.print(terminalText(`server: ${describeServerSync(server, this.dryRun)}`));
  }
}
