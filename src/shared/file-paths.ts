// The rules of a synced file's path and text, shared by notes and code (and light: the sync's
// answer checks load them on the push path): a relative `/`-separated path that cannot climb out
// of its folder, and text that is UTF-8 without NUL bytes.

/** A synced file's path (relative, `/`-separated) is at most this many characters. */
export const MAX_PATH_CHARS = 512;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What is wrong with the path of a `noun` (`a note path`), or undefined: relative, `/`-separated,
 * no `.` or `..` segment, no empty segment, no control character, no backslash.
 */
export function relativePathProblem(path: string, noun: string): string | undefined {
  if (path.length === 0) return `${noun} is empty`;
  if (path.length > MAX_PATH_CHARS) return `${noun} is at most ${MAX_PATH_CHARS} characters`;
  if (path.includes('\u0000')) return `${noun} holds a NUL character`;
  if (CONTROL.test(path)) return `${noun} holds a control character`;
  if (LONE_SURROGATE.test(path)) return `${noun} is not valid Unicode`;
  if (path.includes('\\')) return `${noun} uses '/' between folders, not '\\'`;
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return `${noun} is relative, not absolute`;
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return `${noun} has no '..' segment`;
  if (segments.some((s) => s === '.' || s === '')) return `${noun} has no empty or '.' segment`;
  return undefined;
}

/**
 * What is wrong with a file's text, or undefined (the byte limit is checked apart): a NUL is a
 * binary file, a lone surrogate is text that was not UTF-8; `what` names the file (`markdown`).
 */
export function textProblem(text: string, what: string): string | undefined {
  if (text.includes('\u0000')) return `it holds NUL bytes (a binary file, not ${what})`;
  if (LONE_SURROGATE.test(text)) return 'it is not valid UTF-8 text';
  return undefined;
}
