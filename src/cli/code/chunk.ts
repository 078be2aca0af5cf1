// A source file split by its syntax: functions, methods, classes and top-level declarations, each
// with its line range, name, signature and enclosing class or module; the lines between them as
// module chunks; a unit longer than MAX_CHUNK_LINES split at its inner statements. Files without a
// grammar (and config files) by line windows. The comments just above a definition belong to it.
import type { Node, ParseOptions } from 'web-tree-sitter';
import {
  languageOf,
  lineWindows,
  MAX_CHUNK_LINES,
  WINDOW_LINES,
  type ChunkKind,
  type CodeChunk,
  type Grammar,
} from '../../shared/code.js';
import { parserFor } from './parser.js';

type Chunk = Omit<CodeChunk, 'seq'>;

/** A file whose parse takes longer than this is cut by line windows instead: bounded time per file. */
const PARSE_BUDGET_MS = 3_000;

interface Rules {
  /** Definitions that are one chunk (split only when too long), by node type. */
  units: Record<string, ChunkKind>;
  /** Definitions whose members are chunks of their own (classes, impls, namespaces). */
  containers: Record<string, ChunkKind>;
  /** Nodes around a definition (`export`, decorators, templates): the definition is inside. */
  wrappers: Set<string>;
}

const JS_UNITS: Record<string, ChunkKind> = {
  function_declaration: 'function',
  generator_function_declaration: 'function',
  method_definition: 'method',
  lexical_declaration: 'variable',
  variable_declaration: 'variable',
};
const TS_UNITS: Record<string, ChunkKind> = {
  ...JS_UNITS,
  interface_declaration: 'type',
  type_alias_declaration: 'type',
  enum_declaration: 'type',
  abstract_method_signature: 'method',
  function_signature: 'function',
};
const JS_CONTAINERS: Record<string, ChunkKind> = { class_declaration: 'class', class: 'class' };
const TS_CONTAINERS: Record<string, ChunkKind> = {
  ...JS_CONTAINERS,
  abstract_class_declaration: 'class',
  internal_module: 'module',
  module: 'module',
};
const JS_WRAPPERS = new Set(['export_statement', 'ambient_declaration']);

const C_UNITS: Record<string, ChunkKind> = {
  function_definition: 'function',
  enum_specifier: 'type',
  type_definition: 'type',
  preproc_function_def: 'function',
  alias_declaration: 'type',
};

const RULES: Record<Grammar, Rules> = {
  typescript: { units: TS_UNITS, containers: TS_CONTAINERS, wrappers: JS_WRAPPERS },
  tsx: { units: TS_UNITS, containers: TS_CONTAINERS, wrappers: JS_WRAPPERS },
  javascript: { units: JS_UNITS, containers: JS_CONTAINERS, wrappers: JS_WRAPPERS },
  python: {
    units: { function_definition: 'function' },
    containers: { class_definition: 'class' },
    wrappers: new Set(['decorated_definition']),
  },
  go: {
    units: {
      function_declaration: 'function',
      method_declaration: 'method',
      type_declaration: 'type',
      const_declaration: 'variable',
      var_declaration: 'variable',
    },
    containers: {},
    wrappers: new Set(),
  },
  rust: {
    units: {
      function_item: 'function',
      function_signature_item: 'function',
      struct_item: 'type',
      enum_item: 'type',
      union_item: 'type',
      type_item: 'type',
      const_item: 'variable',
      static_item: 'variable',
      macro_definition: 'function',
    },
    containers: { impl_item: 'class', trait_item: 'class', mod_item: 'module' },
    wrappers: new Set(),
  },
  java: {
    units: {
      method_declaration: 'method',
      constructor_declaration: 'method',
      annotation_type_declaration: 'type',
    },
    containers: {
      class_declaration: 'class',
      interface_declaration: 'class',
      enum_declaration: 'class',
      record_declaration: 'class',
    },
    wrappers: new Set(),
  },
  cpp: {
    units: C_UNITS,
    containers: {
      class_specifier: 'class',
      struct_specifier: 'class',
      namespace_definition: 'module',
    },
    wrappers: new Set(['template_declaration', 'linkage_specification']),
  },
  'c-sharp': {
    units: {
      method_declaration: 'method',
      constructor_declaration: 'method',
      property_declaration: 'variable',
      enum_declaration: 'type',
      delegate_declaration: 'type',
    },
    containers: {
      class_declaration: 'class',
      struct_declaration: 'class',
      interface_declaration: 'class',
      record_declaration: 'class',
      namespace_declaration: 'module',
      file_scoped_namespace_declaration: 'module',
    },
    wrappers: new Set(),
  },
  ruby: {
    units: { method: 'method', singleton_method: 'method' },
    containers: { class: 'class', module: 'module' },
    wrappers: new Set(),
  },
  php: {
    units: { function_definition: 'function', method_declaration: 'method' },
    containers: {
      class_declaration: 'class',
      interface_declaration: 'class',
      trait_declaration: 'class',
      namespace_definition: 'module',
    },
    wrappers: new Set(),
  },
  bash: { units: { function_definition: 'function' }, containers: {}, wrappers: new Set() },
};

