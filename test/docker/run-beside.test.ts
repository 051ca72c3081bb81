import * as assert from 'node:assert/strict';
import { runCli } from '../support/cli';
import { DB_ARGS, isAnswering, logsOf, processesIn, removeTestContainers, startShape, type ShapeContainer } from '../support/docker-bed';

type Proc = Awaited<ReturnType<typeof processesIn>>[number];

/** Server masters: Odoo processes (not gevent) whose parent is not an Odoo process. */
async function masters(shape: ShapeContainer): Promise<Proc[]> {
  const odoo = (await processesIn(shape.container)).filter((p) => p.argv.includes('/usr/bin/odoo'));
  const pids = new Set(odoo.map((p) => p.pid));
  return odoo.filter((p) => !pids.has(p.ppid) && !p.argv.includes('gevent'));
}

async function startedAt(shape: ShapeContainer): Promise<string> {
  const info = await shape.container.inspect();
  assert.equal(info.State.Running, true, 'the container must still run');
  return info.State.StartedAt;
}

function cli(shape: ShapeContainer, ...args: string[]) {
  return runCli(['--container', shape.name, ...args]);
}

/** The log lines after the last one that matches `marker`. */
function linesAfter(log: string, marker: RegExp): string[] {
  const lines = log.split('\n');
  let at = -1;
  lines.forEach((line, index) => { if (marker.test(line)) at = index; });
  return at < 0 ? [] : lines.slice(at + 1);
}

describe('runs that end by themselves, beside the live server (real Docker engine)', function () {
  this.timeout(90_000);
  after(() => removeTestContainers());

  describe('official image: Odoo is PID 1', () => {
    let shape: ShapeContainer;
    beforeEach(async () => {
      shape = await startShape('official', { odooArgs: ['-d', 'db'], env: { STANDIN_FAIL_MODULES: 'broken_module' } });
    });
    afterEach(() => shape.remove());

    it('restart -- <its args> -u my_module: the update runs beside PID 1, then a HUP reloads it; the container never restarts', async () => {
      const before = await startedAt(shape);
      const result = await cli(shape, 'restart', '--', '-d', 'db', '-u', 'my_module');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /ran once \(PID \d+\) and exited with code 0 .*; the server reloaded in place with SIGHUP \(PID 1\)/);
      assert.equal(await startedAt(shape), before);
      const [master] = await masters(shape);
      assert.equal(master.pid, 1);
      assert.deepEqual(master.argv.slice(1), ['/usr/bin/odoo', '-d', 'db', ...DB_ARGS]);
      const log = await logsOf(shape.container);
      const update = log.split('\n').filter((line) => / db odoo\.modules\.loading: loading my_module$/.test(line));
      assert.equal(update.length, 1, log);
      const updatePid = Number(update[0].split(' ')[2]);
      assert.notEqual(updatePid, 1, 'the update ran as its own process');
      assert.ok(linesAfter(log, / db odoo\.modules\.loading: loading my_module$/).some((line) => / 1 INFO \? odoo\.service\.server: Initiating server reload$/.test(line)),
        'PID 1 reloaded after the update');
      assert.equal(await isAnswering(shape.container), true);
    });

    it('a failing update exits non-zero with Odoo\'s error, and leaves the server running untouched', async () => {
      const before = await startedAt(shape);
      const result = await cli(shape, 'restart', '--', '-d', 'db', '-u', 'broken_module');
      assert.equal(result.code, 9, result.stdout + result.stderr);
      assert.match(result.stderr, /The run \(PID \d+\) ended with exit code 255 .*CRITICAL odoo\.service\.server: Failed to initialize database `db`/);
      assert.match(result.stderr, /ParseError: while parsing \/mnt\/extra-addons\/broken_module/);
      assert.match(result.stderr, /was not reloaded and still runs as before/);
      assert.equal(await startedAt(shape), before);
      assert.doesNotMatch(await logsOf(shape.container), /Initiating server reload/);
      assert.equal((await masters(shape)).map((p) => p.pid).join(), '1');
      assert.equal(await isAnswering(shape.container), true);
    });

    it('odoo-dev run -- -d db -u my_module --stop-after-init: the run\'s exit code, then the server back with its previous args', async () => {
      const ok = await cli(shape, 'run', '--', '-d', 'db', '-u', 'my_module', '--stop-after-init');
      assert.equal(ok.code, 0, ok.stderr);
      const failed = await cli(shape, 'run', '--', '-d', 'db', '-u', 'broken_module');
      assert.equal(failed.code, 255, failed.stderr);
      const [master] = await masters(shape);
      assert.equal(master.pid, 1);
      assert.deepEqual(master.argv.slice(1), ['/usr/bin/odoo', '-d', 'db', ...DB_ARGS]);
      assert.equal(await isAnswering(shape.container), true);
    });

    it('still refuses other new args, and says why', async () => {
      const result = await cli(shape, 'restart', '--', '-d', 'other');
      assert.equal(result.code, 5);
      assert.match(result.stderr, /PID 1/);
    });
  });

  describe('keeper shape: Odoo beside a keeper PID 1', () => {
    it('odoo-dev run: the update beside the server, its exit code, then the server back with its previous args', async () => {
      const shape = await startShape('keeper', { cmd: ['/entrypoint.sh', 'odoo', '-d', 'db'], wait: true });
      try {
        const [before] = await masters(shape);
        const result = await cli(shape, 'run', '--', '-d', 'db', '-u', 'my_module', '--stop-after-init');
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /ran once .* exited with code 0/);
        const [after] = await masters(shape);
        assert.deepEqual(after.argv.slice(-(2 + DB_ARGS.length)), ['-d', 'db', ...DB_ARGS]);
        assert.ok(!after.argv.includes('-u'));
        assert.equal(await isAnswering(shape.container), true);
        assert.ok(before);
      } finally {
        await shape.remove();
      }
    });
  });
});
