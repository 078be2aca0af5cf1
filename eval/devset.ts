// The development set: real text nobody here wrote, the markdown documentation that ships in
// node_modules (express, body-parser, tRPC's guides, pg, superjson …), loaded as a user's threads
// (a package is a project, a document's section a thread, its paragraphs the entries), with
// questions asked in other words than the text. The questions were written and committed before
// any retrieval mechanism was tuned (see docs/retrieval.md); they are not to be edited to fit.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureEntry } from './fixture.js';

/** The documents, as paths under node_modules: the package (its project) is the path's package part. */
export const DEV_DOCUMENTS = [
  'express/Readme.md',
  'body-parser/README.md',
  'cookie/README.md',
  'debug/README.md',
  'superjson/README.md',
  'better-sqlite3/README.md',
  'pg/README.md',
  'pg-pool/README.md',
  '@electric-sql/pglite/README.md',
  'clipanion/README.md',
  'zod/README.md',
  'drizzle-orm/README.md',
  'send/README.md',
  'semver/README.md',
  'qs/README.md',
  'tinybench/README.md',
  'smol-toml/README.md',
  '@trpc/server/skills/auth/SKILL.md',
  '@trpc/server/skills/caching/SKILL.md',
  '@trpc/server/skills/error-handling/SKILL.md',
  '@trpc/server/skills/middlewares/SKILL.md',
  '@trpc/server/skills/non-json-content-types/SKILL.md',
  '@trpc/server/skills/server-side-calls/SKILL.md',
  '@trpc/server/skills/subscriptions/SKILL.md',
  '@trpc/server/skills/validators/SKILL.md',
  '@trpc/server/skills/adapter-express/SKILL.md',
  '@trpc/client/skills/links/SKILL.md',
  '@trpc/client/skills/client-setup/SKILL.md',
];

