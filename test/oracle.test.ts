// `vlt oracle` end to end: the real server (with the fake LLM on loopback, or without one), the
// real CLI, and its local fallback.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLlm } from './fake-llm.js';
import { sandbox, vlt, vltAsync, type Sandbox } from './helpers.js';
import { killRetrier, newDataDir, startServer, type RunningServer } from './net-helpers.js';
import { tokenOverApi } from './sync-helpers.js';
import type { SeekResult } from '../src/cli/vault/vault.js';

const llm = new FakeLlm();
let data: string;
let server: RunningServer;
let box: Sandbox;

type OracleJson = {
  question: string;
  answer: string;
  mode: string;
  note: string | null;
  sources: SeekResult[];
};

// Not spawnSync: the fake LLM lives in this process and must answer meanwhile.
const run = (args: string[]) => vltAsync(box, ['oracle', ...args]).done;
const ask = async (args: string[]) => {
  const result = await run([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as OracleJson;
};

beforeAll(async () => {
  await llm.start();
  data = newDataDir();
  server = await startServer(data, 0, {
    VLT_LLM_BASE_URL: llm.url,
    VLT_LLM_MODEL: 'fake',
    VLT_LLM_API_KEY: 'sk-x',
  });
  box = sandbox();
  box.env.VLT_SERVER_URL = server.url;
  box.env.VLT_SYNC_TOKEN = await tokenOverApi(server.url, 'alice');
  vlt(box, ['init', '--project', 'app']);
  vlt(box, [
    'thread',
    'new',
    'auth-refactor',
    'Decided: access tokens expire after 15 minutes. Refresh tokens live 90 days.',
  ]);
  vlt(box, [
    'thread',
    'new',
    'infra/ci-cache',
    'The CI cache missed on every run because the lockfile hash included the date.',
  ]);
});

afterAll(async () => {
  await server.stop();
  await llm.stop();
  killRetrier(box.home);
  box.cleanup();
  rmSync(data, { recursive: true, force: true });
});

describe('vlt oracle', () => {
  it("gives the server's LLM answer with cited sources, in the SPEC's JSON shape", async () => {
    llm.behaviour = 'cite';
    const answer = await ask(['when do access tokens expire?']);
    expect(answer).toMatchObject({ question: 'when do access tokens expire?', mode: 'llm', note: null });
    expect(answer.answer).toMatch(/15 minutes\. \[1\]$/);
    expect(Object.keys(answer.sources[0]!).sort()).toEqual(
      ['author', 'entryId', 'kind', 'project', 'score', 'seq', 'snippet', 'thread', 'timestamp'].sort(),
    );
    expect(answer.sources[0]).toMatchObject({
      kind: 'entry',
      project: 'app',
      thread: 'auth-refactor',
      seq: 0,
    });
    expect(new Date(answer.sources[0]!.timestamp).toISOString()).toBe(answer.sources[0]!.timestamp);
  });

  it('says when the LLM failed and the answer is extractive', async () => {
    llm.behaviour = 'error';
    const answer = await ask(['when do access tokens expire?']);
    expect(answer.mode).toBe('extractive-fallback');
    expect(answer.note).toMatch(/HTTP 500/);
    llm.behaviour = 'cite';
  });

  it('prints the answer, the sources and the mode for people', async () => {
    const result = await run(['why did the CI cache miss?', '--project', 'infra']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /\[1\]\n\nSources:\n {2}\[1\] infra\/ci-cache#0 {2}\(user, \d{4}-\d\d-\d\d \d\d:\d\d\)\n/,
    );
    expect(result.stderr).toBe('(mode: llm)\n');
  });

  it('answers from the local vault with --local or when the server is down, and says so', async () => {
    const local = await ask(['when do access tokens expire?', '--local']);
    expect(local).toMatchObject({ mode: 'local', note: 'answered from the local vault (--local)' });
    expect(local.answer).toMatch(
      /access tokens expire after 15 minutes\. Refresh tokens live 90 days\. \[1\]/,
    );
    await server.stop();
    const down = await ask(['why did the CI cache miss?']);
    expect(down.mode).toBe('local');
    expect(down.note).toMatch(/server unreachable/);
    expect(down.sources[0]).toMatchObject({ project: 'infra', thread: 'ci-cache' });
    const none = await ask(['which kubernetes version runs production?', '--local']);
    expect(none.answer).toBe('No confident answer in your threads.');
  });

  it('refuses bad input in one line', () => {
    for (const args of [[''], ['x'.repeat(2001)], ['why?', '--limit', '0']]) {
      const result = vlt(box, ['oracle', ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});
