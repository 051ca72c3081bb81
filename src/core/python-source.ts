/**
 * Just enough of Python's lexical structure to find classes, functions and their decorators in
 * a test file without running it: strings and comments are blanked out (so that a `def test_`
 * in a docstring is no definition), and physical lines are joined into logical lines where
 * brackets stay open or a backslash continues them, as Python's tokenizer does.
 */

/** A string literal of the source, decoded as far as tags and reasons need. */
export interface PythonString {
  /** Offset of the literal's first character (its prefix or opening quote). */
  readonly offset: number;
  readonly value: string;
}

/** One logical line: its first physical line, its indentation and its text, strings blanked. */
export interface LogicalLine {
  /** Zero-based number of the first physical line. */
  readonly line: number;
  /** Zero-based number of the last physical line. */
  readonly endLine: number;
  /** Columns of indentation of the first physical line (a tab counts as one, as Python allows no mixing anyway). */
  readonly indent: number;
  /** Offset of the first character after the indentation. */
  readonly offset: number;
  /** Offset just past the last physical line's text. */
  readonly endOffset: number;
  /** The text with string contents and comments blanked and continuation lines joined by a space. */
  readonly code: string;
}

export interface ScannedPython {
  readonly lines: readonly LogicalLine[];
  readonly strings: readonly PythonString[];
}

const stringStart = /^([rRbBuUfF]{0,2})('''|"""|'|")/;

/** Splits a Python source into logical lines, with its string literals apart. */
export function scanPython(source: string): ScannedPython {
  const strings: PythonString[] = [];
  const blanked: string[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    if (char === '#') {
      const end = source.indexOf('\n', index);
      const stop = end < 0 ? source.length : end;
      blanked.push(' '.repeat(stop - index));
      index = stop;
      continue;
    }
    const previous = index > 0 ? source[index - 1] : '';
    const literal = /[\w]/.test(previous) ? undefined : stringStart.exec(source.slice(index, index + 5));
    if (literal) {
      const [whole, prefix, quote] = literal;
      const raw = /r/i.test(prefix);
      let at = index + whole.length;
      let value = '';
      while (at < source.length && !source.startsWith(quote, at)) {
        const c = source[at];
        if (c === '\\' && at + 1 < source.length) {
          const next = source[at + 1];
          value += raw ? c + next : escaped(next);
          at += 2;
          continue;
        }
        if (c === '\n' && quote.length === 1) {
          // An unclosed one-line string: Python would refuse it; end it here.
          break;
        }
        value += c;
        at++;
      }
      const end = Math.min(source.length, source.startsWith(quote, at) ? at + quote.length : at);
      strings.push({ offset: index, value });
      // Keep the quotes so that the code still reads as an expression; keep line breaks so that lines still count.
      const body = source.slice(index, end).replace(/[^\n]/g, ' ');
      blanked.push(`${quote[0]}${body.slice(1, -1)}${quote[0]}`);
      index = end;
      continue;
    }
    blanked.push(char);
    index++;
  }
  return { lines: logicalLines(blanked.join('')), strings };
}

function escaped(next: string): string {
  switch (next) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case '\n':
      return '';
    default:
      return next;
  }
}

function logicalLines(code: string): LogicalLine[] {
  const physical = code.split('\n');
  const lines: LogicalLine[] = [];
  let offset = 0;
  let start: { line: number; indent: number; offset: number; parts: string[] } | undefined;
  let depth = 0;
  physical.forEach((text, line) => {
    const lineOffset = offset;
    offset += text.length + 1;
    const body = text.replace(/\r$/, '');
    if (!start) {
      if (!body.trim()) {
        return;
      }
      const indent = body.length - body.trimStart().length;
      start = { line, indent, offset: lineOffset + indent, parts: [] };
    }
    const continued = /\\\s*$/.test(body);
    const part = continued ? body.replace(/\\\s*$/, '') : body;
    start.parts.push(part.trim());
    for (const c of part) {
      if (c === '(' || c === '[' || c === '{') {
        depth++;
      } else if ((c === ')' || c === ']' || c === '}') && depth > 0) {
        depth--;
      }
    }
    if (!continued && depth === 0) {
      lines.push({ line: start.line, endLine: line, indent: start.indent, offset: start.offset, endOffset: lineOffset + text.length, code: start.parts.join(' ') });
      start = undefined;
    }
  });
  if (start) {
    lines.push({ line: start.line, endLine: physical.length - 1, indent: start.indent, offset: start.offset, endOffset: code.length, code: start.parts.join(' ') });
  }
  return lines;
}

/** The string literals between two offsets of the source, in order. */
export function stringsBetween(scanned: ScannedPython, from: number, to: number): string[] {
  return scanned.strings.filter((s) => s.offset >= from && s.offset < to).map((s) => s.value);
}
