import type { AgentEvent, HttpTarget, LaunchStep, RememberedCommand, Snapshot, StopStep, VersionInfo } from '../core/agent-protocol';
import { validateArgs } from '../core/arg-validation';
import { optionValue, optionValues } from '../core/command-line';
import { OdooDevError } from '../core/errors';
import { logsRegistryLine, showsRegistryLine } from '../core/odoo-log';
import { catalogFor, knownSeries } from '../core/option-catalog';
import { classifyProcesses, writesToContainerLog, type OdooServer } from '../core/odoo-processes';
import { RestartQueue } from '../core/restart-queue';
import {
  describeEnding,
  endsContainer,
  envValue,
  planRestart,
  rememberedFor,
  targetServer,
  type LaunchSpec,
  type RestartPlan,
  type RestartRequest,
  type StartDefaults,
} from '../core/restart-plan';
import { maskArgv, maskText, secretValues } from '../core/secrets';
import { AgentConversation } from './agent-conversation';
import type { OdooContainer } from './odoo-container';
import { readLogTail, watchRegistry, type RegistryWatch } from './odoo-log-signals';
import { newestSeries, probeServer, readStatus, type OdooStatus } from './odoo-status';

export type { OdooStatus } from './odoo-status';

export interface EngineSettings {
  /** How long the graceful stop may take before the timeout policy applies. */
  readonly stopTimeoutMs: number;
  /** After the timeout: a second TERM, then KILL of the master and its children; else fail. */
  readonly killAfterTimeout: boolean;
  /** How long a server may take from launch to ready. */
  readonly readyTimeoutMs: number;
  /** Program to start when nothing runs and nothing is remembered (default `odoo` on PATH). */
  readonly startProgram?: readonly string[];
}

export const defaultEngineSettings: EngineSettings = {
  stopTimeoutMs: 30_000,
  killAfterTimeout: false,
  readyTimeoutMs: 120_000,
};

/** A step of a running restart, for progress lines and notifications. */
export interface EngineProgress {
  readonly step: 'plan' | 'stopping' | 'forcing' | 'stopped' | 'reloading' | 'launched' | 'http-ready' | 'registry';
  readonly message: string;
  /** The server the step is about, where there is one. */
  readonly pid?: number;
}

export interface RestartOutcome {
  readonly plan: RestartPlan['kind'] | 'stopped' | 'completed';
  readonly pid: number;
  /** The server's argv with secrets masked. */
  readonly argv: readonly string[];
  readonly version?: VersionInfo;
  readonly database?: string;
  readonly exitCode?: number;
  readonly stopMs?: number;
  readonly totalMs: number;
}

/** What the engine does, for whoever shows the state (the watcher, the status bar). */
export type EngineActivity =
  | { readonly kind: 'progress'; readonly progress: EngineProgress }
  | { readonly kind: 'finished'; readonly outcome: RestartOutcome }
  | { readonly kind: 'failed'; readonly error: unknown };

type Progress = (progress: EngineProgress) => void;

/** The server just started or re-executed, and what tells when it is ready. */
interface Starting {
  readonly pid: number;
  /** Seconds since the epoch, by the container's clock: its log counts from here. */
  readonly at: number;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly registry: RegistryWatch | undefined;
}

/**
 * Restarts, stops and starts Odoo in one container, one exec each, through one queue: requests
 * that arrive during a restart merge into one that runs next with the latest args.
 */
export class OdooEngine {
  private readonly queue: RestartQueue<QueuedRestart, RestartOutcome>;
  private readonly listeners = new Set<(activity: EngineActivity) => void>();
  private stopping = false;

  constructor(
    readonly container: OdooContainer,
    private readonly settings: EngineSettings = defaultEngineSettings,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.queue = new RestartQueue((queued) => this.reported(queued.progress, (progress) => this.runRestart({ ...queued, progress })), log);
  }

  /** A restart, start or stop is under way. */
  get isBusy(): boolean {
    return this.queue.isBusy || this.stopping;
  }

