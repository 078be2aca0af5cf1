import { Command, Option } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';

export class CodeSyncCommand extends VltCommand {
  static override paths = [['code', 'sync']];
  static override usage = Command.Usage({
    category: 'Code',
    description: 'Index a repository and sync its code to the server, by content',
    details: `
      Does \`vlt code index\` (the local vault), then sends the server a manifest of the files
      indexed: every file's path, SHA-256 and size. The server answers with the hashes it lacks,
      and only those files are uploaded (each file's text with its chunks' lines and names, as
      this machine parsed them), in requests under 1 MiB. A file whose text the server has at
      another path is a move (nothing is uploaded); files gone from the repository are deleted
      there. A second run with nothing changed uploads nothing and says so. With \`[code] url\` in
      vlt.toml, the web UI links each chunk to its lines on the repository's host. The code
      belongs to the project (\`--project\`, else vlt.toml's). \`--dry-run\` changes nothing.
    `,
    examples: [
      ['Sync the repository', '$0 code sync'],
      ['One folder, as a check first', '$0 code sync src --dry-run'],
    ],
  });

  dir = Option.String({ name: 'dir', required: false });
  projectOption = Option.String('-p,--project', { description: 'The project the code belongs to' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Say what would change, change nothing' });

  async run(): Promise<void> {
    const { indexFromCommand } = await import('../../code/local.js');
    const { describeIndex } = await import('../../notes/local.js');
    const { api, connection, notLoggedIn } = await import('../../sync/run.js');
    const { codeKind, describeServerSync, syncFolder } = await import('../../sync/folder.js');
    const project = this.currentProject(this.projectOption);
    const conn = connection(this);
    const tty = Boolean((this.context.stderr as NodeJS.WriteStream).isTTY) && !this.json;
    const { folder, scanned, report } = await indexFromCommand(this, {
      dir: this.dir,
      project,
      dryRun: this.dryRun,
      progress: tty,
    });
    if (!this.json) {
      this.print(
        terminalText(`code: ${scanned.files.length} files in ${folder.shown || '.'}/ (project ${project})`),
      );
      this.print(
        terminalText(
          `local${this.dryRun ? ' (would index)' : ''}: ${describeIndex({ ...report, moved: [] })}`,
        ),
      );
    }
    if (!conn.token) {
      throw new VltError(
        this.dryRun
          ? `the server was not asked what it lacks: ${notLoggedIn(conn)}`
          : `the code is indexed locally but not sent: ${notLoggedIn(conn)}`,
      );
    }
    // The project file's address goes with its own project's code (none: taken away); another
    // project's is left as it is.
    const url = this.project?.id === project ? (this.project.code.url ?? null) : undefined;
    const { VaultCode } = await import('../../vault/code.js');
    const db = this.sqlite({ create: false });
    const kind = codeKind(api(conn, 60_000), project, url, db ? new VaultCode(db) : undefined);
    const server = await syncFolder(conn, scanned.files, kind, {
      dryRun: this.dryRun,
      onProgress: (done, total) => {
        if (tty) this.context.stderr.write(`\ruploading ${done}/${total} files`);
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
        skipped: scanned.skipped,
        local: {
          added: report.added,
          changed: report.changed,
          deleted: report.deleted,
          unchanged: report.unchanged,
          chunks: report.chunks,
        },
        server,
      });
      return;
    }
    this.print(terminalText(`server: ${describeServerSync(server, this.dryRun)}`));
  }
}
