import * as assert from 'node:assert/strict';
import { OdooDevError } from '../../../src/core/errors';
import { OdooEngine } from '../../../src/engine/odoo-engine';
import { OdooWatcher, type WatchState } from '../../../src/engine/odoo-watcher';
import { ODOO_PROGRAM, ScriptedContainer } from '../../support/scripted-container';
import { waitFor } from '../../support/wait-for';

const settings = { stopTimeoutMs: 1000, killAfterTimeout: false, readyTimeoutMs: 1000 };
const version = { serverVersion: '17.0', serverSerie: '17.0' };

function running(pid: number, args: readonly string[] = [], database?: string): WatchState {
  return { kind: 'running', pid, argv: [...ODOO_PROGRAM, ...args], version, ...(database ? { database } : {}) };
}

const unreachable = () => new OdooDevError('docker-unreachable', 'Cannot reach Docker at unix:///var/run/docker.sock (ECONNREFUSED).');

interface World {
  readonly container: ScriptedContainer;
  readonly engine: OdooEngine;
  readonly states: WatchState[];
  /** Waits until the watcher has reported `count` states. */
  reported(count: number): Promise<void>;
}

interface Row {
  readonly title: string;
  /** The container before the watcher starts. */
  readonly given?: (container: ScriptedContainer) => void;
  /** What happens once the watcher shows its first state. */
  readonly when?: (world: World) => Promise<void>;
  /** Every state the watcher reports, in order, and nothing after it. */
  readonly states: readonly WatchState[];
  /** The watcher stops asking the container after the last state (it is gone). */
  readonly quietAfter?: boolean;
}

const rows: Row[] = [
  {
    title: 'a server that runs when the watch starts is running, with its version',
    given: (c) => c.startOutside(['--dev=xml']),
    states: [running(100, ['--dev=xml'])],
  },
  {
    title: 'a keeper with no server is stopped',
    states: [{ kind: 'stopped' }],
  },
  {
    title: 'a server that does not answer yet is starting, then running once it answers',
    given: (c) => c.startOutside([], false),
    when: async ({ container }) => {
      container.server!.healthy = true;
    },
    states: [{ kind: 'starting', pid: 100 }, running(100)],
  },
  {
    title: 'our own restart: running, restarting, starting, running with the new PID',
    given: (c) => c.startOutside([]),
    when: async ({ engine }) => {
      await engine.restart({ args: ['--dev=xml'] });
    },
    states: [running(100), { kind: 'restarting', pid: 100 }, { kind: 'starting', pid: 101 }, running(101, ['--dev=xml'])],
  },
  {
    title: 'our own stop: running, stopping, stopped',
    given: (c) => c.startOutside([]),
    when: async ({ engine }) => {
      await engine.stop();
    },
    states: [running(100), { kind: 'stopping', pid: 100 }, { kind: 'stopped' }],
  },
  {
    title: 'our own start: stopped, starting, running',
    when: async ({ engine }) => {
      await engine.start({ args: ['-d', 'db'] });
    },
    // The engine reports the command it ran: `odoo` on the PATH, the configured start program.
    states: [{ kind: 'stopped' }, { kind: 'starting', pid: 100 }, { kind: 'running', pid: 100, argv: ['odoo', '-d', 'db'], version, database: 'db' }],
  },
  {
    title: 'a start that exits at once is crashed, with its exit code',
    when: async ({ container, engine }) => {
      container.nextLaunch = { exitCode: 2, log: 'odoo: error: no such option: --with-demo' };
      await assert.rejects(engine.start({ args: ['--with-demo'] }), (error: OdooDevError) => error.code === 'crashed' && /no such option: --with-demo/.test(error.message));
    },
    states: [{ kind: 'stopped' }, { kind: 'starting', pid: 100 }, { kind: 'crashed', exitCode: 2 }],
  },
  {
    title: 'a server killed from outside is stopped',
    given: (c) => c.startOutside([]),
    when: async ({ container }) => container.killOutside(),
    states: [running(100), { kind: 'stopped' }],
  },
  {
    title: 'a server started from outside is running',
    when: async ({ container }) => {
      container.startOutside(['-d', 'db']);
    },
    states: [{ kind: 'stopped' }, running(100, ['-d', 'db'], 'db')],
  },
  {
    title: 'the container dies: container-stopped with its exit code',
    given: (c) => c.startOutside([]),
    when: async ({ container }) => container.emit('die', 137),
    states: [running(100), { kind: 'container-stopped', exitCode: 137 }],
  },
  {
    title: 'the container starts again: running once the new server is seen',
    given: (c) => c.startOutside([]),
    when: async ({ container, reported }) => {
      container.emit('die', 0);
      await reported(2);
      container.startOutside([]);
      container.emit('start');
    },
    states: [running(100), { kind: 'container-stopped', exitCode: 0 }, running(101)],
  },
  {
    title: 'the container is removed: container-gone, and the watcher stops asking',
    given: (c) => c.startOutside([]),
    when: async ({ container }) => {
      container.emit('destroy');
      container.failure = new OdooDevError('container-not-found', 'No such container: scripted.');
    },
    states: [running(100), { kind: 'container-gone' }],
    quietAfter: true,
  },
  {
    title: 'Docker becomes unreachable: docker-unavailable with the reason',
    given: (c) => c.startOutside([]),
    when: async ({ container }) => {
      container.failure = unreachable();
    },
    states: [running(100), { kind: 'docker-unavailable', message: unreachable().message }],
  },
  {
    title: 'Docker comes back: the watcher recovers the running state',
    given: (c) => c.startOutside([]),
    when: async ({ container, reported }) => {
      container.failure = unreachable();
      await reported(2);
      container.failure = undefined;
    },
    states: [running(100), { kind: 'docker-unavailable', message: unreachable().message }, running(100)],
  },
  {
    title: 'the agent cannot run: unknown with the reason, then running once it can',
    given: (c) => {
      c.startOutside([]);
      c.agentFailure = new OdooDevError('agent-failed', 'The agent in container scripted failed: python3 not found.');
    },
    when: async ({ container }) => {
      container.agentFailure = undefined;
    },
    states: [{ kind: 'unknown', message: 'The agent in container scripted failed: python3 not found.' }, running(100)],
  },
];

