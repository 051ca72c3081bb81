import type { AgentEvent, ProcessSpec, VersionInfo } from '../core/agent-protocol';
import { OdooDevError } from '../core/errors';
import { describeExit, signalName } from '../core/exit-status';
import type { OdooCommandLine } from '../core/odoo-command-line';
import { logsRegistryLine, parseOdooLogLine, showsRegistryLine } from '../core/odoo-log';
import { readRunReport, type RunReport } from '../core/run-report';
import { maskArgv, maskText, secretValues } from '../core/secrets';
import { readLogTail, watchRegistry, type RegistryWatch } from './odoo-log-signals';
import type { RunContext } from './run-context';
import { waitForWatchedRun, type RunWatch } from './run-watch';

/** A server just started or re-executed, and what tells when it is ready. */
export interface Starting {
  readonly pid: number;
  /** Seconds since the epoch, by the container's clock: its log counts from here. */
  readonly at: number;
  readonly spec: Pick<ProcessSpec, 'argv' | 'env'>;
  readonly registry: RegistryWatch | undefined;
  /** The command that last ran well, when it is another one: a crash names it as the way back. */
  readonly lastWorking?: ProcessSpec;
}

type ReadyAnswer = Extract<AgentEvent, { t: 'ready' | 'exited' | 'not-ready' }>;

/**
 * With `-d`, ready means the registry is loaded; series 15 and later log it, and we see the
 * line when the server writes to the container's log at INFO. Undefined: HTTP alone decides.
 */
export function registryWatchFor(run: RunContext, command: OdooCommandLine, toContainerLog: boolean, pid: number, since: number): RegistryWatch | undefined {
  if (!command.database || !logsRegistryLine(run.series)) {
    return undefined;
  }
  const logfile = command.value('logfile');
  const logLevel = command.value('log_level');
  const visible = toContainerLog && showsRegistryLine({
    ...(logfile ? { logfile } : {}),
    ...(logLevel ? { logLevel } : {}),
    syslog: command.value('syslog') === 'true',
    logHandlers: command.values('log_handler'),
  });
  if (!visible) {
    run.log('the registry line will not reach the container log: ready is HTTP alone');
    return undefined;
  }
  return watchRegistry(run.container, pid, since, run.deadline, run.log);
}

/** From the agent's readiness answer to ready, crashed or not ready; with `-d` also the registry. */
export async function settle(run: RunContext, starting: Starting, answer: ReadyAnswer): Promise<VersionInfo | undefined> {
  if (answer.t === 'exited') {
    throw await crashedError(run, starting, answer);
  }
  if (answer.t === 'not-ready') {
    // Odoo answers HTTP only once the database it loads is loaded: that is what it waits for.
    const loading = starting.registry && !(await Promise.race([starting.registry.found, Promise.resolve(false)]));
    throw await notReadyError(run, starting, loading ? 'the database registry did not finish loading' : answer.reason);
  }
  run.progress({ step: 'http-ready', message: answer.port ? `Odoo answers HTTP on port ${answer.port}` : 'Odoo runs (no HTTP)' });
  // The agent asks the version only once ready is told, and always says what it heard. The
  // registry is followed in the log meanwhile, so this wait adds nothing to a start with `-d`;
  // where the server replaces one that answered its version, that answer is the new one's (the
  // same Odoo), and the agent's later one is left unread: a first routed request after a boot
  // costs Odoo 18 about 0.17 s, which is not readiness.
  const told = answer.port ? (run.version ? { version: run.version } : await run.agent.until(['version'])) : undefined;
  const { registry } = starting;
  if (registry) {
    // The server may still die while its database loads; the agent reports that exit. The
    // watch ends with the wait: left on, it would take the events of the steps that follow.
    const waited = new AbortController();
    const exit = run.agent.until(['exited'], AbortSignal.any([registry.abort.signal, waited.signal]));
    const winner = await Promise.race([registry.found.then((found) => ({ found })), exit.then((exited) => ({ exited }))]);
    waited.abort();
    if ('exited' in winner && winner.exited) {
      throw await crashedError(run, starting, winner.exited);
    }
    if (!('found' in winner) || !winner.found) {
      throw await notReadyError(run, starting, 'the database registry did not finish loading');
    }
    run.progress({ step: 'registry', message: 'Database registry loaded' });
  }
  return told?.version;
}

/**
 * A run that ends by itself serves no HTTP: it is done when it exits, and its exit code and log
 * say how. A failed run is an error that carries both.
 */
