/**
 * How failures reach the user, against a real Docker engine and the stand-in: a crash whose
 * last words have no newline, the way back to the last args that worked, a server killed from
 * outside, and what the server offers for completion (its modules and databases).
 * Needs `bash test/setup/docker-bed.sh`. Removes only the containers it made.
 */
import * as assert from 'node:assert/strict';
import { isOdooDevError, type OdooDevError } from '../../src/core/errors';
import { DockerOdooContainer } from '../../src/docker/docker-odoo-container';
import { OdooEngine } from '../../src/engine/odoo-engine';
import { OdooWatcher, type WatchState } from '../../src/engine/odoo-watcher';
import { readInventory } from '../../src/engine/server-inventory';
import { odooMasters, DB_ARGS, execIn, logsOf, startShape, testDocker, waitFor, type ShapeContainer } from '../support/docker-bed';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };
const ABORT = "Using the database user 'postgres' is a security risk, aborting.";

function engineFor(shape: ShapeContainer): OdooEngine {
  return new OdooEngine(new DockerOdooContainer(testDocker(), shape.id, shape.name, 'unix:///var/run/docker.sock'), settings);
}

describe('failures as the user sees them (real Docker engine)', function () {
  this.timeout(90_000);

  describe('a keeper container whose Odoo the engine relaunches', () => {
    let shape: ShapeContainer;
    let engine: OdooEngine;
    beforeEach(async () => {
      shape = await startShape('keeper-exec', { odooArgs: ['-d', 'db'], env: { STANDIN_DATABASES: 'dev,test' } });
      engine = engineFor(shape);
    });
    afterEach(() => shape?.remove());

    it('a crash whose last line has no newline: the reason is in the error and in docker logs at once, and the last working args are named', async () => {
      const error = await engine.restart({ args: ['-d', 'db', '--db_user', 'postgres'] }).then(
        () => assert.fail('the restart should have failed'),
        (e: unknown) => e as OdooDevError,
      );
      assert.ok(isOdooDevError(error, 'crashed'), String(error));
      assert.match(error.message, /^Odoo \(PID \d+\) exited with exit code 1, \d+\.\d s after it started: Using the database user 'postgres' is a security risk, aborting\./);
      assert.ok(Array.isArray(error.details.lastWorkingArgv));
      assert.deepEqual((error.details.lastWorkingArgv as string[]).slice(2, 4), ['-d', 'db']);
      // Docker holds a partial line until its newline: without the agent's newline the abort
      // reached `docker logs` only with the next server's first line.
      const log = await logsOf(shape.container);
      assert.ok(log.includes(`${ABORT}\n`), `the abort line is not a whole line in docker logs:\n${log.slice(-800)}`);
    });

    it('"Start" after a crash brings back the last args that worked, not the ones that crashed', async () => {
      await assert.rejects(engine.restart({ args: ['-d', 'db', '--db_user', 'postgres'] }), (e: unknown) => isOdooDevError(e, 'crashed'));
      const started = await engine.start();
      assert.equal(started.plan, 'start');
      const [master, ...more] = await odooMasters(shape.container);
      assert.equal(more.length, 0);
      assert.deepEqual(master!.argv.slice(2), ['-d', 'db', ...DB_ARGS]);
    });

    it('a run that ends by itself is not what "Start" brings back: the dev server is', async () => {
      await engine.restart({ args: ['-d', 'dev'] });
      await engine.stop();
      const run = await engine.runOnce({ args: ['-d', 'test', '--test-enable'] });
      assert.equal(run.plan, 'completed');
      assert.deepEqual(await odooMasters(shape.container), []);
      await engine.start();
      const [master] = await odooMasters(shape.container);
      assert.deepEqual(master!.argv.slice(2, 4), ['-d', 'dev'], `Start ran ${JSON.stringify(master?.argv)}`);
    });

    it('a server killed with SIGKILL from outside is crashed, one stopped with TERM is stopped', async () => {
      await engine.restart({ args: ['-d', 'db'] });
      const states: WatchState[] = [];
      const watcher = new OdooWatcher(engine, (state) => states.push(state), { pollMs: 100 });
      try {
        await watcher.start();
        const kill = async (signal: 'SIGKILL' | 'SIGTERM') => {
          const [master] = await odooMasters(shape.container);
          const result = await execIn(shape.container, ['python3', '-c', `import os, signal; os.kill(${master!.pid}, signal.${signal})`], { user: '0:0' });
          assert.equal(result.exitCode, 0, result.stderr);
        };
        await waitFor('running', async () => (states.at(-1)?.kind === 'running' ? true : undefined));
        await kill('SIGKILL');
        const crashed = await waitFor('crashed', async () => { const last = states.at(-1); return last?.kind === 'crashed' ? last : undefined; });
        assert.match(crashed.kind === 'crashed' ? crashed.reason ?? '' : '', /without shutting down/);

        await engine.start();
        await waitFor('running again', async () => (states.at(-1)?.kind === 'running' ? true : undefined));
        await kill('SIGTERM');
        await waitFor('stopped', async () => (states.at(-1)?.kind === 'stopped' ? true : undefined));
        assert.ok(!states.slice(states.findIndex((s) => s.kind === 'crashed') + 1).some((s) => s.kind === 'crashed'), JSON.stringify(states));
      } finally {
        watcher.dispose();
      }
    });

    it('a missing --addons-path folder is refused before anything stops: the working server keeps running', async () => {
      const [before] = await odooMasters(shape.container);
      await assert.rejects(engine.restart({ args: ['-d', 'db', '--addons-path', '/mnt/extra-addons,/mnt/no-such-addons'] }), (e: unknown) =>
        isOdooDevError(e, 'invalid-args') && /--addons-path: \/mnt\/no-such-addons \(no such folder\)/.test(e.message) && /Nothing was stopped/.test(e.message));
      await assert.rejects(engine.restart({ args: ['-d', 'db', '--addons-path', '/tmp'] }), (e: unknown) =>
        isOdooDevError(e, 'invalid-args') && /\/tmp \(no module in it\)/.test(e.message));
      const [after] = await odooMasters(shape.container);
      assert.equal(after?.pid, before?.pid, 'the server was stopped');
      const ok = await engine.restart({ args: ['-d', 'db', '--addons-path', '/mnt/extra-addons'] });
      assert.equal(ok.plan, 'in-place');
    });

    it('the inventory: modules of the addons paths with their summaries, and the databases the server lists', async () => {
      const inventory = await readInventory(engine.container);
      const names = inventory.modules.map((m) => m.name);
      assert.ok(names.includes('my_module') && names.includes('sale_extension'), names.join(' '));
      const mine = inventory.modules.find((m) => m.name === 'my_module');
      assert.equal(mine?.summary, 'A fake addon of the Odoo stand-in image (test fixture).');
      assert.equal(mine?.title, 'My Module');
      assert.ok(inventory.addonsPaths.includes('/mnt/extra-addons'), inventory.addonsPaths.join(' '));
      assert.deepEqual(inventory.databases, ['db', 'dev', 'test']);
    });
  });

  describe('the official image: Odoo is PID 1 as uid 101', () => {
    let shape: ShapeContainer;
    afterEach(() => shape?.remove());

    it('a run beside PID 1 that aborts without a newline: its reason in the error and a whole line in docker logs', async () => {
      shape = await startShape('official', { odooArgs: ['-d', 'db'] });
      const engine = engineFor(shape);
      const error = await engine.runOnce({ args: ['-d', 'db', '--db_user', 'postgres'] }).then(
        () => assert.fail('the run should have failed'),
        (e: unknown) => e as OdooDevError,
      );
      assert.ok(isOdooDevError(error, 'run-failed'), String(error));
      assert.match(error.message, /ended with exit code 1 after \d+\.\d s: Using the database user 'postgres' is a security risk, aborting\./);
      const log = await logsOf(shape.container);
      assert.ok(log.includes(`${ABORT}\n`), `the abort line is not a whole line in docker logs:\n${log.slice(-800)}`);
    });

    it('the inventory of a server started as PID 1 lists no databases with --no-database-list', async () => {
      shape = await startShape('official', { odooArgs: ['-d', 'db', '--no-database-list'] });
      const inventory = await readInventory(engineFor(shape).container);
      assert.ok(inventory.modules.some((m) => m.name === 'my_module'));
      assert.equal(inventory.databases, undefined);
    });
  });
});
