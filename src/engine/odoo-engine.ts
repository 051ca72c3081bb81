import type { AgentEvent, AgentStep, HttpTarget, LaunchStep, ProcessSpec, StopStep, VersionInfo } from '../core/agent-protocol';
import { validateArgsForSeries, type ArgProblem } from '../core/arg-validation';
import { debugHookSource, warmSource } from '../agent/agent-source';
import { debugpyCopyDir, type DebugpySource } from '../core/debugpy-copy';
import { debugHookDir, debugHost, debugPortOf, defaultClientWaitS, defaultDebugPort, scriptsToResolve, waitsForClient, withoutDebugger, type DebugRequest } from '../core/debug-launch';
import { OdooDevError } from '../core/errors';
import { socketPlan, type SocketPlan } from '../core/held-socket';
import { OdooCommandLine } from '../core/odoo-command-line';
import { containerOptionsOf, type ContainerOptions } from '../core/option-help';
import { writesToContainerLog, type OdooServer } from '../core/odoo-processes';
import { RestartQueue } from '../core/restart-queue';
import {
  describeEnding,
  endsContainer,
  planRestart,
  rememberedFor,
  targetServer,
  withHome,
  type HupPlan,
  type InPlacePlan,
  type Launch,
  type RestartPlan,
  type RestartRequest,
  type RunBesidePlan,
} from '../core/restart-plan';
import { isOlderKeeper } from '../core/restartable-keeper';
import { besideCommand, besideSpec, needsOwnHttp } from '../core/run-beside';
import { maskArgv } from '../core/secrets';
import { checkAddonsPaths } from './addons-check';
import { openConversation } from './agent-conversation';
import { defaultEngineSettings, type EngineActivity, type EngineSettings, type Progress, type RestartOutcome } from './engine-types';
import type { OdooContainer } from './odoo-container';
import type { RunWatch } from './run-watch';
import { readStatus, type OdooStatus } from './odoo-status';
import { registryWatchFor, runToEnd, settle, type Starting } from './readiness';
import { openRun, type RunContext } from './run-context';
import { helpSpecFor, readSelfDescription } from './self-description';

export type { OdooStatus } from './odoo-status';
export { defaultEngineSettings } from './engine-types';
export type { EngineActivity, EngineProgress, EngineSettings, RestartOutcome } from './engine-types';
export type { RunWatch } from './run-watch';

/** One request of the queue: what to do and where its progress goes. */
type Operation =
  | { readonly kind: 'restart' | 'start' | 'run'; readonly request: RestartRequest; readonly progress: Progress; readonly watch?: RunWatch }
  | { readonly kind: 'stop'; readonly pid?: number; readonly progress: Progress };

/**
 * Restarts, stops and starts Odoo in one container, one exec each, through one queue: requests
 * that arrive while one runs merge into one that runs next, and the latest request wins.
 */
export class OdooEngine {
  private readonly queue: RestartQueue<Operation, RestartOutcome>;
  private readonly listeners = new Set<(activity: EngineActivity) => void>();
  private containerOptions: ContainerOptions | undefined;
  /** Images whose Odoo listed no options for `--help`: not asked again. */
  private readonly noListing = new Set<string>();

  constructor(
    readonly container: OdooContainer,
    private readonly settings: EngineSettings = defaultEngineSettings,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.queue = new RestartQueue((operation) => this.reported(operation), log);
  }

  /**
   * The options the container's own Odoo lists (`odoo --help`), read elsewhere and kept per
   * image: new args are checked by them while the container runs that image.
   */
  useContainerOptions(options: ContainerOptions | undefined): void {
    if (options || !this.containerOptions) {
      this.containerOptions = options;
    }
  }

  /** The container's own option list, given or read by a restart whose args needed it. */
  get knownContainerOptions(): ContainerOptions | undefined {
    return this.containerOptions;
  }

  /** A restart, start or stop is under way. */
  get isBusy(): boolean {
    return this.queue.isBusy;
  }

