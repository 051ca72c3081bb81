import * as assert from 'node:assert/strict';
import { BackoffTimer, type Timers } from '../../src/vscode/backoff-timer';

/** Timers that run only when the test says so, and record the delays asked for. */
class ScriptedTimers implements Timers {
  readonly delays: number[] = [];
  private readonly pending = new Map<number, () => void>();
  private next = 1;

  setTimeout(run: () => void, ms: number): unknown {
    this.delays.push(ms);
    const handle = this.next++;
    this.pending.set(handle, run);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get count(): number {
    return this.pending.size;
  }

  fire(): void {
    const [handle, run] = [...this.pending][0] ?? assert.fail('no timer is pending');
    this.pending.delete(handle);
    run();
  }
}

describe('BackoffTimer', () => {
  it('waits twice as long each time, up to the maximum', () => {
    const timers = new ScriptedTimers();
    const backoff = new BackoffTimer(2000, 30_000, timers);
    for (let i = 0; i < 6; i++) {
      backoff.schedule(() => undefined);
      timers.fire();
    }
    assert.deepEqual(timers.delays, [2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('runs what it was given, once, when the timer fires', () => {
    const timers = new ScriptedTimers();
    const backoff = new BackoffTimer(2000, 30_000, timers);
    let runs = 0;
    backoff.schedule(() => runs++);
    assert.equal(runs, 0);
    assert.equal(backoff.isPending, true);
    timers.fire();
    assert.equal(runs, 1);
    assert.equal(backoff.isPending, false);
  });

  it('keeps one pending run: a second schedule neither adds one nor grows the delay', () => {
    const timers = new ScriptedTimers();
    const backoff = new BackoffTimer(2000, 30_000, timers);
    backoff.schedule(() => undefined);
    backoff.schedule(() => undefined);
    assert.equal(timers.count, 1);
    assert.equal(backoff.nextDelayMs, 4000);
  });

  it('drops the pending run on cancel, keeping the delay', () => {
    const timers = new ScriptedTimers();
    const backoff = new BackoffTimer(2000, 30_000, timers);
    backoff.schedule(() => assert.fail('a cancelled run ran'));
    backoff.cancel();
    assert.equal(timers.count, 0);
    assert.equal(backoff.isPending, false);
    backoff.schedule(() => undefined);
    assert.deepEqual(timers.delays, [2000, 4000]);
  });

  it('starts again from the first delay after a success', () => {
    const timers = new ScriptedTimers();
    const backoff = new BackoffTimer(2000, 30_000, timers);
    backoff.schedule(() => undefined);
    timers.fire();
    backoff.schedule(() => undefined);
    timers.fire();
    backoff.succeeded();
    backoff.schedule(() => undefined);
    assert.deepEqual(timers.delays, [2000, 4000, 2000]);
  });
});
