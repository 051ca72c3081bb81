import * as assert from 'node:assert/strict';
import type { OdooDevError } from '../../../src/core/errors';
import { OdooEngine } from '../../../src/engine/odoo-engine';
import { removeLocalContainers, type LocalContainer } from '../../support/local-container';
import { DB_ARGS, httpStatus, isOdoo, onlyMaster, STANDIN_IN_IMAGE, startLocalShape } from '../../support/local-standin';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };

describe('OdooEngine where Odoo is PID 1 (the official image\'s shape), in a local container', function () {
  this.timeout(30_000);
  after(() => removeLocalContainers());

  describe('threaded', () => {
    let container: LocalContainer;
    let engine: OdooEngine;
    before(async () => {
      container = await startLocalShape('official', { odooArgs: ['-d', 'db', '-u', 'my_module'] });
      engine = new OdooEngine(container, settings);
    });
    after(() => container?.remove());

    it('reloads with HUP for a plain restart: the same PID 1, the container stays, one-shot args go', async () => {
      const hostPid1 = container.hostPid1;
      const before = onlyMaster(container);
      assert.equal(before.pid, 1);
      const outcome = await engine.restart();
      assert.equal(outcome.plan, 'hup');
      assert.equal(outcome.pid, 1);
      const after = onlyMaster(container);
      assert.equal(after.pid, 1);
      assert.equal(after.hostPid, hostPid1, 'PID 1 is the same process');
      assert.deepEqual(after.argv, ['python3', STANDIN_IN_IMAGE, '-d', 'db', ...DB_ARGS], 'Odoo re-executed itself without -u');
      assert.equal((await container.facts()).running, true);
      assert.equal(await httpStatus(container, '/web/health'), 200);
      assert.match(container.logText(), / 1 INFO \? odoo\.service\.server: Initiating server reload/);
    });

    it('refuses new args with the PID 1 explanation and changes nothing', async () => {
      const before = onlyMaster(container);
      await assert.rejects(engine.restart({ args: ['-d', 'other'] }), (error: OdooDevError) => {
        assert.equal(error.code, 'pid1-refused');
        assert.match(error.message, /PID 1/);
        assert.match(error.message, /keeper|recreate/);
        return true;
      });
      const after = onlyMaster(container);
      assert.equal(after.hostPid, before.hostPid);
      assert.deepEqual(after.argv, before.argv);
      assert.equal(await httpStatus(container, '/web/health'), 200);
    });

    it('refuses to stop it: that would stop the container', async () => {
      await assert.rejects(engine.stop(), (error: OdooDevError) => error.code === 'pid1-refused');
      assert.equal(onlyMaster(container).pid, 1);
      assert.equal((await container.facts()).running, true);
    });
  });

  describe('prefork', () => {
    it('reloads with HUP: PID 1 stays, with fresh workers and gevent', async () => {
      const container = await startLocalShape('prefork');
      try {
        const before = container.processes().filter(isOdoo);
        assert.equal(before.length, 4, 'master, two workers, gevent');
        const outcome = await new OdooEngine(container, settings).restart();
        assert.equal(outcome.plan, 'hup');
        const after = container.processes().filter(isOdoo);
        assert.deepEqual(after.filter((p) => p.pid === 1).map((p) => p.hostPid), [container.hostPid1]);
        const children = after.filter((p) => p.pid !== 1);
        assert.equal(children.length, 3, JSON.stringify(after.map((p) => p.argv)));
        assert.equal(children.filter((p) => p.argv.includes('gevent')).length, 1);
        assert.ok(children.every((c) => c.ppid === 1 && !before.some((b) => b.hostPid === c.hostPid)), 'the workers and gevent are new');
      } finally {
        await container.remove();
      }
    });
  });
});
