// Realistic-looking engineering notes for benchmarks: deterministic, Zipf-distributed words.
import type { ServerDeps } from '../src/server/context.js';
import { uuidv7 } from '../src/shared/uuidv7.js';
const WORDS = `the a to of and in for on is with that we it this be as was at by not are from or have an but
all they which one you were her would there their what so up out if about who get go me when make can
like time no just him know take people into year your good some could them see other than then now look
only come its over think also back after use two how our work first well way even new want because any
these give day most us build test deploy cache token session server client request response error retry
queue worker job schedule database query index migration schema table column user account login password
api endpoint route handler middleware config setting flag feature release branch merge review commit
pipeline runner container image cluster node pod memory cpu latency throughput timeout backoff limit
log metric alert dashboard incident outage fix bug regression flaky benchmark profile refactor module
package dependency version upgrade library framework frontend backend mobile browser page component
state store event stream message topic partition offset consumer producer batch sync push pull conflict
storage bucket backup restore snapshot replica primary secondary failover region zone network dns
certificate tls proxy gateway load balancer cdn cost budget plan sprint ticket estimate deadline`
  .split(/\s+/)
  .filter(Boolean);

export function corpus(count: number, seed = 11): string[] {
  let state = seed;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const word = () => WORDS[Math.floor(WORDS.length * Math.pow(random(), 2.2))]!;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const sentences = 1 + Math.floor(random() * 3);
    const parts: string[] = [];
    for (let s = 0; s < sentences; s++) {
      const length = 6 + Math.floor(random() * 14);
      const words = Array.from({ length }, word);
      if (random() < 0.3) words.push(String(Math.floor(random() * 500)));
      parts.push(`${words.join(' ').replace(/^./, (c) => c.toUpperCase())}.`);
    }
    out.push(parts.join(' '));
  }
  return out;
}

/** The projects the growth rows spread their threads over. */
export const PROJECTS = ['web', 'infra', 'data', 'mobile'];
/** A word in one entry of every 20,000 of `texts`. */
export const RARE = 'zanzibar';
/** The growth rows' searches: a rare word, common ones, one alone, some in a project. */
export const SEARCHES: { query: string; projectId?: string }[] = [
  { query: RARE },
  { query: 'token cache' },
  { query: 'deploy' },
  { query: 'retry backoff timeout' },
  { query: 'migration schema', projectId: 'infra' },
  { query: 'release branch merge', projectId: 'web' },
];

/** The growth rows' entries: the corpus, with RARE in one entry of every 20,000. */
export function texts(size: number): string[] {
  const list = corpus(size);
  for (let i = 7; i < list.length; i += 20_000) list[i] += ` ${RARE}`;
  return list;
}

/**
 * `list` pushed for a user through the service (in process, no HTTP) as the growth rows spread it:
 * a thread per 500 entries (at least 10), the threads over PROJECTS, batches of 100.
 */
export async function pushInProcess(
  deps: ServerDeps,
  userId: string,
  list: string[],
  progress?: (pushed: number) => void,
): Promise<void> {
  const threads = Math.max(10, Math.round(list.length / 500));
  const per = Math.ceil(list.length / threads);
  for (let t = 0; t < threads; t++) {
    const slice = list.slice(t * per, (t + 1) * per);
    for (let from = 0; from < slice.length; from += 100) {
      await deps.threads.push(userId, {
        projectId: PROJECTS[t % PROJECTS.length]!,
        threadId: `thread-${t}`,
        status: 'active',
        createdAt: new Date(),
        entries: slice.slice(from, from + 100).map((content, i) => ({
          entryId: uuidv7(),
          sequenceId: from + i,
          content,
          author: 'bench',
          timestamp: new Date(),
        })),
      });
    }
    progress?.(Math.min(list.length, (t + 1) * per));
  }
}
