// A thread's summary made without any model (the seed's State): its goal (entry 0), status,
// decisions, blockers, open questions and latest entries, each line citing `thread#seq`, at most
// SUMMARY_MAX_CHARS however long the thread. Deterministic: the same entries give the same bytes.
// Also the LLM summary's prompt and the check of its answer (citations as the Oracle checks them).
import { checkCitations, type EntrySource } from './oracle.js';

/** Bumped whenever the output for the same entries changes: stored summaries are rebuilt. */
export const SUMMARY_VERSION = 2;
export const SUMMARY_MAX_CHARS = 1500;
/** Characters of an entry's text on one line of the summary (the citation comes on top). */
const LINE_CHARS = 120;
const MAX_DECISIONS = 6;
const MAX_BLOCKERS = 3;
const MAX_QUESTIONS = 3;
const MAX_LATEST = 3;

export interface SummaryEntry {
  seq: number;
  content: string;
  /** Tags of the entry (the vault has them; the server does not). */
  tags?: readonly string[];
}

export interface SummaryLine {
  seq: number;
  text: string;
}

export interface ThreadSummary {
  project: string;
  thread: string;
  status: string;
  /** The last entry the summary was made from (−1: no entries). */
  headSeq: number;
  goal: SummaryLine | null;
  decisions: SummaryLine[];
  blockers: SummaryLine[];
  questions: SummaryLine[];
  latest: SummaryLine[];
  /** The summary as text, at most SUMMARY_MAX_CHARS characters. */
  text: string;
}

// ---- the form of an entry ---------------------------------------------------------------------
// Rules about how a statement is written, not about any subject: an entry is a decision when it
// is tagged so or opens as one ("Decided …", "Decision: …", "We will …", "Going with …"), a blocker
// when it says it is blocked, a question when it asks one; a later "Unblocked …"/"Resolved …"
// closes the blockers before it, and "Answered …"/"Resolved …" the questions.

const DECISION_OPENING =
  /^(?:decided|decision|we(?:'ll| will| are going to|'re going to| decided| chose| picked| agreed| settled)|going with|chose|chosen|settled on|agreed|resolved to|final call)\b/i;
