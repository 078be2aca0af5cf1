import { Command, Option } from 'clipanion';
import { usageError } from '../../../shared/errors.js';
import { plural } from '../../../shared/format.js';
import { checkLimit, MAX_INT } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { entryLines, renderHighlight } from '../../output.js';

export class ThreadReadCommand extends VltCommand {
  static override paths = [['thread', 'read']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: "Show a thread's entries",
    details: `
      Prints the last 5 entries, oldest first, as \`seq  time  [author]  content\`, with a line under
      an entry for its tags and links (\`#decision  → infra/secrets (key rotation)\`); \`--limit N\` (\`-n\`)
      the last N, \`--all\` (\`-a\`) every entry. \`--search\` keeps only entries that match the words (matches between ** marks, bold on a
      terminal); \`tag:decision\` among them keeps the entries with that tag. \`--sync-status\` adds a line on how far the server has the thread. Control
      characters (but newlines and tabs) and bidi overrides are shown escaped (\`\\x1b\`,
      \`\\u202e\`), even when piped; \`--json\` gives the content as it is.
    `,
    examples: [
      ['The latest entries', '$0 thread read auth-refactor'],
      ['Everything, as JSON', '$0 thread read auth-refactor --all --json'],
      ['The last 20 of another project', '$0 thread read infra/ci-cache -n 20'],
      ['Entries about tokens', '$0 thread read auth-refactor --search "token expiry"'],
    ],
  });

  thread = Option.String({ name: 'thread' });
  all = Option.Boolean('-a,--all', false, { description: 'Every entry, not only the last 5' });
  limit = Option.String('-n,--limit', { description: 'The last N entries (default 5)' });
  projectOption = Option.String('-p,--project', { description: 'Project id (default: from vlt.toml)' });
  search = Option.String('--search', { description: 'Only entries matching these words' });
  syncStatus = Option.Boolean('--sync-status', false, { description: 'Show local vs server sequence' });

  async run(): Promise<void> {
    if (this.all && this.limit !== undefined) throw usageError('give --all or --limit, not both');
    const limit = this.all ? undefined : this.limit === undefined ? 5 : checkLimit(this.limit, MAX_INT);
    const ref = this.threadRef(this.thread, this.projectOption);
    const { vault, thread } = await this.requireThread(ref);
    const entries = vault.readEntries(thread, {
      ...(limit === undefined ? {} : { limit }),
      ...(this.search === undefined ? {} : { search: this.search }),
    });
    const links = vault.linksFrom(entries.map((e) => e.id));
    const shown = entries.map((e) => ({ ...e, links: links.get(e.id) ?? [] }));
    const serverSeq = vault.serverSeq(thread.pk);
    const sync = { localSeq: thread.lastSeq, serverSeq, pending: thread.lastSeq - Math.max(serverSeq, -1) };
    if (this.json) {
      this.printJson({
        project: ref.project,
        thread: ref.thread,
        status: thread.status,
        entries: shown,
        ...(this.syncStatus ? { sync } : {}),
      });
      return;
    }
    const tty = Boolean((this.context.stdout as { isTTY?: boolean }).isTTY);
    for (const line of entryLines(shown.map((e) => ({ ...e, content: e.highlight ?? e.content })))) {
      this.print(renderHighlight(line, tty));
    }
    if (entries.length === 0 && this.search !== undefined) {
      this.warn(`no entries in ${ref.project}/${ref.thread} match "${this.search}"`);
    }
    // Deleted entries keep their numbers but are not shown, nor counted here.
    const live = this.search === undefined ? vault.liveEntryCount(thread.pk) : entries.length;
    if (live === 0 && thread.lastSeq >= 0 && this.search === undefined) {
      this.warn(`every entry of ${ref.project}/${ref.thread} is deleted`);
    } else if (limit !== undefined && this.search === undefined && live > entries.length) {
      const earlier = live - entries.length;
      this.context.stderr.write(
        `(${plural(earlier, 'earlier entry', 'earlier entries')}: --all shows them)\n`,
      );
    }
    if (this.syncStatus) {
      this.print(
        serverSeq < 0
          ? `sync: local #${sync.localSeq}, never synced (${sync.pending} pending)`
          : `sync: local #${sync.localSeq}, server #${serverSeq} (${sync.pending} pending)`,
      );
    }
  }
}
