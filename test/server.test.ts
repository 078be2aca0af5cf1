// The real vlt-server process on port 0, called over HTTP and through the typed tRPC client.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../src/shared/router.js';
import { transformer } from '../src/shared/transformer.js';

const SERVER_BIN = join(import.meta.dirname, '..', 'dist', 'server', 'vlt-server.mjs');
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  server = spawn(process.execPath, [SERVER_BIN, 'start', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
});

afterAll(async () => {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
});

describe('vlt-server', () => {
  it('answers /healthz', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('serves the router at /trpc to the typed client, with Dates intact', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${url}/trpc`, transformer })],
    });
    const health = await client.health.query();
    expect(health.ok).toBe(true);
    expect(health.startedAt).toBeInstanceOf(Date);
  });

  it('exits cleanly on SIGTERM', async () => {
    const other = spawn(process.execPath, [SERVER_BIN, 'start', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise((resolve) => other.stdout!.once('data', resolve));
    const exit = new Promise<number | null>((resolve) => other.once('exit', (code) => resolve(code)));
    other.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
