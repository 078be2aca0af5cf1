// A deterministic fixture for the Oracle: threads of everyday engineering notes with planted
// facts, and questions asked in other words than the text, each with its judged answer.

export interface FixtureEntry {
  project: string;
  thread: string;
  content: string;
  /** Set on planted facts: the key questions refer to. */
  key?: string;
}

export interface FixtureQuestion {
  question: string;
  /** The planted entry that answers it. */
  key: string;
  /** What a correct answer contains. */
  fact: RegExp;
}

const PLANTED: (FixtureEntry & { key: string })[] = [
  {
    key: 'jwt-expiry',
    project: 'web',
    thread: 'auth-refactor',
    content: 'Decided: access tokens expire after 15 minutes and refresh tokens after 90 days.',
  },
  {
    key: 'token-storage',
    project: 'web',
    thread: 'auth-refactor',
    content:
      'Rejected storing tokens in localStorage because any XSS would leak them; they go in an httpOnly cookie.',
  },
  {
    key: 'ci-cache',
    project: 'infra',
    thread: 'ci-speed',
    content: 'The CI cache missed on every run because the lockfile hash included the build date.',
  },
  {
    key: 'ci-runner',
    project: 'infra',
    thread: 'ci-speed',
    content: 'Moved the test job to the 8-core runners, which cut the pipeline from 22 to 9 minutes.',
  },
  {
    key: 'db-choice',
    project: 'data',
    thread: 'analytics-store',
    content:
      'Chose ClickHouse for the analytics events over BigQuery because queries must stay under a second.',
  },
  {
    key: 'retention',
    project: 'data',
    thread: 'analytics-store',
    content: 'Raw events are kept for 13 months, then rolled up into daily aggregates.',
  },
  {
    key: 'flaky-test',
    project: 'web',
    thread: 'flaky-tests',
    content: 'The checkout test was flaky because it depended on the wall clock; we now inject a fake clock.',
  },
  {
    key: 'rate-limit',
    project: 'web',
    thread: 'api-limits',
    content: 'Public API rate limit set to 600 requests per minute per key, with bursts of 100.',
  },
  {
    key: 'pg-version',
    project: 'infra',
    thread: 'database-upgrade',
    content: 'Upgraded the main Postgres cluster from 13 to 16 during the Sunday maintenance window.',
  },
  {
    key: 'backup',
    project: 'infra',
    thread: 'database-upgrade',
    content: 'Nightly backups are written to the eu-west bucket and restore was tested in 40 minutes.',
  },
  {
    key: 'oncall',
    project: 'infra',
    thread: 'on-call',
    content: 'On-call rotation is weekly, handing over on Mondays at 10:00 Berlin time.',
  },
  {
    key: 'font',
    project: 'web',
    thread: 'design-system',
    content: 'The design system uses Inter for body text and JetBrains Mono for code samples.',
  },
  {
    key: 'dark-mode',
    project: 'web',
    thread: 'design-system',
    content: 'Dark mode follows the operating system setting unless the user picks one explicitly.',
  },
  {
    key: 'embedding-model',
    project: 'data',
    thread: 'search-quality',
    content: 'Tried sentence embeddings for search; recall dropped versus bm25 so we kept keyword search.',
  },
  {
    key: 'deploy-freeze',
    project: 'infra',
    thread: 'release-process',
    content: 'There is a deploy freeze from December 20 to January 3 every year.',
  },
  {
    key: 'feature-flags',
    project: 'web',
    thread: 'release-process',
    content: 'New features ship behind flags in LaunchDarkly and are removed two sprints after full rollout.',
  },
  {
    key: 'queue',
    project: 'data',
    thread: 'ingest-pipeline',
    content: 'Ingest uses Kafka with 12 partitions; consumers commit offsets only after the write succeeds.',
  },
  {
    key: 'pii',
    project: 'data',
    thread: 'ingest-pipeline',
    content: 'Email addresses are hashed with a per-tenant salt before they reach the warehouse.',
  },
  {
    key: 'mobile-min',
    project: 'mobile',
    thread: 'platform-support',
    content: 'The app supports iOS 16 and Android 10 as the oldest versions.',
  },
  {
    key: 'crash',
    project: 'mobile',
    thread: 'crash-triage',
    content: 'The startup crash on Pixel phones came from a null locale in the date formatter.',
  },
];

