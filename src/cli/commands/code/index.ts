import { Command, Option } from 'clipanion';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';

/** At most this many skipped files named one per line on a terminal. */
const NAMED_SKIPS = 10;

export class CodeIndexCommand extends VltCommand {
  static override paths = [['code', 'index']];
  static override usage = Command.Usage({
    category: 'Code',
    description: 'Index a repository by syntax (functions, classes) in the local vault',
    details: `
      Walks the folder (default: the repository that holds vlt.toml) as git sees it (.gitignore
      respected, \`[code] exclude\` applied, symbolic links not followed), leaving out vendored and
      generated folders (node_modules, dist, build, vendor, …), lockfiles, minified, binary and
      non-UTF-8 files and files over 500,000 bytes, and splits each source file into chunks by its
      syntax: functions, methods, classes and declarations with their lines, names and signatures.
      Files in languages without a grammar, and config files, are cut into windows of lines.
      Incremental: a file whose content has not changed is not parsed again (one whose size, times
      and inode have not changed is not even read). Then \`vlt code seek\`, \`vlt code def\` and
      \`vlt oracle --local\` find it. \`--dry-run\` says what would change.
    `,
    examples: [
      ['Index the repository', '$0 code index'],
      ['One folder, as a check first', '$0 code index src --dry-run'],
    ],
  });

  dir = Option.String({ name: 'dir', required: false });
  projectOption = Option.String('-p,--project', { description: 'The project the code belongs to' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Say what would change, change nothing' });

  async run(): Promise<void> {
    const { indexFromCommand } = await import('../../code/local.js');
    const { describeIndex } = await import('../../notes/local.js');
    const project = this.currentProject(this.projectOption);
    const progress = Boolean((this.context.stderr as NodeJS.WriteStream).isTTY) && !this.json;
    const { folder, scanned, report } = await indexFromCommand(this, {
      dir: this.dir,
      project,
      dryRun: this.dryRun,
      progress,
    });
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
      });
      return;
    }
    const named = scanned.skipped.filter((s) => /unreadable|UTF-8/.test(s.reason));
    for (const skip of named.slice(0, NAMED_SKIPS))
      this.warn(terminalText(`vlt: skipped ${skip.path}: ${skip.reason}`));
    if (named.length > NAMED_SKIPS)
      this.warn(`vlt: … and ${named.length - NAMED_SKIPS} more unreadable files`);
    const reasons = new Map<string, number>();
    for (const skip of scanned.skipped) reasons.set(skip.reason, (reasons.get(skip.reason) ?? 0) + 1);
    this.print(
      terminalText(
        `code: ${scanned.files.length} files in ${folder.shown || '.'}/ (project ${project})${
          scanned.skipped.length > 0
            ? `; skipped ${[...reasons].map(([reason, n]) => `${n} ${reason}`).join(', ')}`
            : ''
        }`,
      ),
    );
    const chunks = this.dryRun || report.chunks === 0 ? '' : ` (${report.chunks} chunks written)`;
    this.print(
      terminalText(
        `${this.dryRun ? 'would index' : 'indexed'}: ${describeIndex({ ...report, moved: [] })}${chunks}`,
      ),
    );
  }
}
