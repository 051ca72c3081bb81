// When a crash is news for a notification: no `vscode` here, so that a unit test covers it.
import { describeExit } from '../core/exit-status';
import type { StatusModel } from './status-model';

/**
 * The message for a server that crashed while none of our commands ran (one of ours reports
 * its own failure), once per crash: undefined unless the state just became crashed from a
 * server that ran.
 */
export function crashNewsOf(previous: StatusModel, next: StatusModel): string | undefined {
  const { state } = next;
  if (state.kind !== 'crashed' || next.busy !== undefined || previous.busy !== undefined) {
    return undefined;
  }
  const before = previous.state;
  if (before.kind !== 'running' && before.kind !== 'starting' && before.kind !== 'not-ready') {
    return undefined;
  }
  const pid = before.pid !== undefined ? ` (PID ${before.pid})` : '';
  const how = state.exitCode !== undefined || state.signal !== undefined
    ? ` ${describeExit(state.exitCode, state.signal)}`
    : ' crashed';
  const reason = state.reason ? ` ${state.reason}` : '';
  return `Odoo${pid}${how}${next.container ? ` in container ${next.container}` : ''}.${reason}`;
}
