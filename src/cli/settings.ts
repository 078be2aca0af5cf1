// Where vlt keeps its files, and the settings resolved from flag > env > vlt.toml > config.toml > default;
// API tokens are kept per server origin, and a server named by a project file brings none.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify, TomlError } from 'smol-toml';
import { VltError, usageError } from '../shared/errors.js';
import { checkAuthor, checkProjectId } from '../shared/names.js';
import { codeUrlProblem } from '../shared/code-names.js';

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

export interface UserConfig {
  'server.url'?: string;
  author?: string;
  /** API tokens by server origin (`[tokens]` in config.toml): a token goes only to its origin. */
  tokens: Record<string, string>;
}

export function checkConfigKey(key: string): ConfigKey {
  if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
    throw usageError(`unknown config key '${key}': use one of ${CONFIG_KEYS.join(', ')}`);
  }
  return key as ConfigKey;
}

/**
 * A server URL in its one canonical form: lower-case scheme and host, no default port, no
 * trailing slash; the outbox records it, so that the same server is always the same string.
 */
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
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw usageError(
      `${source}: '${url}' must be a plain server address (no user, password, ? or #): use e.g. https://vlt.example.com`,
    );
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** scheme://host:port of a server URL (the port left out when it is the scheme's default). */
export const originOf = (url: string): string => new URL(url).origin;

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
  const config: UserConfig = { tokens: {} };
  if (!doc) return config;
  const server = table(doc.server, path, 'server');
  const url = str(server?.url, path, 'server.url');
  if (url !== undefined) config['server.url'] = url;
  const author = str(doc.author, path, 'author');
  if (author !== undefined) config.author = author;
  for (const [origin, token] of Object.entries(table(doc.tokens, path, 'tokens') ?? {})) {
    const value = str(token, path, `tokens."${origin}"`);
    if (value !== undefined) config.tokens[checkOrigin(origin, path)] = value;
  }
  // Before tokens were kept per origin: `[sync] token`, which belongs to config.toml's server
  // (or the default); the next write stores it under [tokens].
  const legacy = str(table(doc.sync, path, 'sync')?.token, path, 'sync.token');
  if (legacy !== undefined) {
    const origin = originOf(checkServerUrl(url ?? DEFAULT_SERVER_URL, `${path}: server.url`));
    config.tokens[origin] ??= legacy;
  }
  return config;
}

function checkOrigin(origin: string, path: string): string {
  const url = checkServerUrl(origin, `${path}: [tokens]`);
  if (originOf(url) !== url) {
    throw new VltError(
      `${path}: [tokens] key '${origin}' is not a server origin (scheme://host:port): fix it or remove it`,
    );
  }
  return url;
}

/** Writes config.toml atomically with mode 0600 (it may hold tokens). */
export function writeUserConfig(env: Env, config: UserConfig): void {
  const path = configPath(env);
  const doc: TomlTable = {};
  if (config.author !== undefined) doc.author = config.author;
  if (config['server.url'] !== undefined) doc.server = { url: config['server.url'] };
  if (Object.keys(config.tokens).length > 0) doc.tokens = { ...config.tokens };
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
  /** `[notes]`: the notes folder (relative to the project file's directory) and patterns to leave out. */
  notes: NotesSettings;
  /** `[code]`: patterns to leave out of the code index, and the repository's web address for links. */
  code: CodeSettings;
}

export interface CodeSettings {
  exclude: string[];
  /** `https://github.com/org/repo/blob/main`: a chunk links to `<url>/<path>#L<start>-L<end>`. */
  url: string | undefined;
}

export interface NotesSettings {
  dir: string | undefined;
  exclude: string[];
}

const NOTES_KEYS = ['dir', 'exclude'];
/** At most this many `[notes] exclude` patterns, each at most MAX_NOTES_SETTING_CHARS. */
const MAX_EXCLUDES = 200;
const MAX_NOTES_SETTING_CHARS = 512;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * `[notes]` of a project file, which may come with a cloned repository: only its known keys, a
 * folder inside the repository (relative, no `..`), and short patterns.
 */
function notesFromToml(value: unknown, path: string): NotesSettings {
  const notes = table(value, path, 'notes') ?? {};
  for (const key of Object.keys(notes)) {
    if (!NOTES_KEYS.includes(key)) {
      throw new VltError(
        `${path}: [notes] has no key '${key}' (it takes dir and exclude): fix it or remove it`,
      );
    }
  }
  const dir = str(notes.dir, path, 'notes.dir');
  if (dir !== undefined) {
    const segments = dir.replace(/\/+$/, '').split('/');
    if (
      dir.trim() === '' ||
      dir.length > MAX_NOTES_SETTING_CHARS ||
      CONTROL_CHARS.test(dir) ||
      dir.includes('\\') ||
      dir.startsWith('/') ||
      dir.startsWith('~') ||
      /^[a-zA-Z]:/.test(dir) ||
      segments.includes('..')
    ) {
      throw new VltError(
        `${path}: [notes] dir '${dir}' must be a folder inside the repository (a relative path without '..'): fix it`,
      );
    }
  }
  return { dir, exclude: excludeList(notes.exclude, path, 'notes', '["drafts/", "*.tmp.md"]') };
}

/** A list of gitignore-style patterns from a project file: short, without control characters. */
function excludeList(value: unknown, path: string, section: string, example: string): string[] {
  const exclude = value ?? [];
  if (
    !Array.isArray(exclude) ||
    exclude.length > MAX_EXCLUDES ||
    !exclude.every(
      (p) =>
        typeof p === 'string' &&
        p.length > 0 &&
        p.length <= MAX_NOTES_SETTING_CHARS &&
        !CONTROL_CHARS.test(p),
    )
  ) {
    throw new VltError(
      `${path}: [${section}] exclude must be a list of at most ${MAX_EXCLUDES} patterns like ${example}: fix it`,
    );
  }
  return exclude as string[];
}

