import type { AgentEvent } from '../core/agent-protocol';
import { OdooDevError } from '../core/errors';
import { RunLogLines } from '../core/run-log-lines';
import { maskText } from '../core/secrets';
import type { RunContext } from './run-context';

/** What a run once may be given besides its args: its log as it comes, a way to stop it, its own deadline. */
export interface RunWatch {
  /** Each line of the run's log (its records and the lines that continue them), secrets masked, in order, as it comes. */
  readonly onLog?: (line: string) => void;
  /** Aborting it ends the run (TERM, then KILL of what is left of it) and fails it as `cancelled`. */
  readonly signal?: AbortSignal;
  /** How long the run may take (default: the ready timeout); past it the run is ended too. */
  readonly timeoutMs?: number;
  /** `false`: the server is left as it is even when the run changed modules (default: it reloads). */
  readonly reload?: boolean;
}

type Exited = Extract<AgentEvent, { t: 'exited' }>;

/** How long a run that is asked to stop may take before what is left of it is killed. */
const endGraceMs = 5000;

/**
 * Waits for a watched run to end by itself, its log lines going to `onLog` meanwhile. Aborted,
 * or past its deadline, the run is ended by the agent with everything in its session, its log
 * read to the end, and the wait fails: `cancelled`, or `not-ready` for the deadline.
 */
export async function waitForWatchedRun(run: RunContext, pid: number, since: number, secrets: readonly string[], watch: RunWatch): Promise<Exited> {
  const follow = watch.onLog ? followRunLog(run, pid, since, secrets, watch.onLog) : undefined;
  const timeoutMs = watch.timeoutMs ?? Math.max(0, run.deadline - Date.now());
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort('timeout'), timeoutMs);
  const cancel = () => stop.abort('cancelled');
  watch.signal?.addEventListener('abort', cancel, { once: true });
  if (watch.signal?.aborted) {
    cancel();
  }
  try {
    const exited = await run.agent.until(['exited'], stop.signal);
    if (exited) {
      return exited;
    }
    run.progress({ step: 'run-ended', message: `Stopping the run (PID ${pid})`, pid });
    const ended = await run.agent.step({ step: 'end-run', pid, timeoutMs: endGraceMs }, ['run-ended']);
    run.log(`run ${pid} ended${ended.forced ? ' with KILL' : ''} in ${ended.ms} ms${ended.killed.length ? `, also killed ${ended.killed.join(', ')}` : ''}`);
    if (stop.signal.reason === 'timeout') {
      throw new OdooDevError('not-ready', `The run (PID ${pid}) did not finish within ${(timeoutMs / 1000).toFixed(timeoutMs < 10_000 ? 1 : 0)} s, so it was stopped.`, {
        hint: 'Raise the timeout if it needs longer; nothing of the run is left in the container.',
        details: { pid },
      });
    }
    throw new OdooDevError('cancelled', `The run (PID ${pid}) was cancelled and stopped; nothing of it is left in the container.`, { details: { pid } });
  } finally {
    clearTimeout(timer);
    watch.signal?.removeEventListener('abort', cancel);
    await follow?.finish();
  }
}

/**
 * Follows the container's log for one run's lines from `since`. `finish` stops following and
 * reads the log once more to the end, so that the lines Docker had not passed on yet when the
 * run exited still come, each once.
 */
function followRunLog(run: RunContext, pid: number, since: number, secrets: readonly string[], onLog: (line: string) => void) {
  const abort = new AbortController();
  let delivered = 0;
  const following = (async () => {
    const lines = new RunLogLines(pid);
    try {
      for await (const line of run.container.logs({ since, follow: true, signal: abort.signal })) {
        if (line.time >= since * 1000 && lines.accepts(line.text, line.stream)) {
          delivered++;
          onLog(maskText(line.text, secrets));
        }
      }
    } catch (error) {
      run.log(`following the run's log failed: ${String(error)}`);
    }
  })();
  return {
    async finish(): Promise<void> {
      abort.abort();
      await following;
      // The same lines in the same order: the ones past those already passed on are new.
      const lines = new RunLogLines(pid);
      let seen = 0;
      try {
        for await (const line of run.container.logs({ since })) {
          if (line.time >= since * 1000 && lines.accepts(line.text, line.stream) && ++seen > delivered) {
            delivered++;
            onLog(maskText(line.text, secrets));
          }
        }
      } catch (error) {
        run.log(`reading the run's log failed: ${String(error)}`);
      }
    },
  };
}
