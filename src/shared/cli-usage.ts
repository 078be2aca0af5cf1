// How both command lines (vlt and vlt-server) show an option that takes a value: `--project
// <project>`, not clipanion's `--project #0`.
export const namedPlaceholders = (text: string): string => text.replace(/(--([a-z][a-z-]*)) #0/g, '$1 <$2>');

/**
 * Clipanion reads `--expires-days -3` as an option with no value followed by an option `-3`. When
 * parsing failed that way, the same words with `--expires-days=-3`, so that the command says what
 * it says of any bad value; undefined when the failure was another.
 */
export function negativeValues(args: readonly string[], message: string): string[] | undefined {
  const option = /^Not enough arguments to option (--[a-z][a-z-]*)/.exec(message)?.[1];
  if (option === undefined) return undefined;
  const at = args.findIndex((arg, i) => arg === option && /^-\d/.test(args[i + 1] ?? ''));
  if (at < 0) return undefined;
  return [...args.slice(0, at), `${option}=${args[at + 1]}`, ...args.slice(at + 2)];
}
