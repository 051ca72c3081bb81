import * as assert from 'node:assert/strict';
import type { OdooDevError } from '../../../src/core/errors';
import { OdooEngine, type EngineProgress } from '../../../src/engine/odoo-engine';
import { removeLocalContainers, type LocalContainer } from '../../support/local-container';
import { isOdoo, odooMasters, onlyMaster, startLocalShape } from '../../support/local-standin';
import { userEnvironment } from '../../support/activation';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };

describe('OdooEngine.stop in a local container', function () {
  this.timeout(30_000);
  after(() => removeLocalContainers());

  let container: LocalContainer | undefined;
  afterEach(() => container?.remove());

  it('stop then start brings back the same command, as the same user, directory and environment', async () => {
    container = await startLocalShape('keeper');
    const engine = new OdooEngine(container, settings);
    await engine.start({ args: ['-d', 'db', '--dev=qweb'] });
    const running = onlyMaster(container);
    const stopped = await engine.stop();
    assert.equal(stopped.plan, 'stopped');
    assert.equal(stopped.pid, running.pid);
    assert.deepEqual(odooMasters(container), []);
    await engine.start();
    const again = onlyMaster(container);
    assert.deepEqual(again.argv, running.argv);
    assert.equal(again.uid, running.uid);
    assert.equal(again.cwd, running.cwd);
    assert.deepEqual(userEnvironment(again.env), userEnvironment(running.env));
  });

  it('stops nothing when nothing runs', async () => {
    container = await startLocalShape('keeper');
    const outcome = await new OdooEngine(container, settings).stop();
    assert.equal(outcome.plan, 'stopped');
    assert.equal(outcome.pid, 0);
  });

  describe('a server that ignores TERM', () => {
    it('without the kill policy: the stop times out, the restart fails and the old server still runs', async () => {
      container = await startLocalShape('keeper-exec', { env: { STANDIN_IGNORE_TERM: '1' } });
      const before = onlyMaster(container);
      const engine = new OdooEngine(container, { ...settings, stopTimeoutMs: 500 });
      await assert.rejects(engine.restart({ args: ['-d', 'db'] }), (error: OdooDevError) => {
        assert.equal(error.code, 'stop-timeout');
        assert.match(error.message, /did not stop within \d+ s of SIGTERM; it is still running/);
        return true;
      });
      const after = onlyMaster(container);
      assert.equal(after.hostPid, before.hostPid);
      assert.deepEqual(after.argv, before.argv);
    });

    it('with the kill policy: the stop is forced, and no Odoo process is left', async () => {
      container = await startLocalShape('keeper-exec', { env: { STANDIN_IGNORE_TERM: '1' }, odooArgs: ['--workers', '2', '--max-cron-threads', '0'] });
      assert.equal(container.processes().filter(isOdoo).length, 4, 'master, two workers, gevent');
      const progress: EngineProgress[] = [];
      const outcome = await new OdooEngine(container, { ...settings, stopTimeoutMs: 500, killAfterTimeout: true }).stop({}, (p) => progress.push(p));
      assert.equal(outcome.plan, 'stopped');
      assert.ok(progress.some((p) => p.step === 'forcing'), JSON.stringify(progress));
      assert.deepEqual(container.processes().filter(isOdoo), []);
    });
  });
});
