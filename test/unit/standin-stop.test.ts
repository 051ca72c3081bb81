/**
 * How the Odoo stand-in stops, as a local python3 process (no Docker): the threaded server
 * closes its socket before its process ends; a prefork master waits for busy workers up to
 * limit_time_real (19.0: each worker up to its own limit). Contract: test/fixtures/README.md.
 */
import * as assert from 'node:assert/strict';
import { FAST, LocalStandins, Series, StandinProcess, accepts, freePort, waitFor } from '../support/standin-local';

describe('Odoo stand-in stopping (local process)', function () {
  this.timeout(30000);
  const bed = new LocalStandins();
  afterEach(() => bed.killAll());
  after(() => bed.dispose());

  /** TERM, then the moments the socket stopped accepting and the process ended (ms after TERM). */
  async function stopTimes(standin: StandinProcess, port: number) {
    assert.equal(await accepts(port), true, 'listening before TERM');
    const sent = Date.now();
    standin.signal('SIGTERM');
    const closed = await waitFor('the socket to close', async () => ((await accepts(port)) ? undefined : Date.now()));
    const runningWhenClosed = standin.ended === undefined;
    const exit = await standin.waitForExit();
    return { closed: closed - sent, exited: exit.at - sent, runningWhenClosed, code: exit.code };
  }

  describe('threaded', () => {
    const startThreaded = async (env: Record<string, string>) => {
      const port = await freePort();
      const standin = bed.start(['-p', String(port), '--http-interface', '127.0.0.1'], { env: { STANDIN_BOOT_DELAY: '0', ...env } });
      await standin.waitForLog('HTTP service (werkzeug) running on');
      return { standin, port };
    };

    it('closes the socket STANDIN_STOP_DELAY after TERM and ends STANDIN_EXIT_DELAY after that', async () => {
      const { standin, port } = await startThreaded({ STANDIN_STOP_DELAY: '0.3', STANDIN_EXIT_DELAY: '1' });
      const t = await stopTimes(standin, port);
      assert.equal(t.code, 0);
      assert.ok(t.runningWhenClosed, 'the process outlives its socket');
      assert.ok(t.closed >= 250, `socket closed ${t.closed} ms after TERM`);
      assert.ok(t.exited - t.closed >= 900, `ended ${t.exited - t.closed} ms after the socket closed`);
      assert.match(standin.stderr, /odoo\.service\.server: Initiating shutdown\n/);
      assert.doesNotMatch(standin.stderr, /Forced shutdown/);
    });

    it('by default, like a real Odoo 18, the socket goes first and the process about 0.2 s later', async () => {
      const { standin, port } = await startThreaded({});
      const t = await stopTimes(standin, port);
      assert.equal(t.code, 0);
      assert.ok(t.runningWhenClosed, 'the process outlives its socket');
      assert.ok(t.closed >= 150, `socket closed ${t.closed} ms after TERM`);
      assert.ok(t.exited - t.closed >= 150, `ended ${t.exited - t.closed} ms after the socket closed`);
    });

    it('a second TERM after the socket closed forces the shutdown at once', async () => {
      const { standin, port } = await startThreaded({ STANDIN_STOP_DELAY: '0', STANDIN_EXIT_DELAY: '60' });
      standin.signal('SIGTERM');
      await waitFor('the socket to close', async () => ((await accepts(port)) ? undefined : true));
      standin.signal('SIGTERM');
      const exit = await standin.waitForExit(5000);
      assert.equal(exit.code, 0);
      assert.match(standin.stderr, /\nForced shutdown\.\n$/);
    });
  });

  describe('prefork', () => {
    /** A prefork stand-in whose workers, once told to stop (INT), stay busy for a minute. */
    const startPrefork = async (series: Series, args: string[], config: string[] = []) => {
      const [port, geventPort] = [await freePort(), await freePort()];
      const gevent = ['14.0', '15.0'].includes(series) ? '--longpolling-port' : '--gevent-port';
      const standin = bed.start(
        ['--workers', '1', '-p', String(port), '--http-interface', '127.0.0.1', gevent, String(geventPort), ...args],
        { series, env: { ...FAST, STANDIN_STOP_DELAY: '60' }, config },
      );
      await standin.waitForLog(/Worker WorkerHTTP \(\d+\) alive/);
      return standin;
    };
    const stop = async (standin: StandinProcess) => {
      const sent = Date.now();
      standin.signal('SIGTERM');
      const exit = await standin.waitForExit(15000);
      return { code: exit.code, after: exit.at - sent };
    };

    it('up to 18.0 waits for busy workers at most --limit-time-real in all, then TERMs them', async () => {
      const standin = await startPrefork('17.0', ['--max-cron-threads', '1', '--limit-time-real', '2']);
      await standin.waitForLog(/Worker WorkerCron \(\d+\) alive/);
      const t = await stop(standin);
      assert.equal(t.code, 0);
      assert.ok(t.after >= 1900 && t.after < 8000, `stopped ${t.after} ms after TERM`);
      assert.match(standin.stderr, /odoo\.service\.server: Stopping gracefully\n/);
      assert.doesNotMatch(standin.stderr, /timeout after/);
    });

    it('takes limit_time_real from the config file too', async () => {
      const standin = await startPrefork('18.0', ['--max-cron-threads', '0'], ['limit_time_real = 1']);
      const t = await stop(standin);
      assert.equal(t.code, 0);
      assert.ok(t.after >= 900 && t.after < 7000, `stopped ${t.after} ms after TERM`);
    });

    it('waits for workers that finish on their own (limit not reached)', async () => {
      const [port, geventPort] = [await freePort(), await freePort()];
      const standin = bed.start(
        ['--workers', '1', '--max-cron-threads', '0', '-p', String(port), '--http-interface', '127.0.0.1', '--gevent-port', String(geventPort)],
        { env: { ...FAST, STANDIN_STOP_DELAY: '1' } },
      );
      await standin.waitForLog(/Worker WorkerHTTP \(\d+\) alive/);
      const t = await stop(standin);
      assert.equal(t.code, 0);
      assert.ok(t.after >= 900, `stopped ${t.after} ms after TERM`);
      assert.match(standin.stderr, /Worker \(\d+\) exiting\. request_count: /);
    });

    it('19.0 gives each worker its own limit: HTTP limit_time_real, cron limit_time_real_cron', async () => {
      const standin = await startPrefork('19.0', ['--max-cron-threads', '1', '--limit-time-real', '1', '--limit-time-real-cron', '4']);
      await standin.waitForLog(/Worker WorkerCron \(\d+\) alive/);
      const t = await stop(standin);
      assert.equal(t.code, 0);
      assert.ok(t.after >= 3900 && t.after < 12000, `stopped ${t.after} ms after TERM`);
      assert.match(standin.stderr, /odoo\.service\.server: Stopping workers gracefully\n/);
      const http = standin.stderr.search(/ ERROR \? odoo\.service\.server: WorkerHTTP \(\d+\) timeout after 1s\n/);
      const cron = standin.stderr.search(/ ERROR \? odoo\.service\.server: WorkerCron \(\d+\) timeout after 4s\n/);
      assert.ok(http > 0 && cron > http, 'the HTTP worker times out first, then the cron worker');
    });
  });
});
