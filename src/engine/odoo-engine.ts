import type { AgentEvent, AgentEventType, AgentStep, HttpTarget, Snapshot, VersionInfo } from '../core/agent-protocol';
import { validateArgs } from '../core/arg-validation';
import { optionValue } from '../core/command-line';
import { OdooDevError } from '../core/errors';
import { isRegistryLoaded, logsRegistryLine, parseOdooLogLine } from '../core/odoo-log';
import { catalogFor, knownSeries } from '../core/option-catalog';
import { classifyProcesses, type OdooServer } from '../core/odoo-processes';
import { RestartQueue } from '../core/restart-queue';
import {
  envValue,
  httpTargetOf,
  planRestart,
  rememberedFor,
  targetServer,
  type LaunchSpec,
  type RestartPlan,
  type RestartRequest,
  type StartDefaults,
} from '../core/restart-plan';
import { maskArgv } from '../core/secrets';
import type { AgentSession, OdooContainer } from './odoo-container';

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

export interface OdooStatus {
  readonly container: { readonly id: string; readonly name: string; readonly state: string };
  readonly state: 'running' | 'starting' | 'stopped' | 'container-stopped';
  readonly server?: {
    readonly pid: number;
    readonly uid: number;
    readonly argv: readonly string[];
    readonly workers: number;
    readonly gevent: boolean;
    readonly port: number;
    readonly version?: VersionInfo;
    readonly database?: string;
    readonly isPid1: boolean;
  };
  /** Other Odoo commands running next to the server (`shell`, one-shot runs), masked. */
  readonly others: ReadonlyArray<{ readonly pid: number; readonly argv: readonly string[] }>;
}

type Progress = (progress: EngineProgress) => void;

/** What the engine does, for whoever shows the state (the watcher, the status bar). */
export type EngineActivity =
  | { readonly kind: 'progress'; readonly progress: EngineProgress }
  | { readonly kind: 'finished'; readonly outcome: RestartOutcome }
  | { readonly kind: 'failed'; readonly error: unknown };

