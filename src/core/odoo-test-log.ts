import { parseOdooLogLine, type OdooLogRecord } from './odoo-log';
import { testIdOf, testRefFromLog, type OdooTestRef } from './odoo-test-id';
import { readTraceback, type TracebackFrame } from './python-traceback';

/** How one test ended. */
export type TestOutcome = 'passed' | 'failed' | 'errored' | 'skipped';

/** A method of a test class, as the log names it. */
export type RanTest = Required<Pick<OdooTestRef, 'module' | 'file' | 'className' | 'method'>>;

export interface TestResult {
  readonly id: string;
  readonly test: RanTest;
  readonly outcome: TestOutcome;
  /** From its `Starting` line to the next test's, or to the end of its phase; absent when it never started. */
  readonly durationMs?: number;
  /** Failed: the assertion's message; errored: the exception's; skipped: the reason, where the series logs it. */
  readonly message?: string;
  /** Failed or errored: the record's traceback, as logged. */
  readonly traceback?: readonly string[];
  /** Where it failed: the frame of the test method (else the last frame in a `tests` folder), a container path and a 1-based line. */
  readonly location?: TracebackFrame;
}

/** A class that failed (or was skipped) as a whole, in `setUpClass` or `tearDownClass`. */
export interface ClassProblem {
  readonly module: string;
  readonly file: string;
  readonly className: string;
  readonly phase: string;
  readonly outcome: 'errored' | 'skipped';
  readonly message?: string;
  readonly traceback?: readonly string[];
  readonly location?: TracebackFrame;
}

/** Odoo's count of a module's tests, logged only when one of them failed or errored. */
export interface ModuleTestCount {
  readonly module: string;
  readonly failed: number;
  readonly errors: number;
  /** Absent where the series does not log it. */
  readonly total?: number;
}

/** Odoo's own count at the end of a `--stop-after-init` run, per database; the threaded server logs it, the prefork one (`--workers` > 0) does not. */
export interface TestRunCount {
  readonly database: string;
  readonly failed: number;
  readonly errors: number;
  readonly total: number;
}

export type TestLogEvent =
  | { readonly kind: 'started'; readonly id: string; readonly test: RanTest }
  | { readonly kind: 'finished'; readonly result: TestResult }
  | { readonly kind: 'class'; readonly problem: ClassProblem }
  | { readonly kind: 'count'; readonly count: TestRunCount };

export interface TestLogSummary {
  /** One result per test id; a test that ran twice (at install and post install) keeps its worst outcome. */
  readonly results: readonly TestResult[];
  readonly classProblems: readonly ClassProblem[];
  readonly counts: readonly TestRunCount[];
  readonly moduleCounts: readonly ModuleTestCount[];
}

