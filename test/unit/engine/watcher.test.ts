import * as assert from 'node:assert/strict';
import { OdooEngine, type EngineSettings } from '../../../src/engine/odoo-engine';
import { OdooWatcher, type WatchState } from '../../../src/engine/odoo-watcher';
import { removeLocalContainers, type LocalContainer } from '../../support/local-container';
import { DB_ARGS, HOME, ODOO_UID, onlyMaster, startLocalShape } from '../../support/local-standin';
import { waitFor } from '../../support/wait-for';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };

/** A watcher on a container, with what it reported, what it logged and the execs it caused. */
async function watch(container: LocalContainer, pollMs = 200, engineSettings: EngineSettings = settings) {
  const states: WatchState[] = [];
  const lines: string[] = [];
  let execs = 0;
  const counting = container.events((event) => {
    if (event.action === 'exec_create') {
      execs++;
    }
  }, () => undefined);
  const engine = new OdooEngine(container, engineSettings);
  const watcher = new OdooWatcher(engine, (state) => states.push(state), { pollMs }, (line) => lines.push(line));
  await watcher.start();
  return {
    engine,
    watcher,
    states,
    execs: () => execs,
    checks: () => lines.filter((line) => line.startsWith('checked processes')).length,
    /** The first state of this kind reported from now on, within the deadline. */
    next: (kind: WatchState['kind'], deadlineMs: number) => {
      const from = states.length;
      return waitFor(`the ${kind} state within ${deadlineMs} ms (so far ${JSON.stringify(states)})`, () => states.slice(from).find((s) => s.kind === kind), deadlineMs);
    },
    dispose: () => {
      watcher.dispose();
      counting.dispose();
    },
  };
}

