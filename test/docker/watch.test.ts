import * as assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { DockerOdooContainer } from '../../src/docker/docker-odoo-container';
import { OdooEngine } from '../../src/engine/odoo-engine';
import { OdooWatcher, type WatchState } from '../../src/engine/odoo-watcher';
import { CliProcess } from '../support/cli';
import { execIn, processesIn, removeTestContainers, startShape, testDocker, type ShapeContainer } from '../support/docker-bed';

interface WatchLine {
  readonly kind: string;
  readonly pid?: number;
}

function watchLines(watch: CliProcess): WatchLine[] {
  return watch.stdout.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as WatchLine);
}

/** Counts the execs Docker creates in a container, from its own event stream. */
async function countExecs(shape: ShapeContainer): Promise<{ count: () => number; stop: () => void }> {
  let execs = 0;
  const stream = (await testDocker().getEvents({ filters: { container: [shape.id], event: ['exec_create'] } })) as unknown as Readable;
  stream.on('data', (chunk: Buffer) => {
    execs += chunk.toString('utf8').split('\n').filter((line) => line.includes('exec_create')).length;
  });
  return { count: () => execs, stop: () => stream.destroy() };
}

describe('odoo-dev status --watch', function () {
  this.timeout(60_000);
  after(() => removeTestContainers());

  it('reports an Odoo killed from outside and a container stopped from outside within 2 s, and runs no exec while idle', async () => {
    const shape = await startShape('keeper-exec');
    const execs = await countExecs(shape);
    const watch = new CliProcess(['--container', shape.name, 'status', '--watch', '--json', '--verbose']);
    try {
      const running = await watch.waitFor('the running state', (w) => watchLines(w).find((l) => l.kind === 'running'));
      const checks = (w: CliProcess) => (w.stderr.match(/checked processes/g) ?? []).length;
      // Idle starts with the first cheap check after the running state; by then Docker has
      // delivered the events of the status exec that found it.
      const first = await watch.waitFor('the first idle check', (w) => (checks(w) >= 1 ? checks(w) : undefined));
      const execsWhenIdle = execs.count();
      const linesWhenIdle = watchLines(watch).length;
      assert.ok(execsWhenIdle >= 1, 'the first status runs the agent');
      await watch.waitFor('three more idle checks', (w) => (checks(w) >= first + 3 ? true : undefined));
      assert.equal(execs.count(), execsWhenIdle, `an exec ran while idle; the watch said:\n${watch.stdout}\n${watch.stderr}`);
      assert.equal(watchLines(watch).length, linesWhenIdle, `the state changed while idle:\n${watch.stdout}`);

      const master = (await processesIn(shape.container)).find((p) => p.pid === running.pid);
      assert.ok(master, 'the reported PID is the running master');
      await execIn(shape.container, ['python3', '-c', `import os; os.kill(${running.pid}, 9)`]);
      await watch.waitFor('the stopped state within 2 s', (w) => watchLines(w).find((l) => l.kind === 'stopped'), 2000);

      await shape.container.stop({ t: 1 });
      await watch.waitFor('the container-stopped state within 2 s', (w) => watchLines(w).find((l) => l.kind === 'container-stopped'), 2000);
    } finally {
      watch.stop();
      execs.stop();
      await shape.remove();
    }
  });

  it('reports Odoo started from outside as running', async () => {
    const shape = await startShape('keeper');
    const watch = new CliProcess(['--container', shape.name, 'status', '--watch', '--json']);
    try {
      await watch.waitFor('the stopped state', (w) => watchLines(w).find((l) => l.kind === 'stopped'));
      const started = await execIn(shape.container, ['sh', '-c', 'setsid odoo >/dev/null 2>&1 < /dev/null &'], { user: 'odoo' });
      assert.equal(started.exitCode, 0, started.stderr);
      const running = await watch.waitFor('the running state', (w) => watchLines(w).find((l) => l.kind === 'running'));
      assert.ok(running.pid && running.pid > 1);
    } finally {
      watch.stop();
      await shape.remove();
    }
  });
});

describe('OdooWatcher with the engine', function () {
  this.timeout(60_000);
  after(() => removeTestContainers());

  it('shows our own restart step by step, and a crash with its exit code', async () => {
    const shape = await startShape('keeper');
    const engine = new OdooEngine(new DockerOdooContainer(testDocker(), shape.id, shape.name, 'test'));
    const states: WatchState[] = [];
    const watcher = new OdooWatcher(engine, (state) => states.push(state));
    try {
      await watcher.start();
      assert.deepEqual(states, [{ kind: 'stopped' }]);
      const started = await engine.start({ args: ['-d', 'db'] });
      const restarted = await engine.restart({ args: ['-d', 'db', '--dev=xml'] });
      assert.deepEqual(states.map((s) => s.kind), ['stopped', 'starting', 'running', 'restarting', 'starting', 'running']);
      assert.equal((states[2] as { pid: number }).pid, started.pid);
      assert.equal((states[5] as { pid: number }).pid, restarted.pid);
      await engine.stop();
      assert.equal(states[states.length - 1].kind, 'stopped');
      await assert.rejects(engine.start({ args: ['--with-demo'] }), /exited with exit code 2/);
      assert.deepEqual(states[states.length - 1], { kind: 'crashed', exitCode: 2 });
    } finally {
      watcher.dispose();
      await shape.remove();
    }
  });
});