describe('OdooWatcher: each state change (scripted container)', () => {
  const watchers: OdooWatcher[] = [];
  afterEach(() => watchers.splice(0).forEach((w) => w.dispose()));

  async function watch(given?: (container: ScriptedContainer) => void): Promise<World> {
    const container = new ScriptedContainer();
    given?.(container);
    const engine = new OdooEngine(container, settings);
    const states: WatchState[] = [];
    const watcher = new OdooWatcher(engine, (state) => states.push(state), { pollMs: 5 });
    watchers.push(watcher);
    await watcher.start();
    const reported = async (count: number) => {
      await waitFor(`${count} states (so far ${JSON.stringify(states)})`, () => (states.length >= count ? true : undefined), 2000);
    };
    return { container, engine, states, reported };
  }

  for (const row of rows) {
    it(row.title, async () => {
      const world = await watch(row.given);
      await row.when?.(world);
      await world.reported(row.states.length);
      if (!row.quietAfter) {
        // Three more rounds of the watcher's checks must not add a state.
        const calls = world.container.calls;
        await waitFor('three more checks', () => (world.container.calls >= calls + 3 ? true : undefined), 2000);
      }
      assert.deepEqual(world.states, row.states);
    });
  }

  it('asks nothing and subscribes to nothing once disposed, also when a check was waiting for its answer', async () => {
    const { container, states, reported } = await watch((c) => c.startOutside([]));
    container.emit('die', 0);
    await reported(2);
    // The container runs again, and the check of the stopped container waits for its inspect.
    let answer!: () => void;
    container.factsHeld = new Promise((resolve) => { answer = resolve; });
    container.running = true;
    await waitFor('the check of the stopped container', () => (container.factsWaiting ? true : undefined), 2000);
    const agents = container.agentsOpened;
    watchers.splice(0).forEach((w) => w.dispose());
    assert.equal(container.subscriptions, 0);
    answer();
    await waitFor('the held inspect to be answered', () => (container.factsWaiting ? undefined : true), 2000);
    // The check's remaining steps run in this turn's microtasks: let them run out.
    await new Promise(setImmediate);
    assert.equal(container.subscriptions, 0, 'an event subscription was opened after dispose');
    assert.equal(container.agentsOpened, agents, 'an agent ran after dispose');
    assert.deepEqual(states, [running(100), { kind: 'container-stopped', exitCode: 0 }]);
  });

  it('runs no agent while nothing changes, and checks only the process list', async () => {
    const { container, states } = await watch((c) => c.startOutside([]));
    assert.deepEqual(states, [running(100)]);
    const agents = container.agentsOpened;
    const calls = container.calls;
    await waitFor('twenty checks', () => (container.calls >= calls + 20 ? true : undefined), 2000);
    assert.equal(container.agentsOpened, agents, 'an agent ran while idle');
    assert.deepEqual(states, [running(100)]);
  });
});