describe('OdooWatcher on a local container', function () {
  this.timeout(30_000);
  after(() => removeLocalContainers());

  let container: LocalContainer | undefined;
  afterEach(() => container?.remove());

  it('reports an Odoo killed from outside and a container stopped from outside within 2 s, and runs no exec while idle', async () => {
    container = await startLocalShape('keeper-exec');
    const watching = await watch(container);
    try {
      const running = watching.states[0];
      assert.equal(running?.kind, 'running', JSON.stringify(watching.states));
      const master = onlyMaster(container);
      assert.equal(running.kind === 'running' && running.pid, master.pid);
      // Idle starts with the first cheap check after the running state.
      const first = await waitFor('the first idle check', () => (watching.checks() >= 1 ? watching.checks() : undefined));
      const execsWhenIdle = watching.execs();
      assert.ok(execsWhenIdle >= 1, 'the first status runs the agent');
      await waitFor('three more idle checks', () => (watching.checks() >= first + 3 ? true : undefined));
      assert.equal(watching.execs(), execsWhenIdle, 'an exec ran while idle');
      assert.equal(watching.states.length, 1, `the state changed while idle: ${JSON.stringify(watching.states)}`);

      const killed = watching.next('stopped', 2000);
      process.kill(master.hostPid, 'SIGKILL');
      await killed;

      const stopped = watching.next('container-stopped', 2000);
      await container.stop(1);
      assert.deepEqual(await stopped, { kind: 'container-stopped', exitCode: 0 });
    } finally {
      watching.dispose();
    }
  });

  it('reports Odoo started from outside as running, and the container started again as stopped', async () => {
    container = await startLocalShape('keeper');
    const watching = await watch(container);
    try {
      assert.deepEqual(watching.states, [{ kind: 'stopped' }]);
      const running = watching.next('running', 5000);
      await container.execDetached(['odoo', ...DB_ARGS], { uid: ODOO_UID, cwd: HOME });
      const state = await running;
      assert.equal(state.kind === 'running' && state.pid, onlyMaster(container).pid);

      const gone = watching.next('container-stopped', 2000);
      await container.stop(1);
      await gone;
      const back = watching.next('stopped', 5000);
      await container.start();
      await back;
    } finally {
      watching.dispose();
    }
  });

  it('shows the new server running once it is ready, while the previous one still stops', async () => {
    container = await startLocalShape('keeper', { env: { STANDIN_STOP_DELAY: '0.5' } });
    const watching = await watch(container);
    const { engine, states } = watching;
    try {
      const started = await engine.start({ args: ['-d', 'db'] });
      let resolved = false;
      const restart = engine.restart({ args: ['-d', 'db', '--dev=xml'] }).finally(() => { resolved = true; });
      const running = await waitFor('the new server running', () => states.find((s) => s.kind === 'running' && s.pid !== started.pid), 20_000);
      assert.equal(resolved, false, 'running was shown only once the restart had ended');
      const outcome = await restart;
      assert.equal(running.kind === 'running' && running.pid, outcome.pid);
      assert.deepEqual(states.slice(states.indexOf(running)), [running], 'the previous server\'s stop changed the state');
    } finally {
      watching.dispose();
    }
  });

  it('shows our own restart step by step, and a crash with its exit code', async () => {
    container = await startLocalShape('keeper');
    const watching = await watch(container);
    const { engine, states } = watching;
    try {
      assert.deepEqual(states, [{ kind: 'stopped' }]);
      const started = await engine.start({ args: ['-d', 'db'] });
      const restarted = await engine.restart({ args: ['-d', 'db', '--dev=xml'] });
      // The new server boots beside the old one, which answers until the new one is ready.
      assert.equal(restarted.overlapped, true);
      assert.deepEqual(states.map((s) => s.kind), ['stopped', 'starting', 'running', 'restarting', 'restarting', 'starting', 'running']);
      assert.deepEqual(states[2], { kind: 'running', pid: started.pid, argv: started.argv, version: started.version, database: 'db' });
      assert.deepEqual(states[4], { kind: 'restarting', pid: started.pid, answering: started.pid });
      assert.deepEqual(states[5], { kind: 'starting', pid: restarted.pid, answering: started.pid });
      assert.equal((states[6] as { pid: number }).pid, restarted.pid);
      await engine.stop();
      assert.deepEqual(states.slice(-2).map((s) => s.kind), ['stopping', 'stopped']);
      await assert.rejects(engine.start({ args: ['--with-demo'] }), /exited with exit code 2/);
      assert.deepEqual(states[states.length - 1], { kind: 'crashed', exitCode: 2 });
    } finally {
      watching.dispose();
    }
  });

  it('follows a same-args restart to the new PID it boots beside the old one, and a HUP to the same PID', async () => {
    container = await startLocalShape('keeper');
    const watching = await watch(container);
    const { engine, states } = watching;
    try {
      const started = await engine.start({ args: ['-d', 'db'] });
      const from = states.length;
      const restarted = await engine.restart();
      assert.equal(restarted.plan, 'in-place');
      assert.equal(restarted.overlapped, true);
      assert.notEqual(restarted.pid, started.pid);
      assert.deepEqual(states.slice(from), [
        { kind: 'restarting', pid: started.pid },
        { kind: 'restarting', pid: started.pid, answering: started.pid },
        { kind: 'starting', pid: restarted.pid, answering: started.pid },
        { kind: 'running', pid: restarted.pid, argv: restarted.argv, version: restarted.version, database: 'db' },
      ]);
      // Overlap off: the HUP keeps the PID, and the status comes back to it.
      const hupping = await watch(container, 200, { ...settings, noOverlap: true });
      try {
        const before = hupping.states.length;
        const reloaded = await hupping.engine.restart();
        assert.equal(reloaded.plan, 'hup');
        assert.equal(reloaded.pid, restarted.pid);
        assert.equal(onlyMaster(container).pid, restarted.pid);
        assert.deepEqual(hupping.states.slice(before).map((s) => [s.kind, 'pid' in s ? s.pid : undefined]), [
          ['restarting', restarted.pid],
          ['starting', restarted.pid],
          ['running', restarted.pid],
        ]);
      } finally {
        hupping.dispose();
      }
    } finally {
      watching.dispose();
    }
  });
});