const DECISION_ANYWHERE = /\b(?:we|i|team) (?:have )?(?:decided|agreed) (?:to|on|that)\b/i;
const BLOCKER_OPENING = /^(?:blocked|blocker|blocking|stuck|cannot proceed|can't proceed)\b/i;
const BLOCKER_ANYWHERE = /\bblocked (?:by|on)\b/i;
const QUESTION_OPENING = /^(?:open question|question|q)\s*[:-]/i;
const UNBLOCKED = /^(?:unblocked|resolved|fixed|solved|no longer blocked)\b/i;
const ANSWERED = /^(?:answered|answer\s*:|resolved)\b/i;

/**
 * The entry as one line of plain text: markdown's marks off (emphasis, links and images to their
 * text, fence lines, heading, quote and list marks at the start of each line; inline code keeps
 * its backticks), whitespace folded. A summary is read as text in a terminal and on the web.
 */
function plain(content: string): string {
  return content
    .replace(/^[ \t]*(?:```|~~~).*$/gm, '')
    .replace(/!\[([^\]]*)\]\([^)\s]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)\s]*\)/g, '$1')
    .replace(/\[\[([^\]|]+)\|([^\]]+)\]\]/g, '$2')
    .replace(/\[\[([^\]]+)\]\]/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])/gm, '$1$2')
    .replace(/(^|[^\w])_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/gm, '$1$2')
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '$1')
    .replace(/^[ \t]{0,3}(?:#{1,6}|>+|[-*+]|\d+[.)])[ \t]+/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first sentence (up to . ! ? followed by a space), for rules that look at what is said first. */
const firstSentence = (text: string) => /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;

type Kind = 'decision' | 'blocker' | 'question' | 'other';

function kindOf(text: string, tags: readonly string[]): Kind {
  if (tags.includes('decision')) return 'decision';
  if (tags.includes('blocker') || tags.includes('blocked')) return 'blocker';
  if (tags.includes('question')) return 'question';
  const first = firstSentence(text);
  if (QUESTION_OPENING.test(text) || first.endsWith('?') || text.endsWith('?')) return 'question';
  if (BLOCKER_OPENING.test(text) || BLOCKER_ANYWHERE.test(first)) return 'blocker';
  if (DECISION_OPENING.test(text) || DECISION_ANYWHERE.test(first)) return 'decision';
  return 'other';
}

/** At most `max` characters (code points), cut at a word where one is near, with an ellipsis. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

// ---- the summary ------------------------------------------------------------------------------

/**
 * The summary of a thread from all its entries in sequence order. Sections keep their newest
 * lines; when the text would pass SUMMARY_MAX_CHARS, the oldest line of the longest section goes
 * first (decisions, then latest, questions and blockers on a tie), until it fits.
 */
export function summarizeThread(input: {
  project: string;
  thread: string;
  status: string;
  entries: readonly SummaryEntry[];
}): ThreadSummary {
  const line = (entry: SummaryEntry, text: string): SummaryLine => ({
    seq: entry.seq,
    text: clip(text, LINE_CHARS),
  });
  let goal: SummaryLine | null = null;
  let decisions: SummaryLine[] = [];
  let blockers: SummaryLine[] = [];
  let questions: SummaryLine[] = [];
  for (const entry of input.entries) {
    const text = plain(entry.content);
    if (entry.seq === 0) {
      // "Goal: …" would read "Goal: Goal: …".
      goal = line(entry, text.replace(/^goal\s*[:-]\s*/i, ''));
      continue;
    }
    if (UNBLOCKED.test(text)) blockers = [];
    if (ANSWERED.test(text)) questions = [];
    const kind = kindOf(text, entry.tags ?? []);
    if (kind === 'decision') decisions = [...decisions, line(entry, text)].slice(-MAX_DECISIONS);
    else if (kind === 'blocker') blockers = [...blockers, line(entry, text)].slice(-MAX_BLOCKERS);
    else if (kind === 'question') questions = [...questions, line(entry, text)].slice(-MAX_QUESTIONS);
  }
  const listed = new Set([...decisions, ...blockers, ...questions].map((l) => l.seq));
  // The last few entries, but for those already listed above (never reaching further back).
  const latest = input.entries
    .slice(-MAX_LATEST)
    .filter((e) => e.seq > 0 && !listed.has(e.seq))
    .map((e) => line(e, plain(e.content)));
  const headSeq = input.entries.at(-1)?.seq ?? -1;
  const sections = { decisions, blockers, questions, latest };
  const render = () => renderSummary(input, headSeq, goal, sections);
  let text = render();
  // Dropped in this order on a tie in length: the first listed goes first.
  const order = ['decisions', 'latest', 'questions', 'blockers'] as const;
  while (text.length > SUMMARY_MAX_CHARS) {
    const longest = order.reduce((a, b) => (sections[b].length > sections[a].length ? b : a));
    if (sections[longest].length === 0) {
      text = clip(text, SUMMARY_MAX_CHARS);
      break;
    }
    sections[longest] = sections[longest].slice(1);
    text = render();
  }
  return {
    project: input.project,
    thread: input.thread,
    status: input.status,
    headSeq,
    goal,
    ...sections,
    text,
  };
}

function renderSummary(
  input: { project: string; thread: string; status: string },
  headSeq: number,
  goal: SummaryLine | null,
  sections: Record<'decisions' | 'blockers' | 'questions' | 'latest', SummaryLine[]>,
): string {
  const cite = (l: SummaryLine) => `${l.text} [${input.thread}#${l.seq}]`;
  const entries = headSeq + 1;
  const lines = [
    `${input.project}/${input.thread} · ${input.status} · ${entries} ${entries === 1 ? 'entry' : 'entries'}${headSeq >= 0 ? ` (summary current to #${headSeq})` : ''}`,
  ];
  if (goal) lines.push(`Goal: ${cite(goal)}`);
  const section = (title: string, items: SummaryLine[]) => {
    if (items.length === 0) return;
    lines.push(`${title}:`);
    for (const item of items) lines.push(`- ${cite(item)}`);
  };
  section('Blockers', sections.blockers);
  section('Decisions', sections.decisions);
  section('Open questions', sections.questions);
  section('Latest', sections.latest);
  return lines.join('\n');
}

// ---- the LLM's summary ------------------------------------------------------------------------

/** The entries an LLM summary is made from: entry 0, what the summary above cites, the last few. */
export function summarySources<E extends SummaryEntry>(entries: readonly E[], summary: ThreadSummary): E[] {
  const cited = new Set<number>([
    0,
    ...[summary.goal, ...summary.decisions, ...summary.blockers, ...summary.questions, ...summary.latest]
      .filter((l): l is SummaryLine => l !== null)
      .map((l) => l.seq),
  ]);
  for (const entry of entries.slice(-5)) cited.add(entry.seq);
  return entries.filter((e) => cited.has(e.seq));
}

export function buildSummaryPrompt(
  thread: { project: string; thread: string; status: string },
  sources: readonly Pick<EntrySource, 'seq' | 'author' | 'content'>[],
): { system: string; user: string } {
  const numbered = sources
    .map(
      (s, i) =>
        `[${i + 1}] ${thread.project}/${thread.thread}#${s.seq} (${s.author}):\n${clip(s.content, 600)}`,
    )
    .join('\n\n');
  return {
    system:
      "You summarize a developer team's thread of notes for someone who must pick up the work. Use only " +
      'the numbered entries. Write short lines: the goal, the decisions, what blocks the work, the open ' +
      `questions and where it stands now. Cite every line with its entry number in square brackets, like [2]. ` +
      `At most ${SUMMARY_MAX_CHARS - 300} characters.`,
    user: `Thread ${thread.project}/${thread.thread} (status: ${thread.status}).\n\nEntries:\n\n${numbered}\n\nSummarize the thread.`,
  };
}

/**
 * The LLM's summary with its citations checked as the Oracle checks them (citations to no entry
 * dropped) and turned into `thread#seq`, cut to SUMMARY_MAX_CHARS at a line; undefined when it
 * cites no entry at all (then the deterministic summary stands).
 */
export function checkSummary(
  answer: string,
  thread: string,
  sources: readonly Pick<SummaryEntry, 'seq'>[],
): string | undefined {
  const checked = checkCitations(answer, sources.length);
  if (checked.cited.length === 0) return undefined;
  const text = checked.answer.replace(
    /\[(\d+(?:\s*,\s*\d+)*)\]/g,
    (_all, list: string) =>
      `[${list
        .split(',')
        .map((n) => `${thread}#${sources[Number(n.trim()) - 1]!.seq}`)
        .join(', ')}]`,
  );
  if (text.length <= SUMMARY_MAX_CHARS) return text;
  const cut = text.slice(0, SUMMARY_MAX_CHARS);
  const end = cut.lastIndexOf('\n');
  return end > 0 ? cut.slice(0, end) : clip(text, SUMMARY_MAX_CHARS);
}
