import * as assert from 'node:assert/strict';
import type { WatchState } from '../../src/engine/odoo-watcher';
import { connectTo, type ClosableDocker } from '../../src/vscode/connected-container';
import { ScriptedContainer } from '../support/scripted-container';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };
const log = { debug: () => undefined, trace: () => undefined };

/** A Docker access that records when it is closed, and what still listened to the container then. */
class RecordingDocker implements ClosableDocker {
  closed = 0;
  subscriptionsWhenClosed: number | undefined;

  constructor(private readonly container: ScriptedContainer) {}

  close(): void {
    this.closed++;
    this.subscriptionsWhenClosed = this.container.subscriptions;
  }
}

describe('connectTo: the connection owns its Docker access', () => {
  it('closes the access when the connection is dropped (a changed Docker setting), once, after the watcher', async () => {
    const container = new ScriptedContainer();
    container.startOutside([]);
    const docker = new RecordingDocker(container);
    const states: WatchState[] = [];
    const connected = connectTo(container, docker, settings, log, { watched: (state) => states.push(state), engineDid: () => undefined });
    await connected.watcher.start();
    assert.equal(states[0]?.kind, 'running');
    assert.ok(container.subscriptions > 0, 'the watcher follows the container\'s events');
    assert.equal(docker.closed, 0, 'the access stays open while the connection is used');

    connected.dispose();
    assert.equal(docker.closed, 1);
    assert.equal(docker.subscriptionsWhenClosed, 0, 'the watcher let go of the container before the access was closed');
    connected.dispose();
    assert.equal(docker.closed, 1, 'a second dispose closes nothing more');
  });
});
