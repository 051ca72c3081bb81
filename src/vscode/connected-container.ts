import type * as vscode from 'vscode';
import type { OdooContainer } from '../engine/odoo-container';
import { OdooEngine, type EngineActivity, type EngineSettings } from '../engine/odoo-engine';
import { OdooWatcher, type WatchState } from '../engine/odoo-watcher';

/** The container this window works with, its engine and its watcher. */
export interface Connected {
  readonly container: OdooContainer;
  readonly engine: OdooEngine;
  readonly watcher: OdooWatcher;
}

/** A connection, with everything it created disposed in one call, its Docker access closed last. */
export interface ConnectedContainer extends Connected, vscode.Disposable {}

/** What reaches the engine the container is in; closed with the connection (an ssh connection). */
export interface ClosableDocker {
  close(): void;
}

export interface ConnectionListeners {
  watched(state: WatchState): void;
  engineDid(activity: EngineActivity): void;
}

/**
 * An engine and a watcher for the container found through `docker`, which the connection owns
 * from now on; the caller starts the watcher.
 */
export function connectTo(
  container: OdooContainer,
  docker: ClosableDocker,
  settings: EngineSettings,
  log: Pick<vscode.LogOutputChannel, 'debug' | 'trace'>,
  listeners: ConnectionListeners,
): ConnectedContainer {
  const engine = new OdooEngine(container, settings, (line) => log.debug(line));
  const watcher = new OdooWatcher(engine, (state) => listeners.watched(state), { pollMs: 1000 }, (line) => log.trace(line));
  const cleanup: vscode.Disposable[] = [
    { dispose: () => docker.close() },
    watcher,
    engine.onActivity((activity) => listeners.engineDid(activity)),
  ];
  return {
    container,
    engine,
    watcher,
    dispose: () => {
      // The listener goes first, so that nothing reports from a watcher being torn down; the
      // Docker access goes last, once nothing of this connection asks through it any more.
      for (const disposable of cleanup.splice(0).reverse()) {
        disposable.dispose();
      }
    },
  };
}
