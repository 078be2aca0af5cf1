// The `vlt` command line: every command registered, parse errors as one line on stderr.
import { Builtins, Cli } from 'clipanion';
import { reportError, type VltContext } from './base.js';
import { usageError } from '../shared/errors.js';
import { AuthLoginCommand } from './commands/auth/login.js';
import { AuthLogoutCommand } from './commands/auth/logout.js';
import { AuthWhoamiCommand } from './commands/auth/whoami.js';
import { CodeDefCommand } from './commands/code/def.js';
import { CodeIndexCommand } from './commands/code/index.js';
import { CodeSeekCommand } from './commands/code/seek.js';
import { CodeSyncCommand } from './commands/code/sync.js';
import { ConfigGetCommand } from './commands/config/get.js';
import { ConfigListCommand } from './commands/config/list.js';
import { ConfigSetCommand } from './commands/config/set.js';
import { ExportCommand } from './commands/export.js';
import { ImportCommand } from './commands/import.js';
import { InitCommand } from './commands/init.js';
import { McpCommand } from './commands/mcp.js';
import { NotesIndexCommand } from './commands/notes/index.js';
import { NotesListCommand } from './commands/notes/list.js';
import { NotesSeekCommand } from './commands/notes/seek.js';
import { NotesSyncCommand } from './commands/notes/sync.js';
import { OracleCommand } from './commands/oracle.js';
import { SyncAllCommand } from './commands/sync/all.js';
import { SyncPullCommand } from './commands/sync/pull.js';
import { SyncQueueCommand } from './commands/sync/queue.js';
import { SyncRetryCommand } from './commands/sync/retry.js';
import { SyncStatusCommand } from './commands/sync/status.js';
import { SyncThreadCommand } from './commands/sync/thread.js';
import { ThreadLinkCommand } from './commands/thread/link.js';
import { ThreadListCommand } from './commands/thread/list.js';
import { ThreadMoveCommand } from './commands/thread/move.js';
import { ThreadNewCommand } from './commands/thread/new.js';
import { ThreadPushCommand } from './commands/thread/push.js';
import { ThreadReadCommand } from './commands/thread/read.js';
import { ThreadSeekCommand } from './commands/thread/seek.js';
import { ThreadStatusCommand } from './commands/thread/status.js';
import { ThreadSummaryCommand } from './commands/thread/summary.js';
import { ThreadTagCommand } from './commands/thread/tag.js';
import { ThreadEditCommand } from './commands/thread/edit.js';
import { ThreadHistoryCommand } from './commands/thread/history.js';
import { ThreadRmCommand } from './commands/thread/rm.js';
import { ThreadDeleteCommand } from './commands/thread/delete.js';

import { namedPlaceholders, negativeValues } from '../shared/cli-usage.js';
import { VERSION } from '../shared/version.js';

export { VERSION };

export const COMMANDS = [
  InitCommand,
  ThreadNewCommand,
  ThreadPushCommand,
  ThreadReadCommand,
  ThreadListCommand,
  ThreadSeekCommand,
  ThreadTagCommand,
  ThreadLinkCommand,
  ThreadMoveCommand,
  ThreadStatusCommand,
  ThreadSummaryCommand,
  ThreadEditCommand,
  ThreadRmCommand,
  ThreadHistoryCommand,
  ThreadDeleteCommand,
  ExportCommand,
  ImportCommand,
  OracleCommand,
  NotesIndexCommand,
  NotesListCommand,
  NotesSeekCommand,
  NotesSyncCommand,
  CodeIndexCommand,
  CodeSeekCommand,
  CodeSyncCommand,
  CodeDefCommand,
  McpCommand,
  SyncStatusCommand,
  SyncRetryCommand,
  SyncQueueCommand,
  SyncThreadCommand,
  SyncAllCommand,
  SyncPullCommand,
  AuthLoginCommand,
  AuthLogoutCommand,
  AuthWhoamiCommand,
  ConfigGetCommand,
  ConfigSetCommand,
  ConfigListCommand,
];

/**
 * The command the arguments name, when they name exactly one: registering only it keeps clipanion
 * from compiling its parser for every command on each start (the push path is measured).
 */
function commandsFor(args: string[]): typeof COMMANDS {
  const named = COMMANDS.filter((command) =>
    command.paths?.some((path) => path.length > 0 && path.every((word, i) => args[i] === word)),
  );
  return named.length === 1 ? named : COMMANDS;
}

/** clipanion, with options that take a value shown as `--project <project>` rather than `--project #0`. */
class VltCli extends Cli<VltContext> {
  protected override getUsageByIndex(...args: Parameters<Cli<VltContext>['getUsageByIndex']>) {
    const { usage, options } = super.getUsageByIndex(...args);
    return {
      usage: namedPlaceholders(usage),
      options: options.map((o) => ({ ...o, definition: namedPlaceholders(o.definition) })),
    };
  }
}

export function buildCli(args: string[] = [], colorDepth = 1): Cli<VltContext> {
  const cli = new VltCli({
    binaryLabel: 'vlt: long-term memory for developers and AI coding agents',
    binaryName: 'vlt',
    binaryVersion: VERSION,
    enableColors: colorDepth > 1,
  });
  for (const command of commandsFor(args)) cli.register(command);
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}

/** Runs vlt with `args` (without the binary) and returns the exit status. */
export async function runCli(args: string[], context: VltContext): Promise<number> {
  const cli = buildCli(args, context.colorDepth);
  if (args.length === 0) {
    context.stdout.write(cli.usage(null));
    return 0;
  }
  let command;
  try {
    command = cli.process(args, context);
  } catch (error) {
    const joined = negativeValues(args, error instanceof Error ? error.message : '');
    if (joined) return runCli(joined, context);
    // Clipanion's own report is several lines on stdout; ours is one on stderr, made safe for a
    // terminal (it quotes what was typed), and with --json the same as a JSON error on stdout.
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    const words = args.filter((a) => !a.startsWith('-'));
    let message: string;
    if (first.startsWith('Command not found')) {
      // A group's name (`vlt thread`) or a typo in its command: say which commands it has.
      const group = words[0];
      const inGroup = COMMANDS.flatMap((c) => c.paths ?? []).filter((p) => p.length === 2 && p[0] === group);
      const names = inGroup.map((p) => p[1]).join(', ');
      if (inGroup.length > 0 && words.length === 1) {
        message = `'${group}' needs a command: ${names} (see \`vlt --help\`)`;
      } else if (inGroup.length > 0) {
        message = `unknown command '${words.slice(0, 2).join(' ')}': the ${group} commands are ${names} (see \`vlt --help\`)`;
      } else {
        message = `unknown command '${words.slice(0, 2).join(' ')}': see \`vlt --help\``;
      }
    } else {
      const said = first.replace(/[.:]+$/, '').replace(/^./, (c) => c.toLowerCase());
      message = `${said}: see \`vlt ${words.slice(0, 2).join(' ')} --help\``;
    }
    return reportError(context, usageError(message), args.includes('--json'));
  }
  return cli.run(command, context);
}