  onActivity(listener: (activity: EngineActivity) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Restarts with new args, or with the current ones minus the one-shot ones. */
  restart(request: RestartRequest = {}, progress: Progress = () => undefined, reason?: string): Promise<RestartOutcome> {
    return this.queue.enqueue({ request, progress, startOnly: false }, reason);
  }

  /** Starts Odoo when nothing runs; with no args, the remembered command. */
  start(request: RestartRequest = {}, progress: Progress = () => undefined): Promise<RestartOutcome> {
    return this.queue.enqueue({ request, progress, startOnly: true }, 'start');
  }

  /** Stops the server gracefully and remembers its command for a later plain start. */
  async stop(request: { pid?: number } = {}, progress: Progress = () => undefined): Promise<RestartOutcome> {
    this.stopping = true;
    try {
      return await this.reported(progress, (report) => this.runStop(request, report));
    } finally {
      this.stopping = false;
    }
  }

  status(): Promise<OdooStatus> {
    return readStatus(this.container, async () => new AgentConversation(await this.container.openAgent(), this.container));
  }

  private async runStop(request: { pid?: number }, progress: Progress): Promise<RestartOutcome> {
    const started = Date.now();
    const { agent } = await this.openLocked();
    try {
      const processes = classifyProcesses(agent.snapshot.processes);
      const server = targetServer(processes, request.pid);
      if (!server) {
        return { plan: 'stopped', pid: 0, argv: [], totalMs: Date.now() - started };
      }
      if (endsContainer(server.master.info, processes.pid1)) {
        throw new OdooDevError('pid1-refused', `${describeEnding(server.master.info, processes.pid1)}: stopping Odoo would stop the container.`, {
          hint: 'Stop the container itself if that is what you want, or make the container restartable with a keeper as PID 1.',
        });
      }
      const remember = rememberedFor(server, catalogFor(newestSeries));
      const stopMs = (await this.stopServer(agent, server, progress, remember ? { remember } : {})).ms;
      return { plan: 'stopped', pid: server.master.info.pid, argv: maskArgv(server.master.info.argv), stopMs, totalMs: Date.now() - started };
    } finally {
      await agent.close();
    }
  }

  private async runRestart({ request, progress, startOnly }: QueuedRestart): Promise<RestartOutcome> {
    const started = Date.now();
    const { agent, facts } = await this.openLocked();
    try {
      const processes = classifyProcesses(agent.snapshot.processes);
      const server = targetServer(processes, request.pid);
      if (server && startOnly) {
        throw new OdooDevError('already-running', `Odoo already runs in container ${facts.name} (PID ${server.master.info.pid}).`, {
          hint: 'Use restart to run it with other args.',
        });
      }
      const series = server ? (await probeServer(agent, server)).version?.serverSerie : undefined;
      if (request.args) {
        validate(request.args, series);
      }
      const plan = planRestart(request, {
        processes,
        catalog: catalogFor(series ?? newestSeries),
        ...(agent.snapshot.remembered ? { remembered: agent.snapshot.remembered } : {}),
        defaults: this.startDefaults(agent.snapshot, facts.env, facts.workingDir),
      });
      progress({ step: 'plan', message: describePlan(plan) });
      this.log(`plan: ${describePlan(plan)}`);
      const deadline = Date.now() + this.settings.readyTimeoutMs;
      const outcome = plan.kind === 'hup'
        ? await this.reload(agent, plan.server, plan.args, plan.http, series, deadline, progress)
        : await this.replace(agent, plan, series, deadline, progress);
      return { ...outcome, totalMs: Date.now() - started };
    } finally {
      await agent.close();
    }
  }

  /** Stops the old server when there is one, launches the new command, waits until it is ready. */
  private async replace(
    agent: AgentConversation,
    plan: Extract<RestartPlan, { kind: 'in-place' | 'start' }>,
    series: string | undefined,
    deadline: number,
    progress: Progress,
  ): Promise<RestartOutcome> {
    const launch: LaunchSpec = plan.launch;
    const launchStep: LaunchStep = {
      step: 'launch',
      argv: launch.argv,
      env: launch.env,
      cwd: launch.cwd,
      uid: launch.uid,
      gid: launch.gid,
    };
    // Until the new command is ready, the old one is the last that worked.
    const previous = plan.kind === 'in-place' ? rememberedFor(plan.server, catalogFor(series ?? newestSeries)) : undefined;
    const stopped = plan.kind === 'in-place' ? await this.stopServer(agent, plan.server, progress, { launch: launchStep, ...(previous ? { remember: previous } : {}) }) : undefined;
    const stopMs = stopped?.ms;
    const launched = stopped?.launched ?? await agent.step(launchStep, ['launched', 'launch-failed']);
    if (launched.t === 'launch-failed') {
      throw new OdooDevError('launch-failed', `Could not start Odoo: ${launched.message}.`, {
        hint: 'Check that the Odoo command exists in the container and runs as its user.',
      });
    }
    const { pid, at } = launched;
    progress({ step: 'launched', message: `Started Odoo (PID ${pid})`, pid });
    const catalog = catalogFor(series ?? newestSeries);
    const isOneShot = optionValue(launch.args, 'stop_after_init', catalog) !== undefined;
    const toLog = launched.logTo === 'docker-logs';
    const starting: Starting = { pid, at, argv: launch.argv, env: launch.env, registry: isOneShot ? undefined : this.registryWatch(launch.args, series, toLog, pid, at, deadline) };
    try {
      if (isOneShot) {
        // A one-shot run serves no HTTP: it is done when it exits, and its exit code says how.
        const exited = await agent.until(['exited'], AbortSignal.timeout(Math.max(0, deadline - Date.now())));
        if (!exited) {
          throw await this.notReady(starting, 'the one-shot run did not finish in time');
        }
        if (exited.exitCode !== 0) {
          throw await this.crashed(starting, exited);
        }
        await agent.step({ step: 'remember', command: launch.remember }, ['remembered']);
        return { plan: 'completed', pid, argv: maskArgv(launch.argv), exitCode: 0, totalMs: 0, ...(stopMs !== undefined ? { stopMs } : {}) };
      }
      const ready = await agent.step({ step: 'ready', pid, http: launch.http, timeoutMs: deadline - Date.now() }, ['ready', 'exited', 'not-ready']);
      const version = await this.settle(agent, starting, ready, progress);
      await agent.step({ step: 'remember', command: launch.remember }, ['remembered']);
      return {
        plan: plan.kind,
        pid,
        argv: maskArgv(launch.argv),
        ...(version ? { version } : {}),
        ...databaseOf(launch.args, catalog),
        ...(stopMs !== undefined ? { stopMs } : {}),
        totalMs: 0,
      };
    } finally {
      starting.registry?.abort.abort();
    }
  }

  /** SIGHUP: Odoo re-executes itself with the same PID and its args minus the one-shot ones. */
  private async reload(
    agent: AgentConversation,
    server: OdooServer,
    args: readonly string[],
    http: HttpTarget,
    series: string | undefined,
    deadline: number,
    progress: Progress,
  ): Promise<RestartOutcome> {
    const { pid } = server.master.info;
    progress({ step: 'reloading', message: `Reloading Odoo (PID ${pid}) in place with SIGHUP`, pid });
    let registry: RegistryWatch | undefined;
    let at = Date.now() / 1000;
    try {
      const event = await agent.step({ step: 'hup', pid, http, timeoutMs: deadline - Date.now() }, ['ready', 'exited', 'not-ready'], (e) => {
        if (e.t === 'hup-sent') {
          at = e.at;
          registry = this.registryWatch(args, series, writesToContainerLog(server.master.info, agent.snapshot.processes.find((p) => p.pid === 1)), pid, e.at, deadline);
        }
      });
      const argv = [...server.master.program, ...args];
      const version = await this.settle(agent, { pid, at, argv, env: server.master.info.env ?? [], registry }, event, progress);
      const remember = rememberedFor(server, catalogFor(series ?? newestSeries));
      if (remember) {
        await agent.step({ step: 'remember', command: remember }, ['remembered']);
      }
      return {
        plan: 'hup',
        pid,
        argv: maskArgv(argv),
        ...(version ? { version } : {}),
        ...databaseOf(args, catalogFor(series ?? newestSeries)),
        totalMs: 0,
      };
    } finally {
      registry?.abort.abort();
    }
  }

  /** From the agent's readiness answer to ready, crashed or not ready; with `-d` also the registry. */
  private async settle(
    agent: AgentConversation,
    starting: Starting,
    event: Extract<AgentEvent, { t: 'ready' | 'exited' | 'not-ready' }>,
    progress: Progress,
  ): Promise<VersionInfo | undefined> {
    if (event.t === 'exited') {
      throw await this.crashed(starting, event);
    }
    if (event.t === 'not-ready') {
      throw await this.notReady(starting, event.reason);
    }
    progress({ step: 'http-ready', message: event.port ? `Odoo answers HTTP on port ${event.port}` : 'Odoo runs (no HTTP)' });
    const { registry } = starting;
    if (registry) {
      // The server may still die while its database loads; the agent reports that exit.
      const exit = agent.until(['exited'], registry.abort.signal);
      const winner = await Promise.race([registry.found.then((found) => ({ found })), exit.then((exited) => ({ exited }))]);
      if ('exited' in winner && winner.exited) {
        throw await this.crashed(starting, winner.exited);
      }
      if (!('found' in winner) || !winner.found) {
        throw await this.notReady(starting, 'the database registry did not finish loading');
      }
      progress({ step: 'registry', message: 'Database registry loaded' });
    }
    return event.version;
  }

  /**
   * Stops the server; with `then.launch`, the agent launches the new command right after the
   * stop as one step, and the launch's answer comes back too.
   */
  private async stopServer(agent: AgentConversation, server: OdooServer, progress: Progress, then?: { launch?: LaunchStep; remember?: RememberedCommand }) {
    const { pid, startTime } = server.master.info;
    progress({ step: 'stopping', message: `Stopping Odoo (PID ${pid}) gracefully`, pid });
    const stop: StopStep = {
      step: 'stop',
      pid,
      startTime,
      timeoutMs: this.settings.stopTimeoutMs,
      force: this.settings.killAfterTimeout,
      ...(then?.remember ? { remember: then.remember } : {}),
    };
    const onEvent = (e: AgentEvent) => {
      if (e.t === 'forcing') {
        progress({ step: 'forcing', message: `Odoo did not stop within ${Math.round(e.waitedMs / 1000)} s: forcing it`, pid });
      }
    };
    const event = await agent.step(then?.launch ? { step: 'replace', stop, launch: then.launch } : stop, ['stopped', 'stop-timeout'], onEvent);
    if (event.t === 'stop-timeout') {
      throw new OdooDevError('stop-timeout', `Odoo (PID ${pid}) did not stop within ${Math.round(event.ms / 1000)} s of SIGTERM; it is still running.`, {
        hint: 'Raise the stop timeout (--timeout), or allow forcing the stop after it (--kill-after-timeout).',
        details: { pid },
      });
    }
    progress({ step: 'stopped', message: `Stopped in ${event.ms} ms${event.forced ? ' (forced)' : ''}`, pid });
    if (!then?.launch) {
      return { ms: event.ms };
    }
    const launched = await agent.until(['launched', 'launch-failed']);
    if (!launched) {
      throw new OdooDevError('agent-failed', `The agent in container ${this.container.name} ended before it launched Odoo.`);
    }
    return { ms: event.ms, launched };
  }

  /**
   * With `-d`, ready means the registry is loaded; series 15 and later log it, and we see the
   * line when the server writes to the container's log at INFO.
   */
  private registryWatch(args: readonly string[], series: string | undefined, toContainerLog: boolean, pid: number, since: number, deadline: number): RegistryWatch | undefined {
    const catalog = catalogFor(series ?? newestSeries);
    if (!optionValue(args, 'db_name', catalog) || !logsRegistryLine(series)) {
      return undefined;
    }
    const logfile = optionValue(args, 'logfile', catalog);
    const logLevel = optionValue(args, 'log_level', catalog);
    const visible = toContainerLog && showsRegistryLine({
      ...(logfile ? { logfile } : {}),
      ...(logLevel ? { logLevel } : {}),
      syslog: optionValue(args, 'syslog', catalog) === 'true',
      logHandlers: optionValues(args, 'log_handler', catalog),
    });
    if (!visible) {
      this.log('the registry line will not reach the container log: ready is HTTP alone');
      return undefined;
    }
    return watchRegistry(this.container, pid, since, deadline, this.log);
  }

  private async crashed(starting: Starting, event: { exitCode: number | null; signal: number | null; ms: number }): Promise<OdooDevError> {
    const secrets = scrubbedSecrets(starting);
    const tail = await readLogTail(this.container, starting.at, secrets, this.log);
    const code = event.exitCode;
    const how = code !== null ? `exit code ${code}` : event.signal !== null ? `signal ${event.signal}` : 'an unknown status';
    return new OdooDevError('crashed', `Odoo (PID ${starting.pid}) exited with ${how} ${(event.ms / 1000).toFixed(1)} s after it started${tail.length ? `: ${lastMeaningful(tail)}` : '.'}`, {
      hint: 'See the log for the whole output; the last args that worked are remembered.',
      details: { pid: starting.pid, exitCode: code, signal: event.signal, logTail: tail, argv: maskArgv(starting.argv).map((a) => maskText(a, secrets)) },
    });
  }

  private async notReady(starting: Starting, reason: string): Promise<OdooDevError> {
    const tail = await readLogTail(this.container, starting.at, scrubbedSecrets(starting), this.log);
    return new OdooDevError('not-ready', `Odoo (PID ${starting.pid}) is running but not ready: ${reason}.`, {
      hint: 'It may still be loading; see the log, or raise the ready timeout.',
      details: { pid: starting.pid, logTail: tail },
    });
  }

  private async openLocked() {
    const facts = await this.container.facts();
    if (!facts.running) {
      throw new OdooDevError('container-not-running', `Container ${facts.name} is not running (${facts.state}).`, {
        hint: 'Start the container first.',
      });
    }
    const session = await this.container.openAgent({ lock: true, user: facts.user || 'root' });
    return { agent: new AgentConversation(session, this.container), facts };
  }

  private startDefaults(snapshot: Snapshot, env: readonly string[], workingDir: string): StartDefaults {
    const user = snapshot.user;
    const home = user?.home ?? '/';
    return {
      program: this.settings.startProgram ?? ['odoo'],
      env: envValue(env, 'HOME') === undefined ? [...env, `HOME=${home}`] : env,
      cwd: workingDir || home,
      uid: user?.uid ?? 0,
      gid: user?.gid ?? 0,
    };
  }

  /** Runs an action whose progress and end also go to the activity listeners. */
  private async reported(progress: Progress, action: (progress: Progress) => Promise<RestartOutcome>): Promise<RestartOutcome> {
    const emit = (activity: EngineActivity) => {
      for (const listener of [...this.listeners]) {
        listener(activity);
      }
    };
    try {
      const outcome = await action((p) => {
        progress(p);
        emit({ kind: 'progress', progress: p });
      });
      emit({ kind: 'finished', outcome });
      return outcome;
    } catch (error) {
      emit({ kind: 'failed', error });
      throw error;
    }
  }
}

interface QueuedRestart {
  readonly request: RestartRequest;
  readonly progress: Progress;
  /** `start`: refuse when a server already runs instead of restarting it. */
  readonly startOnly: boolean;
}

/** Args are checked before anything stops; an unknown series accepts what any series accepts. */
function validate(args: readonly string[], series: string | undefined): void {
  const errorsFor = (name: string) => validateArgs(args, catalogFor(name)).filter((p) => p.severity === 'error');
  const problems = series !== undefined
    ? errorsFor(series)
    : errorsFor(newestSeries).filter((p) => knownSeries.every((name) => errorsFor(name).some((q) => q.start === p.start)));
  if (problems.length) {
    throw new OdooDevError('invalid-args', `The new args are not valid for Odoo${series ? ` ${series}` : ''}: ${problems.map((p) => p.message).join(' ')}`, {
      hint: 'Nothing was stopped; fix the args and try again.',
      details: { problems },
    });
  }
}

/**
 * The secret values to scrub from log lines. The official image's documented defaults are no
 * secret, and scrubbing the word `odoo` would garble every line.
 */
function scrubbedSecrets(starting: Starting): string[] {
  return secretValues(starting.argv, starting.env).filter((secret) => !publicDefaults.has(secret));
}

const publicDefaults = new Set(['odoo', 'admin', 'postgres']);

function databaseOf(args: readonly string[], catalog: ReturnType<typeof catalogFor>): { database?: string } {
  const database = optionValue(args, 'db_name', catalog);
  return database ? { database } : {};
}

function describePlan(plan: RestartPlan): string {
  switch (plan.kind) {
    case 'hup':
      return `reload PID ${plan.server.master.info.pid} in place with SIGHUP`;
    case 'in-place':
      return `stop PID ${plan.server.master.info.pid}, then run ${maskArgv(plan.launch.argv).join(' ')}`;
    case 'start':
      return `start ${maskArgv(plan.launch.argv).join(' ')}`;
  }
}

function lastMeaningful(lines: readonly string[]): string {
  const error = [...lines].reverse().find((l) => /error|exception/i.test(l));
  return (error ?? lines[lines.length - 1]).trim();
}
