/**
 * Socket activation in the Odoo stand-in, as each series of Odoo has it (odoo/service/server.py),
 * as a local python3 process (no Docker): the socket is bound and listening before the
 * stand-in starts, as a socket holder hands it over. Contract: test/fixtures/README.md.
 */
import * as assert from 'node:assert/strict';
import { FAST, LocalStandins, Series, StartOptions, accepts, freePort, request } from '../support/standin-local';

describe('Odoo stand-in socket activation (local process)', function () {
  this.timeout(30000);
  const bed = new LocalStandins();
  afterEach(() => bed.killAll());
  after(() => bed.dispose());

  /** A stand-in given a held socket on one port and `-p` another; resolves once it serves. */
  async function startHeld(series: Series, as: 'activation' | 'odoo-http-socket-fd', workers: number) {
    const [held, own, gevent] = [await freePort(), await freePort(), await freePort()];
    const geventFlag = ['14.0', '15.0'].includes(series) ? '--longpolling-port' : '--gevent-port';
    const args = ['-p', String(own), '--http-interface', '127.0.0.1'];
    if (workers) args.push('--workers', String(workers), '--max-cron-threads', '0', geventFlag, String(gevent));
    const options: StartOptions = { series, env: FAST, heldSocket: { port: held, as } };
    const standin = bed.start(args, options);
    await standin.waitForLog(workers ? /Worker WorkerHTTP \(\d+\) alive/ : /HTTP service \(werkzeug\) running/);
    return { standin, held, own };
  }

  /** The port that answers /web/health (version_info in 14.0, which has no /web/health). */
  async function answers(series: Series, port: number): Promise<boolean> {
    try {
      const answer =
        series === '14.0'
          ? await request(port, 'POST', '/web/webclient/version_info', { jsonrpc: '2.0', method: 'call', params: {} }, 3000)
          : await request(port, 'GET', '/web/health', undefined, 3000);
      return answer.status === 200;
    } catch {
      return false;
    }
  }

  // The threaded server's activation is the same code in every series: the oldest and the newest two.
  for (const series of ['14.0', '18.0', '19.0'] as const) {
    it(`${series} threaded: serves on fd 3 with LISTEN_FDS and its own LISTEN_PID, binds nothing`, async () => {
      const { standin, held, own } = await startHeld(series, 'activation', 0);
      assert.match(standin.stderr, /odoo\.service\.server: HTTP service \(werkzeug\) running through socket activation\n/);
      assert.equal(await answers(series, held), true, 'the held socket is served');
      assert.equal(await accepts(own), false, '-p is not bound');
    });
  }

  for (const series of ['14.0', '18.0'] as const) {
    it(`${series} prefork: the master binds its own socket (no socket activation before 19.0)`, async () => {
      const { standin, own } = await startHeld(series, 'activation', 1);
      assert.match(standin.stderr, /HTTP service \(werkzeug\) running on 127\.0\.0\.1:\d+\n/);
      assert.doesNotMatch(standin.stderr, /socket activation/);
      assert.equal(await answers(series, own), true, '-p is served');
    });
  }

  it('19.0 prefork: serves on fd 3 with socket activation', async () => {
    const { standin, held, own } = await startHeld('19.0', 'activation', 1);
    assert.match(standin.stderr, /HTTP service \(werkzeug\) running through socket activation\n/);
    assert.equal(await answers('19.0', held), true, 'the held socket is served');
    assert.equal(await accepts(own), false, '-p is not bound');
  });

  it('19.0 prefork: serves on the socket of ODOO_HTTP_SOCKET_FD, as its reload hands it over', async () => {
    const { standin, held, own } = await startHeld('19.0', 'odoo-http-socket-fd', 1);
    assert.match(standin.stderr, /HTTP service \(werkzeug\) running on 127\.0\.0\.1:\d+\n/);
    assert.equal(await answers('19.0', held), true, 'the inherited socket is served');
    assert.equal(await accepts(own), false, '-p is not bound');
  });

  for (const [series, workers] of [['19.0', 0], ['18.0', 1]] as const) {
    it(`${series} ${workers ? 'prefork' : 'threaded'}: ODOO_HTTP_SOCKET_FD is not read, it binds its own socket`, async () => {
      const { own } = await startHeld(series, 'odoo-http-socket-fd', workers);
      assert.equal(await answers(series, own), true, '-p is served');
    });
  }

  it('keeps socket activation across a HUP re-exec, on the same socket', async () => {
    const { standin, held } = await startHeld('18.0', 'activation', 0);
    // A HUP while the registry still loads kills a threaded Odoo (odoo-facts.md): send it once
    // the server answers, which it does only once loaded.
    assert.equal(await answers('18.0', held), true, 'the held socket is served before the HUP');
    standin.signal('SIGHUP');
    await standin.waitForLog(/Initiating server reload[\s\S]*running through socket activation\n/);
    assert.equal(await answers('18.0', held), true, 'the held socket is served after the re-exec');
  });
});
