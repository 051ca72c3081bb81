import { defaultDebugPort, type DebugRequest } from '../core/debug-launch';
import type { DebugpySource } from '../core/debugpy-copy';
import { OdooDevError, type OdooErrorCode } from '../core/errors';
import { maskArgv } from '../core/secrets';
import { openDocker, type DockerAccess } from '../docker/docker-access';
import { defaultEngineSettings, OdooEngine, type EngineProgress, type OdooStatus, type RestartOutcome } from '../engine/odoo-engine';
import { readDebugpySource } from '../engine/debugpy-source';
import { describeOutcome } from '../engine/outcome-text';
import { OdooWatcher, type WatchState } from '../engine/odoo-watcher';
import { parseCliOptions, usage, UsageError, type CliOptions } from './cli-options';

const exitCodes: Record<OdooErrorCode, number> = {
  'invalid-args': 2,
  'docker-unreachable': 3,
  'container-not-found': 4,
  'container-ambiguous': 4,
  'container-not-running': 4,
  'pid1-refused': 5,
  'recreate-refused': 5,
  'unsafe-hup': 5,
  'odoo-ambiguous': 5,
  'already-running': 5,
  'odoo-not-found': 5,
  'stop-timeout': 6,
  'crashed': 7,
  'run-failed': 9,
  'launch-failed': 7,
  'not-ready': 8,
  'agent-failed': 1,
  'cancelled': 1,
};

async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliOptions(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`odoo-dev: ${error.message}\nRun odoo-dev --help for the commands.\n`);
      return 2;
    }
    throw error;
  }
  if (options.command === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (options.command === 'version') {
    process.stdout.write(`${typeof VERSION === 'string' ? VERSION : 'dev'}\n`);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    return report(error, options.json, options.command === 'run');
  }
}

/**
 * The commands other than restart, start, stop, status and logs load their modules when run:
 * the keeper's file editing (YAML, JSONC), the test run's log reading and the debug bridge
 * are no part of a restart's start-up.
 */
