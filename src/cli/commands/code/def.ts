import { Command, Option } from 'clipanion';
import { usageError } from '../../../shared/errors.js';
import { checkProjectId } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';
import { MAX_SEEK_LIMIT } from '../thread/seek.js';

export class CodeDefCommand extends VltCommand {
  static override paths = [['code', 'def']];
  static override usage = Command.Usage({
    category: 'Code',
    description: 'Where a symbol is defined, from the local code index',
    details: `
      The functions, methods, classes, types and declarations named \`name\` (or \`Class.method\`),
      as \`path:lines (symbol)\` with their kind, project and signature: the exact name first, else the name
      in any case. Exits 1 when nothing of that name is indexed.
    `,
    examples: [
      ['A function', '$0 code def takeRetrierLock'],
      ['A method of a class', '$0 code def VaultNotes.seek'],
    ],
  });

  name = Option.String({ name: 'name' });
  projectOption = Option.String('-p,--project', { description: 'Only this project' });
  limit = Option.String('-n,--limit', '20', { description: 'How many results (1-100, default 20)' });

  async run(): Promise<number | void> {
    const limit = Number(this.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEEK_LIMIT) {
      throw usageError(`--limit must be a whole number from 1 to ${MAX_SEEK_LIMIT}, not '${this.limit}'`);
    }
    const project = this.projectOption === undefined ? undefined : checkProjectId(this.projectOption);
    const name = this.name.trim();
    if (!/^[\p{L}_$][\p{L}\p{N}_$:.]{0,199}$/u.test(name)) {
      throw usageError(
        `'${this.name.slice(0, 80)}' is not a symbol name: give a name like acquireLock or Retrier.start`,
      );
    }
    const db = this.sqlite({ create: false });
    const { VaultCode } = await import('../../vault/code.js');
    const definitions = db ? new VaultCode(db).definitions(name, { project, limit }) : [];
    if (this.json) {
      const { withUrl } = await import('../../code/local.js');
      this.printJson({ name, definitions: definitions.map((d) => withUrl(this, d)) });
      return definitions.length > 0 ? 0 : 1;
    }
    if (definitions.length === 0) {
      this.warn(`no definition of ${name} is indexed: check the name, or run \`vlt code index\``);
      return 1;
    }
    const { codeCitation } = await import('../../../shared/code.js');
    // The project is said as `vlt code seek` says it, after the kind: the same path can be in two.
    for (const d of definitions) {
      this.print(terminalText(`${codeCitation(d)}  ${d.kind}  ${d.project}  ${d.signature}`));
    }
    return 0;
  }
}
