import * as vscode from 'vscode';
import { isOdooDevError, OdooDevError } from '../core/errors';
import type { DockerAccess, FoundContainer } from '../docker/docker-access';
import type { WatchState } from '../engine/odoo-watcher';
import { BackoffTimer } from './backoff-timer';
import { connectTo, type Connected, type ConnectedContainer } from './connected-container';
import { ContainerSelection } from './container-selection';
import { loadDocker } from './docker-loader';
import { findWindowContainer } from './find-window-container';
import { SeriesMemory } from './series-memory';
import { readSettings, type ExtensionSettings } from './settings';
import { initialStatus, nextStatus, runningSeriesOf, seriesChangeOf, type StatusEvent, type StatusModel } from './status-model';
import type { BusyInfo } from './status-bar-view';
import { windowContainer } from './window-hints';

export type { Connected } from './connected-container';

const choiceErrors = new Set(['container-not-found', 'container-ambiguous']);

/**
 * The life of this window's connection: finds the container when first needed, keeps one
 * engine and one watcher for it, drops them on reset, and looks again in the background, less
 * and less often, while Docker or the container is not there. Connecting lists containers and
 * reads their processes (no exec); the watcher's first status is one exec, in the background.
 */
export class OdooConnection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StatusModel>();
  readonly onDidChange = this.changed.event;
  private readonly seriesChanged = new vscode.EventEmitter<string>();
  /** The Odoo series of the running server, when it becomes known or changes. */
  readonly onDidChangeSeries = this.seriesChanged.event;
  private model: StatusModel = initialStatus;
  private current: ConnectedContainer | undefined;
  private opening: Promise<Connected> | undefined;
  /** Bumped by every reset, so that an open that finishes after one is dropped. */
  private generation = 0;
  private readonly retry = new BackoffTimer();
  private readonly selection: ContainerSelection;
  private readonly seriesMemory: SeriesMemory;
  private disposed = false;

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.selection = new ContainerSelection(context.workspaceState, log);
    this.seriesMemory = new SeriesMemory(context.workspaceState);
  }

  get status(): StatusModel {
    return this.model;
  }

  get connected(): Connected | undefined {
    return this.current;
  }

  /** The series of the running server, or the last one seen in this workspace. */
  get series(): string | undefined {
    return runningSeriesOf(this.model.state) ?? this.seriesMemory.last;
  }

  /**
   * The engine for this window's container, connecting first when needed. `interactive`: a
   * user's command, which may ask which container to use.
   */
  async connect(interactive: boolean): Promise<Connected> {
    this.apply({ kind: 'shown' });
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
    const hasHint = readSettings().container !== undefined
      || this.selection.name !== undefined
      || windowContainer() !== undefined
      || await argsFileExists();
    if (!hasHint || this.disposed) {
      this.log.info('No Odoo container is expected for this window; the status bar shows once a command is used.');
      return;
    }
    if (!vscode.workspace.isTrusted) {
      this.log.info('Restricted Mode: nothing starts by itself, and workspace values of the Docker and container settings are ignored.');
      this.apply({ kind: 'restricted' });
      return;
    }
    this.apply({ kind: 'shown' });
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
    this.retry.cancel();
    this.current?.dispose();
    this.current = undefined;
    this.apply({ kind: 'disconnected' });
  }

  /** After a settings change or trust granted: the same as at start, with the new values. */
  reconnect(argsFileExists: () => Promise<boolean>): void {
    const wasVisible = this.model.isVisible;
    this.reset();
    this.apply({ kind: 'reconnecting' });
    void this.startInBackground(async () => wasVisible || await argsFileExists());
  }

  /** Set by the command that runs a restart, start or stop; cleared when it ends. */
  setBusy(busy: BusyInfo | undefined): void {
    this.apply({ kind: 'busy', busy });
  }

  dispose(): void {
    this.disposed = true;
    this.reset();
    this.changed.dispose();
    this.seriesChanged.dispose();
  }

  private connectInBackground(): void {
    this.connect(false).then(() => {
      this.retry.succeeded();
    }, (error: unknown) => {
      this.log.warn(`Background connection: ${error instanceof Error ? error.message : String(error)}`);
      this.scheduleRetry();
    });
  }

  /** Docker may come up, or the container be created, later: look again, less and less often. */
  private scheduleRetry(): void {
    if (this.disposed || !vscode.workspace.isTrusted) {
      return;
    }
    this.retry.schedule(() => {
      if (!this.current) {
        this.connectInBackground();
      }
    });
  }

  private open(): Promise<Connected> {
    this.opening ??= this.doOpen(this.generation).finally(() => { this.opening = undefined; });
    return this.opening;
  }

  private async doOpen(generation: number): Promise<Connected> {
    this.apply({ kind: 'looking' });
    let settings: ExtensionSettings;
    let docker: DockerAccess | undefined;
    let found: FoundContainer;
    try {
      settings = readSettings();
      docker = await loadDocker(settings.dockerHost);
      found = await findWindowContainer(docker, settings, this.selection, this.log);
      this.log.info(`Using container ${found.container.name} (${found.how}); Docker at ${docker.address} (from ${docker.source}).`);
    } catch (error) {
      docker?.close();
      if (generation === this.generation) {
        this.apply({ kind: 'connect-failed', error });
      }
      throw error;
    }
    if (generation !== this.generation || this.disposed) {
      docker.close();
      throw new OdooDevError('cancelled', 'The container changed while connecting; try again.');
    }
    const { container } = found;
    // From here the connection owns the access: a reset (a changed setting) closes it.
    const connected = connectTo(container, docker, settings.engine, this.log, {
      watched: (state) => this.watched(state),
      engineDid: (activity) => this.apply({ kind: 'engine', activity }),
    });
    this.current = connected;
    this.apply({ kind: 'connected', container: container.name });
    connected.watcher.start().catch((error: unknown) => this.log.warn(`Watching ${container.name}: ${String(error)}`));
    return connected;
  }

  /** The quick pick of running containers; the choice is kept for this workspace. */
  private async choose(): Promise<boolean> {
    const settings = readSettings();
    const docker = await loadDocker(settings.dockerHost);
    try {
      return await this.selection.ask(docker, this.current?.container.name, settings.container);
    } finally {
      docker.close();
    }
  }

  private watched(state: WatchState): void {
    this.apply({ kind: 'watched', state, now: Date.now() });
    if (state.kind === 'container-gone') {
      // A rebuilt Dev Container comes back as a new container: look for it again.
      this.log.info('The container was removed; looking for it again.');
      this.reset();
      this.scheduleRetry();
    }
  }

  private apply(event: StatusEvent): void {
    if (this.disposed) {
      return;
    }
    const previous = this.model;
    this.model = nextStatus(previous, event);
    if (this.model === previous) {
      return;
    }
    const series = runningSeriesOf(this.model.state);
    if (series) {
      this.seriesMemory.remember(series);
    }
    const changedSeries = seriesChangeOf(previous.state, this.model.state);
    if (changedSeries) {
      this.seriesChanged.fire(changedSeries);
    }
    this.changed.fire(this.model);
  }
}