async function run(options: CliOptions): Promise<number> {
  // A folder that is no debugpy is refused before Docker is even asked.
  const copyFrom = options.debugpyFrom !== undefined ? readDebugpySource(options.debugpyFrom) : undefined;
  const docker = openDocker(options.dockerHost);
  const named = options.container ?? process.env.ODOO_DEV_CONTAINER;
  const from = options.container !== undefined ? '--container' : '$ODOO_DEV_CONTAINER';
  const found = await docker.find({ ...(named ? { explicit: { name: named, from } } : {}), workspaceFolder: process.cwd() });
  if (options.verbose) {
    process.stderr.write(`odoo-dev: [debug] Using container ${found.container.name} (${found.how}); Docker at ${docker.address} (from ${docker.source}).\n`);
  }
  const container = found.container;
  if (options.command === 'keeper') {
    return (await import('./keeper-command')).keeperCommand(container, docker, options);
  }
  if (options.command === 'debug-adapter') {
    return (await import('./debug-adapter-command')).debugAdapterCommand(container, options, options.readyTimeoutMs ?? defaultEngineSettings.readyTimeoutMs);
  }
  const log = options.verbose ? (line: string) => process.stderr.write(`odoo-dev: [debug] ${line}\n`) : () => undefined;
  const engine = new OdooEngine(container, {
    ...defaultEngineSettings,
    ...(options.stopTimeoutMs !== undefined ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
    ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    killAfterTimeout: options.killAfterTimeout,
    ...(options.noOverlap ? { noOverlap: true } : {}),
    ...(options.noWarm ? { noWarm: true } : {}),
  }, log);
  const progress = (p: EngineProgress) => process.stderr.write(`odoo-dev: ${p.message}\n`);
  const request = {
    ...(options.odooArgs ? { args: options.odooArgs } : {}),
    ...(options.pid !== undefined ? { pid: options.pid } : {}),
    ...(options.debug !== undefined ? { debug: options.debug && debugRequest(options, copyFrom) } : {}),
  };
  switch (options.command) {
    case 'status':
      if (options.watch) {
        return watch(engine, docker, options.json, log);
      }
      return printStatus(await engine.status(), options.json);
    case 'restart':
      return untilEnded((told) => engine.restart(request, told, 'odoo-dev restart'), progress, options.json);
    case 'run':
      return printOutcome(await engine.runOnce({ ...request, args: options.odooArgs ?? [] }, progress), options.json);
    case 'start':
      return untilEnded((told) => engine.start(request, told), progress, options.json);
    case 'stop':
      return printOutcome(await engine.stop(request, progress), options.json);
    case 'test':
      return (await import('./test-command')).testCommand(engine, options, progress);
    case 'update':
      return (await import('./update-command')).updateCommand(engine, options, progress);
    case 'logs':
      for await (const line of container.logs({ follow: options.follow, ...(options.tail !== undefined ? { tail: options.tail } : {}) })) {
        (line.stream === 'stderr' && !options.json ? process.stderr : process.stdout).write(options.json ? `${JSON.stringify(line)}\n` : `${line.text}\n`);
      }
      return 0;
  }
  return 1;
}

function printStatus(status: OdooStatus, json: boolean): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(status)}\n`);
    return 0;
  }
  const { server } = status;
  const lines = [`container  ${status.container.name} (${status.container.state})`, `odoo       ${status.state}`];
  if (server) {
    lines.push(`pid        ${server.pid}${server.isPid1 ? ' (PID 1)' : ''}, uid ${server.uid}`);
    lines.push(`command    ${server.argv.join(' ')}`);
    if (server.version) {
      lines.push(`version    ${server.version.serverVersion}`);
    }
    if (server.database) {
      lines.push(`database   ${server.database}`);
    }
    lines.push(`http port  ${server.port}`);
    if (server.workers) {
      lines.push(`workers    ${server.workers}${server.gevent ? ' + gevent' : ''}`);
    }
    if (server.olderKeeper) {
      lines.push('keeper     an older one: its first Odoo has a socket of its own, so the first restart stops first; odoo-dev keeper --apply replaces it');
    }
  }
  for (const other of status.others) {
    lines.push(`also       PID ${other.pid}: ${other.argv.join(' ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function printOutcome(outcome: RestartOutcome, json: boolean): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
    return 0;
  }
  process.stdout.write(`${describeOutcome(outcome)}\n`);
  if (outcome.argv.length) {
    process.stdout.write(`command: ${maskArgv(outcome.argv).join(' ')}\n`);
  }
  return 0;
}

/**
 * A restart or start told the moment its new server is ready: the outcome line goes to stdout
 * then, and what follows off the critical path (the previous server's stop) to stderr as it
 * ends. The command exits only once all of it is done, so that nothing it began is cut off.
 * A failure after the new server was ready is a warning that says the new server runs, with
 * the failure's exit code. `--json` prints one object when the command ends, as elsewhere: the
 * whole outcome, or the error; the ready moment is its `readyMs`.
 */
async function untilEnded(operation: (progress: (p: EngineProgress) => void) => Promise<RestartOutcome>, progress: (p: EngineProgress) => void, json: boolean): Promise<number> {
  let ready: RestartOutcome | undefined;
  const told = (p: EngineProgress) => {
    if (p.step === 'ready' && p.outcome) {
      ready = p.outcome;
      if (!json) {
        printOutcome(p.outcome, false);
        return;
      }
    }
    progress(p);
  };
  try {
    const outcome = await operation(told);
    return ready && !json ? 0 : printOutcome(outcome, json);
  } catch (error) {
    if (!ready || json) {
      throw error;
    }
    const known = error instanceof OdooDevError ? error : undefined;
    const why = known ? `${known.message}${known.hint ? ` ${known.hint}` : ''}` : String((error as Error)?.message ?? error);
    process.stderr.write(`odoo-dev: warning: the new server (PID ${ready.pid}) is ready and answers, but: ${why}\n`);
    return known ? exitCodes[known.code] : 1;
  }
}