export const QUESTIONS: FixtureQuestion[] = [
  { key: 'jwt-expiry', question: 'How long are access tokens valid?', fact: /15 minutes/ },
  { key: 'token-storage', question: 'Why not keep tokens in local storage?', fact: /XSS/ },
  { key: 'ci-cache', question: 'What made the CI cache miss every time?', fact: /lockfile hash/ },
  { key: 'ci-runner', question: 'How did we make the pipeline faster?', fact: /8-core runners/ },
  { key: 'db-choice', question: 'Which database stores analytics events?', fact: /ClickHouse/ },
  { key: 'retention', question: 'How long do we keep raw events?', fact: /13 months/ },
  { key: 'flaky-test', question: 'What was wrong with the flaky checkout test?', fact: /clock/ },
  { key: 'rate-limit', question: 'What is the API rate limit per key?', fact: /600 requests/ },
  { key: 'pg-version', question: 'Which Postgres version runs the main cluster now?', fact: /16/ },
  { key: 'backup', question: 'Where are the nightly backups stored?', fact: /eu-west/ },
  { key: 'oncall', question: 'When does the on-call handover happen?', fact: /Monday/ },
  { key: 'font', question: 'Which typeface do we use for code samples?', fact: /JetBrains Mono/ },
  { key: 'dark-mode', question: 'How is dark mode chosen?', fact: /operating system/ },
  { key: 'embedding-model', question: 'Did embeddings improve search recall?', fact: /recall dropped|bm25/ },
  { key: 'deploy-freeze', question: 'When is the yearly deploy freeze?', fact: /December 20/ },
  { key: 'feature-flags', question: 'What tool do we use for feature flags?', fact: /LaunchDarkly/ },
  { key: 'queue', question: 'How many Kafka partitions does ingest use?', fact: /12 partitions/ },
  { key: 'pii', question: 'How are email addresses protected in the warehouse?', fact: /hashed/ },
  { key: 'mobile-min', question: 'What is the oldest iOS version we support?', fact: /iOS 16/ },
  { key: 'crash', question: 'What caused the startup crash on Pixel phones?', fact: /null locale/ },
  // Harder: (almost) no word in common with the entry but the meaning.
  { key: 'jwt-expiry', question: 'When does a login session stop working?', fact: /15 minutes/ },
  { key: 'ci-runner', question: 'What sped up our continuous integration?', fact: /8-core runners/ },
  { key: 'oncall', question: 'Who is on duty for incidents, and when does that change?', fact: /Monday/ },
  {
    key: 'deploy-freeze',
    question: 'Can we ship to production over the Christmas holidays?',
    fact: /December 20/,
  },
  { key: 'mobile-min', question: 'How old can a phone be and still run the app?', fact: /iOS 16|Android 10/ },
];

/** Questions the threads cannot answer: a correct Oracle says so. */
export const UNANSWERABLE = [
  'Which Kubernetes version runs production?',
  'Who designed the company logo?',
  'What is the office wifi password?',
];

const FILLER_SUBJECTS = [
  'the build',
  'the login page',
  'the cache layer',
  'the deploy script',
  'the API gateway',
  'the test suite',
  'the worker pool',
  'the search index',
  'the billing job',
  'the mobile release',
];
const FILLER_EVENTS = [
  'was reviewed in standup',
  'needs a follow-up ticket',
  'looked fine after the change',
  'got a small refactor',
  'has a TODO left in it',
  'was discussed with the team',
  'is waiting for review',
  'was paired on this afternoon',
];
const FILLER_TAILS = [
  'No decision yet.',
  'Will revisit next week.',
  'Nothing blocking.',
  'See the PR for details.',
  'Tokens of appreciation to everyone.',
  'Numbers look normal.',
];

/** All entries, planted facts spread among filler, in a fixed order. */
export function fixtureEntries(): FixtureEntry[] {
  let state = 7;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const threads = [...new Set(PLANTED.map((p) => `${p.project}/${p.thread}`))];
  const entries: FixtureEntry[] = [];
  for (const name of threads) {
    const [project, thread] = name.split('/') as [string, string];
    const planted = PLANTED.filter((p) => p.project === project && p.thread === thread);
    for (let i = 0; i < 12; i++) {
      entries.push({
        project,
        thread,
        content: `${pick(FILLER_SUBJECTS)} ${pick(FILLER_EVENTS)}. ${pick(FILLER_TAILS)}`,
      });
      if (i % 5 === 2 && planted.length > 0) entries.push(planted.shift()!);
    }
    entries.push(...planted);
  }
  return entries;
}
