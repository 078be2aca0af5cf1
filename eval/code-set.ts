// The code set: questions about this repository's sources and express's (shipped in node_modules),
// asked in words other than the identifiers they are answered by, as a person who has not read the
// code would ask them. Written and committed before the code index's ranking was measured or tuned
// on them: do not tune word lists or weights to these questions; add new ones instead.
// A question is found when one of the five best sources is a code chunk of `path` that overlaps the
// definition of `symbol` there (or holds `line`, for code that is no named definition).

export interface CodeQuestion {
  /** Which indexed codebase: `vlt` (this repository) or `express` (node_modules/express/lib). */
  project: 'vlt' | 'express';
  question: string;
  path: string;
  /** `name` or `Container.name`, as `vlt code def` takes it. */
  symbol?: string;
  line?: number;
}

export const CODE_QUESTIONS: CodeQuestion[] = [
  // This repository.
  {
    project: 'vlt',
    question:
      'where does the background process that resends entries take its exclusive file so only one runs?',
    path: 'src/cli/sync/retrier.ts',
    symbol: 'takeRetrierLock',
  },
  {
    project: 'vlt',
    question: 'when can a recorded file hash be trusted without reading the file again?',
    path: 'src/cli/notes/folder.ts',
    symbol: 'statStillHolds',
  },
  {
    project: 'vlt',
    question: 'reduce a word to its porter root and remember the result',
    path: 'src/shared/search-query.ts',
    symbol: 'stemOf',
  },
  {
    project: 'vlt',
    question: 'how are time-ordered unique identifiers for entries generated?',
    path: 'src/shared/uuidv7.ts',
    symbol: 'uuidv7',
  },
  {
    project: 'vlt',
    question: 'how is an answer assembled from sentences of the best sources without a language model?',
    path: 'src/shared/oracle.ts',
    symbol: 'composeExtractive',
  },
  {
    project: 'vlt',
    question: 'remove bracketed source numbers that point past the end of the list of sources',
    path: 'src/shared/oracle.ts',
    symbol: 'checkCitations',
  },
  {
    project: 'vlt',
    question: 'score a candidate over several fields with length normalisation and its best passage',
    path: 'src/shared/retrieval.ts',
    symbol: 'bm25f',
  },
  {
    project: 'vlt',
    question: 'walk a directory honouring gitignore files without following symbolic links',
    path: 'src/cli/notes/folder.ts',
    symbol: 'walkFolder',
  },
  {
    project: 'vlt',
    question: 'limit how many times someone may try a password before being refused',
    path: 'src/server/services/rate-limit.ts',
    symbol: 'AttemptLimiter',
  },
  {
    project: 'vlt',
    question: 'statements that create the full text table, its vocabulary table and its ranking weights',
    path: 'src/shared/fts5.ts',
    symbol: 'createIndex',
  },
  {
    project: 'vlt',
    question: 'save the user settings file atomically with permissions only the owner can read',
    path: 'src/cli/settings.ts',
    symbol: 'writeUserConfig',
  },
  {
    project: 'vlt',
    question: 'apply database schema upgrades exactly once when many processes open it at the same moment',
    path: 'src/cli/vault/open.ts',
    symbol: 'migrate',
  },
  {
    project: 'vlt',
    question: 'turn typed words into a match expression needing every word, with an any-word fallback',
    path: 'src/shared/search-query.ts',
    symbol: 'buildFtsQuery',
  },
  {
    project: 'vlt',
    question: 'pick the window of words that weighs most and mark the matches in bold for a preview',
    path: 'src/shared/oracle.ts',
    symbol: 'makeSnippet',
  },
  {
    project: 'vlt',
    question: 'show how long ago something happened in human words like minutes or days ago',
    path: 'src/shared/format.ts',
    symbol: 'formatRelative',
  },
  {
    project: 'vlt',
    question: 'turn a display name into a lowercase id with dashes',
    path: 'src/shared/names.ts',
    symbol: 'slugify',
  },
  {
    project: 'vlt',
    question: 'tell the user the disk is full or the database file is damaged in one readable line',
    path: 'src/cli/vault/open.ts',
    symbol: 'storageError',
  },
  {
    project: 'vlt',
    question: 'split a thread reference written as project slash thread into its two parts',
    path: 'src/shared/names.ts',
    symbol: 'parseThreadRef',
  },
  // express (node_modules/express/lib).
  {
    project: 'express',
    question: 'set the numeric HTTP status of the reply and reject values outside the valid range',
    path: 'lib/response.js',
    symbol: 'res.status',
  },
  {
    project: 'express',
    question: 'send an object back serialized as JSON with the right content type',
    path: 'lib/response.js',
    symbol: 'res.json',
  },
  {
    project: 'express',
    question: 'wrap the payload in a callback function for cross-domain script loading',
    path: 'lib/response.js',
    symbol: 'res.jsonp',
  },
  {
    project: 'express',
    question: 'transfer a file from disk as the reply, with an absolute path check',
    path: 'lib/response.js',
    symbol: 'res.sendFile',
  },
  {
    project: 'express',
    question: 'send the browser to a different address',
    path: 'lib/response.js',
    symbol: 'res.redirect',
  },
  {
    project: 'express',
    question: 'remove a cookie from the client by expiring it',
    path: 'lib/response.js',
    symbol: 'res.clearCookie',
  },
  {
    project: 'express',
    question: 'make the browser save the response as a download with a given filename',
    path: 'lib/response.js',
    symbol: 'res.attachment',
  },
  {
    project: 'express',
    question: 'choose how to reply according to the media types the client asked for',
    path: 'lib/response.js',
    symbol: 'res.format',
  },
  {
    project: 'express',
    question: 'read the value of a request header regardless of its case, treating referrer specially',
    path: 'lib/request.js',
    symbol: 'req.header',
  },
  {
    project: 'express',
    question: 'parse the byte range header of a request for partial content',
    path: 'lib/request.js',
    symbol: 'req.range',
  },
  {
    project: 'express',
    question: "is the client's cached copy still valid according to etag and last modified?",
    path: 'lib/request.js',
    line: 469,
  },
  {
    project: 'express',
    question: 'the client address when the app sits behind trusted proxies',
    path: 'lib/request.js',
    line: 340,
  },
  {
    project: 'express',
    question: 'start an HTTP server listening on a port for the application',
    path: 'lib/application.js',
    symbol: 'app.listen',
  },
  {
    project: 'express',
    question: 'register a template engine for a file extension',
    path: 'lib/application.js',
    symbol: 'app.engine',
  },
  {
    project: 'express',
    question: 'find the template file on disk among the configured views directories',
    path: 'lib/view.js',
    symbol: 'View.lookup',
  },
  {
    project: 'express',
    question: 'turn the trust proxy setting into a function deciding which addresses are trusted',
    path: 'lib/utils.js',
    symbol: 'exports.compileTrust',
  },
  {
    project: 'express',
    question: 'mount middleware functions at a path on the application',
    path: 'lib/application.js',
    symbol: 'app.use',
  },
];
