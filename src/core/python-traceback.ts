/** One frame of a Python traceback: `File "<path>", line <n>, in <function>`. */
export interface TracebackFrame {
  readonly path: string;
  /** 1-based, as Python counts. */
  readonly line: number;
  readonly function?: string;
}

export interface ReadTraceback {
  readonly frames: readonly TracebackFrame[];
  /** The exception as Python printed it after the last frame (`AssertionError: 2 != 3`), lines joined. */
  readonly exception?: string;
}

const frameLine = /^\s*File "(.+)", line (\d+)(?:, in (.+?))?\s*$/;

/**
 * Reads a traceback as Python's `traceback` module prints it: frames of the last traceback (a
 * chained exception prints the earlier ones first), each followed by its source line (and, from
 * Python 3.11, a line of `^` markers), both indented by four spaces; then the exception.
 */
export function readTraceback(lines: readonly string[]): ReadTraceback {
  let frames: TracebackFrame[] = [];
  let lastFrameAt = -1;
  lines.forEach((line, index) => {
    if (/^Traceback \(most recent call last\):/.test(line.trim())) {
      frames = [];
    }
    const match = frameLine.exec(line);
    if (match) {
      frames.push({ path: match[1], line: Number(match[2]), ...(match[3] ? { function: match[3] } : {}) });
      lastFrameAt = index;
    }
  });
  let at = lastFrameAt + 1;
  while (lastFrameAt >= 0 && at < lines.length && /^ {4}/.test(lines[at])) {
    at++;
  }
  const rest = lines.slice(lastFrameAt >= 0 ? at : 0).filter((line, index) => index > 0 || !/^Traceback \(most recent call last\):/.test(line.trim()));
  const exception = rest.join('\n').trim();
  return { frames, ...(exception ? { exception } : {}) };
}
