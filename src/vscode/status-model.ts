// What the status bar knows, as a reducer over what happens to the connection: no `vscode` here,
// so that every transition can be checked by a unit test.
import { isOdooDevError } from '../core/errors';
import { failureStateOf } from '../engine/failure-state';
import type { EngineActivity } from '../engine/odoo-engine';
import type { WatchState } from '../engine/odoo-watcher';
import type { BusyInfo, StatusState } from './status-bar-view';

/** Everything the status bar needs to draw itself. */
export interface StatusModel {
  readonly state: StatusState;
  readonly busy?: BusyInfo;
  readonly container?: string;
  readonly runningSince?: number;
  /** Whether this window has anything to do with Odoo yet (the item hides until it does). */
  readonly isVisible: boolean;
  /**
   * Our restart found the new server not ready: shown instead of the watcher's `starting` for
   * that server, which would otherwise hide the failure until the server answers.
   */
  readonly notReady?: { readonly pid?: number; readonly message: string };
}

/** What happens to the connection, as the status model hears of it. */
export type StatusEvent =
  /** A command was used, or the window has to do with Odoo: the item shows. */
  | { readonly kind: 'shown' }
  /** Restricted Mode: nothing starts by itself. */
  | { readonly kind: 'restricted' }
  /** Looking for the container, for a command or a background try. */
  | { readonly kind: 'looking' }
  /** The settings or the trust changed: looking again from the start. */
  | { readonly kind: 'reconnecting' }
  | { readonly kind: 'connected'; readonly container: string }
  | { readonly kind: 'connect-failed'; readonly error: unknown }
  /** The container and its watcher were dropped. */
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'watched'; readonly state: WatchState; readonly now: number }
  | { readonly kind: 'engine'; readonly activity: EngineActivity }
  | { readonly kind: 'busy'; readonly busy: BusyInfo | undefined };

export const initialStatus: StatusModel = { state: { kind: 'connecting' }, isVisible: false };

/** States a background retry keeps showing while it looks again, rather than flicker. */
const failedToConnect = new Set<StatusState['kind']>(['docker-unavailable', 'no-container', 'container-stopped', 'container-gone']);

/** States from which a server that runs next was seen to start in this window. */
const beforeStart = new Set<StatusState['kind']>(['starting', 'restarting', 'stopping', 'stopped', 'crashed', 'not-ready', 'container-stopped']);

/** The model after an event. */
export function nextStatus(model: StatusModel, event: StatusEvent): StatusModel {
  switch (event.kind) {
    case 'shown':
      return { ...model, isVisible: true };
    case 'restricted':
      return { ...model, state: { kind: 'restricted' }, isVisible: true };
    case 'looking':
      return failedToConnect.has(model.state.kind) ? model : { ...model, state: { kind: 'connecting' } };
    case 'reconnecting':
      return { ...model, state: { kind: 'connecting' } };
    case 'connected':
      return { ...model, container: event.container };
    case 'connect-failed':
      return { ...model, state: connectFailureState(event.error), container: undefined };
    case 'disconnected':
      return withoutNotReady(model);
    case 'watched':
      return watched(model, event.state, event.now);
    case 'engine':
      return engineDid(model, event.activity);
    case 'busy':
      return { ...model, busy: event.busy };
  }
}

/** The series of a server that became known or changed between two states, else undefined. */
export function seriesChangeOf(previous: StatusState, next: StatusState): string | undefined {
  const series = runningSeriesOf(next);
  if (!series || (previous.kind === 'running' && previous.version?.serverSerie === series)) {
    return undefined;
  }
  return series;
}

/** The Odoo series of a running server, when it is known. */
export function runningSeriesOf(state: StatusState): string | undefined {
  return state.kind === 'running' ? state.version?.serverSerie : undefined;
}

/**
 * A connection that failed found no container to show: what the watcher would call a gone
 * container, or an error about the choice itself, reads as "no container" with the reason.
 */
function connectFailureState(error: unknown): StatusState {
  const failure = failureStateOf(error);
  if (failure.kind === 'container-gone' || failure.kind === 'unknown') {
    return { kind: 'no-container', message: error instanceof Error ? error.message : String(error) };
  }
  return failure;
}

function watched(model: StatusModel, state: WatchState, now: number): StatusModel {
  const { notReady } = model;
  if (state.kind === 'starting' && notReady && (notReady.pid === undefined || notReady.pid === state.pid)) {
    return { ...model, state: { kind: 'not-ready', ...notReady } };
  }
  return { ...withoutNotReady(model), state, runningSince: runningSince(model, state, now) };
}

function engineDid(model: StatusModel, activity: EngineActivity): StatusModel {
  if (activity.kind === 'progress') {
    return model.busy ? { ...model, busy: { ...model.busy, message: activity.progress.message } } : model;
  }
  if (activity.kind === 'failed' && isOdooDevError(activity.error, 'not-ready')) {
    const { pid } = activity.error.details;
    const notReady = { ...(typeof pid === 'number' ? { pid } : {}), message: activity.error.message };
    return { ...model, notReady, state: { kind: 'not-ready', ...notReady } };
  }
  return model;
}

/**
 * Since when the server runs: known only when we saw it start (from another state in this
 * window), not for one that already ran when we first looked.
 */
function runningSince(model: StatusModel, next: WatchState, now: number): number | undefined {
  if (next.kind !== 'running') {
    return undefined;
  }
  const previous = model.state;
  if (previous.kind === 'running') {
    return previous.pid === next.pid ? model.runningSince : now;
  }
  return beforeStart.has(previous.kind) ? now : undefined;
}

function withoutNotReady(model: StatusModel): StatusModel {
  const { notReady, ...rest } = model;
  return notReady ? rest : model;
}