const COMMENT = /comment/;

const named = (node: Node): Node[] => node.namedChildren.filter((c): c is Node => c !== null);

/** A declarator's name (C/C++: `int *(*f)(void)`, `Foo::bar`), as written. */
function declaratorName(node: Node): string {
  let d: Node | null = node;
  for (let i = 0; d && i < 8; i++) {
    if (/identifier$|^operator_name$|^destructor_name$/.test(d.type)) return d.text;
    d = d.childForFieldName('declarator') ?? d.childForFieldName('name') ?? null;
  }
  return '';
}

/** A definition's name and, where the syntax says so, its container (a Go receiver, `Foo::bar`). */
function nameOf(node: Node, grammar: Grammar): { name: string; container?: string } {
  const field = node.childForFieldName('name');
  if (grammar === 'go' && node.type === 'method_declaration') {
    const receiver = node.childForFieldName('receiver')?.text ?? '';
    const type = /([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[[^\]]*\])?\s*\)\s*$/.exec(receiver)?.[1];
    return { name: field?.text ?? '', ...(type ? { container: type } : {}) };
  }
  if (grammar === 'go' && node.type === 'type_declaration') {
    const spec = named(node).find((c) => /type_spec|type_alias/.test(c.type));
    return { name: spec?.childForFieldName('name')?.text ?? '' };
  }
  if (grammar === 'go' && /const_declaration|var_declaration/.test(node.type)) {
    const spec = named(node).find((c) => /spec/.test(c.type));
    return { name: spec?.childForFieldName('name')?.text ?? '' };
  }
  if (grammar === 'rust' && node.type === 'impl_item') {
    const type = node.childForFieldName('type')?.text ?? '';
    const trait = node.childForFieldName('trait')?.text;
    return { name: trait ? `${type} (${trait})` : type };
  }
  if (node.type === 'lexical_declaration' || node.type === 'variable_declaration') {
    const declarator = named(node).find((c) => c.type === 'variable_declarator');
    return { name: declarator?.childForFieldName('name')?.text ?? '' };
  }
  if (grammar === 'cpp' && !field) {
    const full = declaratorName(node);
    const parts = full.split('::');
    return parts.length > 1 ? { name: parts.pop()!, container: parts.join('::') } : { name: full };
  }
  if (field) {
    if (grammar === 'cpp' && field.text.includes('::')) {
      const parts = field.text.split('::');
      return { name: parts.pop()!, container: parts.join('::') };
    }
    return { name: field.text };
  }
  return { name: '' };
}

/** The definition inside a wrapper (`export function …`, a decorated Python function). */
function unwrap(node: Node, rules: Rules): Node | undefined {
  let inner: Node | undefined = node;
  for (let i = 0; inner && rules.wrappers.has(inner.type) && i < 4; i++) {
    inner =
      inner.childForFieldName('declaration') ??
      inner.childForFieldName('definition') ??
      named(inner).find((c) => !COMMENT.test(c.type) && c.type !== 'decorator') ??
      undefined;
  }
  return inner;
}

const FUNCTION_VALUE = /arrow_function|function_expression|^function$|generator_function|^class$/;