/** How long `status --watch` may take to end after TERM or Ctrl-C before it exits regardless. */
const watchEndMs = 3000;

/**
 * Reports each change until TERM or Ctrl-C. Then it ends the watcher and the connection to
 * Docker (over ssh:// a channel still open would keep the process alive), and exits once
 * nothing is left; what still holds it after watchEndMs (a request to an engine that no longer
 * answers) does not stop the exit.
 */
function watch(engine: OdooEngine, docker: DockerAccess, json: boolean, log: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const watcher = new OdooWatcher(engine, (state) => {
      const line = json ? JSON.stringify({ time: new Date().toISOString(), ...state }) : `${new Date().toISOString()} ${describe(state)}`;
      process.stdout.write(`${line}\n`);
    }, { pollMs: 1000 }, log);
    const stop = () => {
      watcher.dispose();
      docker.close();
      setTimeout(() => {
        log(`still not ended ${watchEndMs} ms after the signal: exiting`);
        process.exit(0);
      }, watchEndMs).unref();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void watcher.start();
  });
}

function describe(state: WatchState): string {
  switch (state.kind) {
    case 'running':
      return `running PID ${state.pid}${state.version ? ` Odoo ${state.version.serverVersion}` : ''}${state.database ? ` database ${state.database}` : ''}`;
    case 'starting':
      return `starting PID ${state.pid}${state.answering !== undefined ? ` — previous server PID ${state.answering} still answering` : ''}`;
    case 'stopping':
      return `stopping PID ${state.pid}`;
    case 'restarting':
      return `restarting PID ${state.pid}${state.answering !== undefined ? ' — previous server still answering' : ''}`;
    case 'stopped':
      return 'stopped';
    case 'crashed':
      return `crashed${state.exitCode !== undefined ? ` with exit code ${state.exitCode}` : ''}`;
    case 'container-stopped':
      return `container stopped${state.exitCode !== undefined ? ` (exit code ${state.exitCode})` : ''}`;
    case 'container-gone':
      return 'container gone';
    case 'docker-unavailable':
      return `Docker unavailable: ${state.message}`;
    case 'unknown':
      return `unknown: ${state.message}`;
  }
}

/** Tells what failed; `odoo-dev run` exits with the failed run's own exit code, as Odoo would have. */
function report(error: unknown, json: boolean, isRun = false): number {
  const known = error instanceof OdooDevError ? error : undefined;
  const runExit = isRun && known?.code === 'run-failed' ? known.details.exitCode : undefined;
  const code = typeof runExit === 'number' && runExit > 0 ? runExit : known ? exitCodes[known.code] : 1;
  if (json) {
    const body = known
      ? { error: { code: known.code, message: known.message, ...(known.hint ? { hint: known.hint } : {}), details: known.details } }
      : { error: { code: 'unexpected', message: String((error as Error)?.message ?? error) } };
    process.stdout.write(`${JSON.stringify(body)}\n`);
  } else {
    process.stderr.write(`odoo-dev: ${known ? known.message : `unexpected error: ${(error as Error)?.stack ?? String(error)}`}\n`);
    const firstError = known?.details.firstError;
    const tail = Array.isArray(firstError) && firstError.length ? firstError : known?.details.logTail;
    if (Array.isArray(tail) && tail.length) {
      process.stderr.write(`--- log ---\n${tail.join('\n')}\n`);
    }
  }
  return code;
}

declare const VERSION: string;

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.stderr.write(`odoo-dev: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});

function debugRequest(options: CliOptions, copyFrom: DebugpySource | undefined): DebugRequest {
  const wait = options.debugWaitMs !== undefined ? { clientWaitS: Math.max(1, Math.round(options.debugWaitMs / 1000)) } : {};
  return { port: options.debugPort ?? defaultDebugPort, ...wait, ...(copyFrom ? { copyFrom } : {}) };
}
