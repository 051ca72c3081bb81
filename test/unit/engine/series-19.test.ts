import * as assert from 'node:assert/strict';
import type { OdooDevError } from '../../../src/core/errors';
import { OdooEngine } from '../../../src/engine/odoo-engine';
import { removeLocalContainers } from '../../support/local-container';
import { httpStatus, onlyMaster, startLocalShape } from '../../support/local-standin';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };

describe('OdooEngine and Odoo 19, whose --test-enable ends the run (local container)', function () {
  this.timeout(30_000);
  after(() => removeLocalContainers());

  it('a restart with --test-enable runs the tests beside the server and reports their outcome; the server keeps serving', async () => {
    const container = await startLocalShape('keeper-exec', { series: '19.0', odooArgs: ['-d', 'db'] });
    try {
      const engine = new OdooEngine(container, settings);
      const before = onlyMaster(container);
      const outcome = await engine.restart({ args: ['-d', 'db', '--test-enable', '--test-tags', '/my_module'] });
      assert.equal(outcome.plan, 'completed');
      assert.equal(outcome.exitCode, 0);
      assert.deepEqual(outcome.report?.tests, { failed: 0, errors: 0, total: 3 });
      assert.equal(outcome.server?.how, 'untouched');
      assert.equal(onlyMaster(container).pid, before.pid, 'the live server was not restarted');
      assert.equal(await httpStatus(container, '/web/health'), 200);
    } finally {
      await container.remove();
    }
  });

  it('a failing test run is reported with its exit code and counts, and the server is left as it was', async () => {
    const container = await startLocalShape('keeper-exec', { series: '19.0', odooArgs: ['-d', 'db'], env: { STANDIN_TEST_FAILURES: '2' } });
    try {
      const engine = new OdooEngine(container, settings);
      const before = onlyMaster(container);
      await assert.rejects(engine.restart({ args: ['-d', 'db', '--test-enable'] }), (error: OdooDevError) => {
        assert.equal(error.code, 'run-failed');
        assert.equal(error.details.exitCode, 1);
        assert.deepEqual(error.details.tests, { failed: 2, errors: 0, total: 5 });
        return true;
      });
      assert.equal(onlyMaster(container).pid, before.pid);
    } finally {
      await container.remove();
    }
  });
});