export function nodeModules(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(join(candidate, 'express'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('node_modules not found above eval/: run npm ci');
    dir = parent;
  }
}

const slug = (text: string, max = 60) =>
  text
    .toLowerCase()
    .replace(/[`*_[\]()#:.'",/\\<>{}!?=+@&|~^$;%]/g, ' ')
    .trim()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '') || 'section';

/** The package of a path under node_modules, as a project id: `@trpc/server/…` is `trpc-server`. */
function projectOf(path: string): string {
  const parts = path.split('/');
  return slug(parts[0]!.startsWith('@') ? `${parts[0]!.slice(1)}-${parts[1]}` : parts[0]!);
}

/** A block that carries no words a person would ask about: badges, link definitions, HTML, rules. */
function isNoise(block: string): boolean {
  const lines = block.split('\n').filter((l) => l.trim() !== '');
  return lines.every(
    (l) =>
      /^\s*(\[!\[|!\[|\[[^\]]+\]:\s|<\/?[a-z!][^>]*>\s*$|<!--|---+\s*$|\*\*\*+\s*$|={3,}\s*$|\|[\s:|-]+\|\s*$)/i.test(
        l,
      ) || /^\s*<[^>]+>\s*$/.test(l),
  );
}

/**
 * One document as entries: a level-1 or level-2 heading starts a thread (named from the document
 * and the heading), deeper headings lead the paragraph after them, a code block stays with the
 * paragraph before it.
 */
export function documentEntries(path: string, text: string): FixtureEntry[] {
  const project = projectOf(path);
  // tRPC's guides are several documents of one package: each guide's name leads its threads.
  const guide = /\/skills\/([^/]+)\//.exec(path)?.[1];
  const entries: FixtureEntry[] = [];
  let thread = slug(guide ? `${guide}-intro` : 'intro');
  let blocks: string[] = [];
  let pendingHeading = '';
  let paragraph: string[] = [];
  let fence: string | undefined;

  const flushParagraph = () => {
    const block = paragraph.join('\n').trim();
    paragraph = [];
    if (!block || isNoise(block)) return;
    const isCode = /^(```|~~~)/.test(block);
    if (isCode && blocks.length > 0 && !pendingHeading) blocks[blocks.length - 1] += `\n${block}`;
    else {
      blocks.push(pendingHeading ? `${pendingHeading}\n${block}` : block);
      pendingHeading = '';
    }
  };
  const flushThread = () => {
    flushParagraph();
    for (const content of blocks) {
      if (content.replace(/\s+/g, ' ').length >= 24) entries.push({ project, thread, content });
    }
    blocks = [];
    pendingHeading = '';
  };

  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (fence) {
      paragraph.push(line);
      if (line.trim().startsWith(fence)) {
        fence = undefined;
        flushParagraph();
      }
      continue;
    }
    const opening = /^\s*(```|~~~)/.exec(line);
    if (opening) {
      flushParagraph();
      fence = opening[1];
      paragraph.push(line);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      if (heading[1]!.length <= 2) {
        flushThread();
        thread = slug(guide ? `${guide}-${heading[2]}` : heading[2]!);
      } else {
        flushParagraph();
        pendingHeading = heading[2]!;
      }
      continue;
    }
    if (line.trim() === '') flushParagraph();
    else paragraph.push(line);
  }
  flushThread();
  return entries;
}

let cached: FixtureEntry[] | undefined;

/** Every document's entries, threads with the same name in one project merged, in a fixed order. */
export function devEntries(): FixtureEntry[] {
  if (cached) return cached;
  const root = nodeModules();
  const entries: FixtureEntry[] = [];
  for (const path of DEV_DOCUMENTS) {
    entries.push(...documentEntries(path, readFileSync(join(root, path), 'utf8')));
  }
  cached = entries;
  return entries;
}

export interface DevQuestion {
  question: string;
  /** Text the answering entry holds (compared with whitespace collapsed); with several, any entry holding one answers. */
  anchor: string | string[];
  /** What a correct answer holds: at least 60% of these words. */
  fact: string;
}

/**
 * Questions asked in other words than the documents, as a developer would ask them, each with
 * where the answer is and what it says. Written before any mechanism was tuned; not to be edited
 * to fit one.
 */
export const DEV_QUESTIONS: DevQuestion[] = [
  // body-parser
  {
    question: 'What is the largest payload the JSON parser accepts if I leave the settings alone?',
    anchor: 'Controls the maximum request body size',
    fact: "Defaults to '100kb'",
  },
  {
    question: 'Which status code comes back when a submitted form carries too many fields?',
    anchor: '`parameterLimit` for the `urlencoded` parser',
    fact: 'The status property is set to 413',
  },
  {
    question:
      'After upgrading, handlers crash because the parsed payload is missing instead of an empty object. What changed?',
    anchor: 'As of v2, `req.body` is left `undefined`',
    fact: 'req.body is left undefined when no body is parsed',
  },
  {
    question: 'Can this middleware take file uploads sent as multipart forms?',
    anchor: 'This does not handle multipart bodies',
    fact: 'This does not handle multipart bodies',
  },
  {
    question: 'How deeply nested can form fields get before the request is refused?',
    anchor: 'With the default `depth` of `32`',
    fact: 'With the default depth of 32, an input with 33 or more levels of nesting gets this error',
  },
  // cookie
  {
    question: 'If a cookie gets both an absolute end date and a lifetime in seconds, which of the two wins?',
    anchor: 'then `maxAge` takes precedence',
    fact: 'maxAge takes precedence',
  },
  {
    question: 'What happens to a cookie without an end date when the user quits the browser?',
    anchor: 'non-persistent cookie',
    fact: 'will delete it on a condition like exiting a web browser application',
  },
  {
    question: 'Why can my front-end script not read a cookie the server set?',
    anchor: 'compliant clients will not allow client-side JavaScript to see the cookie',
    fact: 'will not allow client-side JavaScript to see the cookie in document.cookie',
  },
  // debug
  {
    question: 'How do I turn on logging for every component except one noisy one?',
    anchor: 'You can also exclude specific debuggers by prefixing them with a "-" character',
    fact: 'exclude specific debuggers by prefixing them with a - character',
  },
  {
    question: 'Why are the log lines of a forked worker process printed without colours?',
    anchor: 'colors are not shown in child processes when `stderr` is piped',
    fact: 'pass the DEBUG_COLORS=1 environment variable to the child process',
  },
  {
    question: 'In the browser, where is the choice of which loggers are switched on remembered?',
    anchor: "Debug's enable state is currently persisted by `localStorage`",
    fact: 'enable state is persisted by localStorage',
  },
  {
    question: 'Can the diagnostic messages go to standard output instead of standard error?',
    anchor: 'By default `debug` will log to stderr, however this can be configured per-namespace',
    fact: 'configured per-namespace by overriding the log method',
  },
  {
    question: 'How can I see how much time passed between two logging calls?',
    anchor: 'will show you how much time was spent between calls',
    fact: 'the +NNNms will show you how much time was spent between calls',
  },
  {
    question: 'Why are my messages hidden from the Chrome developer console?',
    anchor: 'will—by default—only show messages logged by `debug` if the "Verbose" log level',
    fact: 'only show messages logged by debug if the Verbose log level is enabled',
  },
  // superjson
  {
    question: 'How do I teach the serializer about a third-party decimal number class?',
    anchor: 'SuperJSON.registerCustom<Decimal, string>',
    fact: 'SuperJSON.registerCustom',
  },
  {
    question: 'Is there a way to avoid copying a big object when turning the payload back into values?',
    anchor: '`inPlace: true` will be much more performant on large objects',
    fact: 'inPlace: true will be much more performant on large objects',
  },
  {
    question: "Why does Next.js's server-side data fetching fail on timestamp objects?",
    anchor: 'do not allow you to transmit Javascript objects like Dates',
    fact: 'It will error unless you convert Dates to strings',
  },
  // better-sqlite3
  {
    question: 'When should I pick a different database engine instead of this SQLite binding?',
    anchor: [
      'If you expect a high volume of concurrent writes',
      'there are some cases where `better-sqlite3` could be inappropriate',
      'you should probably use a full-fledged RDBMS',
    ],
    fact: 'high volume of concurrent writes',
  },
  {
    question: 'Which setting should I switch on for speed with this SQLite library?',
    anchor: ['set the WAL pragma for performance reasons', "db.pragma('journal_mode = WAL');"],
    fact: 'journal_mode = WAL',
  },
  {
    question: 'Why would a synchronous interface beat callbacks for talking to SQLite?',
    anchor: 'uses asynchronous APIs for tasks that are either CPU-bound or serialized',
    fact: 'asynchronous APIs for tasks that are either CPU-bound or serialized',
  },
  // pg-pool
  {
    question: 'Can I hand the connection pool a single postgres:// connection string?',
    anchor: 'The Pool constructor does not support passing a Database URL',
    fact: 'does not support passing a Database URL as the parameter',
  },
  {
    question: 'Which event fires when an idle connection drops because the database restarted?',
    anchor: 'Emitted whenever an idle client in the pool encounters an error',
    fact: 'Emitted whenever an idle client in the pool encounters an error',
  },
  {
    question: 'Should I make a new pool for every incoming request?',
    anchor: 'The pool should be a **long-lived object**',
    fact: 'instantiate one pool when your app starts up',
  },
  {
    question: 'How do I close all database connections at shutdown without waiting for the idle timer?',
    anchor: "If you don't want to wait for the timeout you can end the pool",
    fact: 'await pool.end()',
  },
  {
    question: 'How do app servers start using newly added read replicas without being restarted?',
    anchor: [
      'The maxUses config option can help an application instance rebalance load',
      'Without setting `maxUses`, the new replicas will not be adopted',
      'This is where the `maxUses` configuration option comes into play',
    ],
    fact: 'maxUses',
  },
  {
    question: 'Which shell variables set up the database connection without any code?',
    anchor: 'support some of the same environment variables as `psql`',
    fact: 'PGDATABASE PGUSER PGPASSWORD PGPORT',
  },
  // pglite
  {
    question: 'Can several clients connect at once to the Postgres that runs in WebAssembly?',
    anchor: 'PGlite is single user/connection',
    fact: 'PGlite is single user/connection',
  },
  {
    question: 'Why could Postgres not simply be compiled to WebAssembly as it is?',
    anchor: 'cannot fork new processes',
    fact: 'cannot fork new processes, and operates strictly in a single-process mode',
  },
  {
    question: 'Where does the in-browser database keep its data between page loads?',
    anchor: ['or to persist the database to indexedDB', 'or indexedDB (Browser)'],
    fact: 'indexedDB',
  },
  {
    question: 'What do I need installed to compile the WebAssembly module myself?',
    anchor: 'Docker is required to build the WASM module',
    fact: 'Docker is required to build the WASM module',
  },
  // clipanion
  {
    question: "How does a command decide the process's exit status?",
    anchor: 'Whatever exit code it returns will then be set as the exit code',
    fact: 'Whatever exit code it returns will then be set as the exit code for the process',
  },
  {
    question: 'Is there a tool that upgrades an old v2 command-line codebase automatically?',
    anchor: 'clipanion-v3-codemod',
    fact: 'clipanion-v3-codemod',
  },
  // zod
  {
    question: 'How can I validate input without wrapping the call in exception handling?',
    anchor: 'To avoid a `try/catch` block, you can use the `.safeParse()` method',
    fact: 'use the .safeParse() method to get back a plain result object',
  },
  {
    question: 'My schema runs an asynchronous check; which method do I have to call?',
    anchor: [
      "you'll need to use the `.parseAsync()` method instead",
      "you'll need to use the `.safeParseAsync()`",
    ],
    fact: 'parseAsync',
  },
  {
    question: 'How much quicker does ahead-of-time compilation make validation, typically?',
    anchor: 'the median speedup is **2.4x**',
    fact: 'the median speedup is 2.4x',
  },
  {
    question: 'Does schema compilation work where eval is forbidden by a content security policy?',
    anchor: 'Compilation uses `new Function`',
    fact: 'Global mode is automatically disabled when z.config({ jitless: true }) is set',
  },
  // send
  {
    question: 'How do I stop the file server from handing out hidden files such as .env?',
    anchor: ["`'deny'` Send a 403 for any request for a dotfile", 'Set how "dotfiles" are treated'],
    fact: 'deny Send a 403 for any request for a dotfile',
  },
  {
    question: 'Does the static file streamer keep files in memory to go faster?',
    anchor: 'It does _not_ perform internal caching',
    fact: 'does not perform internal caching, you should use a reverse proxy cache',
  },
  {
    question: 'How can addresses without .html still serve the page files?',
    anchor: "If a given file doesn't exist, try appending one of the given extensions",
    fact: "try appending one of the given extensions ['html', 'htm']",
  },
  // semver
  {
    question: 'Why does my version range not pick up a beta build of a newer major release?',
    anchor: [
      'it will only be allowed to satisfy comparator sets if at least one',
      'The version range only accepts prerelease tags on the `1.2.3` version',
      'prerelease versions frequently are updated very quickly',
    ],
    fact: 'same [major, minor, patch] tuple also has a prerelease tag',
  },
  {
    question: 'Which upgrades does a caret allow for a package still at 0.0.x?',
    anchor: 'Allows changes that do not modify the left-most non-zero element',
    fact: 'no updates for versions 0.0.X',
  },
  {
    question: 'Is there a forgiving way to pull a version number out of arbitrary text?',
    anchor: [
      'This aims to provide a very forgiving translation of a non-semver string',
      'Coerces a string to semver if possible',
    ],
    fact: 'coerce',
  },
  {
    question: 'How can a version be neither above, below, nor inside a range?',
    anchor: 'since ranges may be non-contiguous',
    fact: 'since ranges may be non-contiguous, a version might not be greater than a range, less than a range, or satisfy a range',
  },
  // qs
  {
    question: 'How many levels of nested brackets does the query string parser follow by default?',
    anchor: 'By default, when nesting objects **qs** will only parse up to 5 children deep',
    fact: 'only parse up to 5 children deep',
  },
  {
    question: 'Is it safe to check URL parameters with URLSearchParams and then read them with qs?',
    anchor: 'signing a query string with one parser and then consuming it with another is unsafe',
    fact: 'Parse the input once, with qs, and apply your checks to the resulting object',
  },
  {
    question:
      'How do I get an exception instead of silently dropped fields when a query has too many parameters?',
    anchor: 'set the `throwOnLimitExceeded` option to `true`',
    fact: 'throwOnLimitExceeded',
  },
  {
    question: "Why doesn't the query parser turn 'true' or '42' into real booleans and numbers?",
    anchor: 'By default, all values are parsed as strings',
    fact: 'By default, all values are parsed as strings',
  },
  // tinybench
  {
    question: 'Why did one of my timing tasks vanish when I added two with the same label?',
    anchor: 'the task name should always be unique in an instance',
    fact: 'stores the tasks based on their names in a Map',
  },
  {
    question: 'Does the micro-benchmark library print its findings on its own?',
    anchor: '`tinybench` does not log any result by default',
    fact: 'does not log any result by default',
  },
  // smol-toml
  {
    question: 'Can the config file parser read whole numbers above 2^53 exactly?',
    anchor: [
      "To parse integers beyond 53 bits, it's possible to tell the parser",
      'not able to parse integers beyond 53 bits',
      'if support of larger integers is needed',
    ],
    fact: 'integersAsBigInt',
  },
  {
    question: 'What happens when a TOML file holds an impossible calendar day like February 30?',
    anchor: 'It gracefully accepts certain invalid',
    fact: 'converting it to the 2nd (or 1st) of March',
  },
  {
    question: 'How can I make the TOML reader refuse documents with __proto__ style keys?',
    anchor: 'the library offers 3 modes to deal with these keys',
    fact: 'throw: reject documents with potentially unsafe properties',
  },
  // tRPC server
  {
    question:
      'Why is it risky to pass a login token in connection parameters for server-sent event subscriptions?',
    anchor: '`connectionParams` are serialized as URL query strings for SSE',
    fact: 'exposing tokens in server logs and browser history',
  },
  {
    question:
      'The loading flag never resets when I refresh the access token inside the headers callback. Why?',
    anchor: "React Query's `isFetching` can get stuck permanently",
    fact: 'isFetching can get stuck permanently in certain race conditions',
  },
  {
    question: 'Why should responses for signed-in users not get CDN caching headers?',
    anchor: 'a cached response containing personal data could be served to other users',
    fact: 'a cached response containing personal data could be served to other users',
  },
  {
    question:
      'The cache headers set in the response hook are ignored on the Next.js app directory. Is there a fix?',
    anchor: 'There is no code fix for this -- Next.js App Router overrides',
    fact: 'Use Next.js native caching mechanisms (revalidate, unstable_cache) instead',
  },
  {
    question: "How do I keep the original exception's stack trace when reporting a failure?",
    anchor: 'Pass the original error as `cause` to retain the stack trace',
    fact: 'Pass the original error as cause to retain the stack trace',
  },
  {
    question: 'What does the client get when a procedure throws an ordinary JavaScript Error?',
    anchor: 'client receives 500 INTERNAL_SERVER_ERROR',
    fact: 'client receives 500 INTERNAL_SERVER_ERROR',
  },
  {
    question: 'Why do file uploads fail when they go through the batching HTTP link?',
    anchor: 'FormData and binary inputs are not batchable',
    fact: 'use splitLink with isNonJsonSerializable() to route them through httpLink',
  },
  {
    question: 'Why can a read-only endpoint not receive a submitted form?',
    anchor: 'Using them with `.query()` throws an error because queries use HTTP GET',
    fact: 'queries use HTTP GET which cannot carry a request body',
  },
  {
    question:
      'The procedure never sees the uploaded form because Express already read the payload. What is wrong?',
    anchor: [
      'A global `express.json()` middleware consumes the request body before tRPC can read it',
      'If `express.json()` is applied globally before the tRPC middleware',
    ],
    fact: 'scope body parsing to non-tRPC routes only',
  },
  {
    question:
      'Is it a good idea to call another procedure through a server-side caller from inside a procedure?',
    anchor: 'Calling createCaller from within a procedure re-creates context',
    fact: 'extract shared logic into a plain function instead',
  },
  {
    question: 'Some live updates go missing between loading the backlog and starting to listen. Why?',
    anchor: 'If you fetch historical data before setting up the event listener',
    fact: 'events emitted between the fetch and listener setup are lost',
  },
  {
    question:
      'Why does the streaming client keep dropping and reconnecting although the server sends keep-alives?',
    anchor: 'If the server ping interval is >= the client reconnect timeout',
    fact: 'the client disconnects thinking the connection is dead before receiving a ping',
  },
  {
    question: 'Will observable-based subscriptions keep working in future versions?',
    anchor: 'Observable subscriptions are deprecated and will be removed in v12',
    fact: 'Observable subscriptions are deprecated and will be removed in v12',
  },
  {
    question: 'Which should I pick for pushing real-time updates, server-sent events or websockets?',
    anchor: [
      'SSE is recommended for most subscription use cases',
      'SSE (`httpSubscriptionLink`) is recommended',
    ],
    fact: 'SSE is recommended for most subscription use cases',
  },
  {
    question: 'What happens if a middleware forgets to hand control on to the next step?',
    anchor: 'Middleware must call `opts.next()` and return its result',
    fact: 'silently drops the request with an INTERNAL_SERVER_ERROR',
  },
  {
    question: 'How does the client resume a stream after reconnecting without missing items?',
    anchor: 'When using `tracked(id, data)`, the client automatically sends `lastEventId`',
    fact: 'the client automatically sends lastEventId on reconnection',
  },
  {
    question: 'Why does returning data that does not match the declared response shape give a server error?',
    anchor: 'If `.output()` validation fails, tRPC returns INTERNAL_SERVER_ERROR (500)',
    fact: 'returns INTERNAL_SERVER_ERROR (500), not BAD_REQUEST, because the server produced invalid data',
  },
  // tRPC client
  {
    question: 'Long AI-generated replies arrive cut off when streamed. What should I do?',
    anchor: 'buffered chunks can be lost on normal stream completion',
    fact: 'switch to httpBatchLink for those operations',
  },
  {
    question: 'Why did the browser bundle suddenly contain all of the backend code?',
    anchor: [
      'A non-type import pulls the entire server bundle into the client',
      'Importing the `appRouter` value (not just the type) bundles the entire server',
    ],
    fact: 'Use import type so it is erased at build time',
  },
  {
    question:
      'The client says the response is not valid JSON and starts with an angle bracket. Is the library broken?',
    anchor: 'the tRPC endpoint returned an HTML page (404/503) instead of JSON',
    fact: 'the url in your link config is wrong',
  },
  {
    question: 'Where does the data transformer option go in version 11 of the client?',
    anchor: [
      'In v11, the `transformer` option was moved from the client constructor',
      'In v11, the `transformer` option is on individual terminating links',
    ],
    fact: 'moved from the client constructor to individual terminating links',
  },
  {
    question: 'How do I avoid URL-too-long failures when many calls are combined into one request?',
    anchor: [
      'Both `maxURLLength` and `maxItems` default to `Infinity`',
      'Set `maxURLLength` to prevent 414 errors',
    ],
    fact: 'maxURLLength',
  },
];

/** Questions these documents do not answer, though their words are the documents' own: a correct Oracle says so. */
export const DEV_UNANSWERABLE = [
  'What is the largest cookie size browsers will accept?',
  'How do I rotate the secret used to sign the JWTs?',
  'Can tRPC expose a GraphQL schema next to its procedures?',
  'How do I plug Redis in as a cache store for the static file server?',
  'How do I track down a memory leak in the connection pool?',
  'Which Kubernetes liveness probe settings does PGlite recommend?',
  "How do I translate Zod's validation messages into French?",
  'Which HTTP/2 server push options does Express offer?',
  'How many times does the pool retry a failed connection before giving up?',
  'What license does the tinybench logo use?',
];
