import { isOdooDevError } from '../core/errors';
import { classifyProcesses, listedFromTop } from '../core/odoo-processes';
import { serverEndingOf } from '../core/server-ending';
import type { VersionInfo } from '../core/agent-protocol';
import { failureStateOf } from './failure-state';
import type { Disposable, OdooContainer, TopProcess } from './odoo-container';
import type { EngineActivity, OdooEngine, RestartOutcome } from './odoo-engine';

/** What the status bar shows; each change is reported once. */
export type WatchState =
  /** `isPid1`: the server's end ends the container (it is PID 1, or tini's only child). */
  | { readonly kind: 'running'; readonly pid: number; readonly version?: VersionInfo; readonly database?: string; readonly argv: readonly string[]; readonly isPid1?: true; readonly olderKeeper?: true }
  /** `answering`: the previous server, which still answers while this one boots beside it. */
  | { readonly kind: 'starting'; readonly pid: number; readonly answering?: number }
  | { readonly kind: 'stopping'; readonly pid: number }
  | { readonly kind: 'restarting'; readonly pid: number; readonly answering?: number }
  | { readonly kind: 'stopped' }
  /** The exit code or signal when the agent saw the exit; else `reason` says what the log tells. */
  | { readonly kind: 'crashed'; readonly exitCode?: number; readonly signal?: number; readonly reason?: string }
  | { readonly kind: 'container-stopped'; readonly exitCode?: number }
  | { readonly kind: 'container-gone' }
  | { readonly kind: 'docker-unavailable'; readonly message: string }
  /** Docker answers, but asking the container failed (the agent, a refusal): the message says why. */
  | { readonly kind: 'unknown'; readonly message: string };

export interface WatcherOptions {
  /** How often the cheap process listing runs (`docker top`, no exec). */
  readonly pollMs: number;
}

/**
 * Follows one container: Docker events for its lifecycle, a cheap process listing from the host
 * for Odoo starting or dying inside it, and one exec only when something changed and the new
 * server's readiness must be asked. While nothing happens it runs no exec.
 */
export class OdooWatcher implements Disposable {
  private state: WatchState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private events: Disposable | undefined;
  private signature: string | undefined;
  private disposed = false;
  private refreshing: Promise<void> | undefined;
  private activity: Disposable | undefined;
  /** The container PID of a server seen to be PID 1 (HUP keeps it; nothing else can be). */
  private pid1Server: number | undefined;
  /** PID 1 is a keeper written before the socket holder (it stays for the container's life). */
  private olderKeeper = false;
  /** The state before a plan said "restarting": a run beside the server leaves it as it was. */
  private beforePlan: WatchState | undefined;