const starting = /^Starting (.+) \.\.\.\s*$/;
const problem = /^(FAIL|ERROR): (.+?)\s*$/;
const skipped = /^skipped (.+?)(?: : ([^]*?))?\s*$/;
const unexpected = /^unexpected success for (.+?)\s*$/;
const classLevel = /^(setUpClass|tearDownClass|setUpModule|tearDownModule) \(odoo\.addons\.(\w+)\.tests\.([\w.]+)\.(\w+)\)$/;
const subtest = /^Subtest (?:([\w.]+)\.)?(\w+)\.(\w+)\b/;
const count = /^(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database '(.*)'\s*$/;
const moduleCount = /^Module (\w+): (\d+) failures, (\d+) errors(?: of (\d+) tests)?\s*$/;
/** Loggers whose records end the test phase: the test that ran last has ended by then. */
const phaseEnd = /^odoo\.(service\.server|modules\.loading|tests\.(stats|result|runner))$/;
const severity: Record<TestOutcome, number> = { skipped: 0, passed: 1, failed: 2, errored: 3 };

interface Running {
  readonly id: string;
  readonly test: RanTest;
  readonly start: number;
  outcome?: TestOutcome;
  message?: string;
  traceback?: readonly string[];
  location?: TracebackFrame;
}

/**
 * Reads the log of an Odoo test run, line by line as it comes, into one result per test, the
 * way Odoo's test result logs them in every series from 14 to 19 (`odoo/tests/runner.py` up to
 * 16, `odoo/tests/result.py` from 17):
 *
 * - INFO `Starting <Class>.<method> ...` on the test module's own logger
 *   `odoo.addons.<module>.tests.<file>` starts a test; it ends where the next one starts, or
 *   at the next record of the phase's own loggers (`odoo.service.server`, `odoo.modules.loading`,
 *   `odoo.tests.*`). A test with no problem record by then passed.
 * - ERROR `FAIL: <Class>.<method>` (an assertion) or `ERROR: ...` (any other exception), with
 *   the traceback in the same record, after an INFO line of 70 `=`; a subtest's problem
 *   (`Subtest <Class>.<method> (i=1)`) counts for its method.
 * - INFO `skipped <Class>.<method>` (14 and 15), with ` : <reason>` (16 and later).
 * - `setUpClass (odoo.addons.<module>.tests.<file>.<Class>)` in a problem or skip record, on
 *   the logger of unittest's or Odoo's suite: the whole class failed or was skipped.
 * - `Module <m>: <F> failures, <E> errors of <T> tests` on `odoo.modules.loading`: a module's
 *   count, logged only when it has a failure or an error.
 * - `<F> failed, <E> error(s) of <T> tests when loading database '<db>'`: Odoo's count, logged
 *   by the threaded server only: a run with `--workers` > 0 ends without it (read in 19.0's
 *   `PreforkServer.run`, seen in a real 19.0 log).
 *
 * Records continue on the lines that do not start with a timestamp; colours are stripped, and so
 * are blanks before a record's timestamp (a log pasted or relayed with an indent).
 */
export class OdooTestLogReader {
  private pending: { record: OdooLogRecord; lines: string[] } | undefined;
  private running: Running | undefined;
  private readonly results = new Map<string, TestResult>();
  private readonly classProblems: ClassProblem[] = [];
  private readonly counts: TestRunCount[] = [];
  private readonly moduleCounts: ModuleTestCount[] = [];

  constructor(private readonly emit: (event: TestLogEvent) => void = () => undefined) {}

  /** One line of the run's log. */
  push(line: string): void {
    const record = parseOdooLogLine(line.trimStart());
    if (!record) {
      this.pending?.lines.push(line);
      return;
    }
    this.flush();
    // Only problem records carry lines after their first; the others are read at once, so
    // that a test shows as started while it runs.
    if (record.level === 'INFO' || record.level === 'DEBUG') {
      this.read(record, [line]);
    } else {
      this.pending = { record, lines: [line] };
    }
  }

  /** The run's log has ended: what ran last has ended with it. */
  end(): TestLogSummary {
    this.flush();
    this.finishRunning(undefined);
    return {
      results: [...this.results.values()],
      classProblems: [...this.classProblems],
      counts: [...this.counts],
      moduleCounts: [...this.moduleCounts],
    };
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      this.read(pending.record, pending.lines);
    }
  }

  private read(record: OdooLogRecord, lines: readonly string[]): void {
    const time = timeOf(record.time);
    const started = record.level === 'INFO' ? starting.exec(record.message) : null;
    if (started) {
      const test = testRefFromLog(record.logger, started[1]) as RanTest | undefined;
      if (test) {
        this.finishRunning(time);
        const id = testIdOf(test);
        this.running = { id, test, start: time };
        this.emit({ kind: 'started', id, test });
        return;
      }
    }
    const counted = count.exec(record.message);
    if (counted) {
      this.finishRunning(time);
      const result = { database: counted[4], failed: Number(counted[1]), errors: Number(counted[2]), total: Number(counted[3]) };
      this.counts.push(result);
      this.emit({ kind: 'count', count: result });
      return;
    }
    const moduleCounted = /^odoo\.modules\.(loading|module)$/.test(record.logger) ? moduleCount.exec(record.message) : null;
    if (moduleCounted) {
      const [, module, failures, errors, total] = moduleCounted;
      this.moduleCounts.push({ module, failed: Number(failures), errors: Number(errors), ...(total !== undefined ? { total: Number(total) } : {}) });
    }
    if (phaseEnd.test(record.logger)) {
      this.finishRunning(time);
      return;
    }
    const failed = record.level === 'ERROR' ? problem.exec(record.message) : null;
    if (failed) {
      this.problem(record, failed[1] === 'FAIL' ? 'failed' : 'errored', failed[2], lines.slice(1));
      return;
    }
    const notExpected = record.level === 'ERROR' ? unexpected.exec(record.message) : null;
    if (notExpected) {
      this.problem(record, 'failed', notExpected[1], [], 'unexpected success: the test is marked as an expected failure but passed');
      return;
    }
    const skip = record.level === 'INFO' ? skipped.exec(record.message) : null;
    if (skip) {
      const reason = [skip[2], ...lines.slice(1)].filter((part) => part !== undefined && part.trim() !== '').join('\n').trim();
      this.problem(record, 'skipped', skip[1], [], reason || undefined);
    }
  }

  /** A FAIL, ERROR or skip record: for the running test, a class as a whole, or a test that never started. */
  private problem(record: OdooLogRecord, outcome: TestOutcome, description: string, tracebackLines: readonly string[], text?: string): void {
    const traceback = trimEnd(tracebackLines);
    const read = traceback.length ? readTraceback(traceback) : undefined;
    const message = text ?? read?.exception;
    const whole = classLevel.exec(description);
    if (whole) {
      const [, phase, module, file, className] = whole;
      const frame = read && pickFrame(read.frames, phase, module);
      const found: ClassProblem = {
        module, file, className, phase,
        outcome: outcome === 'skipped' ? 'skipped' : 'errored',
        ...(message ? { message } : {}),
        ...(traceback.length ? { traceback } : {}),
        ...(frame ? { location: frame } : {}),
      };
      this.classProblems.push(found);
      this.emit({ kind: 'class', problem: found });
      return;
    }
    const sub = subtest.exec(description);
    const test = testRefFromLog(record.logger, sub ? `${sub[2]}.${sub[3]}` : description) as RanTest | undefined;
    if (!test) {
      return;
    }
    const id = testIdOf(test);
    const frame = read && pickFrame(read.frames, test.method, test.module);
    const details = {
      ...(message ? { message } : {}),
      ...(traceback.length ? { traceback } : {}),
      ...(frame ? { location: frame } : {}),
    };
    const running = this.running;
    if (running && running.id === id) {
      // The first problem of a test is what it is reported with; a later one (in tearDown) only makes an error of a failure.
      if (!running.outcome) {
        Object.assign(running, details);
        running.outcome = outcome;
      } else if (running.outcome === 'failed' && outcome === 'errored') {
        running.outcome = outcome;
      }
      return;
    }
    this.record({ id, test, outcome, ...details });
  }

  private finishRunning(time: number | undefined): void {
    const running = this.running;
    this.running = undefined;
    if (!running) {
      return;
    }
    const { id, test, start, outcome, message, traceback, location } = running;
    this.record({
      id,
      test,
      outcome: outcome ?? 'passed',
      ...(time !== undefined ? { durationMs: Math.max(0, time - start) } : {}),
      ...(message !== undefined ? { message } : {}),
      ...(traceback ? { traceback } : {}),
      ...(location ? { location } : {}),
    });
  }

  private record(result: TestResult): void {
    const earlier = this.results.get(result.id);
    // A class tagged both at_install and post_install runs twice: its worst run counts.
    const kept = earlier && severity[earlier.outcome] >= severity[result.outcome] ? earlier : result;
    const durationMs = earlier?.durationMs !== undefined || result.durationMs !== undefined
      ? (earlier?.durationMs ?? 0) + (result.durationMs ?? 0) : undefined;
    const merged = { ...kept, ...(durationMs !== undefined ? { durationMs } : {}) };
    this.results.set(result.id, merged);
    this.emit({ kind: 'finished', result: merged });
  }
}