  onActivity(listener: (activity: EngineActivity) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Restarts with new args, or with the current ones minus the one-shot ones. */
  restart(request: RestartRequest = {}, progress: Progress = () => undefined, reason = 'restart'): Promise<RestartOutcome> {
    return this.queue.enqueue({ kind: 'restart', request, progress }, reason);
  }

  /**
   * Runs Odoo once with these args (`--stop-after-init` added unless they end by themselves),
   * beside the running server when there is one, which reloads afterwards when modules changed.
   * `watch` passes on the run's log as it comes, stops it on abort, and may leave the server as it is.
   */
  runOnce(request: RestartRequest & { readonly args: readonly string[] }, progress: Progress = () => undefined, watch?: RunWatch): Promise<RestartOutcome> {
    return this.queue.enqueue({ kind: 'run', request, progress, ...(watch ? { watch } : {}) }, 'run once');
  }

  /** Starts Odoo when nothing runs; with no args, the remembered command. */
  start(request: RestartRequest = {}, progress: Progress = () => undefined): Promise<RestartOutcome> {
    return this.queue.enqueue({ kind: 'start', request, progress }, 'start');
  }

  /** Stops the server gracefully and remembers its command for a later plain start. */
  stop(request: { pid?: number } = {}, progress: Progress = () => undefined): Promise<RestartOutcome> {
    return this.queue.enqueue({ kind: 'stop', ...(request.pid !== undefined ? { pid: request.pid } : {}), progress }, 'stop');
  }

  status(): Promise<OdooStatus> {
    return readStatus(this.container, () => openConversation(this.container));
  }

  /** Runs an operation; its progress and end also go to the activity listeners. */
  private async reported(operation: Operation): Promise<RestartOutcome> {
    const emit = (activity: EngineActivity) => {
      for (const listener of [...this.listeners]) {
        listener(activity);
      }
    };
    const progress: Progress = (p) => {
      operation.progress(p);
      emit({ kind: 'progress', progress: p });
    };
    const started = Date.now();
    // A run once is over when its run ends: a server it reloads on the way is not its outcome.
    const ready: Ready | undefined = operation.kind === 'run' ? undefined : (outcome) => {
      const told = timed(outcome, started);
      progress({ step: 'ready', message: readyMessage(told), pid: told.pid, outcome: told });
    };
    try {
      const done = timed(await this.run(operation, progress, ready), started);
      emit({ kind: 'finished', outcome: done });
      return done;
    } catch (error) {
      emit({ kind: 'failed', error });
      throw error;
    }
  }

  private async run(operation: Operation, progress: Progress, ready: Ready | undefined): Promise<RestartOutcome> {
    const isStop = operation.kind === 'stop';
    const pid = isStop ? operation.pid : operation.request.pid;
    const run = await openRun(this.container, {
      settings: this.settings,
      progress,
      log: this.log,
      probeSeries: !isStop,
      ...(pid !== undefined ? { pid } : {}),
    }, targetServer);
    try {
      if (operation.kind === 'stop') {
        return await this.runStop(run, run.server);
      }
      const request = operation.kind === 'run' ? { ...operation.request, args: endingArgs(operation.request.args ?? [], run.series) } : operation.request;
      return await this.runRestart(run, run.server, request, operation.kind === 'start', operation.watch, ready);
    } finally {
      await run.agent.close();
    }
  }

  /**
   * Checks new args before anything stops. Args the bundled catalog refuses get a second look
   * by the container's own option list (an option a patched Odoo or an addon adds): read from
   * the program's `--help` through the agent already open, once per image, so that args the
   * catalog accepts never wait for it.
   */
  private async checkArgs(run: RunContext, server: OdooServer | undefined, args: readonly string[]): Promise<void> {
    const { imageId } = run.facts;
    let known = this.containerOptions && this.containerOptions.imageId === imageId ? this.containerOptions : undefined;
    let problems = argErrors(args, run.series, known);
    if (problems.length && !known && imageId !== undefined && !this.noListing.has(imageId)) {
      const spec = helpSpecFor(server, run.agent.snapshot.remembered, run.facts.env);
      const said = spec ? await readSelfDescription(run.agent, spec) : undefined;
      known = said && containerOptionsOf(imageId, said);
      if (known) {
        this.containerOptions = known;
        this.log(`read ${known.options.length} options from odoo --help${known.version ? ` (${known.version})` : ''}`);
        problems = argErrors(args, run.series, known);
      } else {
        this.noListing.add(imageId);
      }
    }
    if (problems.length) {
      const series = run.series;
      throw new OdooDevError('invalid-args', `The new args are not valid for Odoo${series ? ` ${series}` : ''}: ${problems.map((p) => p.message).join(' ')}`, {
        hint: 'Nothing was stopped; fix the args and try again.',
        details: { problems },
      });
    }
  }

  private async runStop(run: RunContext, server: OdooServer | undefined): Promise<RestartOutcome> {
    if (!server) {
      return { plan: 'stopped', pid: 0, argv: [], totalMs: 0 };
    }
    const { info } = server.master;
    if (endsContainer(info, run.processes.pid1)) {
      throw new OdooDevError('pid1-refused', `${describeEnding(info, run.processes.pid1)}: stopping Odoo would stop the container.`, {
        hint: 'Stop the container itself if that is what you want, or make the container restartable with a keeper as PID 1.',
      });
    }
    const remember = rememberedFor(server);
    const stopMs = (await this.stopServer(run, server, remember ? { remember } : {})).ms;
    return { plan: 'stopped', pid: info.pid, argv: maskArgv(info.argv), stopMs, totalMs: 0 };
  }

  private async runRestart(run: RunContext, server: OdooServer | undefined, asked: RestartRequest, startOnly: boolean, watch?: RunWatch, ready?: Ready): Promise<RestartOutcome> {
    if (server && startOnly) {
      throw new OdooDevError('already-running', `Odoo already runs in container ${run.facts.name} (PID ${server.master.info.pid}).`, {
        hint: 'Use restart to run it with other args.',
      });
    }
    if (asked.args) {
      await this.checkArgs(run, server, asked.args);
    }
    const request = await withBesidePort(run, server, asked);
    const context = {
      processes: run.processes,
      ...(run.series !== undefined ? { series: run.series } : {}),
      ...(run.agent.snapshot.remembered ? { remembered: run.agent.snapshot.remembered } : {}),
      defaults: this.startDefaults(run),
    };
    let plan = planRestart(request, context);
    await checkAddonsPaths(run, plan);
    const described = describePlan(plan, watch?.reload === false);
    run.progress({ step: 'plan', message: described });
    this.log(`plan: ${described}`);
    let debugged = debuggedLaunch(plan);
    if (debugged) {
      await writeDebugHook(run);
      const { debug } = request;
      if (debug) {
        if (debug.copyFrom) {
          // The run's PYTHONPATH gets the copy: the plan is made again with it.
          const { copyFrom, ...rest } = debug;
          const pythonPaths = [await copyDebugpy(run, copyFrom)];
          plan = planRestart({ ...request, debug: { ...rest, pythonPaths } }, context);
          debugged = debuggedLaunch(plan) ?? debugged;
        }
        await checkDebugpy(run, debugged.spec);
        run.progress({ step: 'debug', message: debugNotice(debugged.command, debug) });
      }
    }
    switch (plan.kind) {
      case 'hup':
        return this.reloadWithSameArgs(run, plan, ready);
      case 'run-beside':
        return this.runBeside(run, plan, watch);
      default:
        return this.replace(run, plan, watch, ready);
    }
  }

  /**
   * Stops the old server when there is one, launches the new command, waits until it is ready;
   * `ready` hears of it before the warm process for the next restart is prepared.
   */
  private async replace(run: RunContext, plan: InPlacePlan | Extract<RestartPlan, { kind: 'start' }>, watch?: RunWatch, ready?: Ready): Promise<RestartOutcome> {
    const { launch } = plan;
    const sockets = this.socketsFor(plan);
    const launchStep = this.launchStepOf(launch, sockets);
    // Until the new command is ready, the old one is the last that worked.
    const previous = plan.kind === 'in-place' ? rememberedFor(plan.server) : undefined;
    if (plan.kind === 'in-place') {
      const why = await whyNotBeside(run, plan.server, sockets);
      if (why === undefined) {
        return this.handOver(run, plan, launchStep, previous, NEW_ARGS, ready);
      }
      // Started on the held socket, the new server is one the next restart can boot beside.
      const next = sockets.overlap ? ' (the next restart overlaps)' : '';
      run.progress({ step: 'overlap', message: `Stopping PID ${plan.server.master.info.pid} before the new server starts: ${why}${next}` });
    }
    const stopped = plan.kind === 'in-place' ? await this.stopServer(run, plan.server, { launch: launchStep, ...(previous ? { remember: previous } : {}) }) : undefined;
    const launched = stopped?.launched ?? await run.agent.step(launchStep, ['launched', 'launch-failed']);
    if (launched.t === 'launch-failed') {
      throw new OdooDevError('launch-failed', `Could not start Odoo: ${launched.message}.`, {
        hint: 'Check that the Odoo command exists in the container and runs as its user.',
      });
    }
    const { pid, at } = launched;
    run.progress({ step: 'launched', message: `Started Odoo (PID ${pid})${howStarted(launched)}`, pid });
    const { command } = launch;
    reportDebugWait(run, command, pid);
    const endsByItself = command.endsByItself;
    const lastWorking = previous ?? run.agent.snapshot.remembered;
    const starting: Starting = {
      pid,
      at,
      spec: launch.spec,
      registry: endsByItself ? undefined : registryWatchFor(run, command, launched.logTo === 'docker-logs', pid, at),
      ...(lastWorking ? { lastWorking } : {}),
    };
    const stopMs = stopped ? { stopMs: stopped.ms } : {};
    try {
      if (endsByItself) {
        const report = await runToEnd(run, starting, 'See the log for the whole output.', watch);
        // A run that ended by itself is no server to bring back: a later start runs the last
        // server that worked, not this run. Only where none ever worked is the run's
        // command, without its one-shot args, the best guess for a start.
        if (!run.agent.snapshot.remembered) {
          await this.remember(run, launch.remember);
        }
        return { plan: 'completed', pid, argv: maskArgv(launch.spec.argv), exitCode: 0, report, totalMs: 0, ...stopMs };
      }
      const answer = await run.agent.step({ step: 'ready', pid, http: launch.http, timeoutMs: run.deadline - Date.now() }, ['ready', 'exited', 'not-ready']);
      const version = await settle(run, starting, answer);
      const readyAt = Date.now();
      await this.remember(run, launch.remember);
      const outcome = serverOutcome(plan.kind, pid, launch, version, { ...stopMs, ...(launched.warm ? { warm: true } : {}), readyAt });
      ready?.(outcome);
      await this.routeOnce(run, launch.http);
      await this.prepareWarm(run, launchStep);
      return outcome;
    } finally {
      starting.registry?.abort.abort();
    }
  }

  /**
   * The new server boots on the held socket while the old one still answers on it; the agent
   * stops the old one once the new one answers itself. A new server that exits or is not ready
   * in time is stopped by the agent, and the old one goes on serving its args. `ready` hears of
   * the new server before the old one's stop, which is off the critical path.
   */
  private async handOver(run: RunContext, plan: InPlacePlan, launchStep: LaunchStep, previous: ProcessSpec | undefined, who: NewServer = NEW_ARGS, ready?: Ready): Promise<RestartOutcome> {
    const { launch, server } = plan;
    const oldPid = server.master.info.pid;
    run.progress({ step: 'overlap', message: `Starting the new server beside the running one (PID ${oldPid} answers meanwhile)`, pid: oldPid });
    // The agent stops the old server only once the new one is ready: by then the new command is
    // the one to remember, and the agent writes it as the stop begins.
    const stop = this.stopStep(server, launch.remember);
    const launched = await run.agent.step({ step: 'replace', stop, launch: launchStep, overlap: true, readyTimeoutMs: Math.max(0, run.deadline - Date.now()) }, ['launched', 'launch-failed']);
    if (launched.t === 'launch-failed') {
      throw new OdooDevError('launch-failed', `${who.failed}: could not start Odoo: ${launched.message}. ${who.kept(oldPid)}`, {
        hint: 'Check that the Odoo command exists in the container and runs as its user.',
      });
    }
    const { pid, at } = launched;
    run.progress({ step: 'launched', message: `Started Odoo (PID ${pid}) beside PID ${oldPid}${howStarted(launched)}`, pid });
    const starting: Starting = {
      pid,
      at,
      spec: launch.spec,
      registry: registryWatchFor(run, launch.command, launched.logTo === 'docker-logs', pid, at),
      ...(previous ? { lastWorking: previous } : {}),
    };
    let version: VersionInfo | undefined;
    try {
      const answer = await run.agent.until(['ready', 'exited', 'not-ready']);
      if (!answer) {
        throw new OdooDevError('agent-failed', `The agent in container ${this.container.name} ended before the new server was ready.`);
      }
      version = await settle(run, starting, answer);
    } catch (error) {
      if (!(error instanceof OdooDevError)) {
        throw error;
      }
      // The agent stops what is left of the new server; the old one never stopped.
      await run.agent.until(['kept']);
      throw new OdooDevError(error.code, `${who.failed}: ${error.message} ${who.kept(oldPid)}`, {
        ...(error.hint ? { hint: error.hint } : {}),
        ...(error.details !== undefined ? { details: error.details } : {}),
      });
    } finally {
      starting.registry?.abort.abort();
    }
    const outcome = serverOutcome(plan.kind, pid, launch, version, { overlapped: true, ...(launched.warm ? { warm: true } : {}), readyAt: Date.now() });
    ready?.(outcome);
    const stopped = await this.awaitStop(run, oldPid, PREVIOUS);
    await this.routeOnce(run, launch.http);
    await this.prepareWarm(run, launchStep);
    return { ...outcome, stopMs: stopped.ms };
  }

  /**
   * A run that ends by itself, beside the live server and never in its way; then, when it
   * changed modules, the server reloads to load them. A failed run leaves the server untouched.
   */
  private async runBeside(run: RunContext, plan: RunBesidePlan, watch?: RunWatch): Promise<RestartOutcome> {
    const port = needsOwnHttp(plan.run) ? (await run.agent.step({ step: 'free-port' }, ['free-port'])).port : undefined;
    const spec = besideSpec(besideCommand(plan.run, port), plan.spec);
    const server = plan.server.master.info.pid;
    const launched = await run.agent.step({ step: 'launch', ...spec }, ['launched', 'launch-failed']);
    if (launched.t === 'launch-failed') {
      throw new OdooDevError('launch-failed', `Could not start the run beside Odoo: ${launched.message}.`, {
        hint: 'Check that the Odoo command exists in the container and runs as its user.',
      });
    }
    const { pid, at } = launched;
    run.progress({ step: 'run-started', message: `Running once beside the server (PID ${pid})`, pid });
    // A run beside ends by itself (--stop-after-init is added where its args do not).
    reportDebugWait(run, plan.run, pid, true);
    const untouched = plan.reload
      ? `The server (PID ${server}) was not reloaded and still runs as before.`
      : `The server (PID ${server}) was not touched.`;
    const report = await runToEnd(run, { pid, at, spec, registry: undefined }, untouched, watch);
    run.progress({ step: 'run-ended', message: `The run ended with exit code 0${report.tests ? ` (${report.tests.total} tests, none failed)` : ''}`, pid });
    const ran = { pid, argv: maskArgv(spec.argv), exitCode: 0, report };
    if (!plan.reload || watch?.reload === false) {
      return { plan: 'completed', ...ran, server: { pid: server, how: 'untouched' }, totalMs: 0 };
    }
    const reloaded = plan.reload.kind === 'hup' ? await this.reloadWithSameArgs(run, plan.reload) : await this.replace(run, plan.reload);
    return {
      plan: 'completed',
      ...ran,
      server: { pid: reloaded.pid, how: reloaded.plan === 'hup' ? 'hup' : 'in-place' },
      ...(reloaded.version ? { version: reloaded.version } : {}),
      ...(reloaded.database ? { database: reloaded.database } : {}),
      totalMs: 0,
    };
  }

  /**
   * The server again with the args a HUP re-executes: where it serves on the socket our holder
   * keeps, the same command line boots beside it (from the warm process where that is fresh),
   * and nothing is refused meanwhile; elsewhere, and for PID 1, the HUP, and the progress says
   * why it does not overlap.
   */
  private async reloadWithSameArgs(run: RunContext, plan: HupPlan, ready?: Ready): Promise<RestartOutcome> {
    const { relaunch, server } = plan;
    if (!relaunch) {
      return this.reload(run, plan);
    }
    const replacement: InPlacePlan = { kind: 'in-place', server, launch: relaunch };
    const sockets = this.socketsFor(replacement);
    const why = await whyNotBeside(run, server, sockets);
    if (why === undefined) {
      return this.handOver(run, replacement, this.launchStepOf(relaunch, sockets), rememberedFor(server), SAME_ARGS, ready);
    }
    run.progress({ step: 'overlap', message: `Reloading PID ${server.master.info.pid} with SIGHUP rather than beside it: ${why}` });
    return this.reload(run, plan);
  }

  /** Where the new server's socket comes from, and whether it may boot beside the one it replaces. */
  private socketsFor(plan: InPlacePlan | Extract<RestartPlan, { kind: 'start' }>): SocketPlan {
    return socketPlan(plan.launch.command, {
      ...(plan.kind === 'in-place' ? { previous: plan.server.master.command } : {}),
      ...(this.settings.noOverlap ? { noOverlap: true } : {}),
    });
  }

  private launchStepOf(launch: Launch, sockets: SocketPlan): LaunchStep {
    const resolve = scriptsToResolve(launch.spec.argv);
    return {
      step: 'launch',
      ...launch.spec,
      ...(resolve.length ? { resolve } : {}),
      ...(sockets.hold ? { hold: sockets.hold } : launch.http.disabled ? {} : { release: launch.http }),
      // A run that ends by itself is followed to its exit by the agent that launched it.
      ...(this.settings.noWarm || launch.command.endsByItself ? { noWarm: true } : {}),
    };
  }

  /** SIGHUP: Odoo re-executes itself with the same PID and its args minus the one-shot ones. */
  private async reload(run: RunContext, plan: HupPlan): Promise<RestartOutcome> {
    const { server, command, http } = plan;
    const { pid } = server.master.info;
    run.progress({ step: 'reloading', message: `Reloading Odoo (PID ${pid}) in place with SIGHUP`, pid });
    const toLog = writesToContainerLog(server.master.info, run.processes.pid1);
    let registry: Starting['registry'];
    let at = Date.now() / 1000;
    try {
      const answer = await run.agent.step({ step: 'hup', pid, http, timeoutMs: run.deadline - Date.now() }, ['ready', 'exited', 'not-ready'], (e) => {
        if (e.t === 'hup-sent') {
          at = e.at;
          registry = registryWatchFor(run, command, toLog, pid, e.at);
        }
      });
      const spec = { argv: command.argv, env: server.master.info.env ?? [] };
      const version = await settle(run, { pid, at, spec, registry }, answer);
      const remember = rememberedFor(server);
      if (remember) {
        await this.remember(run, remember);
      }
      await this.routeOnce(run, http);
      return { plan: 'hup', pid, argv: maskArgv(spec.argv), ...(version ? { version } : {}), ...(command.database ? { database: command.database } : {}), totalMs: 0 };
    } finally {
      registry?.abort.abort();
    }
  }

  /**
   * Stops the server; with `then.launch`, the agent launches the new command right after the
   * stop as one step, and the launch's answer comes back too.
   */
  private stopStep(server: OdooServer, remember: ProcessSpec | undefined): StopStep {
    const { pid, startTime } = server.master.info;
    return {
      step: 'stop',
      pid,
      startTime,
      timeoutMs: this.settings.stopTimeoutMs,
      force: this.settings.killAfterTimeout,
      ...(remember ? { remember } : {}),
    };
  }

  /**
   * Odoo builds its routing on the first routed request after a boot (about 0.17 s on Odoo
   * 18): asked here, once the new server is ready and the only one on its port, off the
   * critical path, so that neither the next restart's probe nor the user's first page pays it.
   */
  private async routeOnce(run: RunContext, http: HttpTarget): Promise<void> {
    const probe = await run.agent.step({ step: 'probe', http }, ['probe']);
    run.log(probe.version ? `asked Odoo ${probe.version.serverVersion} for its version once, so that its routing is built` : 'the new server did not give its version');
  }

  /**
   * After a server started on the held socket is ready, the agent starts the warm process for
   * the next restart: its imports run now, while nothing waits for them.
   */
  private async prepareWarm(run: RunContext, launchStep: LaunchStep): Promise<void> {
    if (!launchStep.hold || this.settings.noWarm) {
      return;
    }
    const warm = await run.agent.step({ step: 'warm', source: warmSource(), launch: launchStep }, ['warm']);
    run.log(warm.started ? `warm process ${warm.pid} prepares the next restart` : `no warm process${warm.message ? `: ${warm.message}` : ''}`);
  }

  /** Follows a stop the agent runs (the usual timeout policy) to its end. */
  private async awaitStop(run: RunContext, pid: number, who: StopWho, send?: AgentStep): Promise<{ ms: number }> {
    const onEvent = (e: AgentEvent) => {
      // Said once the agent has sent TERM: from here the stop goes on without us.
      if (e.t === 'stopping') {
        run.progress({ step: 'stopping', message: `Stopping ${who.name} (PID ${pid}) gracefully`, pid });
      } else if (e.t === 'forcing') {
        run.progress({ step: 'forcing', message: `${who.Name} did not stop within ${Math.round(e.waitedMs / 1000)} s: forcing it`, pid });
      }
    };
    const expected = ['stopped', 'stop-timeout'] as const;
    const event = send ? await run.agent.step(send, expected, onEvent) : await run.agent.until(expected, undefined, onEvent);
    if (!event) {
      throw new OdooDevError('agent-failed', `The agent in container ${this.container.name} ended before ${who.name} (PID ${pid}) stopped.`);
    }
    if (event.t === 'stop-timeout') {
      throw new OdooDevError('stop-timeout', `${who.Name} (PID ${pid}) did not stop within ${Math.round(event.ms / 1000)} s of SIGTERM; it is still running.`, {
        hint: 'Raise the stop timeout (--timeout), or allow forcing the stop after it (--kill-after-timeout).',
        details: { pid },
      });
    }
    run.progress({ step: 'stopped', message: `Stopped${who.name === 'Odoo' ? '' : ` ${who.name}`} in ${event.ms} ms${event.forced ? ' (forced)' : ''}`, pid });
    return { ms: event.ms };
  }

  private async stopServer(run: RunContext, server: OdooServer, then: { launch?: LaunchStep; remember?: ProcessSpec }) {
    const { pid } = server.master.info;
    const stop = this.stopStep(server, then.remember);
    const event = await this.awaitStop(run, pid, ODOO, then.launch ? { step: 'replace', stop, launch: then.launch } : stop);
    if (!then.launch) {
      return { ms: event.ms };
    }
    const launched = await run.agent.until(['launched', 'launch-failed']);
    if (!launched) {
      throw new OdooDevError('agent-failed', `The agent in container ${this.container.name} ended before it launched Odoo.`);
    }
    return { ms: event.ms, launched };
  }

  private async remember(run: RunContext, command: ProcessSpec): Promise<void> {
    await run.agent.step({ step: 'remember', command }, ['remembered']);
  }

  /** What a start runs where Odoo never ran under us: the configured program as the container's user. */
  private startDefaults(run: RunContext): ProcessSpec {
    const user = run.agent.snapshot.user;
    const home = user?.home ?? '/';
    return {
      argv: this.settings.startProgram ?? ['odoo'],
      env: withHome(run.facts.env, home),
      cwd: run.facts.workingDir || home,
      uid: user?.uid ?? 0,
      gid: user?.gid ?? 0,
    };
  }
}

/**
 * Why the new server cannot boot beside the running one, or nothing where it can: the two may
 * overlap, and the running one serves on the socket our holder keeps.
 */
async function whyNotBeside(run: RunContext, server: OdooServer, sockets: SocketPlan): Promise<string | undefined> {
  if (!sockets.overlap || !sockets.hold) {
    return sockets.why ?? 'no overlap';
  }
  const held = await run.agent.step({ step: 'held', pid: server.master.info.pid, http: sockets.hold }, ['held']);
  if (held.held) {
    return undefined;
  }
  return isOlderKeeper(run.processes.pid1?.argv ?? [])
    ? 'the running server has a socket of its own: this container\'s keeper is an older one, which starts Odoo so (`odoo-dev keeper --apply` recreates the container with the current keeper)'
    : 'the running server has a socket of its own';
}

/** How the launch went: from the warm process, or cold and why, when one waited. */
function howStarted(launched: { readonly warm?: boolean; readonly cold?: string }): string {
  return launched.warm ? ' from the warm process (Odoo imported before the restart)' : launched.cold ? ` cold: ${launched.cold}` : '';
}

/** Hears of a new server ready before the operation ends. */
type Ready = (outcome: RestartOutcome) => void;

/** The outcome with its times from the operation's start: until now, and until the new server was ready. */
function timed(outcome: RestartOutcome, started: number): RestartOutcome {
  const { readyAt, ...rest } = outcome;
  return { ...rest, totalMs: Date.now() - started, ...(readyAt !== undefined ? { readyMs: readyAt - started } : {}) };
}

/** The progress line of a new server ready, and what still follows it. */
function readyMessage(outcome: RestartOutcome): string {
  return `Odoo (PID ${outcome.pid}) is ready${outcome.overlapped ? '; the previous server stops now' : ''}`;
}

/** How a failed overlap names the server that did not start, and the one that still serves. */
interface NewServer { readonly failed: string; kept(pid: number): string }
const NEW_ARGS: NewServer = { failed: 'The new args did not start', kept: (pid) => `Still running the previous args (PID ${pid}).` };
const SAME_ARGS: NewServer = { failed: 'The restart with the same args did not start', kept: (pid) => `The previous server (PID ${pid}) still runs.` };

/** How a stop's progress names what stops. */
interface StopWho { readonly name: string; readonly Name: string }
const ODOO: StopWho = { name: 'Odoo', Name: 'Odoo' };
const PREVIOUS: StopWho = { name: 'the previous server', Name: 'The previous server' };

/** The errors of new args: by the container's own option list when known, else by the series' rules, else by what every series refuses. */
function argErrors(args: readonly string[], series: string | undefined, container?: ContainerOptions): ArgProblem[] {
  return validateArgsForSeries(args, series, container).filter((p) => p.severity === 'error');
}

/**
 * A run beside a server whose debugpy already listens on the port asked for gets a free port
 * of the container's loopback for its own debugpy (found only where new args could make such a
 * run), so that a session on the server and one on the run can both be on.
 */
async function withBesidePort(run: RunContext, server: OdooServer | undefined, request: RestartRequest): Promise<RestartRequest> {
  const { debug } = request;
  if (!debug || !server || request.args === undefined || debug.besidePort !== undefined || debugPortOf(server.master.command) !== debug.port) {
    return request;
  }
  const { port } = await run.agent.step({ step: 'free-port' }, ['free-port']);
  return { ...request, debug: { ...debug, besidePort: port } };
}

/**
 * Odoo's own interpreter must find debugpy (its own, or a copy of ours on the run's
 * PYTHONPATH), or nothing is stopped.
 */
async function checkDebugpy(run: RunContext, spec: ProcessSpec): Promise<void> {
  const python = spec.argv[0] ?? 'python3';
  const { env, cwd, uid, gid } = spec;
  const answer = await run.agent.step({ step: 'module', python, module: 'debugpy', env, cwd, uid, gid }, ['module']);
  if (!answer.found) {
    throw new OdooDevError('launch-failed', `Odoo's Python (${python}) in container ${run.facts.name} has no debugpy${answer.message ? ` (${answer.message})` : ''}, so nothing was stopped.`, {
      hint: 'Install it there (apt-get install python3-debugpy, or pip install debugpy in Odoo\'s environment), or copy one in for debug runs only: restart --debug --debugpy-from DIR, or in VS Code the Python Debugger extension\'s.',
      details: { missing: 'debugpy' },
    });
  }
}

/** Copies a host debugpy into a folder of ours in the container; returns the folder for PYTHONPATH. */
async function copyDebugpy(run: RunContext, source: DebugpySource): Promise<string> {
  const dir = debugpyCopyDir(source.version);
  if (!run.container.putFolder) {
    throw new OdooDevError('launch-failed', `Container ${run.facts.name} cannot take a copy of debugpy through this engine, so nothing was stopped.`, {
      hint: 'Install debugpy in the container, then Restart and Debug again.',
    });
  }
  run.progress({ step: 'debug', message: `Copying debugpy ${source.version} into ${dir} in the container, for debug runs only` });
  await run.container.putFolder(source.hostDir, `${dir}/debugpy`);
  return dir;
}

/** The launch of a plan that runs under debugpy: what to check and prepare before it. */
function debuggedLaunch(plan: RestartPlan): { command: OdooCommandLine; spec: ProcessSpec } | undefined {
  if (plan.kind === 'hup') {
    return undefined;
  }
  const launch = plan.kind === 'run-beside' ? { command: plan.run, spec: { ...plan.spec, argv: plan.run.argv } } : plan.launch;
  return debugPortOf(launch.command) !== undefined ? launch : undefined;
}

/**
 * The hook that brings debugpy back after Odoo re-executes itself and bounds a run's wait for
 * a client; without it the run still works, and a re-exec ends the session, as it would anyway.
 */
async function writeDebugHook(run: RunContext): Promise<void> {
  const answer = await run.agent.step({ step: 'debug-hook', dir: debugHookDir, source: debugHookSource() }, ['debug-hook']);
  if (answer.message) {
    run.log(`The debug hook could not be written (${answer.message}): a HUP or --dev=reload will end the debug session, and a run waiting for a debugger waits for ever.`);
  }
}

/** What a debug run changes, said before anything stops. */
function debugNotice(command: OdooCommandLine, debug: DebugRequest): string {
  const where = `under debugpy on ${debugHost}:${debugPortOf(command) ?? debug.port} inside the container`;
  if (waitsForClient(withoutDebugger(command))) {
    return `Running Odoo ${where}; it waits up to ${debug.clientWaitS ?? defaultClientWaitS} s for a debugger before it starts`;
  }
  return `Running Odoo ${where}, with --workers 0 (breakpoints need the threaded server)`;
}

/** A run that waits for its debugger: say where to attach, for the editor and the terminal. */
function reportDebugWait(run: RunContext, command: OdooCommandLine, pid: number, endsByItself = command.endsByItself): void {
  const port = debugPortOf(command);
  if (port !== undefined && waitsForClient(withoutDebugger(command))) {
    const adapter = `odoo-dev debug-adapter${port !== defaultDebugPort ? ` --debug-port ${port}` : ''}`;
    run.progress({
      step: 'debug-wait',
      message: `Odoo (PID ${pid}) waits for a debugger on ${debugHost}:${port} in the container: attach with ${adapter}, or Odoo: Restart and Debug`,
      pid,
      debugPort: port,
      endsByItself,
    });
  }
}

/** The outcome of a server that was launched and is ready; `more` says how it went. */
function serverOutcome(plan: 'in-place' | 'start', pid: number, launch: Launch, version: VersionInfo | undefined, more: Partial<RestartOutcome>): RestartOutcome {
  const debugPort = debugPortOf(launch.command);
  return {
    plan,
    pid,
    argv: maskArgv(launch.spec.argv),
    ...(version ? { version } : {}),
    ...databaseOf(launch),
    ...more,
    ...(debugPort !== undefined ? { debugPort } : {}),
    totalMs: 0,
  };
}

function databaseOf(launch: Launch): { database?: string } {
  const { database } = launch.command;
  return database ? { database } : {};
}

/** The args of a run once: they end by themselves, or `--stop-after-init` makes them. */
function endingArgs(args: readonly string[], series: string | undefined): readonly string[] {
  return OdooCommandLine.compose([], args, series).endsByItself ? args : [...args, '--stop-after-init'];
}

function describePlan(plan: RestartPlan, keepServer = false): string {
  switch (plan.kind) {
    case 'hup':
      return plan.relaunch
        ? `restart PID ${plan.server.master.info.pid} with the same args: beside it where it serves on our socket, else in place with SIGHUP`
        : `reload PID ${plan.server.master.info.pid} in place with SIGHUP`;
    case 'in-place':
      return `replace PID ${plan.server.master.info.pid} with ${maskArgv(plan.launch.spec.argv).join(' ')}`;
    case 'start':
      return `start ${maskArgv(plan.launch.spec.argv).join(' ')}`;
    case 'run-beside':
      return `run ${maskArgv(plan.run.argv).join(' ')} once beside PID ${plan.server.master.info.pid}${plan.reload && !keepServer ? `, then reload it${reloadHow(plan.reload)}` : ''}`;
  }
}

function reloadHow(reload: HupPlan | InPlacePlan): string {
  if (reload.kind === 'in-place') {
    return ' in place';
  }
  return reload.relaunch ? ' with the same args (beside it where it serves on our socket, else with SIGHUP)' : ' with SIGHUP';
}
