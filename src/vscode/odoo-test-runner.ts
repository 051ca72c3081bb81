import * as vscode from 'vscode';
import { isOdooDevError } from '../core/errors';
import { moduleFileOf } from '../core/module-file';
import type { ClassProblem, TestLogEvent, TestResult } from '../core/odoo-test-log';
import type { TracebackFrame } from '../core/python-traceback';
import type { TestTarget } from '../core/test-selection';
import { defaultDebugPort } from '../core/debug-launch';
import { runOdooTests } from '../engine/odoo-test-run';
import type { OdooDebugging } from './odoo-debug';
import type { OdooConnection } from './odoo-connection';
import type { OdooTestTree } from './odoo-test-tree';
import type { ErrorReporter } from './report-error';
import { readTestSettings } from './test-settings';
import { chooseDatabase } from './test-database';
import { isTrustedFor } from './workspace-trust';

/**
 * Runs what the Test Explorer, the gutter or a CodeLens asks for: one Odoo run beside the live
 * server (`runOdooTests`), the tests marked as the log reports them, the run's whole log in the
 * run's output, Cancel stopping the run in the container. Runs go one after the other.
 */
export class OdooTestRunner {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly controller: vscode.TestController,
    private readonly tree: OdooTestTree,
    private readonly connection: OdooConnection,
    private readonly state: vscode.Memento,
    private readonly reporter: ErrorReporter,
    private readonly log: vscode.LogOutputChannel,
    private readonly debugging?: OdooDebugging,
  ) {}

  /**
   * The run profile's handler; also the one of `odooDev.runTests` (the CodeLenses) and of
   * "Run Their Tests", which VS Code does not ask to trust the folder first as it does for the
   * Testing view's runs. With `debug`, the Debug profile's: the run goes under debugpy, waits
   * for a debugger, and the editor attaches to it.
   */
  run(request: vscode.TestRunRequest, token: vscode.CancellationToken, debug = false): Promise<void> {
    if (!isTrustedFor('Running Odoo tests', 'in Restricted Mode VS Code runs no tests of the workspace')) {
      return Promise.resolve();
    }
    const next = this.queue.then(() => this.runNow(request, token, debug));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(request: vscode.TestRunRequest, token: vscode.CancellationToken, debug: boolean): Promise<void> {
    await this.tree.discover();
    const run = this.controller.createTestRun(request, undefined, true);
    const abort = new AbortController();
    const cancellations = [token.onCancellationRequested(() => abort.abort()), run.token.onCancellationRequested(() => abort.abort())];
    const expected = new Map<string, vscode.TestItem>();
    const done = new Set<string>();
    try {
      const { targets, leaves } = this.selection(request);
      for (const leaf of leaves) {
        expected.set(leaf.id, leaf);
        run.enqueued(leaf);
      }
      if (!targets.length) {
        run.appendOutput('No Odoo test to run in this selection.\r\n');
        return;
      }
      const { engine } = await this.connection.connect(true);
      const database = await chooseDatabase(engine, this.state, 'to test in');
      if (!database || abort.signal.aborted) {
        run.appendOutput('No database was chosen: nothing ran.\r\n');
        return;
      }
      const settings = readTestSettings();
      const onEvent = (event: TestLogEvent) => this.report(run, event, expected, done);
      const debugRequest = debug && this.debugging ? { port: this.debugging.restartDebug ? this.debugging.restartDebug.port : defaultDebugPort } : undefined;
      const outcome = await runOdooTests(engine, { targets, database, update: settings.updateModules, timeoutMs: settings.timeoutMs, ...(debugRequest ? { debug: debugRequest } : {}) }, {
        onEvent,
        onLog: (line) => run.appendOutput(`${line}\r\n`),
        signal: abort.signal,
        progress: (progress) => {
          this.log.info(progress.message);
          if (progress.step === 'debug-wait' && progress.debugPort !== undefined && this.debugging) {
            run.appendOutput(`${progress.message}\r\n`);
            this.debugging.attachWaiting(progress.debugPort, true).catch((error: unknown) => this.reporter.show(error, 'Attaching the debugger to the test run'));
          }
        },
      });
      const left = [...expected.values()].filter((item) => !done.has(item.id));
      if (outcome.failure) {
        const message = new vscode.TestMessage(outcome.failure.message);
        for (const item of left) {
          run.errored(item, message);
        }
        run.appendOutput(`\r\n${outcome.failure.message}\r\n`);
        return;
      }
      for (const item of left) {
        run.skipped(item);
      }
      if (left.length) {
        run.appendOutput(`\r\n${left.length} selected test${left.length === 1 ? ' did' : 's did'} not run${settings.updateModules ? '' : ': at-install tests run only while their module is updated (odooDev.tests.updateModules)'}.\r\n`);
      }
    } catch (error) {
      const left = [...expected.values()].filter((item) => !done.has(item.id));
      if (isOdooDevError(error, 'cancelled')) {
        run.appendOutput(`\r\n${error.message}\r\n`);
        return;
      }
      const message = new vscode.TestMessage(error instanceof Error ? error.message : String(error));
      for (const item of left) {
        run.errored(item, message);
      }
      this.reporter.show(error, 'Running Odoo tests');
    } finally {
      for (const cancellation of cancellations) {
        cancellation.dispose();
      }
      run.end();
    }
  }

  /**
   * What to ask Odoo for, and the tests that should report: a module's standard tests (what
   * Odoo's `/module` selects), and every test of a class or a method asked for by name.
   */
  private selection(request: vscode.TestRunRequest): { targets: TestTarget[]; leaves: vscode.TestItem[] } {
    const roots: vscode.TestItem[] = [];
    if (request.include) {
      roots.push(...request.include);
    } else {
      this.controller.items.forEach((item) => roots.push(item));
    }
    const excluded = new Set((request.exclude ?? []).map((item) => item.id));
    const isExcluded = (item: vscode.TestItem): boolean => {
      for (let at: vscode.TestItem | undefined = item; at; at = at.parent) {
        if (excluded.has(at.id)) {
          return true;
        }
      }
      return false;
    };
    const targets: TestTarget[] = [];
    const leaves = new Map<string, vscode.TestItem>();
    const addLeaves = (items: readonly vscode.TestItem[], standardOnly: boolean) => {
      for (const leaf of items) {
        if (!isExcluded(leaf) && (!standardOnly || this.tree.infoOf(leaf)?.tags?.includes('standard'))) {
          leaves.set(leaf.id, leaf);
        }
      }
    };
    for (const root of roots) {
      const info = this.tree.infoOf(root);
      if (!info || isExcluded(root)) {
        continue;
      }
      const children = [...this.tree.leavesOf(root)];
      const someExcluded = children.some(isExcluded);
      if (info.kind === 'module' && !someExcluded) {
        targets.push({ module: info.module });
        addLeaves(children, true);
      } else if (info.kind === 'method' || info.kind === 'class') {
        targets.push(targetOf(root, this.tree));
        addLeaves(children, false);
      } else {
        // A file, or a module with some tests left out: its classes, or its methods, one by one.
        const items = new Map<string, vscode.TestItem>();
        for (const leaf of children.filter((leaf) => !isExcluded(leaf))) {
          const klass = leaf.parent;
          const wholeClass = klass && [...this.tree.leavesOf(klass)].every((m) => !isExcluded(m));
          const item = wholeClass ? klass : leaf;
          items.set(item.id, item);
        }
        for (const item of items.values()) {
          targets.push(targetOf(item, this.tree));
          addLeaves(this.tree.leavesOf(item), false);
        }
      }
    }
    return { targets, leaves: [...leaves.values()] };
  }

  private report(run: vscode.TestRun, event: TestLogEvent, expected: ReadonlyMap<string, vscode.TestItem>, done: Set<string>): void {
    if (event.kind === 'started') {
      const item = expected.get(event.id) ?? this.tree.itemOf(event.id);
      if (item) {
        run.started(item);
      }
      return;
    }
    if (event.kind === 'class') {
      this.reportClass(run, event.problem, expected, done);
      return;
    }
    if (event.kind !== 'finished') {
      return;
    }
    const { result } = event;
    const item = expected.get(result.id) ?? this.tree.itemOf(result.id);
    if (!item) {
      return;
    }
    done.add(item.id);
    const duration = result.durationMs;
    switch (result.outcome) {
      case 'passed':
        run.passed(item, duration);
        break;
      case 'skipped':
        run.skipped(item);
        if (result.message) {
          run.appendOutput(`${item.label}: skipped: ${result.message}\r\n`, undefined, item);
        }
        break;
      case 'failed':
        run.failed(item, this.message(result, result.message ?? 'The test failed.'), duration);
        break;
      case 'errored':
        // The exception first: an editor shows a message's first line at the failing line.
        run.errored(item, this.message(result, [result.message ?? 'The test raised an error.', ...(result.traceback ? ['', ...result.traceback] : [])].join('\n')), duration);
        break;
    }
  }

  /** A class that failed as a whole: its tests that did not report are errored (or skipped) with it. */
  private reportClass(run: vscode.TestRun, problem: ClassProblem, expected: ReadonlyMap<string, vscode.TestItem>, done: Set<string>): void {
    const prefix = `${problem.module}/${problem.file}:${problem.className}.`;
    const message = this.messageAt(`${problem.phase} failed: ${(problem.traceback ?? [problem.message ?? '']).join('\n')}`, problem.location);
    for (const [id, item] of expected) {
      if (id.startsWith(prefix) && !done.has(id)) {
        done.add(id);
        if (problem.outcome === 'skipped') {
          run.skipped(item);
        } else {
          run.errored(item, message);
        }
      }
    }
  }

  private message(result: TestResult, text: string): vscode.TestMessage {
    return this.messageAt(text, result.location);
  }

  /** A message at the test file's line of the traceback, mapped to the workspace by module name. */
  private messageAt(text: string, location: TracebackFrame | undefined): vscode.TestMessage {
    const message = new vscode.TestMessage(text);
    if (location) {
      const file = moduleFileOf(location.path, new Set(this.tree.moduleFolders.keys()));
      const folder = file && this.tree.moduleFolders.get(file.module);
      if (file && folder) {
        message.location = new vscode.Location(vscode.Uri.joinPath(folder, ...file.path.split('/')), new vscode.Position(Math.max(0, location.line - 1), 0));
      }
    }
    return message;
  }
}

/** The target of a class or a method item; a class known to keep `standard` is covered by its module. */
function targetOf(item: vscode.TestItem, tree: OdooTestTree): TestTarget {
  const info = tree.infoOf(item)!;
  return {
    module: info.module,
    ...(info.className !== undefined ? { className: info.className } : {}),
    ...(info.method !== undefined ? { method: info.method } : {}),
    ...(info.tags ? { standard: info.tags.includes('standard') } : {}),
  };
}
