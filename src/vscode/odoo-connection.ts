import * as vscode from 'vscode';
import { isOdooDevError, OdooDevError } from '../core/errors';
import { windowContainerOf } from '../core/remote-authority';
import type { OdooContainer } from '../engine/odoo-container';
import { OdooEngine, type EngineActivity } from '../engine/odoo-engine';
import { OdooWatcher, type WatchState } from '../engine/odoo-watcher';
import { pickContainer } from './container-picker';
import type { DockerAccess } from './docker-access';
import { readSettings, type ExtensionSettings } from './settings';
import type { BusyInfo, StatusState } from './status-bar-view';

/** The container this window works with, its engine and its watcher. */
export interface Connected {
  readonly container: OdooContainer;
  readonly engine: OdooEngine;
  readonly watcher: OdooWatcher;
}

/** Everything the status bar needs to draw itself. */
export interface StatusModel {
  readonly state: StatusState;
  readonly busy?: BusyInfo;
  readonly container?: string;
  readonly runningSince?: number;
  /** Whether this window has anything to do with Odoo yet (the item hides until it does). */
  readonly isVisible: boolean;
}

const selectedKey = 'odooDev.selectedContainer';
const seriesKey = 'odooDev.lastSeries';
const choiceErrors = new Set(['container-not-found', 'container-ambiguous']);

/**
 * Finds the container (the setting, the user's choice, the container behind this window, the
 * one running Odoo for this folder, else asks), and keeps one engine and one watcher for it.
 * Connecting lists containers and reads their processes (no exec); the watcher's first status
 * is one exec, in the background.
 */