  constructor(
    private readonly engine: OdooEngine,
    private readonly onChange: (state: WatchState) => void,
    private readonly options: WatcherOptions = { pollMs: 1000 },
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get current(): WatchState | undefined {
    return this.state;
  }

  private get container(): OdooContainer {
    return this.engine.container;
  }

  async start(): Promise<void> {
    this.activity = this.engine.onActivity((activity) => this.follow(activity));
    this.subscribe();
    await this.refresh();
    this.schedule();
  }

  /**
   * Ends the watch. A check still waiting for its answer ends without a word: nothing after
   * this asks the container again or opens a subscription (which would keep a connection, and
   * with it `odoo-dev status --watch`, alive).
   */
  dispose(): void {
    this.disposed = true;
    this.activity?.dispose();
    this.events?.dispose();
    clearTimeout(this.timer);
  }

  /** Asks the container again (one exec); used after a change and by a user's refresh. */
  refresh(): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    this.refreshing ??= this.doRefresh().finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    try {
      const status = await this.engine.status();
      this.signature = undefined;
      if (status.state === 'container-stopped') {
        this.set({ kind: 'container-stopped' });
      } else if (!status.server) {
        this.set({ kind: 'stopped' });
      } else if (status.state === 'starting') {
        this.set({ kind: 'starting', pid: status.server.pid });
      } else {
        const { pid, version, database, argv, isPid1, olderKeeper } = status.server;
        this.pid1Server = isPid1 ? pid : undefined;
        this.olderKeeper = olderKeeper === true;
        this.set({ kind: 'running', pid, argv, ...(version ? { version } : {}), ...(database ? { database } : {}), ...this.shapeOf(pid) });
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** Our own restarts and stops are known step by step, without asking the container. */
  private follow(activity: EngineActivity): void {
    if (activity.kind === 'progress') {
      const { step, pid, outcome } = activity.progress;
      const answering = this.state?.kind === 'restarting' || this.state?.kind === 'starting' ? this.state.answering : undefined;
      if (step === 'ready' && outcome) {
        this.set(this.runningOf(outcome));
      } else if (step === 'stopping' && pid !== undefined && (pid === answering || (this.state?.kind === 'running' && pid !== this.state.pid))) {
        // The previous server of an overlap stops once the new one is ready: no news for the status.
      } else if (step === 'stopping' && pid !== undefined) {
        this.set(this.state?.kind === 'restarting' ? { kind: 'restarting', pid } : { kind: 'stopping', pid });
      } else if (step === 'overlap' && pid !== undefined && this.state?.kind === 'restarting') {
        this.set({ kind: 'restarting', pid, answering: pid });
      } else if (step === 'plan' && (this.state?.kind === 'running' || this.state?.kind === 'starting')) {
        this.beforePlan = this.state;
        this.set({ kind: 'restarting', pid: this.state.pid });
      } else if (step === 'run-started' && this.beforePlan && this.state?.kind === 'restarting') {
        // A run beside the server (a test run, an update): the server goes on serving meanwhile.
        this.set(this.beforePlan);
      } else if ((step === 'launched' || step === 'reloading') && pid !== undefined) {
        this.set({ kind: 'starting', pid, ...(answering !== undefined ? { answering } : {}) });
      }
      return;
    }
    // Host PIDs and container PIDs differ: the next cheap check compares only presence.
    this.signature = undefined;
    this.beforePlan = undefined;
    if (activity.kind === 'finished') {
      const { outcome } = activity;
      if (outcome.plan === 'completed' && outcome.server) {
        // The run ended beside the server, which was left as it was or reloaded: ask it.
        void this.refresh();
      } else if (outcome.plan === 'stopped' || outcome.plan === 'completed') {
        this.set({ kind: 'stopped' });
      } else {
        this.set(this.runningOf(outcome));
      }
    } else if (isOdooDevError(activity.error, 'crashed')) {
      const { exitCode, signal } = activity.error.details;
      this.set({ kind: 'crashed', ...(typeof exitCode === 'number' ? { exitCode } : {}), ...(typeof signal === 'number' ? { signal } : {}) });
    } else {
      void this.refresh();
    }
  }

  private runningOf(outcome: RestartOutcome): WatchState {
    const { pid, version, database, argv } = outcome;
    return { kind: 'running', pid, argv, ...(version ? { version } : {}), ...(database ? { database } : {}), ...this.shapeOf(pid) };
  }

  private subscribe(): void {
    if (this.disposed) {
      return;
    }
    this.events?.dispose();
    this.events = this.container.events((event) => {
      switch (event.action) {
        case 'die':
          this.set({ kind: 'container-stopped', ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}) });
          break;
        case 'destroy':
          this.set({ kind: 'container-gone' });
          break;
        case 'start':
        case 'restart':
        case 'unpause':
          void this.refresh();
          break;
      }
    }, (error) => this.fail(error));
  }

  private schedule(): void {
    if (!this.disposed) {
      this.timer = setTimeout(() => void this.poll().finally(() => this.schedule()), this.options.pollMs);
    }
  }

  /** The cheap check: which Odoo masters run, seen from the host. */
  private async poll(): Promise<void> {
    if (this.engine.isBusy) {
      // Between the stop and the launch no server runs; that is not news.
      return;
    }
    const state = this.state;
    if (state?.kind === 'container-stopped') {
      this.log('checking whether the stopped container runs again');
    }
    if (state?.kind === 'container-gone' || (state?.kind === 'container-stopped' && !(await this.isRunning()))) {
      return;
    }
    if (state?.kind === 'docker-unavailable' || state?.kind === 'unknown' || state?.kind === 'container-stopped') {
      this.subscribe();
      await this.refresh();
      return;
    }
    let processes: TopProcess[];
    try {
      processes = await this.container.topProcesses();
    } catch (error) {
      this.fail(error);
      return;
    }
    const masters = mastersOf(processes);
    this.log(`checked processes: ${masters.length ? masters.map((p) => `Odoo master ${p.pid}`).join(', ') : 'no Odoo server'}`);
    const signature = masters.map((p) => `${p.pid} ${p.command}`).join('\n');
    const previous = this.signature;
    this.signature = signature;
    if (previous === signature) {
      if (state?.kind === 'starting' && !this.engine.isBusy) {
        await this.refresh();
      }
      return;
    }
    // The first look after a full status: host PIDs differ from container PIDs, so only
    // whether a server runs can be compared with what the status said.
    const hadServer = state?.kind === 'running' || state?.kind === 'starting';
    if (previous === undefined && hadServer === masters.length > 0) {
      return;
    }
    if (!masters.length) {
      this.set(await this.endOf(state));
      this.signature = signature;
      return;
    }
    await this.refresh();
    this.signature = signature;
  }

  /**
   * A server that went away while we did nothing: stopped when it shut down as Odoo does on TERM,
   * crashed when its log shows it running and then nothing (SIGKILL, the out-of-memory killer,
   * a hard crash). One log read, no exec; a server whose lines are not in the log is stopped.
   */
  private async endOf(state: WatchState | undefined): Promise<WatchState> {
    if (state?.kind !== 'running' && state?.kind !== 'starting') {
      return { kind: 'stopped' };
    }
    const lines: string[] = [];
    try {
      for await (const line of this.container.logs({ tail: endingLogLines })) {
        lines.push(line.text);
      }
    } catch (error) {
      this.log(`reading the log for how Odoo ended: ${String(error)}`);
      return { kind: 'stopped' };
    }
    const ending = serverEndingOf(lines, state.pid);
    if (ending.kind !== 'no-shutdown') {
      return { kind: 'stopped' };
    }
    return {
      kind: 'crashed',
      reason: ending.lastError
        ? `It ended after this error, without shutting down: ${ending.lastError}`
        : 'It ended without shutting down: it was killed (SIGKILL, for one by the out-of-memory killer) or it died.',
    };
  }

  /** What the container's shape says of a running server: whether it is PID 1, and whether PID 1 is an older keeper. */
  private shapeOf(pid: number): { isPid1?: true; olderKeeper?: true } {
    return { ...(pid === this.pid1Server ? { isPid1: true } : {}), ...(this.olderKeeper ? { olderKeeper: true } : {}) };
  }

  private async isRunning(): Promise<boolean> {
    try {
      return (await this.container.facts()).running;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  private fail(error: unknown): void {
    this.set(failureStateOf(error));
  }

  private set(state: WatchState): void {
    if (this.disposed || sameState(this.state, state)) {
      return;
    }
    this.state = state;
    this.onChange(state);
  }
}

/** How much of the log tells how a server that went away ended. */
const endingLogLines = 400;

/** Odoo server masters among host-side processes, by the same reading as inside the container. */
function mastersOf(processes: readonly TopProcess[]): TopProcess[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  return classifyProcesses(listedFromTop(processes)).servers.map((server) => byPid.get(server.master.info.pid)!);
}

function sameState(a: WatchState | undefined, b: WatchState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
