// How both command lines (vlt and vlt-server) show an option that takes a value: `--project
// <project>`, not clipanion's `--project #0`.
export const namedPlaceholders = (text: string): string => text.replace(/(--([a-z][a-z-]*)) #0/g, '$1 <$2>');