export async function runToEnd(run: RunContext, starting: Starting, beside: string, watch?: RunWatch): Promise<RunReport> {
  const exited = watch
    ? await waitForWatchedRun(run, starting.pid, starting.at, scrubbedSecrets(starting), watch)
    : await run.agent.until(['exited'], AbortSignal.timeout(Math.max(0, run.deadline - Date.now())));
  if (!exited) {
    throw await notReadyError(run, starting, 'the run did not finish in time');
  }
  const secrets = scrubbedSecrets(starting);
  const lines = await readLogTail(run.container, starting.at, secrets, run.log, 100_000);
  const report = readRunReport(lines, starting.pid);
  if (exited.exitCode === 0) {
    return report;
  }
  const how = exited.exitCode !== null ? `exit code ${exited.exitCode}` : exited.signal !== null ? signalName(exited.signal) : 'an unknown status';
  const tests = report.tests ? ` (${report.tests.failed} failed, ${report.tests.errors} errors of ${report.tests.total} tests)` : '';
  // Odoo's plain abort messages (`--db_user postgres`) are no log record: the last line says why.
  const reason = report.firstError?.[0] ? stripStamp(report.firstError[0]) : lastMeaningful(lines.filter((line) => (parseOdooLogLine(line)?.pid ?? starting.pid) === starting.pid));
  const first = reason ? `: ${reason.replace(/\.$/, '')}` : '';
  return Promise.reject(new OdooDevError('run-failed', `The run (PID ${starting.pid}) ended with ${how} after ${(exited.ms / 1000).toFixed(1)} s${tests}${first}.`, {
    hint: beside,
    details: { pid: starting.pid, exitCode: exited.exitCode, signal: exited.signal, ...report, logTail: lines.slice(-40), argv: maskArgv(starting.spec.argv).map((a) => maskText(a, secrets)) },
  }));
}

/** A log record without its timestamp, PID and database, for a one-line message. */
function stripStamp(line: string): string {
  const record = parseOdooLogLine(line);
  return record ? `${record.level} ${record.logger}: ${record.message}` : line.trim();
}

async function crashedError(run: RunContext, starting: Starting, event: { exitCode: number | null; signal: number | null; ms: number }): Promise<OdooDevError> {
  const secrets = scrubbedSecrets(starting);
  const tail = await readLogTail(run.container, starting.at, secrets, run.log);
  const code = event.exitCode;
  const how = code !== null || event.signal !== null ? describeExit(code, event.signal) : 'ended with an unknown status';
  const reason = lastMeaningful(tail);
  const lastWorking = starting.lastWorking && !sameArgv(starting.lastWorking.argv, starting.spec.argv)
    ? { lastWorkingArgv: maskArgv(starting.lastWorking.argv).map((a) => maskText(a, secrets)) }
    : {};
  return new OdooDevError('crashed', `Odoo (PID ${starting.pid}) ${how}, ${(event.ms / 1000).toFixed(1)} s after it started${reason ? `: ${reason.replace(/\.$/, '')}.` : '.'}`, {
    hint: lastWorking.lastWorkingArgv ? 'See the log for the whole output; the last args that worked are remembered.' : 'See the log for the whole output.',
    details: { pid: starting.pid, exitCode: code, signal: event.signal, logTail: tail, argv: maskArgv(starting.spec.argv).map((a) => maskText(a, secrets)), ...lastWorking },
  });
}

function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, i) => word === b[i]);
}

async function notReadyError(run: RunContext, starting: Starting, reason: string): Promise<OdooDevError> {
  const tail = await readLogTail(run.container, starting.at, scrubbedSecrets(starting), run.log);
  return new OdooDevError('not-ready', `Odoo (PID ${starting.pid}) is running but not ready: ${reason}.`, {
    hint: 'It may still be loading; see the log, or raise the ready timeout.',
    details: { pid: starting.pid, logTail: tail },
  });
}

/**
 * The secret values to scrub from log lines. The official image's documented defaults are no
 * secret, and scrubbing the word `odoo` would garble every line.
 */
function scrubbedSecrets(starting: Starting): string[] {
  return secretValues(starting.spec.argv, starting.spec.env).filter((secret) => !publicDefaults.has(secret));
}

const publicDefaults = new Set(['odoo', 'admin', 'postgres']);

/**
 * The line that says why: the last error record (without its stamp), else the last line that is
 * not blank (Odoo's plain abort messages, such as the one for `--db_user postgres`).
 */
function lastMeaningful(lines: readonly string[]): string | undefined {
  const filled = lines.filter((line) => line.trim() !== '');
  const error = [...filled].reverse().find((line) => {
    const record = parseOdooLogLine(line);
    return record ? record.level === 'ERROR' || record.level === 'CRITICAL' : /error|exception|abort/i.test(line);
  });
  const line = error ?? filled[filled.length - 1];
  return line === undefined ? undefined : stripStamp(line);
}
