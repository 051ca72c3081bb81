/**
 * The Odoo stand-in's boot phases, as a local python3 process (no Docker): the import cost
 * before the first log line, which a process that has already imported odoo does not pay,
 * and the routing map that the first routed request after a boot builds. Both are off unless
 * set, so that other tests stay fast. Contract: test/fixtures/README.md.
 */
import * as assert from 'node:assert/strict';
import { FAST, LocalStandins, freePort, request } from '../support/standin-local';

const VERSION_INFO = { jsonrpc: '2.0', method: 'call', params: {} };

describe('Odoo stand-in boot phases (local process)', function () {
  this.timeout(60000);
  const bed = new LocalStandins();
  afterEach(() => bed.killAll());
  after(() => bed.dispose());

  /** Milliseconds from the start of the process (a warm one: from its args) to its first log line. */
  async function firstLineAfter(env: Record<string, string>, warm = false): Promise<number> {
    const port = await freePort();
    let started = Date.now();
    const standin = bed.start(['-p', String(port), '--http-interface', '127.0.0.1'], { env: { ...FAST, ...env }, warm });
    if (warm) {
      await standin.waitForLog('standin launcher: odoo imported, args given', 60000);
      started = Date.now();
    }
    await standin.waitForLog(/ INFO \? odoo: Odoo version /);
    const at = Date.now() - started;
    await standin.waitForLog('HTTP service (werkzeug) running on');
    return at;
  }

  it('pays STANDIN_IMPORT_DELAY before its first log line', async () => {
    const at = await firstLineAfter({ STANDIN_IMPORT_DELAY: '1.5' });
    assert.ok(at >= 1500, `first log line ${at} ms after the start`);
  });

  it('does not pay it again in a process that has already imported odoo, and says it is warm', async () => {
    // A delay far beyond any start on a loaded machine: paid once at the import, not again.
    const at = await firstLineAfter({ STANDIN_IMPORT_DELAY: '12' }, true);
    assert.ok(at < 12000, `first log line ${at} ms after a warm process was given its args`);
  });

  it('says whether it imported odoo before it was given its args', async () => {
    for (const warm of [false, true]) {
      const port = await freePort();
      const standin = bed.start(['-p', String(port), '--http-interface', '127.0.0.1'], { env: FAST, warm });
      await standin.waitForLog('HTTP service (werkzeug) running on');
      const answer = await request(port, 'GET', '/standin/process');
      assert.equal(answer.status, 200);
      const { generation, ...rest } = JSON.parse(answer.body) as { generation: string };
      assert.deepEqual(rest, { pid: standin.pid, warm });
      assert.match(generation, new RegExp(`^${standin.pid}-\\d+\\.\\d+$`));
    }
  });

  it('pays it again after a HUP re-exec, as a new interpreter does', async () => {
    const port = await freePort();
    const standin = bed.start(['-p', String(port), '--http-interface', '127.0.0.1'], { env: { ...FAST, STANDIN_IMPORT_DELAY: '1' } });
    await standin.waitForLog('HTTP service (werkzeug) running on');
    // An answer means ready: a HUP before that kills it, as it does Odoo 18.
    assert.equal((await request(port, 'GET', '/web/health')).status, 200);
    const sent = Date.now();
    standin.signal('SIGHUP');
    await standin.waitForLog(/Initiating server reload[\s\S]* odoo: Odoo version /);
    const at = Date.now() - sent;
    assert.ok(at >= 1000, `first log line of the re-exec ${at} ms after HUP`);
  });

  it('builds its routing map on the first routed request only, not for /web/health', async () => {
    const port = await freePort();
    const standin = bed.start(['-p', String(port), '--http-interface', '127.0.0.1'], { env: { ...FAST, STANDIN_FIRST_ROUTE_DELAY: '8' } });
    await standin.waitForLog('HTTP service (werkzeug) running on');
    const timed = async (send: () => Promise<{ status: number }>) => {
      const sent = Date.now();
      const answer = await send();
      assert.equal(answer.status, 200);
      return Date.now() - sent;
    };
    const health = await timed(() => request(port, 'GET', '/web/health'));
    const first = await timed(() => request(port, 'POST', '/web/webclient/version_info', VERSION_INFO, 30000));
    const second = await timed(() => request(port, 'POST', '/web/webclient/version_info', VERSION_INFO));
    assert.ok(health < 5000, `/web/health took ${health} ms`);
    assert.ok(first >= 8000, `the first version_info took ${first} ms`);
    assert.ok(second < 5000, `the second version_info took ${second} ms`);
  });
});
