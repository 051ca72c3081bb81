import * as assert from 'node:assert/strict';
import type { AgentEvent, AgentStep, Snapshot } from '../../src/core/agent-protocol';
import { AsyncQueue } from '../../src/core/async-queue';
import type { OdooDevError } from '../../src/core/errors';
import { AgentConversation } from '../../src/engine/agent-conversation';
import type { AgentSession, LogLine, OdooContainer } from '../../src/engine/odoo-container';
import type { RunContext } from '../../src/engine/run-context';
import { waitForWatchedRun } from '../../src/engine/run-watch';

const SINCE = 1_700_000_000;
const at = (ms: number) => SINCE * 1000 + ms;
const record = (pid: number, text: string) => `2026-01-01 00:00:00,000 ${pid} INFO db odoo.x: ${text}`;

/** An agent that answers `end-run` as the real one does, and lets the test send events. */
class FakeSession implements AgentSession {
  readonly snapshot = { t: 'snapshot', processes: [] } as Snapshot;
  readonly sent: AgentStep[] = [];
  readonly events = new AsyncQueue<AgentEvent>();
  send(step: AgentStep): void {
    this.sent.push(step);
    if (step.step === 'end-run') {
      this.events.push({ t: 'exited', pid: step.pid, exitCode: null, signal: 15, ms: 10 });
      this.events.push({ t: 'run-ended', pid: step.pid, ms: 5, forced: false, killed: [] });
    }
  }
  next(): Promise<AgentEvent | undefined> {
    return this.events.next();
  }
  async close(): Promise<void> {
    this.events.end();
  }
}

/** A container log: what was written so far, and a follow that gets the lines written later. */
class FakeLog {
  readonly lines: LogLine[] = [];
  private readonly followers: AsyncQueue<LogLine>[] = [];
  /** Lines Docker has not passed on to followers yet: only a later read sees them. */
  readonly held: LogLine[] = [];
  write(text: string, ms: number, options: { toFollowers?: boolean } = {}): void {
    const line: LogLine = { time: at(ms), stream: 'stderr', text };
    this.lines.push(line);
    if (options.toFollowers === false) {
      this.held.push(line);
    } else {
      this.followers.forEach((f) => f.push(line));
    }
  }
  container(): OdooContainer {
    const { lines, held, followers } = this;
    return {
      async *logs(options: { follow?: boolean; signal?: AbortSignal }) {
        const known = lines.filter((l) => !held.includes(l));
        if (!options.follow) {
          yield* lines;
          return;
        }
        const queue = new AsyncQueue<LogLine>();
        known.forEach((l) => queue.push(l));
        followers.push(queue);
        for (let line = await queue.next(options.signal); line; line = await queue.next(options.signal)) {
          yield line;
        }
      },
    } as unknown as OdooContainer;
  }
}

function contextOf(session: FakeSession, log: FakeLog): RunContext {
  const container = log.container();
  return {
    container,
    agent: new AgentConversation(session, container),
    deadline: Date.now() + 10_000,
    progress: () => undefined,
    log: () => undefined,
  } as unknown as RunContext;
}

describe('waitForWatchedRun', () => {
  it('passes on the run\'s lines as they come, continuations included, each once, also those Docker had held back', async () => {
    const session = new FakeSession();
    const log = new FakeLog();
    log.write(record(7, 'server before'), 0);
    log.write(record(40, 'first'), 1);
    const seen: string[] = [];
    const waiting = waitForWatchedRun(contextOf(session, log), 40, SINCE, ['s3cret'], { onLog: (line) => seen.push(line) });
    await new Promise((resolve) => setImmediate(resolve));
    log.write(record(40, 'FAIL: T.test password s3cret'), 2);
    log.write('Traceback (most recent call last):', 3);
    log.write(record(7, 'the server again'), 4);
    log.write('  continuation of the server', 5);
    log.write(record(40, 'last, not passed on by the follow'), 6, { toFollowers: false });
    session.events.push({ t: 'exited', pid: 40, exitCode: 1, signal: null, ms: 100 });
    const exited = await waiting;
    assert.equal(exited.exitCode, 1);
    assert.deepEqual(seen, [
      record(40, 'first'),
      record(40, 'FAIL: T.test password ***'),
      'Traceback (most recent call last):',
      record(40, 'last, not passed on by the follow'),
    ]);
  });

  it('an abort ends the run through the agent, with its session, and fails as cancelled', async () => {
    const session = new FakeSession();
    const abort = new AbortController();
    const waiting = waitForWatchedRun(contextOf(session, new FakeLog()), 40, SINCE, [], { signal: abort.signal });
    abort.abort();
    await assert.rejects(waiting, (error: OdooDevError) => error.code === 'cancelled' && /The run \(PID 40\) was cancelled and stopped/.test(error.message));
    assert.deepEqual(session.sent, [{ step: 'end-run', pid: 40, timeoutMs: 5000 }]);
  });

  it('past its deadline the run is ended too, and says so', async () => {
    const session = new FakeSession();
    await assert.rejects(waitForWatchedRun(contextOf(session, new FakeLog()), 40, SINCE, [], { timeoutMs: 20 }),
      (error: OdooDevError) => error.code === 'not-ready' && /did not finish within 0\.0 s, so it was stopped/.test(error.message));
    assert.equal(session.sent[0]?.step, 'end-run');
  });
});
