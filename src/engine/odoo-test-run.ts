import { besideRunArgs } from '../core/beside-run-args';
import type { DebugRequest } from '../core/debug-launch';
import { isOdooDevError, OdooDevError } from '../core/errors';
import { failedByTests, OdooTestLogReader, type TestLogEvent, type TestLogSummary } from '../core/odoo-test-log';
import { modulesOf, testTagsFor, type TestTarget } from '../core/test-selection';
import type { Progress } from './engine-types';
import type { OdooEngine, OdooStatus } from './odoo-engine';

export interface OdooTestRunRequest {
  readonly targets: readonly TestTarget[];
  /** The database to test in; default: the running server's `-d`, when it names one. */
  readonly database?: string;
  /** `-u` the targets' modules first (default): Odoo runs at-install tests only in a module it installs or updates. */
  readonly update?: boolean;
  /** How long the run may take. */
  readonly timeoutMs?: number;
  /** Run under debugpy: the run waits for a debugger before Odoo starts (see `debug-wait` progress). */
  readonly debug?: DebugRequest;
}

export interface OdooTestRunHooks {
  /** Each test as it starts and ends, read from the log as it comes. */
  readonly onEvent?: (event: TestLogEvent) => void;
  /** Each line of the run's log. */
  readonly onLog?: (line: string) => void;
  /** Aborting stops the run and fails it as `cancelled`. */
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
}

export interface OdooTestRunOutcome {
  readonly database: string;
  /** The run's args, as given to the engine (before it adds the connection options). */
  readonly args: readonly string[];
  readonly summary: TestLogSummary;
  /** Odoo's exit code: 0, or the number of databases whose tests failed. */
  readonly exitCode: number;
  /** The run failed for another reason than failing tests (a module that does not load, a crash). */
  readonly failure?: OdooDevError;
}

/**
 * Runs Odoo's tests of the targets once, beside the live server and never in its way (`runOnce`
 * with `--test-enable --test-tags`, its own loopback HTTP port, `--stop-after-init`), on the
 * server's database or the one asked for, with the server's own args; the server is left as it
 * is, also after `-u`. Tests that fail are an outcome, not an error: the run's failure is only
 * set when the run failed otherwise.
 */
export async function runOdooTests(engine: OdooEngine, request: OdooTestRunRequest, hooks: OdooTestRunHooks = {}): Promise<OdooTestRunOutcome> {
  if (!request.targets.length) {
    throw new OdooDevError('invalid-args', 'No test to run was given.', { hint: 'Name a module, a class or a method to test.' });
  }
  const status = await engine.status();
  const database = request.database ?? onlyDatabase(status);
  const args = besideRunArgs(status.server?.argv, status.server?.version?.serverSerie, {
    database,
    ...(request.update ?? true ? { update: modulesOf(request.targets) } : {}),
    testTags: testTagsFor(request.targets),
  });
  const reader = new OdooTestLogReader(hooks.onEvent);
  const onLog = (line: string) => {
    hooks.onLog?.(line);
    reader.push(line);
  };
  try {
    await engine.runOnce({ args, ...(request.debug ? { debug: request.debug } : {}) }, hooks.progress, {
      onLog,
      reload: false,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    });
    return { database, args, summary: reader.end(), exitCode: 0 };
  } catch (error) {
    if (!isOdooDevError(error, 'run-failed')) {
      throw error;
    }
    const summary = reader.end();
    const exitCode = typeof error.details.exitCode === 'number' ? error.details.exitCode : -1;
    return { database, args, summary, exitCode, ...(failedByTests(summary, exitCode) ? {} : { failure: error }) };
  }
}

/** The database of the running server, when it loads exactly one. */
export function serverDatabases(status: OdooStatus): string[] {
  return (status.server?.database ?? '').split(',').map((name) => name.trim()).filter(Boolean);
}

function onlyDatabase(status: OdooStatus): string {
  const databases = serverDatabases(status);
  if (databases.length === 1) {
    return databases[0];
  }
  throw new OdooDevError('invalid-args', databases.length
    ? `The server loads several databases (${databases.join(', ')}): say which one to test in.`
    : `Odoo in container ${status.container.name} ${status.server ? 'runs without -d' : 'is not running'}, so there is no database to test in.`, {
    hint: 'Name the database (odoo-dev test --db NAME).',
  });
}
