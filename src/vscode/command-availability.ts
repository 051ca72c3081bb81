// Which commands apply now, from the one status model: the context keys that `when` clauses in
// package.json read, and the status-bar menu's entries. No `vscode` here, so that every state's
// offer is checked by a unit test.
import type { StatusModel } from './status-model';
import type { StatusState } from './status-bar-view';

/** The `odooDev.*` context keys and their values. */
export interface OdooContextKeys {
  /** The state's kind: `running`, `stopped`, `crashed`, `container-stopped`, `no-container`, ... */
  readonly 'odooDev.state': StatusState['kind'];
  /** A restart, start or stop of ours is under way, or the server is restarting or stopping. */
  readonly 'odooDev.busy': boolean;
  /** A container is chosen and Docker answers for it. */
  readonly 'odooDev.hasContainer': boolean;
  /** The running server is PID 1: stopping it would stop the container. */
  readonly 'odooDev.isPid1': boolean;
  readonly 'odooDev.canRestart': boolean;
  readonly 'odooDev.canRestartWithArgs': boolean;
  /** A relaunch under debugpy: not where Odoo is PID 1, whose program a reload cannot change. */
  readonly 'odooDev.canRestartAndDebug': boolean;
  readonly 'odooDev.canRunOnce': boolean;
  readonly 'odooDev.canStart': boolean;
  readonly 'odooDev.canStop': boolean;
  readonly 'odooDev.canStartContainer': boolean;
  readonly 'odooDev.canMakeRestartable': boolean;
}

/** States in which a server process exists and answers, or should. */
const serverRuns = new Set<StatusState['kind']>(['running', 'not-ready', 'starting']);
/** States that come before the first status: any command may connect, and then knows more. */
const notYetKnown = new Set<StatusState['kind']>(['connecting', 'restricted', 'unknown']);
/** States in which there is no container to act on. */
const noContainer = new Set<StatusState['kind']>(['no-container', 'container-gone', 'docker-unavailable']);

export function contextKeysOf(model: StatusModel): OdooContextKeys {
  const kind = model.state.kind;
  const busy = model.busy !== undefined || kind === 'restarting' || kind === 'stopping';
  const isPid1 = model.state.kind === 'running' && model.state.isPid1 === true;
  const olderKeeper = model.state.kind === 'running' && model.state.olderKeeper === true;
  const idle = (ok: boolean) => !busy && ok;
  const runs = serverRuns.has(kind);
  const unknown = notYetKnown.has(kind);
  const ended = kind === 'stopped' || kind === 'crashed';
  return {
    'odooDev.state': kind,
    'odooDev.busy': busy,
    'odooDev.hasContainer': model.container !== undefined && !noContainer.has(kind),
    'odooDev.isPid1': isPid1,
    'odooDev.canRestart': idle(runs || unknown),
    'odooDev.canRestartWithArgs': idle(runs || unknown || ended),
    'odooDev.canRestartAndDebug': idle((runs && !isPid1) || unknown || ended),
    'odooDev.canRunOnce': idle(runs || ended),
    'odooDev.canStart': idle(ended),
    'odooDev.canStop': idle(runs && !isPid1),
    'odooDev.canStartContainer': idle(kind === 'container-stopped'),
    'odooDev.canMakeRestartable': idle(isPid1 || olderKeeper),
  };
}

/** One entry of the status-bar menu. */
export interface ActionItem {
  readonly command: string;
  readonly label: string;
  readonly detail?: string;
}

/**
 * The status-bar menu for the state: what applies first, never a command that cannot. After a
 * crash, the way back comes first: Start runs the remembered command, the last one that worked.
 * In an untrusted workspace Restart and Debug is left out, as the palette's `when` clause leaves
 * it out: VS Code starts no debug session in Restricted Mode.
 */
export function actionsFor(model: StatusModel, argsFileName: string, isTrusted: boolean): ActionItem[] {
  const keys = contextKeysOf(model);
  const item = (command: string, label: string, detail?: string): ActionItem => ({ command, label, ...(detail ? { detail } : {}) });
  const kind = model.state.kind;
  const items: ActionItem[] = [];
  if (keys['odooDev.canStartContainer']) {
    items.push(item('odooDev.startContainer', '$(play) Start Container', 'Starts the stopped container; Odoo then starts as the container does'));
  }
  if (noContainer.has(kind)) {
    items.push(item('odooDev.selectContainer', '$(server-environment) Select Container…'));
  }
  if (keys['odooDev.canStart']) {
    items.push(kind === 'crashed'
      ? item('odooDev.start', '$(debug-restart) Restart with last working args', 'The last args that were ready, remembered in the container')
      : item('odooDev.start', '$(play) Start', 'The last args that worked, remembered in the container, or odooDev.start.command'));
  }
  if (keys['odooDev.canRestart']) {
    items.push(item('odooDev.restart', '$(debug-restart) Restart', keys['odooDev.isPid1']
      ? 'Same args, reloaded in place with SIGHUP: Odoo is PID 1'
      : 'Same args; one-shot args such as -u are dropped'));
  }
  if (keys['odooDev.canRestartAndDebug'] && isTrusted) {
    items.push(item('odooDev.restartAndDebug', '$(debug-alt) Restart and Debug', 'Under debugpy on the container\'s loopback, with --workers 0; the editor attaches through the Docker API'));
  }
  if (keys['odooDev.canRestartWithArgs']) {
    items.push(item('odooDev.restartWithArgs', '$(edit) Restart with args…'));
  }
  if (keys['odooDev.canRunOnce']) {
    items.push(item('odooDev.runOnce', '$(run) Run Once…', runs(kind)
      ? 'An update, a test run or an export beside the server, which keeps serving'
      : 'An update, a test run or an export that ends by itself'));
  }
  if (keys['odooDev.canStop']) {
    items.push(item('odooDev.stop', '$(debug-stop) Stop', 'Gracefully; the container keeps running'));
  }
  if (keys['odooDev.canMakeRestartable']) {
    items.push(keys['odooDev.isPid1']
      ? item('odooDev.makeRestartable', '$(tools) Make Container Restartable…', 'A keeper as PID 1, so that Odoo can restart with new args')
      : item('odooDev.makeRestartable', '$(tools) Make Container Restartable…', 'The current keeper, whose first Odoo serves on a socket that outlives it: every restart overlaps'));
  }
  items.push(item('odooDev.showLogs', '$(output) Show Logs'));
  if (!noContainer.has(kind) && kind !== 'container-stopped') {
    items.push(item('odooDev.editArgs', '$(file) Edit Args', `The profiles in ${argsFileName}`));
  }
  if (!noContainer.has(kind)) {
    items.push(item('odooDev.selectContainer', '$(server-environment) Select Container…'));
  }
  return items;
}

function runs(kind: StatusState['kind']): boolean {
  return serverRuns.has(kind);
}

/**
 * Sets the context keys that changed since the last call; `setContext` is VS Code's
 * `setContext` command, given from outside so that this file stays free of `vscode`.
 */
export class ContextKeys {
  private last: Partial<Record<keyof OdooContextKeys, unknown>> = {};

  constructor(private readonly setContext: (key: string, value: unknown) => void) {}

  update(model: StatusModel): void {
    const keys = contextKeysOf(model);
    for (const [key, value] of Object.entries(keys) as Array<[keyof OdooContextKeys, unknown]>) {
      if (this.last[key] !== value) {
        this.last[key] = value;
        this.setContext(key, value);
      }
    }
  }
}
