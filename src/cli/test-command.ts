import * as path from 'node:path';
import { OdooDevError } from '../core/errors';
import { moduleFileOf } from '../core/module-file';
import type { ClassProblem, TestLogEvent, TestLogSummary, TestResult } from '../core/odoo-test-log';
import { parseTestTarget, type TestTarget } from '../core/test-selection';
import type { OdooEngine, EngineProgress } from '../engine/odoo-engine';
import { runOdooTests } from '../engine/odoo-test-run';
import type { CliOptions } from './cli-options';
import { classTags, findFolderModules, hasTests } from './folder-modules';

/** How long a test run may take unless --ready-timeout says. */
export const defaultTestTimeoutMs = 3_600_000;

/**
 * `odoo-dev test [MODULE[:Class[.method]]...]`: the tests run once beside the server; a table of
 * the results on stdout (or JSON lines with --json), progress and each test as it ends on
 * stderr. Exits 0 only when every test that ran passed or was skipped, and at least one ran.
 */
export async function testCommand(engine: OdooEngine, options: CliOptions, progress: (p: EngineProgress) => void): Promise<number> {
  const modules = findFolderModules(process.cwd());
  const targets = targetsOf(options.testTargets ?? [], modules);
  const onEvent = (event: TestLogEvent) => {
    if (event.kind === 'finished' && !options.json) {
      process.stderr.write(`odoo-dev: ${event.result.outcome} ${event.result.test.className}.${event.result.test.method}\n`);
    }
  };
  // Ctrl+C stops the run in the container too, rather than leaving it running there.
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  const outcome = await runOdooTests(engine, {
    targets,
    ...(options.database !== undefined ? { database: options.database } : {}),
    update: !options.noUpdate,
    timeoutMs: options.readyTimeoutMs ?? defaultTestTimeoutMs,
  }, { onEvent, progress, signal: abort.signal }).finally(() => process.off('SIGINT', interrupt));
  if (outcome.failure) {
    throw outcome.failure;
  }
  const code = exitCodeOf(outcome.summary);
  if (options.json) {
    printJson(outcome.summary, modules, { database: outcome.database, exitCode: code });
  } else {
    printTable(outcome.summary, modules, outcome.database);
  }
  return code;
}

/** The targets as typed, or every module of this folder that has tests. */
function targetsOf(typed: readonly string[], modules: ReadonlyMap<string, string>): TestTarget[] {
  if (!typed.length) {
    const withTests = [...modules.entries()].filter(([, folder]) => hasTests(folder)).map(([module]) => ({ module }));
    if (!withTests.length) {
      throw new OdooDevError('invalid-args', `No module with tests was found in ${process.cwd()}, so there is nothing to test by default.`, {
        hint: 'Name the tests: odoo-dev test MODULE[:Class[.method]] ..., or run it from the folder of your addons.',
      });
    }
    return withTests;
  }
  return typed.map((text) => {
    const target = parseTestTarget(text);
    const folder = modules.get(target.module);
    const tags = target.className !== undefined && folder ? classTags(folder, target.className) : undefined;
    return tags ? { ...target, standard: tags.includes('standard') } : target;
  });
}

/** 0 when every test passed or was skipped and one ran at least. */
export function exitCodeOf(summary: TestLogSummary): number {
  const bad = summary.results.some((r) => r.outcome === 'failed' || r.outcome === 'errored')
    || summary.classProblems.some((p) => p.outcome === 'errored');
  return bad || !summary.results.length ? 1 : 0;
}

interface Where {
  readonly file?: string;
  readonly line?: number;
  readonly containerFile?: string;
}

/** The failure's place: the file in this folder when the module is here, else as the container has it. */
function whereOf(location: TestResult['location'], modules: ReadonlyMap<string, string>): Where {
  if (!location) {
    return {};
  }
  const inModule = moduleFileOf(location.path, new Set(modules.keys()));
  const folder = inModule && modules.get(inModule.module);
  return {
    file: folder ? path.join(folder, ...inModule.path.split('/')) : location.path,
    line: location.line,
    containerFile: location.path,
  };
}

/** One JSON object per test, one per class that failed as a whole, then the summary. */
export function printJson(summary: TestLogSummary, modules: ReadonlyMap<string, string>, extra: Record<string, unknown>): void {
  for (const result of summary.results) {
    const { module, file, className, method } = result.test;
    process.stdout.write(`${JSON.stringify({
      kind: 'test',
      id: result.id,
      module,
      file,
      class: className,
      method,
      outcome: result.outcome,
      ...(result.durationMs !== undefined ? { durationMs: result.durationMs } : {}),
      ...(result.message !== undefined ? { message: result.message } : {}),
      ...(result.location ? { location: whereOf(result.location, modules) } : {}),
      ...(result.traceback ? { traceback: result.traceback.join('\n') } : {}),
    })}\n`);
  }
  for (const problem of summary.classProblems) {
    process.stdout.write(`${JSON.stringify({ kind: 'class', ...problemFields(problem), ...(problem.location ? { location: whereOf(problem.location, modules) } : {}) })}\n`);
  }
  process.stdout.write(`${JSON.stringify({ kind: 'summary', ...counts(summary), ...extra })}\n`);
}

function problemFields(problem: ClassProblem) {
  const { module, file, className, phase, outcome, message } = problem;
  return { module, file, class: className, phase, outcome, ...(message !== undefined ? { message } : {}) };
}

function counts(summary: TestLogSummary) {
  const of = (outcome: TestResult['outcome']) => summary.results.filter((r) => r.outcome === outcome).length;
  return { total: summary.results.length, passed: of('passed'), failed: of('failed'), errored: of('errored'), skipped: of('skipped') };
}

/** A table: outcome, test, time, and for problems the place and the first line of the message. */
export function printTable(summary: TestLogSummary, modules: ReadonlyMap<string, string>, database: string): void {
  const rows = summary.results.map((result) => {
    const where = whereOf(result.location, modules);
    // A file of this folder reads relative to it; one the folder does not have, as the container has it.
    const shown = where.file && where.file !== where.containerFile ? path.relative(process.cwd(), where.file) : where.file;
    const place = shown ? `${shown}:${where.line}` : '';
    return [
      result.outcome,
      `${result.test.module} ${result.test.className}.${result.test.method}`,
      result.durationMs !== undefined ? `${(result.durationMs / 1000).toFixed(2)} s` : '',
      [place, result.message?.split('\n')[0] ?? ''].filter(Boolean).join('  '),
    ];
  });
  for (const problem of summary.classProblems) {
    rows.push([problem.outcome, `${problem.module} ${problem.className} (${problem.phase})`, '', problem.message?.split('\n')[0] ?? '']);
  }
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length), ['RESULT', 'TEST', 'TIME'][column].length));
  const line = (row: readonly string[]) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ').trimEnd();
  const total = counts(summary);
  process.stdout.write(`${[line(['RESULT', 'TEST', 'TIME', '']), ...rows.map(line)].join('\n')}\n`);
  process.stdout.write(`${total.total} tests in database ${database}: ${total.passed} passed, ${total.failed} failed, ${total.errored} errored, ${total.skipped} skipped${total.total ? '' : ' (no test ran: check the names and the tags)'}\n`);
}
