import * as assert from 'node:assert/strict';
import type { OdooDevError } from '../../../src/core/errors';
import { OdooEngine, type EngineProgress } from '../../../src/engine/odoo-engine';
import { removeLocalContainers, type LocalContainer } from '../../support/local-container';
import { odooMasters, onlyMaster, startLocalShape } from '../../support/local-standin';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };
const allSeries = ['14.0', '15.0', '16.0', '17.0', '18.0', '19.0'];

describe('OdooEngine: ready means ready, in a local container', function () {
  this.timeout(30_000);
  after(() => removeLocalContainers());

  describe('each series is ready when it says so, and reports its version', () => {
    const containers = new Map<string, LocalContainer>();
    before(async () => {
      // One container a series, made side by side: each has its own loopback and port 8069.
      await Promise.all(allSeries.map(async (series) => containers.set(series, await startLocalShape('keeper-exec', { series }))));
    });

    for (const series of allSeries) {
      it(`Odoo ${series}: a restart with -d waits for ${series === '14.0' ? 'HTTP (14 logs no registry line)' : 'the registry line'}`, async () => {
        const container = containers.get(series)!;
        const progress: EngineProgress[] = [];
        const outcome = await new OdooEngine(container, settings).restart({ args: ['-d', 'db'] }, (p) => progress.push(p));
        assert.equal(outcome.version?.serverSerie, series);
        assert.equal(outcome.version?.serverVersion, series);
        assert.equal(outcome.database, 'db');
        assert.equal(onlyMaster(container).pid, outcome.pid);
        const registry = new RegExp(` ${outcome.pid} INFO db odoo(\\.modules)?\\.registry: Registry loaded`);
        const log = container.logText();
        assert.equal(registry.test(log), series !== '14.0', log);
        if (series !== '14.0') {
          assert.match(log, new RegExp(` ${outcome.pid} INFO db odoo\\.modules\\.loading: Modules loaded\\.`));
        }
        const steps = progress.map((p) => p.step);
        // Ready is told last, with the outcome the restart resolves with.
        assert.deepEqual(steps.slice(-3), series === '14.0' ? ['launched', 'http-ready', 'ready'] : ['http-ready', 'registry', 'ready']);
        assert.equal(progress[progress.length - 1]!.outcome?.pid, outcome.pid);
      });
    }
  });

  describe('a start that does not get ready', () => {
    let container: LocalContainer | undefined;
    afterEach(() => container?.remove());

    it('reports a relaunch that exits at once as crashed, with Odoo\'s own error', async () => {
      container = await startLocalShape('keeper');
      // Without a running server the series is unknown, so an option of another series passes
      // our check and Odoo itself refuses it.
      await assert.rejects(new OdooEngine(container, settings).start({ args: ['--with-demo'] }), (error: OdooDevError) => {
        assert.equal(error.code, 'crashed');
        assert.match(error.message, /exited with exit code 2/);
        assert.match(error.message, /no such option: --with-demo/);
        assert.equal(error.details.exitCode, 2);
        assert.ok((error.details.logTail as string[]).some((line) => /odoo: error: no such option: --with-demo/.test(line)), JSON.stringify(error.details));
        return true;
      });
      assert.deepEqual(odooMasters(container), []);
    });

    it('says "not ready" with the log lines when the registry does not load in time, and leaves the server running', async () => {
      container = await startLocalShape('keeper', { env: { STANDIN_REGISTRY_DELAY: '5' } });
      const engine = new OdooEngine(container, { ...settings, readyTimeoutMs: 1000 });
      const started = Date.now();
      await assert.rejects(engine.start({ args: ['-d', 'db'] }), (error: OdooDevError) => {
        assert.equal(error.code, 'not-ready');
        assert.match(error.message, /running but not ready: the database registry did not finish loading/);
        assert.ok((error.details.logTail as string[]).some((line) => /HTTP service \(werkzeug\) running/.test(line)), 'the log tail is given');
        return true;
      });
      assert.ok(Date.now() - started < 4000, 'the ready timeout, not the registry, ended the wait');
      assert.equal(odooMasters(container).length, 1, 'a slow server is left running, not killed');
    });
  });
});
