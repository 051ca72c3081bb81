/**
 * The Odoo stand-in's HTTP during loading, as a local python3 process (no Docker): as seen on
 * Odoo 18, a request that arrives while `-d` loads is answered only once the registry is loaded.
 * And the addon code a process runs is the one on disk when it imported it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

describe('Odoo stand-in addons (local process)', function () {
  this.timeout(30000);
  const bed = new LocalStandins();
  afterEach(() => bed.killAll());
  after(() => bed.dispose());

  it('imports an addon once per process, as Odoo loads it: an edit shows only in the next process', async () => {
    const addons = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-addons-'));
    try {
      const module = path.join(addons, 'answering');
      fs.mkdirSync(module);
      fs.writeFileSync(path.join(module, '__manifest__.py'), "{'name': 'answering'}\n");
      fs.writeFileSync(path.join(module, '__init__.py'), "STANDIN_ANSWER = 'first'\n");
      const args = (port: number) => ['-p', String(port), '--http-interface', '127.0.0.1', '--addons-path', addons];
      const port = await freePort();
      const first = bed.start(args(port), { env: { STANDIN_BOOT_DELAY: '0' } });
      await first.waitForLog('HTTP service (werkzeug) running on');
      const answer = (p: number) => request(p, 'GET', '/standin/module/answering').then((a) => JSON.parse(a.body) as { answer: string });
      assert.equal((await answer(port)).answer, 'first');
      fs.writeFileSync(path.join(module, '__init__.py'), "STANDIN_ANSWER = 'edited'\n");
      assert.equal((await answer(port)).answer, 'first', 'the running process keeps the code it imported');
      assert.equal((await request(port, 'GET', '/standin/module/nowhere')).status, 404);
      const other = await freePort();
      const second = bed.start(args(other), { env: { STANDIN_BOOT_DELAY: '0' } });
      await second.waitForLog('HTTP service (werkzeug) running on');
      assert.equal((await answer(other)).answer, 'edited');
    } finally {
      fs.rmSync(addons, { recursive: true, force: true });
    }
  });
});
