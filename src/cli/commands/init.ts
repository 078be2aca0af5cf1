import { Command, Option } from 'clipanion';
import { basename, join } from 'node:path';
import { usageError, VltError } from '../../shared/errors.js';
import { checkProjectId, PROJECT_ID_RE, slugify } from '../../shared/names.js';
import { VltCommand } from '../base.js';
import { terminalText } from '../output.js';
import { findProjectFile, PROJECT_FILE, vaultPath, writeProjectFile } from '../settings.js';

export class InitCommand extends VltCommand {
  static override paths = [['init']];
  static override usage = Command.Usage({
    description: 'Create the vault if needed and write vlt.toml here',
    details: `
      Writes \`vlt.toml\` in the working directory, naming the project that threads pushed under this
      directory belong to. \`--project\` takes an id or a name: "My App" becomes \`my-app\`. Without it,
      the directory's name is used. The vault (\`$VLT_HOME/vault.db\`) is created if it does not exist.
    `,
    examples: [
      ['Initialize a project named after the directory', '$0 init'],
      ['Initialize with an explicit name', '$0 init --project "My App"'],
    ],
  });

  projectOption = Option.String('-p,--project', { description: 'Project id or name (slugged)' });
  name = Option.String('--name', { description: 'Display name (default: --project as typed)' });

  run(): void {
    const raw = this.projectOption ?? basename(this.context.cwd);
    const id = PROJECT_ID_RE.test(raw) ? raw : slugify(raw);
    if (!id)
      throw usageError(`cannot make a project id from '${raw}': pass --project with letters or digits`);
    checkProjectId(id);
    const name = (this.name ?? raw).trim() || id;

    const existing = findProjectFile(this.context.cwd);
    const here = join(this.context.cwd, PROJECT_FILE);
    if (existing && existing.path === here && existing.id !== id) {
      throw new VltError(
        `${here} already names project '${existing.id}': edit or remove it to change project`,
      );
    }
    this.sqlite({ create: true })
      .prepare('INSERT OR IGNORE INTO projects (id, name) VALUES (?, ?)')
      .run(id, name);
    const created = existing?.path !== here;
    const path = created ? writeProjectFile(this.context.cwd, id, name) : here;
    if (this.json) {
      this.printJson({ project: id, name, projectFile: path, vault: vaultPath(this.context.env), created });
    } else {
      this.print(
        terminalText(
          created ? `Initialized project ${id} (${name}) in ${path}` : `Already initialized: project ${id}`,
        ),
      );
      this.print(`Vault: ${vaultPath(this.context.env)}`);
    }
  }
}