/**
 * Whether the log shows tests that failed or errored: Odoo's end-of-run count where it logged
 * one (a threaded server does, per database), else the per-module counts and the per-test and
 * per-class records, because a run with `--workers` > 0 ends without that count.
 */
export function hasFailedTests(summary: TestLogSummary): boolean {
  if (summary.counts.length) {
    return summary.counts.some((count) => count.failed + count.errors > 0);
  }
  return summary.moduleCounts.some((count) => count.failed + count.errors > 0)
    || summary.results.some((result) => result.outcome === 'failed' || result.outcome === 'errored')
    || summary.classProblems.some((problem) => problem.outcome === 'errored');
}

/**
 * Whether a `--stop-after-init` run that exited with `exitCode` failed only because some of its
 * tests did: Odoo then exits with the number of databases whose tests failed (1 to 254), and
 * with 255 when loading raised; any other end is a failed run, whatever the log says of tests.
 */
export function failedByTests(summary: TestLogSummary, exitCode: number | null | undefined): boolean {
  return typeof exitCode === 'number' && exitCode > 0 && exitCode < 255 && hasFailedTests(summary);
}

/** Reads a whole log at once. */
export function readTestLog(lines: readonly string[]): TestLogSummary {
  const reader = new OdooTestLogReader();
  for (const line of lines) {
    reader.push(line);
  }
  return reader.end();
}

/**
 * The frame to point at: the test method's own in the module's tests (Odoo's runner picks it
 * too), else the last one in the module's tests, else the method's own in any `tests` folder,
 * else the last one. The module's own frames come first because the frames below a test often
 * run through other modules' tests with the same name: a `setUpClass` calls `super().setUpClass()`
 * of `account/tests/common.py`, whose frame is the last one named `setUpClass`.
 */
function pickFrame(frames: readonly TracebackFrame[], method: string, module: string): TracebackFrame | undefined {
  const isOwn = (frame: TracebackFrame) => frame.path.includes(`/${module}/tests/`);
  const last = (matches: (frame: TracebackFrame) => boolean) => [...frames].reverse().find(matches);
  return last((f) => f.function === method && isOwn(f))
    ?? last(isOwn)
    ?? last((f) => f.function === method && f.path.includes('/tests/'))
    ?? frames[frames.length - 1];
}

/** `YYYY-MM-DD HH:MM:SS,mmm` (UTC) in milliseconds since the epoch. */
function timeOf(stamp: string): number {
  const match = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3})$/.exec(stamp);
  if (!match) {
    return 0;
  }
  const [, y, mo, d, h, mi, s, ms] = match.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

function trimEnd(lines: readonly string[]): string[] {
  const kept = lines.map((line) => line.replace(/\s+$/, ''));
  while (kept.length && kept[kept.length - 1] === '') {
    kept.pop();
  }
  return kept;
}
