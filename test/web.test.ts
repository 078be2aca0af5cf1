// The web UI in a real browser (Debian's Chromium through playwright-core) against the real
// server on port 0, with the real `vlt` CLI using a token made in Settings (a `vlt` process in the
// first test and for `notes sync` and `code sync`; the other tests put their threads on the server,
// and read them back, with the CLI's commands in this process: `vltHere`). Screenshots go to
// test-artifacts/. Skipped, with a message, where /usr/bin/chromium is missing.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, vlt, vltInProcess, type Result, type Sandbox } from './helpers.js';
import { killRetrier, newDataDir, startServer, type RunningServer } from './net-helpers.js';
import { tokenOverApi } from './sync-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts', 'web');
const available = existsSync(CHROMIUM);
if (!available) console.warn(`web UI tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let data: string;
let server: RunningServer;
let browser: Browser;
let box: Sandbox;

beforeAll(async () => {
  if (!available) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  data = newDataDir();
  // The accounts are made through the API (tokenOverApi: in this process, where `vlt-server user
  // add` and `token issue` are two Node starts of about 1.5 s each), more than the default five
  // sign-ups an hour from one address.
  server = await startServer(data, 0, {
    VLT_LIMIT_PUSH_PER_MINUTE: '100000',
    VLT_LIMIT_SIGNUP_PER_ADDRESS: '1000',
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  box = sandbox();
  box.env.VLT_SERVER_URL = server.url;
  box.env.VLT_NO_RETRIER = '1';
});

afterAll(async () => {
  if (!available) return;
  await browser?.close();
  await server?.stop();
  killRetrier(box.home);
  box.cleanup();
  rmSync(data, { recursive: true, force: true });
});

/**
 * A `vlt` command in this process (no detached retrier: the sandboxes set VLT_NO_RETRIER): the same
 * commands, sync and output as the bundle's, without a Node start (about 0.4 s) a command.
 */
const vltHere = (where: Pick<Sandbox, 'cwd' | 'env'>, args: string[]): Promise<Result> =>
  vltInProcess(where, args);

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
/** The thread page's history (the summary above it quotes entries too). */
const history = (page: Page) => page.locator('ol.entries');
/** A screenshot of the whole page; with `fullPage: false`, of the window (pages thousands of rows long). */
const shot = (page: Page, name: string, { fullPage = true } = {}) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
/** The page is no wider than the window: nothing scrolls sideways. */
async function noSidewaysScroll(page: Page, where = page.url()) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${where} is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(
    innerWidth,
  );
}
async function signIn(page: Page, username: string, password = 'correct horse battery') {
  await page.goto(server.url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Threads' }).waitFor();
}

describe.skipIf(!available)('web UI', () => {
  it('sign up, make a token, push with the CLI, read, search, ask, revoke', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(server.url);
    await page.getByRole('button', { name: 'No account? Sign up' }).click();
    await page.getByLabel('Username').fill('webuser');
    await page.getByLabel('Password').fill('long enough password');
    await shot(page, '01-signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Threads' }).waitFor();
    await page.getByText('vlt thread new my-thread "first entry"').waitFor();
    await shot(page, '02-threads-empty');

    await nav(page, 'Settings');
    await page.getByLabel('Label').fill('laptop');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent())!.trim();
    expect(token).toMatch(/^vlt_[0-9a-f]{12}_/);
    await shot(page, '03-settings-token');

    box.env.VLT_SYNC_TOKEN = token;
    expect(vlt(box, ['init', '--project', 'webapp']).code).toBe(0);
    expect(
      vlt(box, ['thread', 'new', 'auth-refactor', 'Decided: access tokens expire after 15 minutes.']).stdout,
    ).toMatch(/synced/);

    await nav(page, 'Threads');
    await page.getByRole('link', { name: /webapp\/auth-refactor/ }).click();
    await history(page).getByText('Decided: access tokens expire after 15 minutes.').waitFor();
    expect(vlt(box, ['thread', 'push', 'auth-refactor', 'Refresh tokens live 90 days.']).stdout).toMatch(
      /synced/,
    );
    // Appears without a reload.
    await history(page).getByText('Refresh tokens live 90 days.').waitFor({ timeout: 5000 });
    await shot(page, '04-thread');
    // Archived here, archived in the CLI's vault after a pull.
    await page.getByLabel('Status').selectOption('archived');
    await page.locator('h1 .badge.archived').waitFor();
    expect(vlt(box, ['sync', 'pull']).stdout).toMatch(/set the status of 1 thread as on the server/);
    const listed = JSON.parse(vlt(box, ['thread', 'list', '--json']).stdout) as {
      threads: { status: string }[];
    };
    expect(listed.threads.map((t) => t.status)).toEqual(['archived']);
    // Moved here: the page follows to the new URL, and the CLI's copy follows on pull.
    await page.getByLabel('Move to project').fill('platform');
    await page.getByRole('button', { name: 'Move' }).click();
    await page.waitForURL(/\/t\/platform\/auth-refactor$/);
    await history(page).getByText('Refresh tokens live 90 days.').waitFor();
    expect(await page.getByLabel('Move to project').inputValue()).toBe('');
    await shot(page, '04b-thread-moved');
    expect(vlt(box, ['sync', 'pull']).stdout).toMatch(/moved 1 thread to where the server has them/);
    expect(
      vlt(box, ['thread', 'push', 'platform/auth-refactor', 'Sessions move to JWT in Q3.']).stdout,
    ).toMatch(/^OK: auth-refactor\/2\nsynced\n$/);
    await history(page).getByText('Sessions move to JWT in Q3.').waitFor({ timeout: 5000 });
    // A bad name and a taken place are refused with the server's reason, and the thread stays.
    await page.getByLabel('Move to project').fill('Not A Project');
    await page.getByRole('button', { name: 'Move' }).click();
    // In a sentence, without the field's name.
    const refusal = page.getByRole('alert').getByText(/^A project id is 1-64 lower-case letters/);
    await refusal.waitFor();
    expect(await refusal.textContent()).not.toContain('toProjectId');
    expect(vlt(box, ['thread', 'new', 'webapp/auth-refactor', 'another thread of the name']).stdout).toMatch(
      /synced/,
    );
    await page.getByLabel('Move to project').fill('webapp');
    await page.getByRole('button', { name: 'Move' }).click();
    await page
      .getByRole('alert')
      .getByText(/Project webapp already has a thread auth-refactor/)
      .waitFor();
    expect(page.url()).toMatch(/\/t\/platform\/auth-refactor$/);

    await nav(page, 'Threads');
    await page.getByLabel('Search').fill('refresh');
    await page.locator('mark', { hasText: 'Refresh' }).first().waitFor();
    await shot(page, '05-search');

    await nav(page, 'Oracle');
    await page.getByLabel('Question').fill('When do access tokens expire?');
    await page.getByRole('button', { name: 'Ask' }).click();
    const citation = page.locator('.answer a', { hasText: '[1]' });
    await citation.waitFor();
    await shot(page, '06-oracle');
    await citation.click();
    await page.waitForURL(/\/t\/platform\/auth-refactor#e0$/);
    await page.locator('li.target', { hasText: 'access tokens expire' }).waitFor();

    await nav(page, 'Settings');
    await page.getByRole('button', { name: 'Revoke laptop' }).click();
    await page.getByRole('button', { name: 'Yes, revoke laptop' }).click();
    await page.getByRole('button', { name: 'Revoke laptop' }).waitFor({ state: 'detached' });
    const refused = vlt(box, ['thread', 'push', 'auth-refactor', 'after revoke']);
    expect(refused.stdout).toMatch(/queued: the server refused the token/);
    await page.close();
  });

  it("shows the thread's summary above the history, current to its last entry, on a wide screen and a phone", async () => {
    const token = await tokenOverApi(server.url, 'summaries');
    const cli = { ...box, env: { ...box.env, VLT_SYNC_TOKEN: token } };
    const notes = [
      'Goal: move sessions to JWT without logging anyone out.',
      'Tried refresh tokens in cookies: CORS got in the way.',
      'Decided: access tokens expire after 15 minutes, refresh tokens after 90 days.',
      'Should revoked tokens be checked on every request?',
      'Blocked by the key rotation service, which has no API yet.',
    ];
    expect((await vltHere(cli, ['thread', 'new', 'notes/session-tokens', notes[0]!])).stdout).toMatch(
      /synced/,
    );
    for (const note of notes.slice(1)) {
      expect((await vltHere(cli, ['thread', 'push', 'notes/session-tokens', note])).stdout).toMatch(/synced/);
    }
    let head = 4;
    for (const [width, name] of [
      [1280, '10-thread-summary'],
      [390, '11-thread-summary-phone'],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(server.url);
      await page.getByLabel('Username').fill('summaries');
      await page.getByLabel('Password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Threads' }).waitFor();
      await page.goto(`${server.url}/t/notes/session-tokens`);
      const summary = page.locator('section.summary');
      await summary
        .getByRole('heading', { name: `Summary made from the entries · current to #${head}` })
        .waitFor();
      // The CLI's summary, line for line, above the history.
      const local = JSON.parse(
        (await vltHere(cli, ['thread', 'summary', 'notes/session-tokens', '--json'])).stdout,
      ) as {
        summary: string;
      };
      expect((await summary.locator('p').allInnerTexts()).join('\n')).toBe(local.summary);
      const box1 = (await summary.boundingBox())!;
      const history = (await page.locator('ol.entries').boundingBox())!;
      expect(box1.y + box1.height).toBeLessThanOrEqual(history.y);
      // Nothing wider than the screen.
      await noSidewaysScroll(page);
      await shot(page, name);
      if (width === 1280) {
        // A new entry: the summary follows without a reload.
        expect(
          (
            await vltHere(cli, [
              'thread',
              'push',
              'notes/session-tokens',
              'Unblocked: the rotation API shipped.',
            ])
          ).stdout,
        ).toMatch(/synced/);
        head = 5;
        await summary.getByRole('heading', { name: /current to #5/ }).waitFor({ timeout: 5000 });
        expect(await summary.textContent()).not.toContain('Blockers:');
        await summary.getByRole('link', { name: 'session-tokens#2' }).click();
        await page.waitForURL(/#e2$/);
      }
      await page.close();
    }
  });

  it('edits and deletes an entry (after a confirmation), with its tags and links shown; the CLI follows', async () => {
    const token = await tokenOverApi(server.url, 'editor');
    const cli = { ...box, env: { ...box.env, VLT_SYNC_TOKEN: token } };
    expect((await vltHere(cli, ['thread', 'new', 'fixes/typos', 'Teh first entry'])).stdout).toMatch(
      /synced/,
    );
    expect((await vltHere(cli, ['thread', 'push', 'fixes/typos', 'A mistake'])).stdout).toMatch(/synced/);
    expect((await vltHere(cli, ['thread', 'push', 'fixes/typos', 'The last one'])).stdout).toMatch(/synced/);
    expect((await vltHere(cli, ['thread', 'tag', 'fixes/typos/2', 'decision'])).stdout).toMatch(/synced/);
    expect(
      (await vltHere(cli, ['thread', 'link', 'fixes/typos/2', 'fixes/typos', '--note', 'itself'])).stdout,
    ).toMatch(/synced/);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'editor');
    await page.goto(`${server.url}/t/fixes/typos`);
    const entry = (seq: number) => history(page).locator(`#e${seq}`);
    await entry(2).getByText('#decision').waitFor();
    expect(await entry(2).locator('.marks').innerText()).toBe('#decision\n→ fixes/typos (itself)');

    await entry(0).getByRole('button', { name: 'Edit' }).click();
    await entry(0).getByLabel('New text of typos#0').fill('The first entry');
    await entry(0).getByRole('button', { name: 'Save' }).click();
    await entry(0).getByText('The first entry').waitFor();
    // "edited" opens the history: both texts, oldest first, the new one standing.
    await entry(0).getByRole('button', { name: 'History of typos#0' }).click();
    await entry(0).locator('.history-text').nth(1).waitFor();
    expect(await entry(0).locator('.history-text').allInnerTexts()).toEqual([
      'Teh first entry',
      'The first entry',
    ]);
    expect(await entry(0).locator('.history li').last().innerText()).toMatch(/edit \(stands\)/);

    await entry(1).getByRole('button', { name: 'Delete' }).click();
    await entry(1).getByRole('button', { name: 'Keep it' }).click();
    await entry(1).getByRole('button', { name: 'Delete' }).click();
    await entry(1).getByRole('button', { name: 'Yes, delete typos#1' }).click();
    await entry(1).getByText('deleted').waitFor();
    // The thread counts the entries one can read; the deleted one keeps its number.
    const counts = page.locator('p.muted', { hasText: 'synced up to #' });
    await expect.poll(() => counts.innerText(), { timeout: 5000 }).toMatch(/^2 entries · synced up to #2 /);
    // The summary follows: the edit, and nothing of the deleted entry.
    const summary = page.locator('section.summary');
    await summary.getByText('Goal: The first entry').waitFor({ timeout: 5000 });
    // The summary after the edit may still be on the page a moment before the one after the deletion.
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).not.toContain('A mistake');
    await shot(page, '12-edit-delete');
    await page.close();

    expect((await vltHere(cli, ['sync', 'pull'])).stdout).toMatch(
      /took 2 edits and deletions from the server/,
    );
    const read = JSON.parse(
      (await vltHere(cli, ['thread', 'read', 'fixes/typos', '--all', '--json'])).stdout,
    ) as {
      entries: { seq: number; content: string }[];
    };
    expect(read.entries.map((e) => [e.seq, e.content])).toEqual([
      [0, 'The first entry'],
      [2, 'The last one'],
    ]);
    const texts = JSON.parse(
      (await vltHere(cli, ['thread', 'history', 'fixes/typos/0', '--json'])).stdout,
    ) as {
      revisions: { content: string; current: boolean }[];
    };
    expect(texts.revisions.map((r) => [r.content, r.current])).toEqual([
      ['Teh first entry', false],
      ['The first entry', true],
    ]);
  });

  it('Settings downloads my data as a JSONL file that vlt import reads into a fresh vault', async () => {
    const token = await tokenOverApi(server.url, 'downloader');
    const cli = { ...box, env: { ...box.env, VLT_SYNC_TOKEN: token } };
    expect(
      (await vltHere(cli, ['thread', 'new', 'mine/exported', 'first, with "quotes" and ✓'])).stdout,
    ).toMatch(/synced/);
    expect((await vltHere(cli, ['thread', 'push', 'mine/exported', 'second'])).stdout).toMatch(/synced/);
    // A deleted entry goes as a tombstone: the next keeps its number.
    expect((await vltHere(cli, ['thread', 'push', 'mine/exported', 'a mistake'])).stdout).toMatch(/synced/);
    expect((await vltHere(cli, ['thread', 'rm', 'mine/exported/2'])).stdout).toMatch(/synced/);
    expect((await vltHere(cli, ['thread', 'push', 'mine/exported', 'fourth'])).stdout).toMatch(/synced/);
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, acceptDownloads: true });
    await signIn(page, 'downloader');
    await nav(page, 'Settings');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^vlt-export-\d{4}-\d\d-\d\d\.jsonl$/);
    const file = join(box.base, 'download.jsonl');
    await download.saveAs(file);
    await page.close();
    const fresh = sandbox();
    fresh.env.VLT_SERVER_URL = 'http://127.0.0.1:9';
    fresh.env.VLT_NO_RETRIER = '1';
    try {
      expect((await vltHere(fresh, ['import', file, '--no-sync'])).stdout).toMatch(
        /^IMPORTED: 1 thread \(1 new\), 4 entries/,
      );
      const strip = (text: string) =>
        (JSON.parse(text) as { entries: { synced: boolean }[] }).entries.map(({ synced: _s, ...e }) => e);
      expect(
        strip((await vltHere(fresh, ['thread', 'read', 'mine/exported', '--all', '--json'])).stdout),
      ).toEqual(strip((await vltHere(cli, ['thread', 'read', 'mine/exported', '--all', '--json'])).stdout));
    } finally {
      fresh.cleanup();
    }
  });

  it("shows another user's thread URL as not found", async () => {
    const other = await tokenOverApi(server.url, 'someone');
    const otherBox = { ...box, env: { ...box.env, VLT_SYNC_TOKEN: other } };
    expect(
      (await vltHere(otherBox, ['thread', 'new', 'webapp/secret-plans', 'not for webuser'])).stdout,
    ).toMatch(/synced/);
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await page.goto(server.url);
    await page.getByLabel('Username').fill('webuser');
    await page.getByLabel('Password').fill('long enough password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Threads' }).waitFor();
    await page.goto(`${server.url}/t/webapp/secret-plans`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.content()).not.toContain('not for webuser');
    await shot(page, '07-not-found-phone');
    await page.close();
  });

  it('notes: a synced folder as a tree, searched, read at a cited line, backlinks and headings followed, nothing in a note run', async () => {
    const token = await tokenOverApi(server.url, 'notetaker');
    const repo = join(box.base, 'notes-repo');
    mkdirSync(join(repo, 'docs', 'guides'), { recursive: true });
    writeFileSync(join(repo, 'vlt.toml'), '[project]\nid = "handbook"\n');
    const longWord = 'x'.repeat(300);
    writeFileSync(
      join(repo, 'docs', 'auth.md'),
      [
        '---',
        'title: Authentication',
        'tags: [security]',
        '---',
        '# Authentication',
        '',
        'How the web and the CLI sign in. See [sessions](guides/sessions.md).',
        '',
        ...Array.from({ length: 12 }, (_, i) => `Background paragraph ${i} on how signing in came to be.\n`),
        '## Token lifetime',
        '',
        'Access tokens expire after fifteen minutes; refresh tokens after ninety days.',
        '',
        '| setting | value | why |',
        '| --- | --- | --- |',
        `| access | 15 min | ${'a long reason '.repeat(12)} |`,
        '',
        '```sh',
        `curl -H "Authorization: Bearer $TOKEN" https://example.invalid/${'very-long-path/'.repeat(12)}`,
        '```',
        '',
        `A word that does not fit: ${longWord}`,
        '',
        ...Array.from({ length: 40 }, (_, i) => `Filler paragraph ${i} about nothing in particular.\n`),
        '## Revocation',
        '',
        'A revoked token stops working at once.',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(repo, 'docs', 'guides', 'sessions.md'),
      '# Sessions\n\nCookies are httpOnly.\n\nThe rules for tokens are in [the auth note](../auth.md).\n',
    );
    writeFileSync(
      join(repo, 'docs', 'hostile.md'),
      [
        '# Hostile',
        '',
        '<script>window.__ran = "script"</script>',
        '',
        '<img src="x" onerror="window.__ran = \'onerror\'">',
        '',
        'Inline <b onmouseover="window.__ran = 1">bold</b> and [a link](javascript:window.__ran=3).',
        '',
      ].join('\n'),
    );
    const notesBox = { ...box, cwd: repo, env: { ...box.env, VLT_SYNC_TOKEN: token } };
    const synced = vlt(notesBox, ['notes', 'sync']);
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/server: 3 uploaded/);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(server.url);
    await page.getByLabel('Username').fill('notetaker');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Threads' }).waitFor();

    await nav(page, 'Notes');
    await page.getByRole('heading', { name: 'Notes' }).waitFor();
    await page.getByRole('link', { name: 'auth.md' }).waitFor();
    await noSidewaysScroll(page);
    await shot(page, '10-notes-tree');

    await page.getByLabel('Search notes').fill('fifteen minutes');
    const hit = page.getByRole('link', { name: /handbook\/docs\/auth\.md:\d+-\d+ \(## Token lifetime\)/ });
    await hit.waitFor();
    await page.locator('.results mark', { hasText: 'fifteen' }).first().waitFor();
    await shot(page, '11-notes-search');
    await hit.click();
    await page.waitForURL(/\/n\/handbook\/docs\/auth\.md#L\d+$/);
    await page.getByRole('heading', { name: 'Authentication', level: 1 }).waitFor();
    // The navigation says which section the note is in.
    expect(
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Notes' })
        .getAttribute('aria-current'),
    ).toBe('location');
    // The cited line is marked and in view.
    const cited = page.locator('.markdown .target');
    await cited.waitFor();
    expect(await cited.textContent()).toMatch(/Token lifetime/);
    // Front matter is not shown as text.
    expect(await page.locator('.markdown').textContent()).not.toContain('title: Authentication');
    await noSidewaysScroll(page);
    await shot(page, '12-note-at-line');

    // A heading's link: the URL takes its anchor and the heading is marked.
    await page
      .getByRole('navigation', { name: 'Contents' })
      .getByRole('link', { name: 'Revocation' })
      .click();
    await page.waitForURL(/#revocation$/);
    await page.locator('h2#revocation.target').waitFor();
    expect(await page.locator('h2#revocation a.anchor').getAttribute('href')).toBe('#revocation');

    // A markdown link to another note opens it; its backlink leads back to the line that links.
    await page.locator('.markdown a', { hasText: 'sessions' }).click();
    await page.waitForURL(/\/n\/handbook\/docs\/guides\/sessions\.md$/);
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    await page.locator('.backlinks').getByRole('link', { name: 'Authentication' }).waitFor();
    await shot(page, '12b-note-backlinks');
    await page.locator('.markdown a', { hasText: 'the auth note' }).click();
    await page.waitForURL(/\/n\/handbook\/docs\/auth\.md$/);
    const backlink = page.locator('.backlinks').getByRole('link', { name: 'Sessions' });
    await backlink.click();
    await page.waitForURL(/\/n\/handbook\/docs\/guides\/sessions\.md#L5$/);
    expect(await page.locator('.markdown .target').textContent()).toMatch(/the auth note/);

    // An Oracle citation lands on the note at its line.
    await nav(page, 'Oracle');
    await page.getByLabel('Question').fill('When do access tokens expire?');
    await page.getByRole('button', { name: 'Ask' }).click();
    const source = page.locator('.sources a', { hasText: /docs\/auth\.md:\d+-\d+/ }).first();
    await source.waitFor();
    await shot(page, '13-oracle-note-citation');
    await source.click();
    await page.waitForURL(/\/n\/handbook\/docs\/auth\.md#L\d+$/);
    await page.locator('.markdown .target').waitFor();

    // What a note holds is shown as text or dropped, never run.
    await page.goto(`${server.url}/n/handbook/docs/hostile.md`);
    await page.getByRole('heading', { name: 'Hostile', level: 1 }).waitFor();
    const text = (await page.locator('.markdown').textContent()) ?? '';
    expect(text).toContain('<script>window.__ran = "script"</script>');
    expect(text).toContain('onerror=');
    expect(
      await page
        .locator('.markdown script, .markdown img, .markdown [onerror], .markdown [onmouseover]')
        .count(),
    ).toBe(0);
    expect(await page.locator('.markdown a[href^="javascript"]').count()).toBe(0);
    await page.locator('.markdown').hover();
    expect(await page.evaluate(() => (window as unknown as { __ran?: unknown }).__ran)).toBeUndefined();
    await shot(page, '14-note-hostile');

    // At phone width nothing scrolls sideways either.
    await page.setViewportSize({ width: 390, height: 800 });
    for (const url of ['/notes', '/n/handbook/docs/auth.md#L11', '/n/handbook/docs/hostile.md']) {
      await page.goto(`${server.url}${url}`);
      await page.locator('.tree, .markdown').first().waitFor();
      await noSidewaysScroll(page);
    }
    await shot(page, '15-note-phone');
    await page.goto(`${server.url}/n/handbook/docs/missing.md`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(cspViolations).toEqual([]);
    await page.close();
  });

  it("code: an Oracle citation opens the chunk with its line numbers and a plain link to its host; nothing in the code runs; another user's chunk is not found: at 1280 and 390 px", async () => {
    const token = await tokenOverApi(server.url, 'coder');
    await tokenOverApi(server.url, 'stranger');
    const repo = join(box.base, 'code-repo');
    mkdirSync(join(repo, 'src', 'sync'), { recursive: true });
    writeFileSync(
      join(repo, 'vlt.toml'),
      '[project]\nid = "shop"\n[code]\nurl = "https://git.example.com/org/shop/blob/main"\n',
    );
    writeFileSync(
      join(repo, 'src', 'sync', 'retrier.ts'),
      [
        '// The detached background retrier: at most one per machine, held by a lock file.',
        "import { openSync, writeSync } from 'node:fs';",
        '',
        '/** Takes the background retrier lock for this process; false if another live retrier holds it. */',
        'export function takeRetrierLock(lockFile: string, pid: number): boolean {',
        '  try {',
        "    const fd = openSync(lockFile, 'wx', 0o600);",
        '    writeSync(fd, String(pid));',
        '    return true;',
        '  } catch {',
        `    return false; // ${'a very long comment that does not fit on a phone '.repeat(4)}`,
        '  }',
        '}',
        '',
        'export const hostile = \'<script>window.__ran = 1</script><img src=x onerror="window.__ran = 2">\';',
        '',
      ].join('\n'),
    );
    const codeBox = { ...box, cwd: repo, env: { ...box.env, VLT_SYNC_TOKEN: token } };
    const synced = vlt(codeBox, ['code', 'sync']);
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/server: 2 uploaded/); // and vlt.toml

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await signIn(page, 'coder');
    await nav(page, 'Oracle');
    await page.getByLabel('Question').fill('where is the background retrier lock taken?');
    await page.getByRole('button', { name: 'Ask' }).click();
    const source = page.locator('.sources a', {
      hasText: /src\/sync\/retrier\.ts:\d+-\d+ \(takeRetrierLock\)/,
    });
    await source.waitFor();
    // The answer quotes the code as code.
    await page.locator('.answer pre.quote code', { hasText: 'export function takeRetrierLock' }).waitFor();
    await shot(page, '16-oracle-code-citation');
    await source.click();
    await page.waitForURL(/\/c\/shop\/src\/sync\/retrier\.ts#L4$/);
    await page
      .getByRole('heading', { name: 'src/sync/retrier.ts:4-13 (takeRetrierLock)', level: 1 })
      .waitFor();
    const lines = page.locator('.code-view .code-line');
    expect(await lines.count()).toBe(10);
    expect(await lines.first().locator('.ln').textContent()).toMatch(/^\s*4$/);
    expect(await lines.nth(1).textContent()).toMatch(/^\s*5export function takeRetrierLock/);
    const host = page.getByRole('link', { name: 'View on git.example.com' });
    expect(await host.getAttribute('href')).toBe(
      'https://git.example.com/org/shop/blob/main/src/sync/retrier.ts#L4-L13',
    );
    expect(await host.getAttribute('rel')).toBe('noopener noreferrer');
    await noSidewaysScroll(page);
    await shot(page, '17-code-chunk');

    // The chunk after it holds markup as text: shown, never run.
    await page.getByRole('link', { name: 'After →' }).click();
    await page.locator('.code-view', { hasText: '<script>window.__ran = 1</script>' }).waitFor();
    expect(page.url()).toMatch(/\/c\/shop\/src\/sync\/retrier\.ts#L1[45]$/);
    expect(await page.locator('.code-view script, .code-view img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __ran?: unknown }).__ran)).toBeUndefined();

    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${server.url}/c/shop/src/sync/retrier.ts#L4`);
    await page.locator('.code-view').waitFor();
    await noSidewaysScroll(page);
    await shot(page, '18-code-chunk-phone');
    expect(cspViolations).toEqual([]);

    // Another user's chunk, at its URL: not found, and nothing of it on the page.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(page, 'stranger');
    await page.goto(`${server.url}/c/shop/src/sync/retrier.ts#L4`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.content()).not.toContain('takeRetrierLock(lockFile');
    await shot(page, '19-code-not-found-phone');
    await page.close();
  });

  it('entries as markdown, long words wrapped, last entries, search counts, current page, 404, Oracle examples, token confirmations, dates in the locale: at 1280 and 390 px', async () => {
    const token = await tokenOverApi(server.url, 'reader');
    const cli = { ...box, env: { ...box.env, VLT_SYNC_TOKEN: token } };
    const longWord = 'w'.repeat(300);
    const longUrl = `https://example.com/${'segment/'.repeat(40)}end`;
    const markdownEntry = [
      '## Rollout plan',
      '',
      '- enable the flag for staff',
      '- then for **everyone**',
      '',
      '```ts',
      'const expiry = 15 * 60; // seconds',
      '```',
      '',
      'See [the design doc](https://example.com/design) and https://example.com/bare-link.',
    ].join('\n');
    // The longest names there are: a project id of 64 characters, a thread id of 128.
    const longName = `${'p'.repeat(64)}/${'t'.repeat(128)}`;
    expect(
      (await vltHere(cli, ['thread', 'new', longName, 'The longest names must wrap too.'])).stdout,
    ).toMatch(/synced/);
    expect((await vltHere(cli, ['thread', 'new', 'webapp/release-checklist', markdownEntry])).stdout).toMatch(
      /synced/,
    );
    expect(
      (
        await vltHere(cli, [
          'thread',
          'push',
          'webapp/release-checklist',
          `A word that does not fit: ${longWord}`,
        ])
      ).stdout,
    ).toMatch(/synced/);
    expect(
      (await vltHere(cli, ['thread', 'push', 'webapp/release-checklist', `Rollback steps are at ${longUrl}`]))
        .stdout,
    ).toMatch(/synced/);
    expect(
      (
        await vltHere(cli, [
          'thread',
          'new',
          'billing/invoice-rounding',
          'Decided: round invoices half to even.',
        ])
      ).stdout,
    ).toMatch(/synced/);
    const newcomer = 'newcomer';
    await tokenOverApi(server.url, newcomer);

    for (const [width, locale, suffix] of [
      [1280, 'en-US', 'wide'],
      [390, 'de-DE', 'phone'],
    ] as const) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, locale });
      const page = await context.newPage();
      const current = () =>
        page.getByRole('navigation', { name: 'Main' }).locator('a[aria-current]').allInnerTexts();

      // A new account's empty Threads page says how to connect the CLI to this very server.
      await signIn(page, newcomer);
      await page.getByText(`vlt auth login --server ${server.url} --username ${newcomer}`).waitFor();
      await noSidewaysScroll(page);
      await shot(page, `20-threads-empty-${suffix}`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await noSidewaysScroll(page);
      await shot(page, `19-signin-${suffix}`);

      await signIn(page, 'reader');
      // Each thread with its newest entry; the navigation marks the page.
      const listed = page.locator('ul.threads li', { hasText: 'release-checklist' });
      await listed
        .locator('.last-entry', { hasText: 'Rollback steps are at https://example.com/' })
        .waitFor();
      await page
        .locator('ul.threads li', { hasText: 'invoice-rounding' })
        .locator('.last-entry', { hasText: 'round invoices half to even' })
        .waitFor();
      expect(await current()).toEqual(['Threads']);
      // Dates in the browser's language.
      const when = (await listed.locator('time').textContent()) ?? '';
      expect(when).toMatch(locale === 'de-DE' ? /jetzt|vor \d+ (Sekunden|Minuten?)/ : /now|ago/);
      await noSidewaysScroll(page);
      await shot(page, `21-threads-${suffix}`);

      // Search results: how many, and each one's author and date.
      // The filters and the search box share a row on a wide screen, whatever the projects' names.
      if (width === 1280) {
        const filter = (await page.getByLabel('Project').boundingBox())!;
        const searchBox = (await page.getByLabel('Search').boundingBox())!;
        expect(Math.abs(filter.y - searchBox.y)).toBeLessThan(10);
      }
      await page.getByLabel('Search').fill('rollout');
      await page
        .getByRole('status')
        .getByText(/^1 matching entry$/)
        .waitFor();
      const result = page.locator('.results li').first();
      await result.locator('.author', { hasText: 'user' }).waitFor();
      expect(await result.locator('time').count()).toBe(1);
      // The snippet reads as text: no fence marks or heading hashes.
      expect(await result.locator('p').textContent()).toMatch(/^Rollout plan - enable the flag/);
      expect(await result.locator('p').textContent()).not.toMatch(/```|## /);
      await noSidewaysScroll(page);
      await shot(page, `22-search-${suffix}`);

      await page.goto(`${server.url}/t/${longName}`);
      await history(page).getByText('The longest names must wrap too.').waitFor();
      await noSidewaysScroll(page);
      await shot(page, `23a-thread-long-name-${suffix}`);

      // The thread: markdown rendered, code highlighted, links clickable, long words wrapped.
      await page.goto(`${server.url}/t/webapp/release-checklist`);
      const first = history(page).locator('li#e0');
      await first.getByRole('heading', { name: 'Rollout plan', level: 2 }).waitFor();
      expect(await first.locator('ul > li').allInnerTexts()).toEqual([
        'enable the flag for staff',
        'then for everyone',
      ]);
      expect(await first.locator('strong', { hasText: 'everyone' }).count()).toBe(1);
      expect(await first.locator('pre code .hljs-keyword', { hasText: 'const' }).count()).toBe(1);
      expect(await first.getByRole('link', { name: 'the design doc' }).getAttribute('href')).toBe(
        'https://example.com/design',
      );
      expect(await first.getByRole('link', { name: 'https://example.com/bare-link' }).count()).toBe(1);
      await history(page).getByRole('link', { name: longUrl }).waitFor();
      expect(await current()).toEqual(['Threads']);
      expect(
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Threads' })
          .getAttribute('aria-current'),
      ).toBe('location');
      await noSidewaysScroll(page);
      await shot(page, `23-thread-markdown-${suffix}`);

      // A refused move is a sentence, with no field name in it.
      await page.getByLabel('Move to project').fill('Not A Project');
      await page.getByRole('button', { name: 'Move' }).click();
      const refusal = page.getByRole('alert');
      await refusal.waitFor();
      expect(await refusal.textContent()).toMatch(/^A project id is /);
      expect(await refusal.textContent()).not.toMatch(/toProjectId|projectId/);

      // An unknown URL is a 404 page, not the thread list.
      await page.goto(`${server.url}/no/such/${'page'.repeat(40)}`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      expect(await current()).toEqual([]);
      await noSidewaysScroll(page);
      await shot(page, `24-not-found-${suffix}`);

      // The Oracle offers questions about this user's own threads, and says what "extractive" means.
      await nav(page, 'Oracle');
      expect(await current()).toEqual(['Oracle']);
      const examples = page.locator('.examples button');
      await examples.first().waitFor();
      const offered = await examples.allInnerTexts();
      expect(offered.join('\n')).toMatch(/invoice rounding/);
      expect(offered.join('\n')).toMatch(/release checklist/);
      await noSidewaysScroll(page);
      await shot(page, `25-oracle-examples-${suffix}`);
      expect(offered.join('\n')).toContain(`${'t'.repeat(128)}`);
      await examples.filter({ hasText: 'invoice rounding' }).click();
      await page.locator('.answer a', { hasText: '[1]' }).first().waitFor();
      const mode = (await page.locator('.answer .mode').textContent()) ?? '';
      expect(mode).toMatch(/^Quoted, not written: this server has no language model set up/);
      expect(mode).not.toContain('(extractive)');
      await noSidewaysScroll(page);
      await shot(page, `26-oracle-answer-${suffix}`);

      // Settings: a label that tells tokens apart, dates in the locale, Revoke only once confirmed.
      await nav(page, 'Settings');
      const label = await page.getByLabel('Label').inputValue();
      expect(label).toMatch(/ · /);
      expect(label).toContain(String(new Date().getFullYear()));
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByTestId('new-token').waitFor();
      const row = page.locator('table.tokens tbody tr', { hasText: label });
      await row.waitFor();
      const expires = new Date(Date.now() + 90 * 86_400_000);
      expect(await row.locator('td[data-label="Expires"]').textContent()).toBe(
        expires.toLocaleDateString(locale, { dateStyle: 'medium' }),
      );
      expect(await page.getByLabel('Label').inputValue()).not.toBe('');
      const revoke = page.getByRole('button', { name: `Revoke ${label}` });
      const box1 = (await revoke.boundingBox())!;
      expect(box1.x + box1.width).toBeLessThanOrEqual(width);
      await revoke.click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await revoke.waitFor();
      await revoke.click();
      const yes = page.getByRole('button', { name: `Yes, revoke ${label}` });
      const box2 = (await yes.boundingBox())!;
      expect(box2.x + box2.width).toBeLessThanOrEqual(width);
      await noSidewaysScroll(page);
      await shot(page, `27-settings-confirm-${suffix}`);
      await yes.click();
      await row.waitFor({ state: 'detached' });
      expect(await current()).toEqual(['Settings']);
      await noSidewaysScroll(page);

      await nav(page, 'Notes');
      await page.getByRole('heading', { name: 'Notes' }).waitFor();
      await noSidewaysScroll(page);
      await context.close();
    }
  });

  it('with 1,000 threads and a 5,000-entry thread, both pages load and the time is measured', async () => {
    const token = await tokenOverApi(server.url, 'bigteam');
    const { createTRPCClient, httpBatchLink } = await import('@trpc/client');
    const { transformer } = await import('../src/shared/transformer.js');
    type Router = import('../src/shared/router.js').AppRouter;
    const api = createTRPCClient<Router>({
      links: [
        httpBatchLink({
          url: `${server.url}/trpc`,
          transformer,
          maxItems: 10,
          headers: { authorization: `Bearer ${token}` },
        }),
      ],
    });
    const at = new Date('2026-11-01T00:00:00Z');
    const entry = (seq: number, text: string) => ({
      entryId: `01900000-0000-7000-9000-${(seq + 1).toString(16).padStart(12, '0')}`,
      sequenceId: seq,
      content: text,
      author: 'agent',
      timestamp: new Date(at.getTime() + seq * 1000),
    });
    for (let t = 0; t < 1000; t += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api.threads.push.mutate({
            projectId: `p${(t + i) % 10}`,
            threadId: `thread-${t + i}`,
            status: 'active',
            createdAt: at,
            entries: [
              {
                ...entry(0, `note ${t + i}`),
                entryId: `01900000-0000-7000-a000-${(t + i + 1).toString(16).padStart(12, '0')}`,
              },
            ],
          }),
        ),
      );
    }
    for (let seq = 0; seq < 5000; seq += 100) {
      await api.threads.push.mutate({
        projectId: 'p0',
        threadId: 'long-history',
        status: 'active',
        createdAt: at,
        entries: Array.from({ length: 100 }, (_, i) =>
          entry(seq + i, `step ${seq + i} of a long agent session`),
        ),
      });
    }
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(server.url);
    await page.getByLabel('Username').fill('bigteam');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Threads' }).waitFor();

    let started = Date.now();
    await page.goto(server.url);
    await page.getByRole('link', { name: /p0\/long-history/ }).waitFor();
    const threadsMs = Date.now() - started;
    await shot(page, '08-threads-1000', { fullPage: false });
    started = Date.now();
    await page.goto(`${server.url}/t/p0/long-history`);
    await history(page).getByText('step 99 of a long agent session').waitFor();
    const threadMs = Date.now() - started;
    await shot(page, '09-thread-5000', { fullPage: false });
    console.log(
      `web: Threads page with 1,000 threads usable in ${threadsMs} ms; 5,000-entry thread in ${threadMs} ms`,
    );
    await page.close();
  });
});