/** JS: `res.send = function send(body) {…}` (how much of express is written) is a definition. */
function assignedFunction(node: Node): { name: string; container: string } | undefined {
  if (node.type !== 'expression_statement') return undefined;
  const assignment = named(node)[0];
  if (assignment?.type !== 'assignment_expression') return undefined;
  // `req.get = req.header = function header(name) {…}`: the name is the last one assigned.
  let inner = assignment;
  while (inner.childForFieldName('right')?.type === 'assignment_expression')
    inner = inner.childForFieldName('right')!;
  const right = inner.childForFieldName('right');
  const left = inner.childForFieldName('left')?.text ?? '';
  if (!right || !FUNCTION_VALUE.test(right.type) || left.length > 120) return undefined;
  const parts = left.replace(/\.prototype\./, '.').split('.');
  return { name: parts.pop()!, container: parts.join('.') };
}

/** Python: `MAX_RETRY = 5`, `TIMEOUT: int = 30` (a name, not `a.b = …` or `a, b = …`) is a definition. */
function pythonAssignment(node: Node): { name: string; container?: string } | undefined {
  if (node.type !== 'expression_statement') return undefined;
  const assignment = named(node)[0];
  if (assignment?.type !== 'assignment') return undefined;
  const left = assignment.childForFieldName('left');
  return left?.type === 'identifier' ? { name: left.text } : undefined;
}

