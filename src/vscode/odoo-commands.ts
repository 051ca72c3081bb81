import * as vscode from 'vscode';
import { joinArgs } from '../core/argv-text';
import { isOdooDevError, type OdooDevError } from '../core/errors';
import { maskArgv } from '../core/secrets';
import type { EngineProgress, RestartOutcome } from '../engine/odoo-engine';
import { describeOutcome } from '../engine/outcome-text';
import type { ProfileArgs } from './args-code-lens';
import { argsFileUri, openArgsFile, readProfiles } from './args-file';
import { makeRestartable } from './make-restartable';
import { offerPid1Ways } from './pid1-choice';
import type { OdooConnection } from './odoo-connection';
import type { OdooLogView } from './odoo-log-view';
import type { ErrorReporter } from './report-error';
import { currentArgs, historyOf, inputLines, pushHistory } from './restart-args';
import { askRestartArgs } from './restart-input';
import { readSettings } from './settings';
import type { BusyInfo } from './status-bar-view';
import { actionsFor } from './command-availability';
import type { ServerOfferCache } from './server-offer';
import { startContainer } from './start-container';
import { defaultDebugPort, type DebugRequest } from '../core/debug-launch';
import type { DebugpySource } from '../core/debugpy-copy';
import { askForDebugpy, isMissingDebugpy } from './debugpy-offer';
import type { OdooDebugging } from './odoo-debug';
import { isTrustedFor } from './workspace-trust';

const historyKey = 'odooDev.argsHistory';
/** How long Restart with args waits for the first status to prefill the current args. */
const prefillWaitMs = 3000;

export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly connection: OdooConnection;
  readonly logView: OdooLogView;
  readonly reporter: ErrorReporter;
  readonly log: vscode.LogOutputChannel;
  /** The container's modules and databases, for checking the typed args. */
  readonly offer?: ServerOfferCache;
  /** Whether restarts keep debugpy, and the debug sessions to attach and end. */
  readonly debugging?: OdooDebugging;
}

type Action = BusyInfo['action'];

