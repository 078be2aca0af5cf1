// The base of every vlt command: shared flags, settings, the vault opened on demand, one-line errors.
import { Command, Option, type BaseContext } from 'clipanion';
import { VltError } from '../shared/errors.js';
import { checkProjectId, parseThreadRef } from '../shared/names.js';
import {
  ensureHome,
  findProjectFile,
  readUserConfig,
  resolveSetting,
  vaultPath,
  type ConfigKey,
  type ProjectFile,
  type Resolved,
  type UserConfig,
} from './settings.js';
import { unknownThread } from './vault/append.js';
import { openVault, type Sqlite } from './vault/open.js';
import type { ThreadRow, Vault } from './vault/vault.js';

export interface VltContext extends BaseContext {
  cwd: string;
  /** The vlt script this process runs, to start the background retrier; unset in-process. */
  entry?: string | undefined;
}

export abstract class VltCommand extends Command<VltContext> {
  json = Option.Boolean('--json', false, { description: 'Print one JSON document on stdout' });

  private db: Sqlite | undefined;
  private projectFile: ProjectFile | undefined | null = null;
  private userConfig: UserConfig | undefined;

  abstract run(): Promise<number | void> | number | void;

  async execute(): Promise<number> {
    try {
      return (await this.run()) ?? 0;
    } catch (error) {
      return reportError(this.context, error);
    } finally {
      this.db?.close();
    }
  }

  /** Forgets the settings read so far, so that the next use reads the files again. */
  resetSettings(): void {
    this.projectFile = null;
    this.userConfig = undefined;
  }

  /** The project file found from the working directory, read once. */
  get project(): ProjectFile | undefined {
    if (this.projectFile === null) this.projectFile = findProjectFile(this.context.cwd);
    return this.projectFile;
  }

  get config(): UserConfig {
    return (this.userConfig ??= readUserConfig(this.context.env));
  }

  setting(key: ConfigKey, flag?: string): Resolved {
    return resolveSetting(key, { env: this.context.env, config: this.config, project: this.project, flag });
  }

  /** The project a command acts on: explicit (ref or --project), else vlt.toml's. */
  currentProject(explicit?: string): string {
    if (explicit !== undefined) return checkProjectId(explicit);
    const project = this.project;
    if (!project) {
      throw new VltError(
        'no project here: run `vlt init` in your project directory, pass --project, or write project/thread',
      );
    }
    return project.id;
  }

  /** `thread` or `project/thread`, with the project resolved. */
  threadRef(ref: string, projectFlag?: string): { project: string; thread: string } {
    const parsed = parseThreadRef(ref);
    return { project: this.currentProject(parsed.project ?? projectFlag), thread: parsed.thread };
  }

  /** The vault's connection, created on first write; for reads, undefined when there is none. */
  sqlite(options: { create: true }): Sqlite;
  sqlite(options: { create: false }): Sqlite | undefined;
  sqlite({ create }: { create: boolean }): Sqlite | undefined {
    if (this.db) return this.db;
    if (create) ensureHome(this.context.env);
    this.db = openVault(vaultPath(this.context.env), { create });
    return this.db;
  }

  /**
   * The vault's query layer (drizzle), loaded on demand: the push path never pays for it.
   * Commands that act on existing entries never create a vault.
   */
  async requireVault(): Promise<Vault> {
    const db = this.sqlite({ create: false });
    if (!db) {
      throw new VltError(
        `there is no vault at ${vaultPath(this.context.env)} yet: start a thread with \`vlt thread new\``,
      );
    }
    const { Vault } = await import('./vault/vault.js');
    return new Vault(db);
  }

  /** The vault if it exists (undefined otherwise), for listings that show nothing then. */
  async optionalVault(): Promise<Vault | undefined> {
    return this.sqlite({ create: false }) ? this.requireVault() : undefined;
  }

  /** An existing thread, without creating a vault for a read-only command. */
  async requireThread(ref: {
    project: string;
    thread: string;
  }): Promise<{ vault: Vault; thread: ThreadRow }> {
    const vault = await this.optionalVault();
    const thread = vault?.findThread(ref.project, ref.thread);
    if (!vault || !thread) throw unknownThread(ref.project, ref.thread);
    return { vault, thread };
  }

  print(line = ''): void {
    this.context.stdout.write(`${line}\n`);
  }

  printJson(document: unknown): void {
    this.context.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }

  /** Content as given, or all of stdin for `-` (strict UTF-8, trailing newlines dropped). */
  async readContent(content: string): Promise<string> {
    if (content !== '-') return content;
    const chunks: Buffer[] = [];
    for await (const chunk of this.context.stdin) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)).replace(/[\r\n]+$/, '');
    } catch {
      throw new VltError('stdin is not valid UTF-8 text: convert it to UTF-8 first');
    }
  }
}

export function reportError(context: Pick<BaseContext, 'stderr' | 'env'>, error: unknown): number {
  if (error instanceof VltError) {
    context.stderr.write(`vlt: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  context.stderr.write(
    `vlt: internal error: ${message.split('\n')[0]} (please report it; VLT_DEBUG=1 shows details)\n`,
  );
  if (context.env.VLT_DEBUG && error instanceof Error && error.stack)
    context.stderr.write(`${error.stack}\n`);
  return 70;
}