/** `var x = require('x')`: an import, part of the module's lines rather than a definition. */
const isImport = (node: Node) =>
  /lexical_declaration|variable_declaration/.test(node.type) &&
  /^\s*(const|let|var)\s+[^=]+=\s*require\(/.test(node.text);

/** A JS/TS `const f = () => …` is a function. */
function variableKind(node: Node): ChunkKind {
  const declarator = named(node).find((c) => c.type === 'variable_declarator');
  const value = declarator?.childForFieldName('value')?.type ?? '';
  return FUNCTION_VALUE.test(value) ? 'function' : 'variable';
}

export class Chunker {
  private readonly lines: string[];
  private readonly chunks: Chunk[] = [];

  constructor(
    text: string,
    private readonly grammar: Grammar,
    private readonly rules: Rules,
  ) {
    this.lines = text.split('\n');
  }

  /** The chunks of a parsed file. */
  run(root: Node): Chunk[] {
    this.segment(named(root), 1, this.lines.length, '', { kind: 'module', symbol: '', signature: '' });
    return this.chunks;
  }

  private slice(from: number, to: number) {
    return this.lines.slice(from - 1, to).join('\n');
  }

  /** The text from a definition's start to its body: `export async function f(a: string): Promise<void>`. */
  private signature(outer: Node, inner: Node): string {
    const body = inner.childForFieldName('body');
    const end = body ? body.startIndex - outer.startIndex : Math.min(outer.text.indexOf('\n'), 300);
    const head = outer.text.slice(0, end < 0 ? 300 : end);
    // Leading comments and decorators are not the signature.
    const text = head
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\/\*|\*|#|@)/.test(line))
      .join(' ');
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
  }

  /**
   * The children of one scope (a file, a class body) between lines `from` and `to`: definitions
   * as chunks, the lines between them as `gap` chunks (the module's, or the class's header and fields).
   */
  private segment(
    children: Node[],
    from: number,
    to: number,
    container: string,
    gap: { kind: ChunkKind; symbol: string; signature: string },
  ): void {
    let cursor = from;
    for (let i = 0; i < children.length; i++) {
      const outer = children[i]!;
      const inner = unwrap(outer, this.rules);
      if (!inner || isImport(inner)) continue;
      const assigned =
        this.grammar === 'javascript' || this.grammar === 'typescript' ? assignedFunction(inner) : undefined;
      const constant = this.grammar === 'python' ? pythonAssignment(inner) : undefined;
      const unitKind = assigned ? 'function' : constant ? 'variable' : this.rules.units[inner.type];
      const containerKind = this.rules.containers[inner.type];
      if (!unitKind && !containerKind) continue;
      // Comments just above (at most one blank line between) belong to the definition.
      let start = outer.startPosition.row + 1;
      for (let j = i - 1; j >= 0; j--) {
        const previous = children[j]!;
        if (!COMMENT.test(previous.type) || previous.endPosition.row + 1 < start - 2) break;
        start = previous.startPosition.row + 1;
      }
      start = Math.max(start, cursor);
      const end = Math.min(outer.endPosition.row + 1, to);
      if (end < start) continue;
      this.gap(cursor, start - 1, container, gap);
      const { name, container: own } = assigned ?? constant ?? nameOf(inner, this.grammar);
      const where = own ?? container;
      const signature = this.signature(outer, inner);
      if (containerKind) {
        const body = inner.childForFieldName('body') ?? named(inner).at(-1);
        const members = body ? named(body) : [];
        const label = name || inner.type;
        const nested = where ? `${where}.${label}` : label;
        const hasMembers = members.some((m) => {
          const def = unwrap(m, this.rules);
          return def && (this.rules.units[def.type] || this.rules.containers[def.type]);
        });
        if (hasMembers) {
          this.segment(members, start, end, nested, { kind: containerKind, symbol: label, signature });
        } else {
          this.unit(start, end, { kind: containerKind, symbol: label, container: where, signature }, body);
        }
      } else {
        let kind = unitKind!;
        if (kind === 'variable' && /lexical_declaration|variable_declaration/.test(inner.type))
          kind = variableKind(inner);
        if (kind === 'function' && (where || own)) kind = 'method';
        this.unit(
          start,
          end,
          { kind, symbol: name, container: where, signature },
          inner.childForFieldName('body'),
        );
      }
      cursor = end + 1;
    }
    this.gap(cursor, to, container, gap);
  }

  /** Lines between definitions: kept when they hold a word, cut into windows. */
  private gap(
    from: number,
    to: number,
    container: string,
    meta: { kind: ChunkKind; symbol: string; signature: string },
  ): void {
    while (from <= to && this.lines[from - 1]!.trim() === '') from++;
    while (to >= from && this.lines[to - 1]!.trim() === '') to--;
    if (from > to || !/[\p{L}\p{N}]/u.test(this.slice(from, to))) return;
    const outer = container.includes('.') ? container.slice(0, container.lastIndexOf('.')) : '';
    for (const window of lineWindows(this.slice(1, this.lines.length), from, to)) {
      this.chunks.push({
        ...window,
        kind: meta.kind,
        symbol: meta.symbol,
        container: meta.symbol ? outer : container,
        signature: meta.signature,
      });
    }
  }

  /** One definition: a chunk, or, when too long, parts cut between its body's statements. */
  private unit(
    from: number,
    to: number,
    meta: { kind: ChunkKind; symbol: string; container: string; signature: string },
    body: Node | null | undefined,
  ): void {
    const push = (a: number, b: number) =>
      this.chunks.push({ ...meta, startLine: a, endLine: b, text: this.slice(a, b) });
    if (to - from + 1 <= MAX_CHUNK_LINES) {
      push(from, to);
      return;
    }
    // Cut points: the starts of the body's statements (inner boundaries), else line windows.
    const starts = (body ? named(body) : [])
      .map((s) => s.startPosition.row + 1)
      .filter((row) => row > from && row <= to);
    let partStart = from;
    let last = from;
    for (const row of [...starts, to + 1]) {
      if (row - partStart > MAX_CHUNK_LINES && last > partStart) {
        this.part(partStart, last - 1, push);
        partStart = last;
      }
      last = row;
    }
    this.part(partStart, to, push);
  }

  private part(from: number, to: number, push: (a: number, b: number) => void) {
    if (to - from + 1 <= MAX_CHUNK_LINES) push(from, to);
    else for (let a = from; a <= to; a += WINDOW_LINES) push(a, Math.min(to, a + WINDOW_LINES - 1));
  }
}

/** The chunks of one file, numbered; by syntax when vlt has its language's grammar. */
export async function chunkFile(
  path: string,
  text: string,
  options: { parseBudgetMs?: number } = {},
): Promise<CodeChunk[]> {
  const language = languageOf(path);
  let chunks: Chunk[];
  if (language?.grammar) {
    const parser = await parserFor(language.grammar);
    const deadline = Date.now() + (options.parseBudgetMs ?? PARSE_BUDGET_MS);
    // The runtime cancels the parse when the callback answers true (its typings say void).
    const tree = parser.parse(text, null, {
      progressCallback: (() => Date.now() > deadline) as unknown as ParseOptions['progressCallback'],
    });
    if (!tree) {
      parser.reset();
      chunks = lineWindows(text);
    } else {
      try {
        chunks = new Chunker(text, language.grammar, RULES[language.grammar]).run(tree.rootNode);
      } finally {
        tree.delete();
      }
    }
  } else chunks = lineWindows(text);
  return chunks.map((chunk, seq) => ({ seq, ...chunk }));
}
