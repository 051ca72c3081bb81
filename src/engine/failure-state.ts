import { isOdooDevError } from '../core/errors';

/** What a failure to reach the container says about it, for every view of its state. */
export type FailureState =
  | { readonly kind: 'container-gone' }
  | { readonly kind: 'container-stopped' }
  | { readonly kind: 'docker-unavailable'; readonly message: string }
  /** Docker answers, but asking the container failed (the agent, a refusal): the message says why. */
  | { readonly kind: 'unknown'; readonly message: string };

/** The one mapping from an error to the state it shows: the watcher and the extension use it. */
export function failureStateOf(error: unknown): FailureState {
  if (isOdooDevError(error, 'container-not-found')) {
    return { kind: 'container-gone' };
  }
  if (isOdooDevError(error, 'container-not-running')) {
    return { kind: 'container-stopped' };
  }
  if (isOdooDevError(error, 'docker-unreachable')) {
    return { kind: 'docker-unavailable', message: error.message };
  }
  return { kind: 'unknown', message: error instanceof Error ? error.message : String(error) };
}
