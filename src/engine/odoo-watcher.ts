import { isOdooDevError } from '../core/errors';
import { classifyProcesses, listedFromTop } from '../core/odoo-processes';
import type { VersionInfo } from '../core/agent-protocol';
import { failureStateOf } from './failure-state';
import type { Disposable, OdooContainer, TopProcess } from './odoo-container';
import type { EngineActivity, OdooEngine } from './odoo-engine';

/** What the status bar shows; each change is reported once. */
export type WatchState =
  | { readonly kind: 'running'; readonly pid: number; readonly version?: VersionInfo; readonly database?: string; readonly argv: readonly string[] }
  | { readonly kind: 'starting'; readonly pid: number }
  | { readonly kind: 'stopping'; readonly pid: number }
  | { readonly kind: 'restarting'; readonly pid: number }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'crashed'; readonly exitCode?: number }
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

  dispose(): void {
    this.disposed = true;
    this.activity?.dispose();
    this.events?.dispose();
    clearTimeout(this.timer);
  }

  /** Asks the container again (one exec); used after a change and by a user's refresh. */
  refresh(): Promise<void> {
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
        const { pid, version, database, argv } = status.server;
        this.set({ kind: 'running', pid, argv, ...(version ? { version } : {}), ...(database ? { database } : {}) });
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** Our own restarts and stops are known step by step, without asking the container. */
  private follow(activity: EngineActivity): void {
    if (activity.kind === 'progress') {
      const { step, pid } = activity.progress;
      if (step === 'stopping' && pid !== undefined) {
        this.set(this.state?.kind === 'restarting' ? { kind: 'restarting', pid } : { kind: 'stopping', pid });
      } else if (step === 'plan' && (this.state?.kind === 'running' || this.state?.kind === 'starting')) {
        this.set({ kind: 'restarting', pid: this.state.pid });
      } else if ((step === 'launched' || step === 'reloading') && pid !== undefined) {
        this.set({ kind: 'starting', pid });
      }
      return;
    }
    // Host PIDs and container PIDs differ: the next cheap check compares only presence.
    this.signature = undefined;
    if (activity.kind === 'finished') {
      const { outcome } = activity;
      if (outcome.plan === 'stopped' || outcome.plan === 'completed') {
        this.set({ kind: 'stopped' });
      } else {
        const { pid, version, database, argv } = outcome;
        this.set({ kind: 'running', pid, argv, ...(version ? { version } : {}), ...(database ? { database } : {}) });
      }
    } else if (isOdooDevError(activity.error, 'crashed')) {
      const exitCode = activity.error.details.exitCode;
      this.set({ kind: 'crashed', ...(typeof exitCode === 'number' ? { exitCode } : {}) });
    } else {
      void this.refresh();
    }
  }

  private subscribe(): void {
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
      this.set({ kind: 'stopped' });
      this.signature = signature;
      return;
    }
    await this.refresh();
    this.signature = signature;
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

/** Odoo server masters among host-side processes, by the same reading as inside the container. */
function mastersOf(processes: readonly TopProcess[]): TopProcess[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  return classifyProcesses(listedFromTop(processes)).servers.map((server) => byPid.get(server.master.info.pid)!);
}

function sameState(a: WatchState | undefined, b: WatchState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
