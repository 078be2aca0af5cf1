// `vlt mcp`'s protocol side: the MCP SDK (its own chunk of the bundle, loaded only by `vlt mcp`)
// serving the tools of tools.ts over the command's stdin and stdout, until stdin ends. Nothing but
// protocol messages goes to stdout; a tool that fails answers a tool error (isError), never a crash.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { Readable, Writable } from 'node:stream';
import { VltError } from '../../shared/errors.js';
import { VERSION } from '../../shared/version.js';
import { vaultPath } from '../settings.js';
import { storageError } from '../vault/open.js';
import { READ_ONLY, TOOL_DESCRIPTIONS, TOOL_INPUTS, TOOLS, type ToolContext } from './tools.js';

const INSTRUCTIONS =
  "vlt is this project's long-term memory: threads of short entries that outlive the session. " +
  'At the start of a task, search_threads and thread_summary for what was tried and decided, ' +
  'and search_notes for the designs and reasons in its markdown docs (read_note to cite path:lines). ' +
  'While working, push_entry each decision as soon as it is made, each failed attempt and why, each blocker.';

/** One line for the agent: what went wrong and what to do next. */
function toolError(ctx: ToolContext, error: unknown): string {
  const known = storageError(vaultPath(ctx.host.context.env), error);
  if (known instanceof VltError) return known.message;
  const message = (known instanceof Error ? known.message : String(known)).split('\n')[0] ?? '';
  if (ctx.host.context.env.VLT_DEBUG && known instanceof Error && known.stack) ctx.host.warn(known.stack);
  return `internal error in vlt: ${message} (try again; if it persists, report it with VLT_DEBUG=1 in the server's environment)`;
}

function buildServer(ctx: ToolContext): McpServer {
  const server = new McpServer({ name: 'vlt', version: VERSION }, { instructions: INSTRUCTIONS });
  for (const name of Object.keys(TOOLS) as (keyof typeof TOOLS)[]) {
    const run = TOOLS[name] as (ctx: ToolContext, args: unknown) => Promise<unknown>;
    server.registerTool(
      name,
      {
        description: TOOL_DESCRIPTIONS[name],
        inputSchema: TOOL_INPUTS[name],
        annotations: READ_ONLY.has(name)
          ? { readOnlyHint: true }
          : { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
      },
      async (args: unknown) => {
        try {
          // A `vlt auth login` or a new vlt.toml since the last call counts from this call on.
          ctx.host.resetSettings();
          return { content: [{ type: 'text' as const, text: JSON.stringify(await run(ctx, args)) }] };
        } catch (error) {
          return { content: [{ type: 'text' as const, text: toolError(ctx, error) }], isError: true };
        }
      },
    );
  }
  return server;
}

/** Serves the tools on the command's stdin and stdout; resolves when stdin ends. */
export async function serveMcp(ctx: ToolContext): Promise<void> {
  const stdin = ctx.host.context.stdin as Readable;
  const stdout = ctx.host.context.stdout as Writable;
  const ended = new Promise<void>((resolve) => {
    stdin.once('end', resolve);
    stdin.once('close', resolve);
  });
  const handle = serveStdio(() => buildServer(ctx), {
    transport: new StdioServerTransport(stdin, stdout),
    onerror: (error) => ctx.host.warn(`vlt mcp: ${error.message.split('\n')[0]}`),
  });
  await ended;
  await handle.close();
}
