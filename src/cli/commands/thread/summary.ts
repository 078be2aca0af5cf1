import { Command, Option } from 'clipanion';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';
// Types only: the summary's code loads with the vault's query layer, never on the push path.
import type { StoredSummary } from '../../vault/vault.js';

/** A summary as `--json` prints it (and the MCP tool returns it). */
export function summaryDocument({ summary, headEntryId, version }: StoredSummary) {
  return {
    project: summary.project,
    thread: summary.thread,
    status: summary.status,
    currentTo: headEntryId === null ? null : { seq: summary.headSeq, entryId: headEntryId },
    mode: 'deterministic' as const,
    version,
    summary: summary.text,
    goal: summary.goal,
    decisions: summary.decisions,
    blockers: summary.blockers,
    questions: summary.questions,
    latest: summary.latest,
  };
}

export class ThreadSummaryCommand extends VltCommand {
  static override paths = [['thread', 'summary']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: "A thread's summary: goal, status, decisions, blockers, open questions, latest",
    details: `
      Made from the entries without any model, the same for the same entries: the goal (entry 0),
      the status, the decisions (entries tagged \`decision\`, or that open as one: "Decided …",
      "Decision: …", "We will …"), what blocks the work ("Blocked by …", until an "Unblocked …"),
      the open questions, and the latest entries; each line cites \`thread#seq\`. At most 1,500
      characters however long the thread. Stored in the vault and made again when the thread has
      moved on.
    `,
    examples: [
      ['Catch up on a thread', '$0 thread summary auth-refactor'],
      ['As JSON, with each section', '$0 thread summary my-app/auth-refactor --json'],
    ],
  });

  thread = Option.String({ name: 'thread' });

  async run(): Promise<void> {
    const ref = this.threadRef(this.thread);
    const { vault, thread } = await this.requireThread(ref);
    const stored = vault.threadSummary(thread);
    if (this.json) this.printJson(summaryDocument(stored));
    else this.print(terminalText(stored.summary.text, { multiline: true }));
  }
}
