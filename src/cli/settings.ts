// Where vlt keeps its files, and the settings resolved from flag > env > vlt.toml > config.toml > default.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify, TomlError } from 'smol-toml';
import { VltError, usageError } from '../shared/errors.js';
import { checkAuthor, checkProjectId } from '../shared/names.js';

export type Env = Record<string, string | undefined>;

export const DEFAULT_SERVER_URL = 'http://localhost:8000';
export const DEFAULT_AUTHOR = 'user';
export const PROJECT_FILE = 'vlt.toml';

export function vltHome(env: Env): string {
  const home = env.VLT_HOME?.trim();
  return home ? home : join(homedir(), '.vlt');
}

export const vaultPath = (env: Env): string => join(vltHome(env), 'vault.db');
export const configPath = (env: Env): string => join(vltHome(env), 'config.toml');

type TomlTable = Record<string, unknown>;

function readToml(path: string, what: string): TomlTable | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new VltError(
      `cannot read ${what} ${path} (${code ?? String(error)}): check that it is a readable file`,
    );
  }
  try {
    return parse(text) as TomlTable;
  } catch (error) {
    const detail =
      error instanceof TomlError ? `line ${error.line}: ${error.message.split('\n')[0]}` : String(error);
    throw new VltError(`${what} ${path} is not valid TOML (${detail}): fix it or remove it`);
  }
}

function table(value: unknown, path: string, key: string): TomlTable | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VltError(`${path}: [${key}] must be a table: fix it or remove it`);
  }
  return value as TomlTable;
}

function str(value: unknown, path: string, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new VltError(`${path}: ${key} must be a string: fix it or remove it`);
  return value;
}

// ---- config.toml: user settings ------------------------------------------------------------

export const CONFIG_KEYS = ['server.url', 'sync.token', 'author'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type UserConfig = Partial<Record<ConfigKey, string>>;

export function checkConfigKey(key: string): ConfigKey {
  if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
    throw usageError(`unknown config key '${key}': use one of ${CONFIG_KEYS.join(', ')}`);
  }
  return key as ConfigKey;
}

export function checkServerUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`${source}: '${url}' is not a URL: use e.g. http://localhost:8000`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw usageError(`${source}: '${url}' must start with http:// or https://`);
  }
  return url.replace(/\/+$/, '');
}

export function checkConfigValue(key: ConfigKey, value: string, source: string = key): string {
  switch (key) {
    case 'server.url':
      return checkServerUrl(value, source);
    case 'author':
      return checkAuthor(value);
    case 'sync.token':
      if (!/^\S{8,4096}$/.test(value)) {
        throw usageError(`${source}: a token is 8-4096 characters without spaces: copy it again`);
      }
      return value;
  }
}

export function readUserConfig(env: Env): UserConfig {
  const path = configPath(env);
  const doc = readToml(path, 'config file');
  if (!doc) return {};
  const config: UserConfig = {};
  const server = table(doc.server, path, 'server');
  const sync = table(doc.sync, path, 'sync');
  const values: [ConfigKey, unknown][] = [
    ['server.url', server?.url],
    ['sync.token', sync?.token],
    ['author', doc.author],
  ];
  for (const [key, raw] of values) {
    const value = str(raw, path, key);
    if (value !== undefined) config[key] = value;
  }
  return config;
}

/** Writes config.toml atomically with mode 0600 (it may hold a token). */
export function writeUserConfig(env: Env, config: UserConfig): void {
  const path = configPath(env);
  const doc: TomlTable = {};
  if (config.author !== undefined) doc.author = config.author;
  if (config['server.url'] !== undefined) doc.server = { url: config['server.url'] };
  if (config['sync.token'] !== undefined) doc.sync = { token: config['sync.token'] };
  ensureHome(env);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `# vlt user settings: edit with \`vlt config set <key> <value>\`\n${stringify(doc)}\n`, {
    mode: 0o600,
  });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function ensureHome(env: Env): string {
  const home = vltHome(env);
  if (!existsSync(home)) {
    try {
      mkdirSync(home, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new VltError(
        `cannot create VLT_HOME ${home} (${(error as NodeJS.ErrnoException).code}): set VLT_HOME to a writable directory`,
      );
    }
  }
  return home;
}

// ---- vlt.toml: the project file ---------------------------------------------------------------

export interface ProjectFile {
  path: string;
  id: string;
  name: string;
  serverUrl: string | undefined;
}

export function findProjectFile(cwd: string): ProjectFile | undefined {
  let dir = cwd;
  for (;;) {
    const path = join(dir, PROJECT_FILE);
    const doc = readToml(path, 'project file');
    if (doc) return projectFromToml(doc, path);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function projectFromToml(doc: TomlTable, path: string): ProjectFile {
  const project = table(doc.project, path, 'project');
  const id = str(project?.id, path, 'project.id');
  if (id === undefined) throw new VltError(`${path} has no [project] id: add one or run \`vlt init\` again`);
  try {
    checkProjectId(id);
  } catch (error) {
    throw new VltError(`${path}: ${(error as Error).message}`);
  }
  const oracle = table(doc.oracle, path, 'oracle');
  const url = str(oracle?.vault_url, path, 'oracle.vault_url');
  return {
    path,
    id,
    name: str(project?.name, path, 'project.name') ?? id,
    serverUrl: url === undefined ? undefined : checkServerUrl(url, `${path}: oracle.vault_url`),
  };
}

export function writeProjectFile(dir: string, id: string, name: string): string {
  const path = join(dir, PROJECT_FILE);
  const body = stringify({ project: { id, name } });
  writeFileSync(
    path,
    `# vlt project file: threads pushed under this directory belong to this project\n${body}\n`,
    {
      flag: 'wx',
    },
  );
  return path;
}

// ---- resolution -------------------------------------------------------------------------------

export type Source = 'flag' | 'env' | 'vlt.toml' | 'config.toml' | 'default' | 'unset';

export interface Resolved {
  value: string | undefined;
  source: Source;
}

const ENV_FOR: Record<ConfigKey, string> = {
  'server.url': 'VLT_SERVER_URL',
  'sync.token': 'VLT_SYNC_TOKEN',
  author: 'VLT_AUTHOR',
};

export function resolveSetting(
  key: ConfigKey,
  ctx: { env: Env; config: UserConfig; project: ProjectFile | undefined; flag?: string | undefined },
): Resolved {
  if (ctx.flag !== undefined) return { value: checkConfigValue(key, ctx.flag, `--${key}`), source: 'flag' };
  const envName = ENV_FOR[key];
  const fromEnv = ctx.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { value: checkConfigValue(key, fromEnv, envName), source: 'env' };
  }
  if (key === 'server.url' && ctx.project?.serverUrl)
    return { value: ctx.project.serverUrl, source: 'vlt.toml' };
  const fromConfig = ctx.config[key];
  if (fromConfig !== undefined) {
    return { value: checkConfigValue(key, fromConfig, `config.toml ${key}`), source: 'config.toml' };
  }
  if (key === 'server.url') return { value: DEFAULT_SERVER_URL, source: 'default' };
  if (key === 'author') return { value: DEFAULT_AUTHOR, source: 'default' };
  return { value: undefined, source: 'unset' };
}

export function maskToken(token: string): string {
  return token.length <= 8 ? '****' : `${token.slice(0, 4)}…${token.slice(-4)}`;
}
