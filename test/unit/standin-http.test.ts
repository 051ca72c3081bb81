/**
 * The Odoo stand-in's HTTP during loading, as a local python3 process (no Docker): as seen on
 * Odoo 18, a request that arrives while `-d` loads is answered only once the registry is loaded.
 */
import * as assert from 'node:assert/strict';
import { LocalStandins, freePort, request } from '../support/standin-local';

describe('Odoo stand-in HTTP while the registry loads (local process)', function () {
  this.timeout(30000);
  const bed = new LocalStandins();
  afterEach(() => bed.killAll());
  after(() => bed.dispose());

  it('answers /web/health sent during loading only after "Registry loaded"', async () => {
    const port = await freePort();
    const standin = bed.start(['-p', String(port), '--http-interface', '127.0.0.1', '-d', 'db'], { env: { STANDIN_BOOT_DELAY: '0', STANDIN_REGISTRY_DELAY: '1' } });
    await standin.waitForLog('HTTP service (werkzeug) running on');
    const answer = await request(port, 'GET', '/web/health');
    assert.equal(answer.status, 200);
    // The request's log line follows the answer.
    await standin.waitForLog('"GET /web/health');
    const loadedAt = standin.stderr.indexOf('Registry loaded in');
    const answeredAt = standin.stderr.indexOf('"GET /web/health');
    assert.ok(loadedAt >= 0 && answeredAt > loadedAt, standin.stderr);
  });

  it('answers at once without a database to load', async () => {
    const port = await freePort();
    const standin = bed.start(['-p', String(port), '--http-interface', '127.0.0.1'], { env: { STANDIN_BOOT_DELAY: '0', STANDIN_REGISTRY_DELAY: '5' } });
    await standin.waitForLog('HTTP service (werkzeug) running on');
    const sent = Date.now();
    assert.equal((await request(port, 'GET', '/web/health')).status, 200);
    assert.ok(Date.now() - sent < 2000);
  });
});
