// The base of every vlt command: shared flags, settings, the vault opened on demand, one-line errors.
import { Command, Option, type BaseContext } from 'clipanion';
import { VltError } from '../shared/errors.js';
import { checkProjectId, parseThreadRef } from '../shared/names.js';
import { terminalText } from './output.js';
import {
  ensureHome,
  findProjectFile,
  readUserConfig,
  resolveServer,
  resolveSetting,
  tokenFor,
  userServer,
  vaultPath,
  type ConfigKey,
  type ProjectFile,
  type Resolved,
  type Server,
  type SettingsContext,
  type Token,
  type UserConfig,
} from './settings.js';
import { unknownThread } from './vault/append.js';
import { openVault, storageError, type Sqlite } from './vault/open.js';
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
      return reportError(this.context, storageError(vaultPath(this.context.env), error));
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

  get settings(): SettingsContext {
    return { env: this.context.env, config: this.config, project: this.project };
  }

  setting(key: ConfigKey, flag?: string): Resolved {
    return resolveSetting(key, { ...this.settings, flag });
  }

  /** The server in force here (`flag` is `--server`, where a command has it). */
  server(flag?: string): Server {
    return resolveServer(this.settings, flag);
  }

  /**
   * The server to record with what this command queues: the server in force, or none (null: the
   * user's own server at sync time) while nothing chose one (the default), so that entries written
   * before `vlt auth login --server …` go to the server the user then chooses.
   */
  queueServer(): string | null {
    const inForce = this.server();
    return inForce.source === 'default' ? null : inForce.url;
  }

  /**
   * Whether this command retries a sync that may pass in its own process (true), or leaves that
   * to the detached background retrier (false: most commands, which end at once). `vlt mcp`,
   * which runs for as long as its client, retries itself and starts no process.
   */
  retryInProcess(): boolean {
    return false;
  }

  /** The user's own server, which no project file chooses: queued entries without a recorded server go there. */
  userServer(): Server {
    return userServer(this.settings);
  }

  /** The token for a server origin, if the user has one for it. */
  tokenFor(origin: string): Token | undefined {
    return tokenFor(origin, this.settings);
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
    this.db = openVault(vaultPath(this.context.env), { create, warn: (line) => this.warn(`vlt: ${line}`) });
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

  /** One line on stderr, made safe for a terminal. */
  warn(line: string): void {
    this.context.stderr.write(`${terminalText(line)}\n`);
  }

  /** A secret: all of stdin, or on a terminal, asked for on stderr with `prompt` and not echoed. */
  async readSecret(prompt: string): Promise<string> {
    const stdin = this.context.stdin as NodeJS.ReadStream;
    if (!stdin.isTTY) return this.readContent('-');
    const { createInterface } = await import('node:readline');
    const rl = createInterface({ input: stdin, output: this.context.stderr, terminal: true });
    // Echo nothing while the secret is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
    this.context.stderr.write(`${prompt}: `);
    const secret = await new Promise<string>((resolve) => rl.question('', resolve));
    rl.close();
    this.context.stderr.write('\n');
    return secret;
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
    context.stderr.write(`vlt: ${terminalText(error.message)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  context.stderr.write(
    `vlt: internal error: ${terminalText(message.split('\n')[0] ?? '')} (please report it; VLT_DEBUG=1 shows details)\n`,
  );
  if (context.env.VLT_DEBUG && error instanceof Error && error.stack)
    context.stderr.write(`${error.stack}\n`);
  return 70;
}
