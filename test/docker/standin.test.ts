/**
 * The Odoo stand-in behaves as test/fixtures/README.md says, in real containers: what only a
 * container shows (PID 1, users, the entrypoint, docker logs, exec'ed processes). Its command
 * line, exit codes and stop timing are tested without Docker in test/unit/standin-*.test.ts.
 * Needs the test bed: `bash test/setup/docker-bed.sh`.
 */
import assert from 'assert/strict';
import Dockerode from 'dockerode';
import {
  DB_ARGS,
  ProcessInfo,
  ShapeContainer,
  StartOptions,
  Shape,
  VERSION_INFO_REQUEST,
  execIn,
  httpIn,
  isAnswering,
  logsOf,
  processesIn,
  startShape,
  waitFor,
  waitForExit,
} from '../support/docker-bed';

const LOG_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ [\w.]+: /;
/** Fast start-up for tests that do not measure timing. */
const FAST = { STANDIN_BOOT_DELAY: '0', STANDIN_REGISTRY_DELAY: '0', STANDIN_STOP_DELAY: '0', STANDIN_EXIT_DELAY: '0' };

describe('Odoo stand-in in real containers', function () {
  this.timeout(30000);
  // Only our own containers: other suites may share this dockerd at the same time.
  const mine: ShapeContainer[] = [];
  const start = async (shape: Shape, options?: StartOptions) => {
    const c = await startShape(shape, options);
    mine.push(c);
    return c;
  };
  after(async () => {
    await Promise.all(mine.map((c) => c.remove()));
  });

  const odooProcesses = (ps: ProcessInfo[]) => ps.filter((p) => p.argv.includes('/usr/bin/odoo'));
  const pid1 = async (c: Dockerode.Container) => {
    const p = (await processesIn(c)).find((x) => x.pid === 1);
    assert.ok(p, 'no PID 1');
    return p;
  };
  const waitForLog = (c: Dockerode.Container, text: string, timeoutMs = 10000) =>
    waitFor(`"${text}" in the logs`, async () => ((await logsOf(c)).includes(text) ? true : undefined), timeoutMs);

  describe('official shape', () => {
    it('runs the stand-in as PID 1, user odoo, with the database options appended', async () => {
      const { container } = await start('official');
      const p = await pid1(container);
      assert.deepEqual(p.argv, ['/usr/bin/python3', '/usr/bin/odoo', ...DB_ARGS]);
      assert.equal(p.uid, 101);
      assert.equal(p.gid, 101);
      assert.equal(p.cwd, '/');
      assert.equal(p.env?.ODOO_RC, '/etc/odoo/odoo.conf');
      assert.equal(odooProcesses(await processesIn(container)).length, 1);

      const health = await httpIn(container, 'GET', '/web/health');
      assert.deepEqual(health, { status: 200, body: '{"status": "pass"}' });
      const info = await httpIn(container, 'POST', '/web/webclient/version_info', {
        body: { ...VERSION_INFO_REQUEST, id: 7 },
      });
      assert.equal(info.status, 200);
      assert.deepEqual(JSON.parse(info.body), {
        jsonrpc: '2.0',
        id: 7,
        result: {
          server_version: '17.0',
          server_version_info: [17, 0, 0, 'final', 0, ''],
          server_serie: '17.0',
          protocol_version: 1,
        },
      });
      assert.equal((await httpIn(container, 'GET', '/web/nothing')).status, 404);

      const logs = await logsOf(container);
      for (const line of logs.trimEnd().split('\n')) assert.match(line, LOG_LINE);
      assert.match(logs, / 1 INFO \? odoo: Odoo version 17\.0\n/);
      assert.match(logs, /odoo: Using configuration file at \/etc\/odoo\/odoo\.conf\n/);
      assert.match(logs, /odoo: addons paths: \[.*'\/mnt\/extra-addons'\]\n/);
      assert.match(logs, /odoo: database: odoo@db:5432\n/);
      assert.match(logs, /odoo\.service\.server: HTTP service \(werkzeug\) running on \S+:8069\n/);
      // Odoo images need not have ps: the product must not rely on it.
      assert.notEqual((await execIn(container, ['sh', '-c', 'command -v ps'])).exitCode, 0);
    });

    it('--stop-after-init: the container exits with the status of Odoo (databases whose tests failed)', async () => {
      const { container } = await start('official', {
        odooArgs: ['-d', 'db1,db2', '--test-enable', '--stop-after-init'],
        env: { ...FAST, STANDIN_TEST_FAILURES: '1' },
        wait: false,
      });
      assert.equal(await waitForExit(container), 2);
      assert.match(await logsOf(container), / ERROR db2 odoo\.tests\.result: 1 failed, 0 error\(s\) of 4 tests when loading database 'db2'\n/);
    });

    it('exits 2 on an unknown option, with optparse error text', async () => {
      const { container } = await start('official', { odooArgs: ['--bogus'], wait: false });
      assert.equal(await waitForExit(container), 2);
      assert.equal(await logsOf(container), 'Usage: odoo [options]\n\nodoo: error: no such option: --bogus\n');
    });
  });

  describe('signals (threaded)', () => {
    it('HUP re-execs in place: same PID 1, one-shot options gone, argv[0] python3', async () => {
      const { container } = await start('official', {
        odooArgs: ['-d', 'db1', '-u', 'my_module', '--init=sale_extension', '--dev', 'xml'],
      });
      // HUP is only honoured once the registry is loaded.
      await waitForLog(container, 'Registry loaded in');
      await container.kill({ signal: 'SIGHUP' });
      const p = await waitFor('PID 1 to re-exec', async () => {
        const candidate = (await processesIn(container)).find((x) => x.pid === 1);
        return candidate?.argv[0] === 'python3' ? candidate : undefined;
      });
      assert.deepEqual(p.argv, ['python3', '/usr/bin/odoo', '-d', 'db1', '--dev', 'xml', ...DB_ARGS]);
      assert.equal(p.env?.ODOO_RC, '/etc/odoo/odoo.conf');
      await waitFor('Odoo to answer again', async () => ((await isAnswering(container)) ? true : undefined));
      assert.equal((await container.inspect()).State.Running, true);
      const logs = await logsOf(container);
      assert.match(logs, /odoo\.service\.server: Initiating server reload\n/);
      assert.equal(logs.match(/Odoo version 17\.0/g)?.length, 2);
    });

    it('HUP while the registry loads kills the server, like Odoo 18', async () => {
      const { container } = await start('official', {
        odooArgs: ['-d', 'db1'],
        env: { STANDIN_REGISTRY_DELAY: '60' },
        // Requests wait for the registry, so the loading itself is what to wait for.
        wait: false,
      });
      await waitFor('the registry to start loading', async () => (/ db1 odoo\.modules\.loading: loading 1 modules/.test(await logsOf(container)) ? true : undefined));
      await container.kill({ signal: 'SIGHUP' });
      assert.equal(await waitForExit(container), 130);
      assert.match(await logsOf(container), /\nKeyboardInterrupt\n$/);
    });

    it('first TERM stops gracefully after the stop delay, exit 0', async () => {
      const { container } = await start('official', { env: { STANDIN_STOP_DELAY: '0.3' } });
      const started = Date.now();
      await container.kill({ signal: 'SIGTERM' });
      assert.equal(await waitForExit(container), 0);
      assert.ok(Date.now() - started >= 300, `stopped after ${Date.now() - started} ms`);
      const logs = await logsOf(container);
      assert.match(logs, /odoo\.service\.server: Initiating shutdown\n/);
      assert.match(logs, /odoo\.service\.server: Hit CTRL-C again or send a second signal to force the shutdown\.\n/);
      assert.doesNotMatch(logs, /Forced shutdown/);
    });

    it('a second TERM forces the shutdown at once, exit 0', async () => {
      const { container } = await start('official', { env: { STANDIN_STOP_DELAY: '60' } });
      await container.kill({ signal: 'SIGTERM' });
      await waitForLog(container, 'Hit CTRL-C again');
      await container.kill({ signal: 'SIGTERM' });
      assert.equal(await waitForExit(container, 3000), 0);
      assert.match(await logsOf(container), /\nForced shutdown\.\n$/);
    });

    it('STANDIN_IGNORE_TERM=1 survives TERM; only KILL ends it', async () => {
      const { container } = await start('official', { env: { STANDIN_IGNORE_TERM: '1' } });
      await container.kill({ signal: 'SIGTERM' });
      await container.kill({ signal: 'SIGINT' });
      assert.equal(await isAnswering(container), true);
      // docker stop: TERM, then KILL after 1 s.
      await container.stop({ t: 1 });
      assert.equal((await container.inspect()).State.ExitCode, 137);
      assert.doesNotMatch(await logsOf(container), /Initiating shutdown/);
    });
  });

  describe('prefork', () => {
    it('has a master, 2 workers with its command line, and a gevent process; HUP and TERM', async () => {
      const { container } = await start('prefork');
      const roles = async () => {
        const ps = odooProcesses(await processesIn(container));
        const master = ps.find((p) => p.pid === 1);
        assert.ok(master, 'the master is PID 1');
        return {
          master,
          workers: ps.filter((p) => p.ppid === 1 && p.argv.join('\0') === master.argv.join('\0')),
          gevent: ps.filter((p) => p.ppid === 1 && p.argv[2] === 'gevent'),
          all: ps,
        };
      };
      const before = await waitFor('2 workers and the gevent process', async () => {
        const r = await roles();
        return r.workers.length === 2 && r.gevent.length === 1 ? r : undefined;
      });
      assert.deepEqual(before.master.argv, [
        '/usr/bin/python3', '/usr/bin/odoo', '--workers', '2', '--max-cron-threads', '0', ...DB_ARGS,
      ]);
      assert.equal(before.all.length, 4);
      assert.deepEqual(before.gevent[0].argv, [
        '/usr/bin/python3', '/usr/bin/odoo', 'gevent', ...before.master.argv.slice(2),
      ]);
      await waitFor('the gevent port to answer', async () =>
        (await httpIn(container, 'GET', '/web/health', { port: 8072 })).status === 200 ? true : undefined,
      );

      await container.kill({ signal: 'SIGHUP' });
      const after = await waitFor('fresh workers after HUP', async () => {
        const r = await roles();
        return r.master.argv[0] === 'python3' && r.workers.length === 2 && r.gevent.length === 1 ? r : undefined;
      });
      const oldPids = new Set([...before.workers, ...before.gevent].map((p) => p.pid));
      assert.ok([...after.workers, ...after.gevent].every((p) => !oldPids.has(p.pid)));
      assert.equal(after.gevent[0].argv[0], '/usr/bin/python3');
      await waitFor('Odoo to answer after HUP', async () => ((await isAnswering(container)) ? true : undefined));

      await container.kill({ signal: 'SIGTERM' });
      assert.equal(await waitForExit(container), 0);
      const logs = await logsOf(container);
      assert.match(logs, /odoo\.service\.server: Stopping gracefully\n/);
      assert.match(logs, /Worker WorkerHTTP \(\d+\) alive/);
    });

    it('workers and gevent leave by themselves when the master is killed', async () => {
      const { container } = await start('keeper-exec', { odooArgs: ['--workers', '2', '--max-cron-threads', '1'] });
      const odoo = await waitFor('master, 3 workers and gevent', async () => {
        const ps = odooProcesses(await processesIn(container));
        return ps.length === 5 ? ps : undefined;
      });
      // An exec's process has no parent inside the container (ppid 0).
      const master = odoo.find((p) => !odoo.some((q) => q.pid === p.ppid));
      assert.ok(master);
      assert.equal(odoo.filter((p) => p.ppid === master.pid).length, 4);
      await execIn(container, ['sh', '-c', `kill -KILL ${master.pid}`], { user: 'odoo' });
      await waitFor('the orphans to exit', async () => {
        const left = odooProcesses(await processesIn(container)).filter((p) => p.state !== 'Z');
        return left.length === 0 ? true : undefined;
      }, 10_000);
    });
  });

  describe('Dev Containers keeper', () => {
    it('keeper: the shell loop is PID 1 as odoo, no Odoo', async () => {
      const { container } = await start('keeper');
      const ps = await processesIn(container);
      const p = ps.find((x) => x.pid === 1);
      assert.equal(p?.argv[0], '/bin/sh');
      assert.equal(p?.uid, 101);
      assert.equal(odooProcesses(ps).length, 0);
    });

    it('keeper-exec: Odoo runs from docker exec as odoo, its output not in docker logs', async () => {
      const { container } = await start('keeper-exec', { odooArgs: ['-d', 'db1'] });
      const ps = await processesIn(container);
      assert.equal(ps.find((x) => x.pid === 1)?.uid, 0);
      const odoo = odooProcesses(ps);
      assert.equal(odoo.length, 1);
      assert.deepEqual(odoo[0].argv, ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db1', ...DB_ARGS]);
      assert.equal(odoo[0].uid, 101);
      assert.equal(odoo[0].cwd, '/var/lib/odoo');
      assert.equal(odoo[0].env?.PGPASSWORD, 'odoo');
      assert.equal(odoo[0].env?.ODOO_RC, '/etc/odoo/odoo.conf');
      const logs = await logsOf(container);
      assert.match(logs, /Container started/);
      assert.doesNotMatch(logs, /Odoo version/);
    });
  });
});
