/**
 * A unified diff of one file's text, as `diff -u` and `git diff` print it, so that a change to a
 * user's file can be read before it is made. Lines are compared whole; a file that does not end
 * with a newline says so, as diff does.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string, context = 3): string {
  const old = linesOf(before ?? '');
  const now = linesOf(after);
  const ops = lineDiff(old, now);
  if (ops.every((op) => op.kind === ' ')) {
    return '';
  }
  const header = [`--- ${before === undefined ? '/dev/null' : `a/${path}`}`, `+++ b/${path}`];
  return [...header, ...hunks(ops, context)].join('\n') + '\n';
}

interface Op {
  readonly kind: ' ' | '-' | '+';
  readonly line: string;
}

/** The file's lines, each with its own end; the last one marked when the text does not end with one. */
function linesOf(text: string): string[] {
  if (text === '') {
    return [];
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  } else {
    lines[lines.length - 1] += '\n\\ No newline at end of file';
  }
  return lines;
}

/**
 * The shortest edit script by longest common subsequence, after trimming the common start and
 * end; users' compose and devcontainer files are small, so the quadratic table is cheap.
 */
function lineDiff(old: readonly string[], now: readonly string[]): Op[] {
  let start = 0;
  while (start < old.length && start < now.length && old[start] === now[start]) {
    start++;
  }
  let end = 0;
  while (end < old.length - start && end < now.length - start && old[old.length - 1 - end] === now[now.length - 1 - end]) {
    end++;
  }
  const a = old.slice(start, old.length - end);
  const b = now.slice(start, now.length - end);
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1] + 1 : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const ops: Op[] = old.slice(0, start).map((line) => ({ kind: ' ', line }));
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++] });
      j++;
    } else if (i < a.length && (j === b.length || table[(i + 1) * width + j] >= table[i * width + j + 1])) {
      // Removed lines before added ones, as diff prints them.
      ops.push({ kind: '-', line: a[i++] });
    } else {
      ops.push({ kind: '+', line: b[j++] });
    }
  }
  ops.push(...old.slice(old.length - end).map((line): Op => ({ kind: ' ', line })));
  return ops;
}

function hunks(ops: readonly Op[], context: number): string[] {
  const out: string[] = [];
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  let k = 0;
  while (k < changed.length) {
    const from = Math.max(0, changed[k] - context);
    let to = changed[k];
    while (k + 1 < changed.length && changed[k + 1] - to <= 2 * context) {
      to = changed[++k];
    }
    k++;
    const until = Math.min(ops.length, to + context + 1);
    let oldStart = 1;
    let newStart = 1;
    for (const op of ops.slice(0, from)) {
      if (op.kind !== '+') oldStart++;
      if (op.kind !== '-') newStart++;
    }
    const body = ops.slice(from, until);
    const oldCount = body.filter((op) => op.kind !== '+').length;
    const newCount = body.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    out.push(...body.map((op) => `${op.kind}${op.line}`));
  }
  return out;
}

/** `start,count` as diff writes it: an empty side starts one line earlier, a single line has no count. */
function range(start: number, count: number): string {
  if (count === 0) {
    return `${start - 1},0`;
  }
  return count === 1 ? `${start}` : `${start},${count}`;
}
