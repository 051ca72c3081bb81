import { parseOdooLogLine } from './odoo-log';

/** What a run that ended by itself says about itself in its log. */
export interface RunReport {
  /** Odoo's end-of-run test summaries, added up over its databases; absent when no tests ran. */
  readonly tests?: { readonly failed: number; readonly errors: number; readonly total: number };
  /** The first ERROR or CRITICAL record of the run, with its traceback lines. */
  readonly firstError?: readonly string[];
}

const testSummary = /^(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database/;

/**
 * Reads the log lines of one run (its PID's records, and the lines that continue them: a record
 * ends where the next timestamped line starts) for its test summary and its first error.
 */
export function readRunReport(lines: readonly string[], pid: number): RunReport {
  let tests: { failed: number; errors: number; total: number } | undefined;
  let firstError: string[] | undefined;
  let inFirstError = false;
  let ours = false;
  for (const line of lines) {
    const record = parseOdooLogLine(line);
    if (!record) {
      if (ours && inFirstError && firstError) {
        firstError.push(line);
      }
      continue;
    }
    ours = record.pid === pid;
    inFirstError = false;
    if (!ours) {
      continue;
    }
    const summary = testSummary.exec(record.message);
    if (summary) {
      tests = {
        failed: (tests?.failed ?? 0) + Number(summary[1]),
        errors: (tests?.errors ?? 0) + Number(summary[2]),
        total: (tests?.total ?? 0) + Number(summary[3]),
      };
    } else if (!firstError && (record.level === 'ERROR' || record.level === 'CRITICAL')) {
      firstError = [line];
      inFirstError = true;
    }
  }
  return { ...(tests ? { tests } : {}), ...(firstError ? { firstError: trimEnd(firstError) } : {}) };
}

function trimEnd(lines: string[]): string[] {
  const kept = [...lines];
  while (kept.length > 1 && kept[kept.length - 1].trim() === '') {
    kept.pop();
  }
  return kept;
}
