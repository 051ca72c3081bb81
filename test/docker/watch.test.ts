import * as assert from 'node:assert/strict';
import { CliProcess } from '../support/cli';
import { removeTestContainers, startShape } from '../support/docker-bed';

interface WatchLine {
  readonly kind: string;
  readonly pid?: number;
}

function watchLines(watch: CliProcess): WatchLine[] {
  return watch.stdout.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as WatchLine);
}

// The watcher's states, its idle cost and our own restarts are tested without Docker in
// test/unit/engine/watcher*.test.ts; here only what Docker's own event stream shows.
describe('odoo-dev status --watch on Docker', function () {
  this.timeout(60_000);
  after(() => removeTestContainers());

  it('follows Docker\'s events: a container stopped from outside within 2 s, and started again', async () => {
    const shape = await startShape('keeper-exec');
    const watch = new CliProcess(['--container', shape.name, 'status', '--watch', '--json']);
    try {
      await watch.waitFor('the running state', (w) => watchLines(w).find((l) => l.kind === 'running'));
      await shape.container.stop({ t: 1 });
      await watch.waitFor('the container-stopped state within 2 s', (w) => watchLines(w).find((l) => l.kind === 'container-stopped'), 2000);
      const seen = watchLines(watch).length;
      await shape.container.start();
      // The server came from an exec, which does not come back with the container.
      const back = await watch.waitFor('the state after the start', (w) => watchLines(w).slice(seen).find((l) => l.kind !== 'container-stopped'));
      assert.equal(back.kind, 'stopped', watch.stdout);
      assert.equal(await watch.terminate(2000), 0, 'TERM ends the watch');
    } finally {
      watch.stop();
      await shape.remove();
    }
  });
});