/** Every `odooDev.*` command, each wrapped by the error reporter. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const commands = new OdooCommands(deps);
  const { reporter } = deps;
  const register = (id: string, title: string, run: (...args: never[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, reporter.command(title, run));
  return [
    register('odooDev.restartWithArgs', 'Restart with args', (input?: ProfileArgs | readonly string[]) => commands.restartWithArgs(input)),
    register('odooDev.restart', 'Restart', () => commands.run('restart')),
    register('odooDev.restartAndDebug', 'Restart and Debug', () => commands.restartAndDebug()),
    register('odooDev.restartWithoutDebugger', 'Restart without Debugger', () => commands.restartWithoutDebugger()),
    register('odooDev.runOnce', 'Run Once', (input?: ProfileArgs | readonly string[]) => commands.runOnce(input)),
    register('odooDev.start', 'Start', () => commands.run('start')),
    register('odooDev.startContainer', 'Start Container', () => startContainer(deps.connection, deps.log)),
    register('odooDev.stop', 'Stop', () => commands.run('stop')),
    register('odooDev.editArgs', 'Edit Args', () => commands.editArgs()),
    register('odooDev.showLogs', 'Show Logs', () => commands.showLogs()),
    register('odooDev.selectContainer', 'Select Container', () => commands.selectContainer()),
    register('odooDev.makeRestartable', 'Make Container Restartable', () => commands.makeRestartable()),
    register('odooDev.showActions', 'Odoo actions', () => commands.showActions()),
  ];
}

class OdooCommands {
  /** Restarts, starts and stops of ours under way (the engine merges restarts into one queue). */
  private running = 0;
  /** The last "restarted in 0.9 s": gone when the next action starts, so it never tells of an older one. */
  private doneMessage: vscode.Disposable | undefined;

  constructor(private readonly deps: CommandDeps) {}

  async restartWithArgs(input?: ProfileArgs | readonly string[]): Promise<void> {
    const given = argsOf(input);
    const argv = given ?? await this.askArgs('restart');
    if (!argv) {
      return;
    }
    const { workspaceState } = this.deps.context;
    await workspaceState.update(historyKey, pushHistory(historyOf(workspaceState.get(historyKey)), joinArgs(maskArgv(argv))));
    await this.run('restart', argv);
  }

  /**
   * Runs Odoo once with the args asked for (an update, a test run, an export) beside the
   * server, which comes back with its own args: "Odoo: Run Once…".
   */
  async runOnce(input?: ProfileArgs | readonly string[]): Promise<void> {
    const argv = argsOf(input) ?? await this.askArgs('run');
    if (!argv) {
      return;
    }
    const { workspaceState } = this.deps.context;
    await workspaceState.update(historyKey, pushHistory(historyOf(workspaceState.get(historyKey)), joinArgs(maskArgv(argv))));
    await this.run('run', argv);
  }

  /**
   * Relaunches Odoo under debugpy on the container's loopback (`--workers 0`), then attaches
   * the editor to it through the Docker API; a session already on attaches itself again.
   */
  async restartAndDebug(copyFrom?: DebugpySource): Promise<void> {
    const { debugging, connection, log } = this.deps;
    if (!debugging || !isTrustedFor('Restart and Debug', 'in Restricted Mode VS Code starts no debug session')) {
      return;
    }
    const port = debugging.restartDebug ? debugging.restartDebug.port : defaultDebugPort;
    let outcome: Awaited<ReturnType<OdooCommands['perform']>>;
    try {
      outcome = await this.perform('restart', undefined, { port, ...(copyFrom ? { copyFrom } : {}) });
    } catch (error) {
      // No debugpy in the container: the Python Debugger extension's is offered, never copied unasked.
      if (copyFrom || !isMissingDebugpy(error)) {
        throw error;
      }
      const { container } = await connection.connect(true);
      const source = await askForDebugpy(error, container.name, log);
      if (source) {
        await this.restartAndDebug(source);
      }
      return;
    }
    // A run that ended by itself leaves no debugpy to attach to; one that waited was attached already.
    if (outcome && outcome !== 'stopped waiting' && outcome.plan !== 'completed') {
      await debugging.attach(outcome.debugPort ?? port);
    }
  }

  /** Ends the debug session and runs Odoo again without debugpy, at once. */
  async restartWithoutDebugger(): Promise<void> {
    await this.deps.debugging?.stopSessions();
    await this.perform('restart', undefined, false);
  }

  /** Runs a restart, start or stop through the engine, with a progress notification. */
  async run(action: Action, args?: readonly string[]): Promise<void> {
    await this.perform(action, args);
  }

  /**
   * A restart keeps debugpy while a debug session is on and drops it once the user stopped
   * debugging, unless `debug` says otherwise.
   */
  private async perform(action: Action, args?: readonly string[], debug?: DebugRequest | false): Promise<RestartOutcome | 'stopped waiting' | undefined> {
    const { connection, logView, log, reporter } = this.deps;
    const { engine, container } = await connection.connect(true);
    this.doneMessage?.dispose();
    logView.follow(container);
    log.info(`${action}${args ? ` with ${joinArgs(maskArgv(args))}` : ''} in ${container.name}`);

    let report: ((message: string) => void) | undefined;
    let lastMessage: string | undefined;
    let isMarked = false;
    let isAnnounced = false;
    const onProgress = (progress: EngineProgress) => {
      // The marker goes in once the engine has a plan: a start refused before it (Odoo already
      // runs, invalid args) leaves no marker of a start that never happened.
      if (!isMarked) {
        isMarked = true;
        logView.mark(action, args);
      }
      lastMessage = progress.message;
      log.info(progress.message);
      report?.(progress.message);
      if (progress.step === 'debug-wait' && progress.debugPort !== undefined) {
        this.attachWaiting(progress.debugPort, progress.endsByItself === true);
      }
      // The new server is news once it is ready, not once the previous one has stopped.
      if (progress.step === 'ready' && progress.outcome) {
        isAnnounced = true;
        this.announce(progress.outcome);
      }
    };
    const announce = (done: RestartOutcome) => {
      if (!isAnnounced) {
        this.announce(done);
      }
    };
    this.running++;
    connection.setBusy({ action });
    const debugWanted = debug ?? this.deps.debugging?.restartDebug;
    const request = { ...(args ? { args } : {}), ...(debugWanted !== undefined ? { debug: debugWanted } : {}) };
    const task = action === 'restart' ? engine.restart(request, onProgress, debug ? 'Restart and Debug in the editor' : 'a command in the editor')
      // While a debug session is on, a run once is debugged too, on a port of its own.
      : action === 'run' ? engine.runOnce({ args: args ?? [], ...(debugWanted ? { debug: debugWanted } : {}) }, onProgress)
      : action === 'start' ? engine.start(args ? { args } : {}, onProgress)
        : engine.stop({}, onProgress);
    void task.then(() => undefined, () => undefined).finally(() => {
      if (--this.running === 0) {
        connection.setBusy(undefined);
      }
    });

    const title = `Odoo: ${titleOf(action, args)}`;
    const shown = vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) => {
        report = (message) => progress.report({ message });
        report(lastMessage ?? `Cancel stops waiting only: the ${action} goes on in the container.`);
        return new Promise<RestartOutcome | 'stopped waiting'>((resolve, reject) => {
          task.then(resolve, reject);
          token.onCancellationRequested(() => resolve('stopped waiting'));
        });
      },
    );
    let outcome: RestartOutcome | 'stopped waiting';
    try {
      outcome = await shown;
    } catch (error) {
      if (action === 'restart' && args && isOdooDevError(error, 'pid1-refused')) {
        await this.offerWaysOut(error, args);
        return undefined;
      }
      throw error;
    }
    if (outcome === 'stopped waiting') {
      log.info(`Stopped waiting for the ${action}; it goes on in the container.`);
      void vscode.window.showInformationMessage(`Stopped waiting: the ${action} goes on in the container, and the status bar shows how it ends.`);
      task.then(announce, (error: unknown) => reporter.background(`The ${action} that was no longer awaited`, error));
      return outcome;
    }
    if (action === 'restart' && debugWanted === false) {
      this.deps.debugging?.debuggerDropped();
    }
    announce(outcome);
    return outcome;
  }

  /** A run waits for a debugger: the editor attaches by itself; a failure to is told, the run then ends after its wait. */
  private attachWaiting(port: number, endsByItself: boolean): void {
    const { debugging, reporter } = this.deps;
    if (!debugging) {
      return;
    }
    debugging.attachWaiting(port, endsByItself).catch((error: unknown) => reporter.show(error, 'Attaching the debugger to the run'));
  }

  /** New args refused where Odoo is PID 1: make it restartable, run them once beside it, or the same args. */
  private async offerWaysOut(error: OdooDevError, args: readonly string[]): Promise<void> {
    await offerPid1Ways(error, args, {
      makeRestartable: () => this.makeRestartable(args),
      runOnce: () => this.run('run', args),
      restartWithSameArgs: () => this.run('restart'),
    });
  }

  async editArgs(): Promise<void> {
    const settings = readSettings();
    const state = this.deps.connection.status.state;
    const current = state.kind === 'running' ? currentArgs(state.argv, state.version?.serverSerie) : undefined;
    await openArgsFile(argsFileUri(settings.argsFile), current);
  }

  async showLogs(): Promise<void> {
    const { connection, logView } = this.deps;
    logView.show();
    const { container } = await connection.connect(true);
    logView.follow(container);
  }

  /** With the args that were refused: once the container runs the keeper, they are applied. */
  async makeRestartable(thenArgs?: readonly string[]): Promise<void> {
    const { connection, log } = this.deps;
    await makeRestartable({ connection, log, ...(thenArgs ? { then: () => this.run('restart', thenArgs) } : {}) });
  }

  async selectContainer(): Promise<void> {
    const { connection, logView } = this.deps;
    const connected = await connection.selectContainer();
    if (connected) {
      logView.followIfStarted(connected.container);
      vscode.window.setStatusBarMessage(`$(pass) Odoo: using container ${connected.container.name}`, 4000);
    }
  }

  async showActions(): Promise<void> {
    // The same rules as the palette's `when` clauses: only what applies now.
    const items = actionsFor(this.deps.connection.status, readSettings().argsFile, vscode.workspace.isTrusted);
    const picked = await vscode.window.showQuickPick(items, { title: 'Odoo', placeHolder: 'What to do with Odoo' });
    if (picked) {
      await vscode.commands.executeCommand(picked.command);
    }
  }

  /** The line the user types: prefilled with the running server's args, or the last line. */
  private async askArgs(mode: 'restart' | 'run'): Promise<string[] | undefined> {
    const { connection, context } = this.deps;
    const connected = await connection.connect(true);
    if (connection.status.state.kind === 'connecting') {
      // The first status is on its way; a short wait gives the prefill the current args.
      await Promise.race([connected.watcher.refresh(), new Promise((resolve) => setTimeout(resolve, prefillWaitMs))]);
    }
    const { state } = connection.status;
    const series = connection.series;
    const history = historyOf(context.workspaceState.get(historyKey));
    // After a crash or a stop, the way back is the last command that worked, not the last typed.
    const lastWorking = state.kind === 'running' ? undefined : await this.lastWorkingArgs(connected);
    const lines = inputLines(state.kind === 'running' ? state : undefined, series, lastWorking, history);
    const settings = readSettings();
    const answer = await askRestartArgs({
      ...lines,
      ...(lastWorking !== undefined ? { lastWorking } : {}),
      ...(this.deps.offer ? { offer: this.deps.offer.offer } : {}),
      ...(this.deps.offer?.containerOptions ? { containerOptions: this.deps.offer.containerOptions } : {}),
      profiles: await readProfiles(argsFileUri(settings.argsFile)),
      argsFileName: settings.argsFile,
      series,
      mode,
    });
    return answer?.argv;
  }

  /** The args of the command a plain start would run, the last that worked; undefined when none is remembered. */
  private async lastWorkingArgs(connected: { engine: { status(): Promise<{ remembered?: readonly string[] }> } }): Promise<string | undefined> {
    try {
      const { remembered } = await connected.engine.status();
      return remembered ? joinArgs(currentArgs(remembered, this.deps.connection.series)) : undefined;
    } catch (error) {
      this.deps.log.warn(`Reading the last args that worked: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** A done restart is news for a moment; a run that ended by itself leaves Odoo stopped, which is worth saying. */
  private announce(outcome: RestartOutcome): void {
    const text = describeOutcome(outcome, 1);
    this.deps.log.info(text);
    if (outcome.plan === 'completed') {
      void vscode.window.showInformationMessage(outcome.server ? `${text}.` : `${text}; no server runs now.`, 'Show Logs')
        .then((button) => button && this.deps.logView.show());
      return;
    }
    this.doneMessage?.dispose();
    this.doneMessage = vscode.window.setStatusBarMessage(`$(pass) ${text}`, 5000);
  }
}

/** Args given by a CodeLens (`{ args }`) or by another extension or a keybinding (`string[]`). */
function argsOf(input: ProfileArgs | readonly string[] | undefined): string[] | undefined {
  if (Array.isArray(input) && input.every((word) => typeof word === 'string')) {
    return [...input];
  }
  const args = (input as ProfileArgs | undefined)?.args;
  return Array.isArray(args) && args.every((word) => typeof word === 'string') ? [...args] : undefined;
}

function titleOf(action: Action, args: readonly string[] | undefined): string {
  const verb = { restart: 'restarting', run: 'running once', start: 'starting', stop: 'stopping' }[action];
  if (!args) {
    return verb;
  }
  const line = joinArgs(maskArgv(args)) || '(no args)';
  return `${verb} with ${line.length > 60 ? `${line.slice(0, 59)}…` : line}`;
}
