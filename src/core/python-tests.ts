import { scanPython, stringsBetween, type LogicalLine, type ScannedPython } from './python-source';

/** A test method of a test class: a method whose name starts with `test`, as unittest's loader takes them. */
export interface PythonTestMethod {
  readonly name: string;
  /** Zero-based line of its `def` (or of its first decorator's `@`, for the range). */
  readonly line: number;
  /** Zero-based line of its `def`. */
  readonly defLine: number;
  /** Zero-based last line of its body. */
  readonly endLine: number;
  /** The class that defines it: the class itself, or a class of the same file it inherits from. */
  readonly definedIn: string;
}

/** A test class of a test file, with what Odoo's loader and tag selector will see of it. */
export interface PythonTestClass {
  readonly name: string;
  /** Zero-based line of its `class` statement. */
  readonly line: number;
  readonly endLine: number;
  readonly bases: readonly string[];
  /** Its own test methods, then the ones it inherits from classes of the same file. */
  readonly methods: readonly PythonTestMethod[];
  /**
   * Its tags as Odoo computes them: `standard` and `at_install` by default, then each `@tagged`
   * of its in-file ancestors and its own, in order (a `-tag` removes one).
   */
  readonly tags: readonly string[];
}

interface ClassDef {
  readonly name: string;
  readonly line: number;
  endLine: number;
  readonly bases: string[];
  readonly tagged: string[][];
  readonly methods: PythonTestMethod[];
}

const classLine = /^class\s+([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*:/;
const defLine = /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/;
const decoratorName = /^@\s*([\w.]+)\s*(\()?/;
/** BaseCase's own tags in every series from 14 to 19. */
const defaultTags = ['standard', 'at_install'];

/**
 * Reads the test classes of a test file as Odoo's loader will load them: top-level classes that
 * have a base (a `TransactionCase`, an `HttpCase`, another test class, a common class of another
 * module) and at least one test method, own or inherited from a class of the same file. Classes
 * nested in others and mixins without a base are not loaded by Odoo, so they are left out.
 */
export function readPythonTestClasses(source: string): PythonTestClass[] {
  const scanned = scanPython(source);
  const classes = readClasses(scanned);
  const byName = new Map(classes.map((c) => [c.name, c]));
  const resolving = new Set<string>();

  const methodsOf = (definition: ClassDef): PythonTestMethod[] => {
    if (resolving.has(definition.name)) {
      return [];
    }
    resolving.add(definition.name);
    const own = new Map(definition.methods.map((m) => [m.name, m]));
    // Python's method resolution: the class's own first, then its bases left to right.
    for (const base of definition.bases) {
      const parent = byName.get(base);
      for (const inherited of parent ? methodsOf(parent) : []) {
        if (!own.has(inherited.name)) {
          own.set(inherited.name, inherited);
        }
      }
    }
    resolving.delete(definition.name);
    return [...own.values()];
  };

  const tagsOf = (definition: ClassDef, seen = new Set<string>()): Set<string> => {
    seen.add(definition.name);
    // `tagged` starts from the class's inherited `test_tags`: the first base that has them.
    const parent = definition.bases.map((b) => byName.get(b)).find((c) => c && !seen.has(c.name));
    const tags = parent ? tagsOf(parent, seen) : new Set(defaultTags);
    for (const call of definition.tagged) {
      const include = call.filter((t) => !t.startsWith('-'));
      const exclude = call.filter((t) => t.startsWith('-')).map((t) => t.slice(1));
      for (const tag of include) {
        tags.add(tag);
      }
      for (const tag of exclude) {
        tags.delete(tag);
      }
    }
    return tags;
  };

  return classes
    .filter((c) => c.bases.some((b) => b !== 'object'))
    .map((c) => ({ definition: c, methods: methodsOf(c) }))
    .filter(({ methods }) => methods.length > 0)
    .map(({ definition, methods }) => ({
      name: definition.name,
      line: definition.line,
      endLine: definition.endLine,
      bases: definition.bases,
      methods,
      tags: [...tagsOf(definition)],
    }));
}

function readClasses(scanned: ScannedPython): ClassDef[] {
  const classes: ClassDef[] = [];
  let current: ClassDef | undefined;
  let bodyIndent: number | undefined;
  let decorators: LogicalLine[] = [];
  let method: { name: string; line: number; defLine: number; endLine: number } | undefined;
  const closeMethod = () => {
    if (current && method) {
      current.methods.push({ ...method, definedIn: current.name });
    }
    method = undefined;
  };
  for (const line of scanned.lines) {
    const code = line.code.trim();
    if (line.indent === 0) {
      closeMethod();
      if (current) {
        current = undefined;
        bodyIndent = undefined;
      }
      if (code.startsWith('@')) {
        decorators.push(line);
        continue;
      }
      const match = classLine.exec(code);
      if (match) {
        current = {
          name: match[1],
          line: line.line,
          endLine: line.endLine,
          bases: splitBases(match[2] ?? ''),
          tagged: decorators.filter((d) => isTagged(d.code)).map((d) => stringsBetween(scanned, d.offset, d.endOffset)),
          methods: [],
        };
        classes.push(current);
      }
      decorators = [];
      continue;
    }
    if (!current) {
      continue;
    }
    current.endLine = line.endLine;
    bodyIndent ??= line.indent;
    if (line.indent > bodyIndent) {
      if (method) {
        method.endLine = line.endLine;
      }
      continue;
    }
    if (line.indent < bodyIndent) {
      // Bad indentation: Python would refuse the file; keep what was read so far.
      continue;
    }
    closeMethod();
    if (code.startsWith('@')) {
      decorators.push(line);
      continue;
    }
    const def = defLine.exec(code);
    if (def && def[1].startsWith('test')) {
      method = { name: def[1], line: decorators[0]?.line ?? line.line, defLine: line.line, endLine: line.endLine };
    }
    decorators = [];
  }
  closeMethod();
  return classes;
}

/** The base classes named in a class statement, by their last dotted name; keyword arguments left out. */
function splitBases(text: string): string[] {
  const bases: string[] = [];
  let depth = 0;
  let part = '';
  for (const c of `${text},`) {
    if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
    }
    if (c === ',' && depth === 0) {
      const name = part.trim();
      if (name && !name.includes('=')) {
        bases.push(name.replace(/\[.*$/, '').split('.').pop()!.trim());
      }
      part = '';
    } else {
      part += c;
    }
  }
  return bases;
}

function isTagged(code: string): boolean {
  const match = decoratorName.exec(code.trim());
  return !!match && match[1].split('.').pop() === 'tagged' && match[2] === '(';
}

/**
 * The test modules of a module's `tests` package: Odoo's loader takes the members of
 * `odoo.addons.<module>.tests` that are modules named `test*`, which are the submodules its
 * `__init__.py` imports (`from . import test_a, test_b`, or `from .test_a import X`).
 */
export function readTestModuleNames(initSource: string): string[] {
  const names: string[] = [];
  for (const line of scanPython(initSource).lines) {
    const code = line.code.trim();
    const fromDot = /^from\s+\.\s+import\s+\(?(.*?)\)?\s*$/.exec(code);
    const fromSub = /^from\s+\.([A-Za-z_]\w*)(?:\.[\w.]+)?\s+import\b/.exec(code);
    const imported = fromDot
      ? fromDot[1].split(',').map((part) => part.trim().split(/\s+as\s+/)[0].trim())
      : fromSub ? [fromSub[1]] : [];
    for (const name of imported) {
      if (/^test\w*$/.test(name) && !names.includes(name)) {
        names.push(name);
      }
    }
  }
  return names;
}
