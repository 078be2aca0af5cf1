// The base of every vlt-server command: one-line errors, the options and the data directory. What a
// command needs to open the database (open-data.ts) it imports when it runs: a start of
// `vlt-server` loads clipanion and the command it runs, no more (test/server-bundle.test.ts).
import { Command, Option, type BaseContext } from 'clipanion';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';

/** A mistake of the operator's: one line on stderr, exit 1. */
export class ServerError extends Error {}

export const dataOption = () =>
  Option.String('--data', { env: 'VLT_SERVER_DATA', description: 'Data directory (default ./data)' });

export const databaseOption = () =>
  Option.String('--database-url', {
    env: 'VLT_SERVER_DATABASE_URL',
    description:
      'postgres://user:password@host:5432/db to run on PostgreSQL (default: SQLite in the data directory)',
  });

/** The data directory as a command will use it: absolute, and whether it is there yet. */
export function dataDirectory(dir: string | undefined): { path: string; exists: boolean } {
  const path = resolve(dir ?? './data');
  return { path, exists: existsSync(path) };
}

/**
 * The password: all of stdin with --password-stdin, else asked twice on the terminal without echo;
 * with neither, a line saying how to give it.
 */
export async function readPassword(context: BaseContext, fromStdin: boolean): Promise<string> {
  const stdin = context.stdin as NodeJS.ReadStream;
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  if (!stdin.isTTY)
    throw new ServerError('no terminal to ask for the password: pass it on stdin with --password-stdin');
  const first = await askHidden(context, 'Password');
  const again = await askHidden(context, 'Password again');
  if (first !== again) throw new ServerError('the two passwords differ: run the command again');
  return first;
}

/** One line from the terminal, not echoed. */
async function askHidden(context: BaseContext, prompt: string): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: context.stdin, output: context.stderr, terminal: true });
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  context.stderr.write(`${prompt}: `);
  const line = await new Promise<string>((done) => rl.question('', done));
  rl.close();
  context.stderr.write('\n');
  return line;
}

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ServerError(`invalid ${what}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}

export abstract class ServerCommand extends Command {
  abstract run(): Promise<number | void>;
  async execute(): Promise<number> {
    try {
      return (await this.run()) ?? 0;
    } catch (error) {
      const message =
        error instanceof ServerError ? error.message : `internal error: ${(error as Error).message}`;
      this.context.stderr.write(`vlt-server: ${message}\n`);
      return error instanceof ServerError ? 1 : 70;
    }
  }
}