const newestSeries = knownSeries[knownSeries.length - 1];

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

  restart(request: RestartRequest = {}, progress: Progress = () => undefined, reason?: string): Promise<RestartOutcome> {
    return this.queue.enqueue({ request, progress, startOnly: false }, reason);
  }

  async status(): Promise<OdooStatus> {
    const facts = await this.container.facts();
    const container = { id: facts.id, name: facts.name, state: facts.state };
    if (!facts.running) {
      return { container, state: 'container-stopped', others: [] };
    }
    const session = await this.container.openAgent();
    try {
      const processes = classifyProcesses(session.snapshot.processes);
      const others = processes.commands.map((c) => ({ pid: c.info.pid, argv: maskArgv(c.info.argv) }));
      const server = targetServer(processes);
      if (!server) {
        return { container, state: 'stopped', others };
      }
      const catalog = catalogFor(newestSeries);
      const probe = await this.probe(session, server);
      return {
        container,
        state: probe.healthy ? 'running' : 'starting',
        server: {
          pid: server.master.info.pid,
          uid: server.master.info.uid,
          argv: maskArgv(server.master.info.argv),
          workers: server.workers.length,
          gevent: server.gevent !== undefined,
          port: probe.port,
          ...(probe.version ? { version: probe.version } : {}),
          ...databaseOf(server.master.args, catalog),
          isPid1: server.master.info.pid === 1,
        },
        others,
      };
    } finally {
      await session.close();
    }
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

  private async runStop(request: { pid?: number }, progress: Progress): Promise<RestartOutcome> {
    const started = Date.now();
    const session = await this.openLocked();
    try {
      const server = targetServer(classifyProcesses(session.snapshot.processes), request.pid);
      if (!server) {
        return { plan: 'stopped', pid: 0, argv: [], totalMs: Date.now() - started };
      }
      if (server.master.info.pid === 1) {
        throw new OdooDevError('pid1-new-args', 'Odoo is PID 1 in this container: stopping it would stop the container.', {
          hint: 'Stop the container itself if that is what you want, or make the container restartable with a keeper as PID 1.',
        });
      }
      const catalog = catalogFor(newestSeries);
      const stopped = await this.stopServer(session, server, rememberedFor(server, catalog), progress);
      return { plan: 'stopped', pid: server.master.info.pid, argv: maskArgv(server.master.info.argv), stopMs: stopped, totalMs: Date.now() - started };
    } finally {
      await session.close();
    }
  }

  /** Starts Odoo when nothing runs; with no args, the remembered command. */
  start(request: RestartRequest = {}, progress: Progress = () => undefined): Promise<RestartOutcome> {
    return this.queue.enqueue({ request, progress, startOnly: true }, 'start');
  }

  private async runRestart({ request, progress, startOnly }: QueuedRestart): Promise<RestartOutcome> {
    const started = Date.now();
    const facts = await this.container.facts();
    if (!facts.running) {
      throw new OdooDevError('container-not-running', `Container ${facts.name} is not running (${facts.state}).`, {
        hint: 'Start the container first.',
      });
    }
    const session = await this.container.openAgent({ lock: true, user: facts.user || 'root' });
    try {
      const processes = classifyProcesses(session.snapshot.processes);
      const server = targetServer(processes, request.pid);
      if (server && startOnly) {
        throw new OdooDevError('already-running', `Odoo already runs in container ${facts.name} (PID ${server.master.info.pid}).`, {
          hint: 'Use restart to run it with other args.',
        });
      }
      const version = server ? (await this.probe(session, server)).version : undefined;
      const series = version?.serverSerie;
      const catalog = catalogFor(series ?? newestSeries);
      if (request.args) {
        this.validate(request.args, series);
      }
      const plan = planRestart(request, {
        processes,
        catalog,
        ...(session.snapshot.remembered ? { remembered: session.snapshot.remembered } : {}),
        defaults: this.startDefaults(session.snapshot, facts.env, facts.workingDir),
      });
      progress({ step: 'plan', message: describePlan(plan) });
      this.log(`plan: ${describePlan(plan)}`);
      const deadline = Date.now() + this.settings.readyTimeoutMs;
      if (plan.kind === 'hup') {
        return await this.reload(session, plan.server, plan.args, plan.http, series, deadline, started, progress);
      }
      let stopMs: number | undefined;
      if (plan.kind === 'in-place') {
        stopMs = await this.stopServer(session, plan.server, undefined, progress);
      }
      const outcome = await this.launch(session, plan.launch, series, progress);
      return { ...outcome, plan: outcome.plan === 'completed' ? 'completed' : plan.kind, ...(stopMs !== undefined ? { stopMs } : {}), totalMs: Date.now() - started };
    } finally {
      await session.close();
    }
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

  private validate(args: readonly string[], series: string | undefined): void {
    const errorsFor = (name: string) => validateArgs(args, catalogFor(name)).filter((p) => p.severity === 'error');
    // Without a running server the series is unknown: only what every series refuses is wrong.
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

  private async openLocked(): Promise<AgentSession> {
    const facts = await this.container.facts();
    if (!facts.running) {
      throw new OdooDevError('container-not-running', `Container ${facts.name} is not running (${facts.state}).`, {
        hint: 'Start the container first.',
      });
    }
    return this.container.openAgent({ lock: true });
  }

  private async probe(session: AgentSession, server: OdooServer) {
    const catalog = catalogFor(newestSeries);
    const event = await this.step(session, { step: 'probe', http: httpTargetOf(server.master.args, server.master.info.env ?? [], catalog) }, ['probe']);
    if (event.t !== 'probe') {
      throw this.unexpected(event);
    }
    return event;
  }

  private async stopServer(session: AgentSession, server: OdooServer, remember: ReturnType<typeof rememberedFor>, progress: Progress): Promise<number> {
    const { pid, startTime } = server.master.info;
    progress({ step: 'stopping', message: `Stopping Odoo (PID ${pid}) gracefully`, pid });
    const event = await this.step(session, {
      step: 'stop',
      pid,
      startTime,
      timeoutMs: this.settings.stopTimeoutMs,
      force: this.settings.killAfterTimeout,
      ...(remember ? { remember } : {}),
    }, ['stopped', 'stop-timeout'], (e) => {
      if (e.t === 'forcing') {
        progress({ step: 'forcing', message: `Odoo did not stop within ${Math.round(e.waitedMs / 1000)} s: forcing it` });
      }
    });
    if (event.t === 'stop-timeout') {
      throw new OdooDevError('stop-timeout', `Odoo (PID ${pid}) did not stop within ${Math.round(event.ms / 1000)} s of SIGTERM; it is still running.`, {
        hint: 'Raise the stop timeout, or allow killing it after the timeout (odooDev.restart.killAfterTimeout, --kill-after-timeout).',
        details: { pid },
      });
    }
    if (event.t !== 'stopped') {
      throw this.unexpected(event);
    }
    progress({ step: 'stopped', message: `Stopped in ${event.ms} ms${event.forced ? ' (forced)' : ''}` });
    return event.ms;
  }

  private async launch(session: AgentSession, launch: LaunchSpec, series: string | undefined, progress: Progress): Promise<RestartOutcome> {
    const deadline = Date.now() + this.settings.readyTimeoutMs;
    const launched = await this.step(session, {
      step: 'launch',
      argv: launch.argv,
      env: launch.env,
      cwd: launch.cwd,
      uid: launch.uid,
      gid: launch.gid,
      remember: launch.remember,
    }, ['launched', 'launch-failed']);
    if (launched.t === 'launch-failed') {
      throw new OdooDevError('launch-failed', `Could not start Odoo: ${launched.message}.`, {
        hint: 'Check the command (odooDev.start.command, --command) and that it exists in the container.',
      });
    }
    if (launched.t !== 'launched') {
      throw this.unexpected(launched);
    }
    const { pid, at } = launched;
    progress({ step: 'launched', message: `Started Odoo (PID ${pid})`, pid });
    const catalog = catalogFor(series ?? newestSeries);
    const isOneShot = optionValue(launch.args, 'stop_after_init', catalog) !== undefined;
    const awaitRegistry = this.registryWatch(launch.args, series, pid, at, deadline);
    try {
      const ready = await this.step(session, { step: 'ready', pid, http: isOneShot ? { disabled: true } : launch.http, timeoutMs: deadline - Date.now() }, ['ready', 'exited', 'not-ready']);
      if (ready.t === 'exited') {
        return await this.exited(ready, launch.argv, at, isOneShot);
      }
      const version = ready.t === 'ready' ? ready.version : undefined;
      if (ready.t === 'not-ready') {
        throw await this.notReady(pid, at, ready.reason);
      }
      progress({ step: 'http-ready', message: `Odoo answers HTTP on port ${ready.t === 'ready' ? ready.port : '?'}` });
      if (isOneShot) {
        const exited = await this.untilEvent(session, ['exited'], deadline);
        if (exited?.t === 'exited') {
          return await this.exited(exited, launch.argv, at, true);
        }
        throw await this.notReady(pid, at, 'the one-shot run did not finish in time');
      }
      await this.awaitRegistry(session, awaitRegistry, pid, at, launch.argv, progress);
      return {
        plan: 'in-place',
        pid,
        argv: maskArgv(launch.argv),
        ...(version ? { version } : {}),
        ...databaseOf(launch.args, catalog),
        totalMs: 0,
      };
    } finally {
      awaitRegistry?.abort.abort();
    }
  }

  private async reload(
    session: AgentSession,
    server: OdooServer,
    args: readonly string[],
    http: HttpTarget,
    series: string | undefined,
    deadline: number,
    started: number,
    progress: Progress,
  ): Promise<RestartOutcome> {
    const { pid } = server.master.info;
    progress({ step: 'reloading', message: `Reloading Odoo (PID ${pid}) in place with SIGHUP`, pid });
    const catalog = catalogFor(series ?? newestSeries);
    let awaitRegistry: RegistryWatch | undefined;
    try {
      const event = await this.step(session, { step: 'hup', pid, http, timeoutMs: deadline - Date.now() }, ['ready', 'exited', 'not-ready'], (e) => {
        if (e.t === 'hup-sent') {
          awaitRegistry = this.registryWatch(args, series, pid, e.at, deadline);
        }
      });
      const at = awaitRegistry?.since ?? Date.now() / 1000;
      if (event.t === 'exited') {
        return await this.exited(event, server.master.info.argv, at, false);
      }
      if (event.t === 'not-ready') {
        throw await this.notReady(pid, at, event.reason);
      }
      if (event.t !== 'ready') {
        throw this.unexpected(event);
      }
      progress({ step: 'http-ready', message: `Odoo answers HTTP on port ${event.port}` });
      await this.awaitRegistry(session, awaitRegistry, pid, at, server.master.info.argv, progress);
      return {
        plan: 'hup',
        pid,
        argv: maskArgv([...server.master.program, ...args]),
        ...(event.version ? { version: event.version } : {}),
        ...databaseOf(args, catalog),
        totalMs: Date.now() - started,
      };
    } finally {
      awaitRegistry?.abort.abort();
    }
  }

  /** With `-d`, ready means the registry is loaded; Odoo logs that, so the log tells. */
  private registryWatch(args: readonly string[], series: string | undefined, pid: number, since: number, deadline: number): RegistryWatch | undefined {
    const catalog = catalogFor(series ?? newestSeries);
    if (!optionValue(args, 'db_name', catalog) || !logsRegistryLine(series)) {
      return undefined;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
    const found = (async () => {
      try {
        for await (const line of this.container.logs({ since: since - 1, follow: true, signal: abort.signal })) {
          const record = parseOdooLogLine(line.text);
          if (record && record.pid === pid && line.time >= since * 1000 - 1000 && isRegistryLoaded(record)) {
            return true;
          }
        }
      } catch (error) {
        this.log(`log follow failed: ${String(error)}`);
      } finally {
        clearTimeout(timer);
      }
      return false;
    })();
    return { abort, found, since };
  }

  private async awaitRegistry(session: AgentSession, watch: RegistryWatch | undefined, pid: number, at: number, argv: readonly string[], progress: Progress): Promise<void> {
    if (!watch) {
      return;
    }
    // The server may still die while its database loads; the agent reports that exit.
    const exit = this.untilEvent(session, ['exited'], Number.POSITIVE_INFINITY, watch.abort.signal);
    const winner = await Promise.race([watch.found.then((found) => ({ found })), exit.then((event) => ({ event }))]);
    if ('event' in winner && winner.event?.t === 'exited') {
      await this.exited(winner.event, argv, at, false);
    }
    if (!('found' in winner) || !winner.found) {
      throw await this.notReady(pid, at, 'the database registry did not finish loading');
    }
    progress({ step: 'registry', message: 'Database registry loaded' });
  }

  private async exited(event: Extract<AgentEvent, { t: 'exited' }>, argv: readonly string[], at: number, isOneShot: boolean): Promise<RestartOutcome> {
    const code = event.exitCode;
    if (isOneShot && code === 0) {
      return { plan: 'completed', pid: event.pid, argv: maskArgv(argv), exitCode: 0, totalMs: event.ms };
    }
    const tail = await this.logTail(at, event.pid);
    const how = code !== null ? `exit code ${code}` : event.signal !== null ? `signal ${event.signal}` : 'an unknown status';
    throw new OdooDevError('crashed', `Odoo (PID ${event.pid}) exited with ${how} ${Math.round(event.ms / 100) / 10} s after it started${tail.length ? `: ${lastMeaningful(tail)}` : '.'}`, {
      hint: 'See the log for the whole output; the last args that worked are remembered.',
      details: { pid: event.pid, exitCode: code, signal: event.signal, logTail: tail, argv: maskArgv(argv) },
    });
  }

  private async notReady(pid: number, at: number, reason: string): Promise<OdooDevError> {
    const tail = await this.logTail(at, pid);
    return new OdooDevError('not-ready', `Odoo (PID ${pid}) is running but not ready: ${reason}.`, {
      hint: 'It may still be loading; see the log, or raise the ready timeout.',
      details: { pid, logTail: tail },
    });
  }

  /** The log lines since a server started; Docker may lag behind the process by a moment. */
  private async logTail(since: number, pid: number): Promise<string[]> {
    const deadline = Date.now() + 1000;
    let lines: string[] = [];
    do {
      lines = [];
      try {
        for await (const line of this.container.logs({ since: since - 1 })) {
          if (line.time >= since * 1000 - 50) {
            lines.push(line.text);
          }
        }
      } catch (error) {
        this.log(`reading the log tail failed: ${String(error)}`);
        return [];
      }
      if (lines.some((l) => parseOdooLogLine(l)?.pid !== pid)) {
        break;
      }
    } while (!lines.length && Date.now() < deadline && (await pause(50)));
    return lines.slice(-40);
  }

  private startDefaults(snapshot: Snapshot, env: readonly string[], workingDir: string): StartDefaults {
    const user = snapshot.user;
    const home = user?.home ?? '/';
    const withHome = envValue(env, 'HOME') === undefined ? [...env, `HOME=${home}`] : env;
    return {
      program: this.settings.startProgram ?? ['odoo'],
      env: withHome,
      cwd: workingDir || home,
      uid: user?.uid ?? 0,
      gid: user?.gid ?? 0,
    };
  }

  /** Sends a step and returns its final event; progress events go to `onEvent`. */
  private async step(session: AgentSession, step: AgentStep, finals: readonly AgentEventType[], onEvent: (event: AgentEvent) => void = () => undefined): Promise<AgentEvent> {
    session.send(step);
    const event = await this.untilEvent(session, finals, Number.POSITIVE_INFINITY, undefined, onEvent);
    if (!event) {
      throw await this.agentEnded();
    }
    return event;
  }

  private async untilEvent(
    session: AgentSession,
    finals: readonly AgentEventType[],
    deadline: number,
    signal?: AbortSignal,
    onEvent: (event: AgentEvent) => void = () => undefined,
  ): Promise<AgentEvent | undefined> {
    while (Date.now() < deadline && !signal?.aborted) {
      const event = await session.next();
      if (!event) {
        return undefined;
      }
      if (event.t === 'error') {
        throw new OdooDevError('agent-failed', `The agent in container ${this.container.name} failed: ${event.message}.`);
      }
      if (finals.includes(event.t)) {
        return event;
      }
      onEvent(event);
    }
    return undefined;
  }

  private async agentEnded(): Promise<OdooDevError> {
    // The agent dies with the container; Docker may take a moment to record the stop.
    const deadline = Date.now() + 3000;
    let facts = await this.container.facts().catch(() => undefined);
    while (facts?.running && Date.now() < deadline && (await pause(50))) {
      facts = await this.container.facts().catch(() => undefined);
    }
    if (!facts) {
      return new OdooDevError('container-not-found', `Container ${this.container.name} disappeared during the restart.`);
    }
    if (!facts.running) {
      return new OdooDevError('container-not-running', `Container ${this.container.name} stopped during the restart (${facts.state}).`, {
        hint: 'Start the container again; nothing of ours is left in it.',
      });
    }
    return new OdooDevError('agent-failed', `The agent in container ${this.container.name} ended unexpectedly.`);
  }

  private unexpected(event: AgentEvent): OdooDevError {
    return new OdooDevError('agent-failed', `The agent answered ${JSON.stringify(event)} unexpectedly.`);
  }
}

interface QueuedRestart {
  readonly request: RestartRequest;
  readonly progress: Progress;
  /** `start`: refuse when a server already runs instead of restarting it. */
  readonly startOnly: boolean;
}

interface RegistryWatch {
  readonly abort: AbortController;
  readonly found: Promise<boolean>;
  /** Seconds since the epoch from which the log counts. */
  readonly since: number;
}

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
  const error = [...lines].reverse().find((l) => /error|exception|Error:/i.test(l));
  return (error ?? lines[lines.length - 1]).trim();
}

function pause(ms: number): Promise<true> {
  return new Promise((resolve) => setTimeout(() => resolve(true), ms));
}
