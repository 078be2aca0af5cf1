import { Command, Option } from 'clipanion';
import { checkProjectId } from '../../shared/names.js';
import { VltCommand } from '../base.js';

export class McpCommand extends VltCommand {
  static override paths = [['mcp']];
  static override usage = Command.Usage({
    category: 'Agents',
    description: 'Serve the vault to AI agents over MCP (stdio)',
    details: `
      An MCP server on stdin and stdout over the local vault, for Claude Code, Cursor and other agents:
      list_threads, read_thread, search_threads, thread_summary, create_thread, push_entry and
      ask_oracle. Tool calls act on \`--project\`, else on the project of the vlt.toml found from the
      working directory, unless a call names another; a call that needs a project and has none is
      a tool error saying how to give one. Writes sync as a push does; when the server cannot be
      reached, this process keeps retrying while it runs (it starts no other process), and what is
      left waits in the queue for the next vlt command. It exits when stdin closes. See docs/mcp.md.
    `,
    examples: [
      ['Add it to Claude Code', 'claude mcp add vlt -- vlt mcp'],
      ['For one project, wherever it starts', '$0 mcp --project my-app'],
    ],
  });

  projectOption = Option.String('--project', {
    description: 'The project tool calls act on (default: from vlt.toml)',
  });
  noSync = Option.Boolean('--no-sync', false, { description: 'Only write locally; leave entries queued' });

  private readonly stopped = new AbortController();
  private retrying: Promise<void> | undefined;

  /** Retries in this process while it serves (the detached retrier would be a child process). */
  override retryInProcess(): boolean {
    this.retrying ??= (async () => {
      const { retryUntilSent } = await import('../sync/run.js');
      await retryUntilSent(this, { signal: this.stopped.signal, timeoutMs: 10_000 });
    })()
      .catch((error: unknown) => this.warn(`vlt mcp: retrying the sync failed: ${(error as Error).message}`))
      .finally(() => {
        this.retrying = undefined;
      });
    return true;
  }

  async run(): Promise<void> {
    const project = this.projectOption === undefined ? undefined : checkProjectId(this.projectOption);
    if ((this.context.stdin as { isTTY?: boolean }).isTTY) {
      // Run by hand: say what it is waiting for, on stderr (stdout carries only the protocol).
      this.warn(
        'vlt mcp: an MCP server, waiting for a client on stdin: add it to an agent (docs/mcp.md); Ctrl-D ends it',
      );
    }
    const { serveMcp } = await import('../mcp/server.js');
    try {
      await serveMcp({ host: this, defaultProject: () => project ?? this.project?.id });
    } finally {
      this.stopped.abort();
      await this.retrying;
    }
  }
}