export class OdooConnection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StatusModel>();
  readonly onDidChange = this.changed.event;
  private readonly seriesChanged = new vscode.EventEmitter<string>();
  /** The Odoo series of the running server, when it becomes known or changes. */
  readonly onDidChangeSeries = this.seriesChanged.event;
  private model: StatusModel = { state: { kind: 'connecting' }, isVisible: false };
  private current: (Connected & { readonly activity: vscode.Disposable }) | undefined;
  private opening: Promise<Connected> | undefined;
  /** Bumped by every reset, so that an open that finishes after one is dropped. */
  private generation = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = 2000;
  private notReady: { pid?: number; message: string } | undefined;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get status(): StatusModel {
    return this.model;
  }

  get connected(): Connected | undefined {
    return this.current;
  }

  /** The series of the running server, or the last one seen in this workspace. */
  get series(): string | undefined {
    const { state } = this.model;
    return (state.kind === 'running' ? state.version?.serverSerie : undefined) ?? this.context.workspaceState.get<string>(seriesKey);
  }

  /**
   * The engine for this window's container, connecting first when needed. `interactive`: a
   * user's command, which may ask which container to use.
   */
  async connect(interactive: boolean): Promise<Connected> {
    this.update({ isVisible: true });
    if (this.current) {
      return this.current;
    }
    try {
      return await this.open();
    } catch (error) {
      if (!interactive || !isOdooDevError(error) || !choiceErrors.has(error.code) || readSettings().container) {
        throw error;
      }
      this.log.info(`${error.message} Asking which container to use.`);
      if (!(await this.choose())) {
        throw new OdooDevError('cancelled', 'No container was selected.');
      }
      return this.open();
    }
  }

  /** Starts watching by itself where this window has to do with Odoo; never in Restricted Mode. */
  async startInBackground(argsFileExists: () => Promise<boolean>): Promise<void> {
    const settings = readSettings();
    const hasHint = settings.container !== undefined
      || this.context.workspaceState.get<string>(selectedKey) !== undefined
      || windowContainerOf(windowAuthority()) !== undefined
      || await argsFileExists();
    if (!hasHint || this.disposed) {
      this.log.info('No Odoo container is expected for this window; the status bar shows once a command is used.');
      return;
    }
    if (!vscode.workspace.isTrusted) {
      this.log.info('Restricted Mode: nothing starts by itself, and workspace values of the Docker and container settings are ignored.');
      this.update({ state: { kind: 'restricted' }, isVisible: true });
      return;
    }
    this.update({ isVisible: true });
    this.connectInBackground();
  }

  /** Asks the user for the container, remembers it for this workspace, and reconnects to it. */
  async selectContainer(): Promise<Connected | undefined> {
    if (!(await this.choose())) {
      return undefined;
    }
    this.reset();
    return this.connect(true);
  }

  /** Drops the container and watcher; the next command or background start finds them again. */
  reset(): void {
    this.generation++;
    this.opening = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.notReady = undefined;
    if (this.current) {
      this.current.activity.dispose();
      this.current.watcher.dispose();
      this.current = undefined;
    }
  }

  /** After a settings change or trust granted: the same as at start, with the new values. */
  reconnect(argsFileExists: () => Promise<boolean>): void {
    const wasVisible = this.model.isVisible;
    this.reset();
    this.update({ state: { kind: 'connecting' }, isVisible: wasVisible });
    void this.startInBackground(async () => wasVisible || await argsFileExists());
  }

  /** Set by the command that runs a restart, start or stop; cleared when it ends. */
  setBusy(busy: BusyInfo | undefined): void {
    this.update({ busy });
  }

  dispose(): void {
    this.disposed = true;
    this.reset();
    this.changed.dispose();
    this.seriesChanged.dispose();
  }

  private connectInBackground(): void {
    this.connect(false).then(() => {
      this.retryMs = 2000;
    }, (error: unknown) => {
      this.log.warn(`Background connection: ${error instanceof Error ? error.message : String(error)}`);
      this.scheduleRetry();
    });
  }

  /** Docker may come up, or the container be created, later: look again, less and less often. */
  private scheduleRetry(): void {
    if (this.disposed || this.retryTimer || !vscode.workspace.isTrusted) {
      return;
    }
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.current) {
        this.connectInBackground();
      }
    }, delay);
  }

  private open(): Promise<Connected> {
    this.opening ??= this.doOpen(this.generation).finally(() => { this.opening = undefined; });
    return this.opening;
  }

  private async doOpen(generation: number): Promise<Connected> {
    // A retry in the background keeps showing why the last try failed rather than flicker.
    if (!['docker-unavailable', 'no-container', 'container-stopped', 'container-gone'].includes(this.model.state.kind)) {
      this.update({ state: { kind: 'connecting' } });
    }
    let container: OdooContainer;
    let settings: ExtensionSettings;
    try {
      settings = readSettings();
      const docker = await openDocker(settings.dockerHost);
      const found = await this.resolve(settings, (hints) => docker.find(hints));
      container = found.container;
      this.log.info(`Using container ${container.name} (${found.how}); Docker at ${docker.address} (from ${docker.source}).`);
    } catch (error) {
      if (generation === this.generation) {
        this.update({ state: failedState(error), container: undefined });
      }
      throw error;
    }
    if (generation !== this.generation || this.disposed) {
      throw new OdooDevError('cancelled', 'The container changed while connecting; try again.');
    }
    const engine = new OdooEngine(container, settings.engine, (line) => this.log.debug(line));
    const watcher = new OdooWatcher(engine, (state) => this.watched(state), { pollMs: 1000 }, (line) => this.log.trace(line));
    const activity = engine.onActivity((event) => this.engineDid(event));
    this.current = { container, engine, watcher, activity };
    this.update({ container: container.name });
    watcher.start().catch((error: unknown) => this.log.warn(`Watching ${container.name}: ${String(error)}`));
    return this.current;
  }

  private async resolve(
    settings: ExtensionSettings,
    find: (hints: { explicit?: string; workspaceFolder?: string }) => Promise<OdooContainer>,
  ): Promise<{ container: OdooContainer; how: string }> {
    if (settings.container) {
      return { container: await find({ explicit: settings.container }), how: 'the odooDev.container setting' };
    }
    const selected = this.context.workspaceState.get<string>(selectedKey);
    if (selected) {
      try {
        return { container: await find({ explicit: selected }), how: 'selected for this workspace' };
      } catch (error) {
        if (!isOdooDevError(error, 'container-not-found')) {
          throw error;
        }
        this.log.info(`The container selected for this workspace, ${selected}, is gone; looking again.`);
        await this.context.workspaceState.update(selectedKey, undefined);
      }
    }
    const window = windowContainerOf(windowAuthority());
    if (window?.via) {
      this.log.info(`This window's container runs on ${window.via}; Docker is reached as configured here.`);
    }
    if (window?.kind === 'attached-container') {
      return { container: await find({ explicit: window.container }), how: 'the container this window is attached to' };
    }
    const folder = window?.kind === 'dev-container' ? window.hostPath : localFolder();
    const how = window ? `the Dev Container of ${window.hostPath}` : folder ? `found for ${folder}` : 'the only container running Odoo';
    return { container: await find(folder ? { workspaceFolder: folder } : {}), how };
  }

  /** The quick pick of running containers; the choice is kept for this workspace. */
  private async choose(): Promise<boolean> {
    const settings = readSettings();
    const docker = await openDocker(settings.dockerHost);
    const picked = await pickContainer(docker.listRunning(), docker.address, this.current?.container.name);
    if (!picked) {
      return false;
    }
    await this.context.workspaceState.update(selectedKey, picked.name);
    this.log.info(`Selected container ${picked.name} for this workspace.`);
    if (settings.container && settings.container !== picked.name) {
      void vscode.window.showWarningMessage(`The odooDev.container setting (${settings.container}) takes precedence over the selected container; clear it to use ${picked.name}.`);
    }
    return true;
  }

  private watched(state: WatchState): void {
    const previous = this.model.state;
    if (state.kind === 'starting' && this.notReady && (this.notReady.pid === undefined || this.notReady.pid === state.pid)) {
      this.update({ state: { kind: 'not-ready', ...this.notReady } });
      return;
    }
    this.notReady = undefined;
    if (state.kind === 'running') {
      const series = state.version?.serverSerie;
      if (series && series !== this.context.workspaceState.get<string>(seriesKey)) {
        void this.context.workspaceState.update(seriesKey, series);
      }
      if (series && !(previous.kind === 'running' && previous.version?.serverSerie === series)) {
        this.seriesChanged.fire(series);
      }
    }
    this.update({ state, runningSince: runningSince(previous, state, this.model.runningSince) });
    if (state.kind === 'container-gone') {
      // A rebuilt Dev Container comes back as a new container: look for it again.
      this.log.info('The container was removed; looking for it again.');
      this.reset();
      this.scheduleRetry();
    }
  }

  private engineDid(event: EngineActivity): void {
    if (event.kind === 'progress') {
      if (this.model.busy) {
        this.update({ busy: { ...this.model.busy, message: event.progress.message } });
      }
    } else if (event.kind === 'failed' && isOdooDevError(event.error, 'not-ready')) {
      const pid = event.error.details.pid;
      this.notReady = { ...(typeof pid === 'number' ? { pid } : {}), message: event.error.message };
      this.update({ state: { kind: 'not-ready', ...this.notReady } });
    }
  }

  private update(change: Partial<StatusModel>): void {
    if (this.disposed) {
      return;
    }
    this.model = { ...this.model, ...change };
    this.changed.fire(this.model);
  }
}