const CODE_KEYS = ['exclude', 'url'];

/** `[code]` of a project file (hostile input, as `[notes]`): known keys, short patterns, an http(s) URL. */
function codeFromToml(value: unknown, path: string): CodeSettings {
  const code = table(value, path, 'code') ?? {};
  for (const key of Object.keys(code)) {
    if (!CODE_KEYS.includes(key)) {
      throw new VltError(
        `${path}: [code] has no key '${key}' (it takes exclude and url): fix it or remove it`,
      );
    }
  }
  const url = str(code.url, path, 'code.url');
  const problem = url === undefined ? undefined : codeUrlProblem(url);
  if (problem) throw new VltError(`${path}: [code] url '${url!.slice(0, 80)}' ${problem}: fix it`);
  return {
    exclude: excludeList(code.exclude, path, 'code', '["fixtures/", "*.generated.ts"]'),
    url: url?.replace(/\/+$/, ''),
  };
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
  // [notes] and [code] are read (and refused) only by the commands that use them: a cloned
  // repository's bad [code] section does not stop anyone from recording threads in it.
  let notes: NotesSettings | undefined;
  let code: CodeSettings | undefined;
  return {
    path,
    id,
    name: str(project?.name, path, 'project.name') ?? id,
    serverUrl: url === undefined ? undefined : checkServerUrl(url, `${path}: oracle.vault_url`),
    get notes() {
      return (notes ??= notesFromToml(doc.notes, path));
    },
    get code() {
      return (code ??= codeFromToml(doc.code, path));
    },
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

export interface SettingsContext {
  env: Env;
  config: UserConfig;
  project: ProjectFile | undefined;
}

/** A server as the commands use it: its canonical URL, its origin, and where the URL came from. */
export interface Server {
  url: string;
  origin: string;
  source: Source;
}

export interface Token {
  value: string;
  source: 'env' | 'config.toml';
}

const server = (url: string, source: Source): Server => ({ url, origin: originOf(url), source });

/**
 * The user's own server: flag > VLT_SERVER_URL > config.toml > default, never a project file.
 * VLT_SYNC_TOKEN belongs to it, and so do entries queued before the outbox recorded a server.
 */
export function userServer(ctx: SettingsContext, flag?: string): Server {
  if (flag !== undefined) return server(checkServerUrl(flag, '--server'), 'flag');
  const fromEnv = ctx.env.VLT_SERVER_URL;
  if (fromEnv !== undefined && fromEnv !== '')
    return server(checkServerUrl(fromEnv, 'VLT_SERVER_URL'), 'env');
  const fromConfig = ctx.config['server.url'];
  if (fromConfig !== undefined) {
    return server(checkServerUrl(fromConfig, 'config.toml server.url'), 'config.toml');
  }
  return server(DEFAULT_SERVER_URL, 'default');
}

/** The server in force here: as userServer, but a vlt.toml's vault_url outranks config.toml. */
export function resolveServer(ctx: SettingsContext, flag?: string): Server {
  const own = userServer(ctx, flag);
  if ((own.source === 'config.toml' || own.source === 'default') && ctx.project?.serverUrl) {
    return server(ctx.project.serverUrl, 'vlt.toml');
  }
  return own;
}

/**
 * The token for a server origin: VLT_SYNC_TOKEN when it belongs there (the user's own server),
 * else the one stored for that origin. A URL from a project file brings none of its own.
 */
export function tokenFor(origin: string, ctx: SettingsContext): Token | undefined {
  const fromEnv = ctx.env.VLT_SYNC_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '' && userServer(ctx).origin === origin) {
    return { value: checkConfigValue('sync.token', fromEnv, 'VLT_SYNC_TOKEN'), source: 'env' };
  }
  const stored = ctx.config.tokens[origin];
  if (stored === undefined) return undefined;
  return {
    value: checkConfigValue('sync.token', stored, `config.toml [tokens] ${origin}`),
    source: 'config.toml',
  };
}

/** What to do when there is no token for a server. */
export const notLoggedIn = (server: Pick<Server, 'url' | 'origin'>): string =>
  `not logged in to ${server.origin}: run \`vlt auth login --server ${server.url}\``;

export function resolveSetting(
  key: ConfigKey,
  ctx: SettingsContext & { flag?: string | undefined },
): Resolved {
  if (key === 'server.url') {
    const { url, source } = resolveServer(ctx, ctx.flag);
    return { value: url, source };
  }
  if (key === 'sync.token') {
    const token = tokenFor(resolveServer(ctx).origin, ctx);
    return token ? { value: token.value, source: token.source } : { value: undefined, source: 'unset' };
  }
  if (ctx.flag !== undefined) return { value: checkAuthor(ctx.flag), source: 'flag' };
  const fromEnv = ctx.env.VLT_AUTHOR;
  if (fromEnv !== undefined && fromEnv !== '')
    return { value: checkConfigValue(key, fromEnv, 'VLT_AUTHOR'), source: 'env' };
  if (ctx.config.author !== undefined) {
    return { value: checkConfigValue(key, ctx.config.author, 'config.toml author'), source: 'config.toml' };
  }
  return { value: DEFAULT_AUTHOR, source: 'default' };
}

export function maskToken(token: string): string {
  return token.length <= 8 ? '****' : `${token.slice(0, 4)}…${token.slice(-4)}`;
}
