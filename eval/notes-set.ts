// The notes set: real markdown nobody here wrote (READMEs shipped in node_modules that the dev set
// does not use), loaded as notes beside the dev set's threads, with questions asked in other words
// than the text: some answered by a note, some by a thread, some needing one of each. Written and
// committed before the ranking of notes with entries was measured or tuned; not to be edited to fit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_QUESTIONS, type DevQuestion } from './devset.js';

/** The notes, as paths under node_modules; each becomes a note at `docs/<path>`. */
export const NOTE_DOCUMENTS = [
  'dompurify/README.md',
  'ignore/README.md',
  'markdown-it/README.md',
  'linkify-it/README.md',
  'picomatch/README.md',
];

export interface NoteQuestion {
  question: string;
  /** Text a note chunk that answers holds (whitespace collapsed). */
  noteAnchor?: string;
  /** Text a thread entry that answers holds (a dev set entry). */
  entryAnchor?: string;
  fact: string;
}

export const NOTE_QUESTIONS: NoteQuestion[] = [
  // dompurify
  {
    question: 'Is it safe to edit the markup again once it has been cleaned?',
    noteAnchor: 'void the effects of sanitization',
    fact: 'modify it afterwards void the effects of sanitization',
  },
  {
    question: 'What does the sanitizer do in an old version of Internet Explorer?',
    noteAnchor: 'It simply returns exactly the string that you fed it',
    fact: 'does nothing at all returns exactly the string',
  },
  {
    question: 'What has to be available to clean HTML inside a Node.js backend?',
    noteAnchor: 'Running DOMPurify on the server requires a DOM to be present',
    fact: 'requires a DOM to be present jsdom',
  },
  {
    question: 'How do I stop passing the same options on every call?',
    noteAnchor: 'you can use the `DOMPurify.setConfig` method',
    fact: 'DOMPurify.setConfig',
  },
  {
    question: 'Whom do I contact after finding a way around the filter?',
    noteAnchor: 'please immediately contact us via',
    fact: 'contact us via email bug bounty',
  },
  {
    question: 'Can I find out which elements and attributes were thrown away?',
    noteAnchor: 'have a look at the property `DOMPurify.removed`',
    fact: 'DOMPurify.removed',
  },
  // ignore
  {
    question: 'Does the gitignore matcher walk folders or read the git configuration by itself?',
    noteAnchor: 'never try to find out ignore rules by traversing directories',
    fact: 'never try to find out ignore rules by traversing directories',
  },
  {
    question: 'Are patterns matched without regard to upper and lower case unless told otherwise?',
    noteAnchor: 'will be case insensitive if `options.ignorecase` is set to `true`',
    fact: 'case insensitive ignorecase true the default value',
  },
  {
    question: 'Where does the matcher behave differently from the real git check-ignore?',
    noteAnchor: 'A few divergences are deliberate or inherited',
    fact: 'divergences deliberate inherited JavaScript differs from C',
  },
  {
    question: 'How can an older project keep testing paths that start with ./ without an exception?',
    noteAnchor: 'If `options.allowRelativePaths` is `true`',
    fact: 'allowRelativePaths true will not check',
  },
  // both: a thread of the dev set and a note
  {
    question:
      'Which size limit does the JSON body parser apply by default, and is sanitized HTML safe to modify afterwards?',
    noteAnchor: 'void the effects of sanitization',
    entryAnchor: 'Controls the maximum request body size',
    fact: 'Defaults to 100kb void the effects of sanitization',
  },
  {
    question: 'Can the body parser take multipart uploads, and does the ignore module traverse directories?',
    noteAnchor: 'never try to find out ignore rules by traversing directories',
    entryAnchor: 'This does not handle multipart bodies',
    fact: 'does not handle multipart bodies never traversing directories',
  },
];

/** The thread questions asked again with the notes loaded: the dev set's, all of them. */
export const THREAD_QUESTIONS: DevQuestion[] = DEV_QUESTIONS;

export function noteDocuments(root: string): { path: string; text: string }[] {
  return NOTE_DOCUMENTS.map((path) => ({
    path: `docs/${path}`,
    text: readFileSync(join(root, path), 'utf8'),
  }));
}
