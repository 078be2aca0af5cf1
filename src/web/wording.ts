// What the pages say, as pure functions (tested in wording.test.ts): relative times in the
// browser's language, server errors as sentences, example questions from the user's own threads.

/** `5 minutes ago`, `yesterday`, then the date, in `locale` (the browser's language by default). */
export function relativeTime(date: Date, now: number = Date.now(), locale?: string): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(seconds) < 45) return relative.format(0, 'second');
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return relative.format(hours, 'hour');
  const days = Math.round(hours / 24);
  if (Math.abs(days) < 30) return relative.format(days, 'day');
  return date.toLocaleDateString(locale, { dateStyle: 'medium' });
}

/**
 * What went wrong, as a sentence for the person at the page: the server's validation messages come
 * as `toProjectId: a project id is …`, and the field's name means nothing to them; a network
 * failure is the browser's `Failed to fetch`.
 */
export function userMessage(error: { message: string }): string {
  const message = error.message.trim();
  if (/failed to fetch|networkerror|load failed/i.test(message)) {
    return 'The server could not be reached. Check your connection, then try again.';
  }
  if (/^Unexpected token|is not valid JSON/i.test(message)) {
    return 'The server sent an answer this page cannot read (a proxy in the way?). Try again later.';
  }
  const sentences = message
    .split(/;\s+/)
    .map((part) => part.replace(/^[A-Za-z_][\w.]*:\s+/, ''))
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .map((part) => (/[.!?)]$/.test(part) ? part : `${part}.`));
  return [...new Set(sentences)].join(' ');
}

/** A thread's name as words: `auth-refactor` is "auth refactor". */
const words = (threadId: string): string => threadId.replace(/-/g, ' ');

/**
 * Up to four questions about the user's most recently active threads (given newest first), in the
 * words of their names; none when they have no thread: there is nothing to ask about yet.
 */
export function exampleQuestions(
  threads: { projectId: string; threadId: string; status: string }[],
): string[] {
  const questions: string[] = [];
  const seen = new Set<string>();
  for (const thread of threads) {
    const topic = words(thread.threadId);
    if (seen.has(topic)) continue;
    seen.add(topic);
    const n = questions.length;
    if (thread.status === 'blocked') questions.push(`What is blocking ${topic}?`);
    else if (n % 3 === 0) questions.push(`What did we decide about ${topic}?`);
    else if (n % 3 === 1) questions.push(`What was tried for ${topic}, and what failed?`);
    else questions.push(`Where does ${topic} in ${thread.projectId} stand?`);
    if (questions.length === 4) break;
  }
  return questions;
}

/** How an Oracle answer was made, in words: an extractive answer quotes, it is not written. */
export function answerModeText(mode: string, note: string | null | undefined): string {
  if (mode === 'llm') return 'Written by the language model from the sources below; check it against them.';
  if (mode === 'extractive-fallback') {
    return `Quoted, not written: the language model could not answer${note ? ` (${note})` : ''}, so this is the passages from your threads and notes that best match the question.`;
  }
  return `Quoted, not written: this server has no language model set up, so the answer is the passages from your threads and notes that best match the question${note ? ` (${note})` : ''}.`;
}

/**
 * An entry's markdown as one line of plain text, for the start of it shown in a list: code fences,
 * heading and list marks, emphasis and link targets left out.
 */
export function plainLine(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/^\s{0,3}(#{1,6}|[-*+]|\d+\.|>)\s+/gm, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|`)(.+?)\1/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A search snippet (one line cut from markdown, with `**match**` marks) without the markdown that
 * reads as noise on one line: code fence marks and heading hashes. Emphasis stays: its `**` are
 * the server's match marks.
 */
export function snippetText(snippet: string): string {
  return snippet
    .replace(/```[\w+-]*/g, ' ')
    .replace(/(^|\s)#{1,6}(?=\s)/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** A snippet without the server's `**match**` marks (a mark opens before a word, not before a space). */
export const unmarked = (snippet: string): string =>
  snippet.replace(/\*\*([^*\s](?:[^*]*?[^*\s])?)\*\*/g, '$1');
