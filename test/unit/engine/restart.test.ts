import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { OdooDevError } from '../../../src/core/errors';
import { OdooEngine, type EngineProgress } from '../../../src/engine/odoo-engine';
import { removeLocalContainers, type LocalContainer } from '../../support/local-container';
import { DB_ARGS, HOME, httpStatus, isOdoo, ODOO_UID, odooMasters, onlyMaster, startLocalShape } from '../../support/local-standin';
import { waitFor } from '../../support/wait-for';
import { userEnvironment } from '../../support/activation';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };

describe('OdooEngine.restart in a local container', function () {
  this.timeout(30_000);
  after(() => removeLocalContainers());

  describe('a keeper as PID 1, Odoo started by an exec', () => {
    let container: LocalContainer;
    let engine: OdooEngine;
    before(async () => {
      container = await startLocalShape('keeper-exec');
      engine = new OdooEngine(container, settings);
    });
    after(() => container?.remove());

    it('restarts in place with new args, keeping program, user, directory, environment and connection options', async () => {
      const before = onlyMaster(container);
      const pid1 = container.hostPid1;
      const args = ['-d', 'db', '--dev=xml', '--log-level=debug'];
      const outcome = await engine.restart({ args });
      const after = onlyMaster(container);
      assert.equal(outcome.plan, 'in-place');
      assert.equal(outcome.pid, after.pid);
      assert.notEqual(after.pid, before.pid);
      assert.deepEqual(after.argv, [...before.argv.slice(0, 2), ...args, ...DB_ARGS]);
      assert.equal(after.uid, ODOO_UID);
      assert.equal(after.uid, before.uid);
      assert.equal(after.cwd, HOME);
      assert.equal(after.cwd, before.cwd);
      assert.deepEqual(userEnvironment(after.env), userEnvironment(before.env));
      assert.ok(before.env?.includes('PGPASSWORD=odoo'), 'the environment of the exec that started it');
      assert.equal(container.hostPid1, pid1, 'the container restarted');
      assert.equal(outcome.database, 'db');
      assert.equal(outcome.version?.serverSerie, '17.0');
      // The relaunched server writes to the container's log, which the one started by the exec did not.
      const log = container.logText();
      assert.match(log, new RegExp(`^\\S+ \\S+ ${after.pid} INFO \\? odoo: Odoo version 17\\.0$`, 'm'));
      assert.match(log, new RegExp(` ${after.pid} INFO db odoo\\.modules\\.registry: Registry loaded`));
      assert.equal(await httpStatus(container, '/web/health'), 200);
    });

    it('passes args byte for byte, never through a shell', async () => {
      const nasty = [
        'two words',
        `"double" 'single'`,
        '$(touch /tmp/pwned-subst)',
        '`touch /tmp/pwned-backtick`',
        'a; touch /tmp/pwned-semicolon',
        'line one\nline two',
        'non-ASCII é ü 日本 🙂',
      ];
      const args = ['-d', 'db', ...nasty.flatMap((value) => ['--db-filter', value])];
      await engine.restart({ args });
      const master = onlyMaster(container);
      assert.deepEqual(master.argv.slice(2, 2 + args.length), args);
      assert.deepEqual(fs.readdirSync(container.hostPath('/tmp')).filter((name) => name.startsWith('pwned')), []);
    });

    it('runs -u once: the next plain restart does not carry it', async () => {
      await engine.restart({ args: ['-d', 'db', '-u', 'my_module'] });
      assert.deepEqual(onlyMaster(container).argv.slice(2, 6), ['-d', 'db', '-u', 'my_module']);
      const plain = await engine.restart();
      const master = onlyMaster(container);
      assert.equal(plain.pid, master.pid);
      assert.ok(!master.argv.includes('-u') && !master.argv.includes('my_module'), master.argv.join(' '));
      assert.deepEqual(master.argv.slice(2), ['-d', 'db', ...DB_ARGS], 'the plain restart keeps the other args');
      assert.equal(await httpStatus(container, '/web/health'), 200);
    });

    it('refuses invalid args before stopping anything', async () => {
      const before = onlyMaster(container);
      const progress: EngineProgress[] = [];
      await assert.rejects(engine.restart({ args: ['-d', 'db', '--updte', 'my_module'] }, (p) => progress.push(p)), (error: OdooDevError) => {
        assert.equal(error.code, 'invalid-args');
        assert.match(error.message, /--updte/);
        assert.match(error.message, /--update/);
        return true;
      });
      assert.deepEqual(progress, [], 'nothing was planned');
      const after = onlyMaster(container);
      assert.equal(after.hostPid, before.hostPid);
      assert.deepEqual(after.argv, before.argv);
    });

    it('coalesces ten concurrent restarts: at most two run, one master, the last args win', async () => {
      const plans: string[] = [];
      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => engine.restart({ args: ['-d', 'db', '--db-filter', `n${i}`] }, (p) => {
        if (p.step === 'plan') {
          plans.push(p.message);
        }
      })));
      assert.ok(plans.length <= 2, `${plans.length} restarts ran: ${plans.join('\n')}`);
      assert.ok(new Set(outcomes.map((o) => o.pid)).size <= 2);
      const master = onlyMaster(container);
      assert.equal(master.argv[master.argv.indexOf('--db-filter') + 1], 'n9');
      assert.equal(outcomes[9].pid, master.pid);
      assert.equal(outcomes[1].pid, master.pid, 'the waiting restarts share the last one\'s outcome');
    });
  });

  describe('a keeper with no Odoo running', () => {
    let container: LocalContainer;
    let engine: OdooEngine;
    beforeEach(async () => {
      container = await startLocalShape('keeper');
      engine = new OdooEngine(container, settings);
    });
    afterEach(() => container?.remove());

    it('starts Odoo as the container\'s user, then restarts it in place with new args, same user, directory and environment', async () => {
      assert.deepEqual(odooMasters(container), []);
      const started = await engine.start({ args: ['-d', 'db'] });
      assert.equal(started.plan, 'start');
      const first = onlyMaster(container);
      assert.equal(first.pid, started.pid);
      assert.equal(first.uid, ODOO_UID, 'runs as the container user');
      assert.deepEqual(first.argv.slice(2), ['-d', 'db']);
      const restarted = await engine.restart({ args: ['-d', 'db', '--dev=xml', '--log-level=debug'] });
      assert.equal(restarted.plan, 'in-place');
      const second = onlyMaster(container);
      assert.notEqual(second.pid, first.pid);
      assert.deepEqual(second.argv, [...first.argv.slice(0, 2), '-d', 'db', '--dev=xml', '--log-level=debug']);
      assert.equal(second.uid, first.uid);
      assert.equal(second.cwd, first.cwd);
      assert.deepEqual(userEnvironment(second.env), userEnvironment(first.env));
      const log = container.logText();
      assert.match(log, new RegExp(` ${second.pid} INFO \\? odoo: Odoo version`));
      assert.match(log, new RegExp(` ${second.pid} INFO db odoo\\.modules\\.registry: Registry loaded`));
    });

    it('refuses to start a second server', async () => {
      const started = await engine.start();
      await assert.rejects(engine.start(), (error: OdooDevError) => error.code === 'already-running' && error.message.includes(`PID ${started.pid}`));
      assert.equal(onlyMaster(container).pid, started.pid);
    });

    it('runs a one-shot --stop-after-init update to its end, reports its exit code, then starts the server without it', async () => {
      const once = await engine.start({ args: ['-d', 'db', '-u', 'my_module', '--stop-after-init'] });
      assert.equal(once.plan, 'completed');
      assert.equal(once.exitCode, 0);
      assert.deepEqual(odooMasters(container), [], 'the one-shot run is over');
      assert.match(container.logText(), new RegExp(` ${once.pid} INFO db odoo\\.modules\\.loading: updating modules list`));
      const start = await engine.start();
      assert.deepEqual(onlyMaster(container).argv.slice(2), ['-d', 'db']);
      assert.equal(start.plan, 'start');
    });
  });

  describe('an overlapping restart', () => {
    let container: LocalContainer;
    before(async () => {
      // The old server's stop takes a while: ready must be told before it ends.
      container = await startLocalShape('keeper', { env: { STANDIN_STOP_DELAY: '0.5' } });
    });
    after(() => container?.remove());

    it('tells ready with the outcome before the previous server stops, and resolves once it has', async () => {
      const engine = new OdooEngine(container, settings);
      const started = await engine.start({ args: ['-d', 'db'] });
      const seen: { step: EngineProgress['step']; masters: number[]; outcome?: EngineProgress['outcome'] }[] = [];
      const outcome = await engine.restart({ args: ['-d', 'db', '--dev=xml'] }, (p) => {
        seen.push({ step: p.step, masters: odooMasters(container).map((m) => m.pid), ...(p.outcome ? { outcome: p.outcome } : {}) });
      });
      const steps = seen.map((s) => s.step);
      const ready = seen.find((s) => s.step === 'ready');
      assert.ok(ready?.outcome, `no ready with an outcome: ${steps.join(', ')}`);
      assert.ok(steps.indexOf('ready') < steps.indexOf('stopped'), steps.join(', '));
      assert.ok(ready.masters.includes(started.pid), 'the previous server was gone when ready was told');
      assert.equal(ready.outcome.pid, outcome.pid);
      assert.equal(ready.outcome.overlapped, true);
      assert.equal(ready.outcome.stopMs, undefined, 'the stop is still to come');
      assert.equal(ready.outcome.readyMs, outcome.readyMs);
      assert.ok(outcome.stopMs !== undefined && outcome.stopMs >= 500, `stopMs ${outcome.stopMs}`);
      assert.ok(outcome.totalMs >= outcome.readyMs! + 400, JSON.stringify(outcome));
      assert.deepEqual(odooMasters(container).map((m) => m.pid), [outcome.pid]);
      // Its routing is built once it is alone, off the critical path: the next probe is cheap.
      assert.match(container.logText(), new RegExp(` ${outcome.pid} INFO \\S+ werkzeug: \\S+ - - \\[[^\\]]+\\] "POST /web/webclient/version_info HTTP/1\\.[01]" 200 `));
    });
  });

  describe('prefork', () => {
    it('replaces master, workers and gevent: one master, N workers and one gevent of the new command, nothing left over', async () => {
      const container = await startLocalShape('keeper-exec', { odooArgs: ['--workers', '2', '--max-cron-threads', '0'] });
      try {
        const before = container.processes().filter(isOdoo);
        assert.equal(before.length, 4, `master, two workers, gevent: ${JSON.stringify(before.map((p) => p.argv))}`);
        const engine = new OdooEngine(container, settings);
        await engine.restart({ args: ['--workers', '3', '--max-cron-threads', '0', '-d', 'db'] });
        const after = container.processes().filter(isOdoo);
        const beforePids = new Set(before.map((p) => p.hostPid));
        assert.ok(after.every((p) => !beforePids.has(p.hostPid)), 'an old process survived');
        const master = onlyMaster(container);
        const workers = after.filter((p) => p.ppid === master.pid && !p.argv.includes('gevent'));
        const gevent = after.filter((p) => p.argv.includes('gevent'));
        assert.equal(workers.length, 3);
        assert.ok(workers.every((w) => JSON.stringify(w.argv) === JSON.stringify(master.argv)));
        assert.equal(gevent.length, 1);
        assert.equal(gevent[0].ppid, master.pid);
        assert.equal(after.length, 5, 'nothing else of Odoo runs');
      } finally {
        await container.remove();
      }
    });
  });

  describe('a client that goes away', () => {
    it('does not leave Odoo stopped: the agent finishes the restart it was given', async () => {
      const container = await startLocalShape('keeper-exec', { env: { STANDIN_STOP_DELAY: '0.3' } });
      try {
        const before = onlyMaster(container);
        // The connection drops once the agent reports that the graceful stop has begun.
        container.disconnectAgentsAt('stopping');
        const engine = new OdooEngine(container, settings);
        await assert.rejects(engine.restart({ args: ['-d', 'db', '--dev=xml'] }), (error: OdooDevError) => error.code === 'agent-failed');
        const after = await waitFor('the new server', () => {
          const found = odooMasters(container);
          return found.length === 1 && found[0].pid !== before.pid ? found[0] : undefined;
        });
        assert.deepEqual(after.argv.slice(2, 5), ['-d', 'db', '--dev=xml']);
        await waitFor('the new server to answer', async () => ((await httpStatus(container, '/web/health')) === 200 ? true : undefined));
      } finally {
        await container.remove();
      }
    });
  });
});
