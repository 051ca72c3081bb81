import * as assert from 'node:assert/strict';
import { RestartQueue } from '../../src/core/restart-queue';

/** A run that finishes only when the test says so. */
function controlledRuns() {
  const started: string[] = [];
  const finishers: Array<() => void> = [];
  const run = (request: string) => {
    started.push(request);
    return new Promise<string>((resolve) => finishers.push(() => resolve(`done ${request}`)));
  };
  return { started, finishers, run };
}

describe('RestartQueue', () => {
  it('runs a request at once when idle', async () => {
    const { started, finishers, run } = controlledRuns();
    const queue = new RestartQueue(run);
    const outcome = queue.enqueue('a');
    assert.deepEqual(started, ['a']);
    finishers[0]();
    assert.equal(await outcome, 'done a');
    assert.equal(queue.isBusy, false);
  });

  it('coalesces requests during a run into one, and the latest wins', async () => {
    const { started, finishers, run } = controlledRuns();
    const queue = new RestartQueue(run);
    const outcomes = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].map((r) => queue.enqueue(r));
    assert.deepEqual(started, ['1']);
    finishers[0]();
    await outcomes[0];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, ['1', '10']);
    finishers[1]();
    const results = await Promise.all(outcomes);
    assert.equal(results[0], 'done 1');
    assert.ok(results.slice(1).every((r) => r === 'done 10'));
    assert.deepEqual(started, ['1', '10']);
  });

  it('runs the waiting request even when the running one fails', async () => {
    const started: string[] = [];
    let fail: (e: Error) => void = () => undefined;
    const queue = new RestartQueue((request: string) => {
      started.push(request);
      return request === 'bad' ? new Promise<string>((_, reject) => { fail = reject; }) : Promise.resolve(`done ${request}`);
    });
    const first = queue.enqueue('bad');
    const second = queue.enqueue('good');
    fail(new Error('boom'));
    await assert.rejects(first, /boom/);
    assert.equal(await second, 'done good');
    assert.deepEqual(started, ['bad', 'good']);
  });

  it('logs the reason for each request', async () => {
    const lines: string[] = [];
    const { finishers, run } = controlledRuns();
    const queue = new RestartQueue(run, (line) => lines.push(line));
    const a = queue.enqueue('a', 'status bar click');
    const b = queue.enqueue('b', 'keybinding');
    const c = queue.enqueue('c', 'command palette');
    finishers[0]();
    await a;
    await new Promise((resolve) => setImmediate(resolve));
    finishers[1]();
    await Promise.all([b, c]);
    assert.deepEqual(lines, [
      'restart: status bar click',
      'restart: keybinding; waits for the running one',
      'restart: command palette; merged into the waiting restart, whose args it replaces',
    ]);
  });
});