/** Loaded on first use: dockerode and ssh2 are most of the bundle's start-up cost. */
async function openDocker(dockerHost: string | undefined): Promise<DockerAccess> {
  return (await import('./docker-access')).openDocker(dockerHost);
}

/** The state a failed connection shows. */
function failedState(error: unknown): StatusState {
  if (isOdooDevError(error, 'docker-unreachable')) {
    return { kind: 'docker-unavailable', message: error.message };
  }
  if (isOdooDevError(error, 'container-not-running')) {
    return { kind: 'container-stopped' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'no-container', message };
}

/**
 * Since when the server runs: known only when we saw it start (from another state in this
 * window), not for one that already ran when we first looked.
 */
function runningSince(previous: StatusState, next: StatusState, since: number | undefined): number | undefined {
  if (next.kind !== 'running') {
    return undefined;
  }
  if (previous.kind === 'running') {
    return previous.pid === next.pid ? since : Date.now();
  }
  const sawItStart = ['starting', 'restarting', 'stopping', 'stopped', 'crashed', 'not-ready', 'container-stopped'].includes(previous.kind);
  return sawItStart ? Date.now() : undefined;
}

/** The remote authority of this window (`dev-container+...`), if it is a remote one. */
function windowAuthority(): string | undefined {
  const uri = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.workspace.workspaceFile;
  return uri?.scheme === 'vscode-remote' ? uri.authority : undefined;
}

/** The folder of a local window, which Dev Containers labels its container with. */
function localFolder(): string | undefined {
  const uri = vscode.workspace.workspaceFolders?.[0]?.uri;
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}
