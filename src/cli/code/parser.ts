// The tree-sitter runtime and its grammars (wasm shipped in npm packages, copied beside the bundle
// by scripts/build.mjs; nothing is downloaded). Loaded on first use only: `vlt code` and the
// Oracle's paths import this module, the push path never does.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Language as LanguageType, Parser as ParserType } from 'web-tree-sitter';
import { VltError } from '../../shared/errors.js';
import type { Grammar } from '../../shared/code.js';

interface WasmFiles {
  runtime: string;
  grammar: (name: Grammar) => string;
}

/** Beside the bundle (dist/cli/grammars), else the packages in node_modules (tests from source). */
function wasmFiles(): WasmFiles {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, 'grammars'), join(here, '..', 'grammars')]) {
    if (existsSync(join(dir, 'tree-sitter.wasm'))) {
      return {
        runtime: join(dir, 'tree-sitter.wasm'),
        grammar: (name) => join(dir, `tree-sitter-${name}.wasm`),
      };
    }
  }
  try {
    const require = createRequire(import.meta.url);
    const runtime = join(dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm');
    const grammars = join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
    return { runtime, grammar: (name) => join(grammars, `tree-sitter-${name}.wasm`) };
  } catch {
    throw new VltError('the code parser is missing from this installation (grammars/): reinstall vlt');
  }
}

let runtime:
  Promise<{ Parser: typeof ParserType; Language: typeof LanguageType; files: WasmFiles }> | undefined;
const parsers = new Map<Grammar, Promise<ParserType>>();

async function loadRuntime() {
  const files = wasmFiles();
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init({ locateFile: () => files.runtime });
  return { Parser, Language, files };
}

async function makeParser(grammar: Grammar): Promise<ParserType> {
  runtime ??= loadRuntime();
  const { Parser, Language, files } = await runtime;
  const parser = new Parser();
  parser.setLanguage(await Language.load(files.grammar(grammar)));
  return parser;
}

/** The parser of one grammar (each grammar's wasm is read once per process, on first use). */
export function parserFor(grammar: Grammar): Promise<ParserType> {
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = makeParser(grammar);
    parsers.set(grammar, parser);
  }
  return parser;
}
