import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliProcess, runCli } from '../support/cli';
import { DB_ARGS, healthIn, containerStartedAt, onlyOdooMaster, odooMasters, STANDIN_IMAGE, logsOf, processesIn, removeTestContainers, startShape, testDocker, waitFor, type ShapeContainer } from '../support/docker-bed';
import { userEnvironment } from '../support/activation';

type Proc = Awaited<ReturnType<typeof processesIn>>[number];

const dbArgs = ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo'];

function isOdoo(p: Proc): boolean {
  return p.argv.some((token) => token === '/usr/bin/odoo');
}

function cli(shape: ShapeContainer, ...args: string[]) {
  return runCli(['--container', shape.name, ...args]);
}

describe('odoo-dev against a real Docker engine', function () {
  this.timeout(90_000);
  after(() => removeTestContainers());

  describe('keeper with Odoo started by docker exec', () => {
    let shape: ShapeContainer;
    before(async () => {
      shape = await startShape('keeper-exec');
    });
    after(() => shape?.remove());

    it('restarts in place with new args, keeping program, user, directory, environment and connection options', async () => {
      const before = await onlyOdooMaster(shape.container);
      const since = await containerStartedAt(shape.container);
      const result = await cli(shape, 'restart', '--', '-d', 'db', '--dev=xml', '--log-level=debug');
      assert.equal(result.code, 0, result.stderr);
      const after = await onlyOdooMaster(shape.container);
      assert.notEqual(after.pid, before.pid);
      assert.deepEqual(after.argv, [...before.argv.slice(0, 2), '-d', 'db', '--dev=xml', '--log-level=debug', ...dbArgs]);
      assert.equal(after.uid, before.uid);
      assert.equal(after.cwd, before.cwd);
      assert.deepEqual(userEnvironment(after.env), userEnvironment(before.env));
      assert.equal(await containerStartedAt(shape.container), since, 'the container restarted');
      const logs = await logsOf(shape.container);
      assert.match(logs, new RegExp(`^\\S+ \\S+ ${after.pid} INFO \\? odoo: Odoo version`, 'm'));
      assert.match(logs, new RegExp(` ${after.pid} INFO db odoo\\.modules\\.registry: Registry loaded`, 'm'));
      assert.match(result.stdout, /Odoo restarted \(PID \d+\) and ready/);
      // The version is asked after ready is told, and still reaches the outcome.
      assert.match(result.stdout, /and ready.*, Odoo \d+\.\d/);
    });

    it('refuses invalid args before stopping anything', async () => {
      const before = await onlyOdooMaster(shape.container);
      const result = await cli(shape, 'restart', '--', '-d', 'db', '--updte', 'my_module');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--updte/);
      assert.match(result.stderr, /--update/);
      assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid);
    });
  });

  describe('official image: Odoo is PID 1', () => {
    let shape: ShapeContainer;
    before(async () => {
      shape = await startShape('official', { odooArgs: ['-d', 'db', '-u', 'my_module'] });
    });
    after(() => shape?.remove());

    it('reloads with HUP for a plain restart: PID 1 stays, the container stays, one-shot args go', async () => {
      const since = await containerStartedAt(shape.container);
      const before = await onlyOdooMaster(shape.container);
      assert.equal(before.pid, 1);
      const result = await cli(shape, 'restart');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /reloaded in place \(PID 1\)/);
      const after = await onlyOdooMaster(shape.container);
      assert.equal(after.pid, 1);
      assert.equal(after.argv[0], 'python3', 'Odoo re-executed itself');
      assert.ok(!after.argv.includes('my_module'));
      assert.equal(await containerStartedAt(shape.container), since);
      assert.equal(await healthIn(shape.container), 200);
    });

    it('follows the log across a restart', async () => {
      const tail = await cli(shape, 'logs', '--tail', '2');
      assert.equal(tail.code, 0, tail.stderr);
      assert.equal((tail.stdout + tail.stderr).trim().split('\n').length, 2);
      const last = (tail.stdout + tail.stderr).trim().split('\n').pop()!;
      const follow = new CliProcess(['--container', shape.name, 'logs', '-f']);
      const reloads = (p: CliProcess) => ((p.stderr + p.stdout).match(/Initiating server reload/g) ?? []).length;
      try {
        await follow.waitFor('the followed log to catch up', (p) => ((p.stderr + p.stdout).includes(last) ? true : undefined));
        const before = reloads(follow);
        const restart = await cli(shape, 'restart');
        assert.equal(restart.code, 0, restart.stderr);
        await follow.waitFor('the reload in the followed log', (p) => (reloads(p) > before ? true : undefined));
      } finally {
        follow.stop();
      }
    });

    it('refuses new args with the PID 1 explanation and changes nothing', async () => {
      const before = await onlyOdooMaster(shape.container);
      const result = await cli(shape, 'restart', '--', '-d', 'other');
      assert.equal(result.code, 5);
      assert.match(result.stderr, /PID 1/);
      assert.match(result.stderr, /keeper|recreate/);
      const after = await onlyOdooMaster(shape.container);
      assert.deepEqual(after.argv, before.argv);
      assert.equal(await healthIn(shape.container), 200);
    });
  });

  describe('init: true (tini as PID 1, Odoo its only child)', () => {
    it('treats Odoo like PID 1: new args are refused, a plain restart reloads it, stop is refused', async () => {
      const shape = await startShape('official', { init: true });
      try {
        const since = await containerStartedAt(shape.container);
        const before = await onlyOdooMaster(shape.container);
        assert.notEqual(before.pid, 1, 'tini is PID 1');
        const refused = await cli(shape, 'restart', '--', '-d', 'other');
        assert.equal(refused.code, 5, refused.stderr);
        assert.match(refused.stderr, /only child of docker-init, PID 1/);
        const stop = await cli(shape, 'stop');
        assert.equal(stop.code, 5, stop.stderr);
        const reload = await cli(shape, 'restart');
        assert.equal(reload.code, 0, reload.stderr);
        assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid);
        assert.equal(await containerStartedAt(shape.container), since, 'the container restarted');
      } finally {
        await shape.remove();
      }
    });
  });

  describe('prefork', () => {
    it('reloads a PID 1 prefork server with HUP, with fresh workers and gevent', async () => {
      const shape = await startShape('prefork');
      try {
        const before = (await processesIn(shape.container)).filter(isOdoo);
        const result = await cli(shape, 'restart');
        assert.equal(result.code, 0, result.stderr);
        const after = (await processesIn(shape.container)).filter(isOdoo);
        assert.equal(after.filter((p) => p.pid === 1).length, 1);
        const children = after.filter((p) => p.pid !== 1);
        assert.equal(children.length, before.length - 1);
        assert.ok(children.every((c) => !before.some((b) => b.pid === c.pid)));
      } finally {
        await shape.remove();
      }
    });
  });

  describe('an overlapping restart: the new server boots while the old one answers', () => {
    let shape: ShapeContainer;
    before(async () => {
      // A stop of 1 s at least: the ready line must come while the old server still stops.
      shape = await startShape('keeper', { wait: false, env: { STANDIN_STOP_DELAY: '1' } });
      const started = await cli(shape, 'start', '--', '-d', 'db', ...DB_ARGS);
      assert.equal(started.code, 0, started.stderr);
    });
    after(() => shape?.remove());

    it('prints the ready line while the old server still stops, then its stop, and exits 0 with one master', async () => {
      const old = await onlyOdooMaster(shape.container);
      const restart = new CliProcess(['--container', shape.name, 'restart', '--', '-d', 'db', '--dev=xml', ...DB_ARGS]);
      try {
        const atReady = await restart.waitFor('the ready line', (p) => (/Odoo restarted \(PID \d+\) and ready in [\d.]+ s.*; the previous server answered until then/.test(p.stdout) ? { stderr: p.stderr, exited: p.child.exitCode !== null } : undefined), 30_000);
        const masters = await odooMasters(shape.container);
        assert.doesNotMatch(atReady.stderr, /Stopped the previous server/, 'the ready line came after the stop');
        assert.equal(atReady.exited, false, 'the command ended before the old server stopped');
        assert.ok(masters.some((m) => m.pid === old.pid), 'the old server had stopped by the ready line');
        assert.equal(await restart.exited, 0, restart.stderr);
      } finally {
        restart.stop();
      }
      assert.match(restart.stderr, /Stopped the previous server in \d+ ms/);
      assert.equal(restart.stdout.match(/and ready in/g)?.length, 1, 'one outcome line');
      const now = await onlyOdooMaster(shape.container);
      assert.notEqual(now.pid, old.pid);
      assert.deepEqual(now.argv.slice(2, 5), ['-d', 'db', '--dev=xml']);
    });

    it('finds the container by an ID prefix as by its name', async () => {
      const status = await runCli(['--container', shape.id.slice(0, 12), 'status', '--json', '-v']);
      assert.equal(status.code, 0, status.stderr);
      assert.equal((JSON.parse(status.stdout) as { container: { name: string } }).container.name, shape.name);
      assert.match(status.stderr, new RegExp(`Using container ${shape.name} \\(--container\\)`));
    });

    it('--json prints one object when the command ends: ready before the end, the old server\'s stop in it', async () => {
      const result = await cli(shape, 'restart', '--json', '--', '-d', 'db', '--log-level=info', ...DB_ARGS);
      assert.equal(result.code, 0, result.stderr);
      const outcome = JSON.parse(result.stdout) as { plan: string; overlapped?: boolean; readyMs: number; stopMs: number; totalMs: number };
      assert.equal(outcome.plan, 'in-place');
      assert.equal(outcome.overlapped, true);
      assert.ok(outcome.stopMs >= 1000, `the stop took ${outcome.stopMs} ms`);
      assert.ok(outcome.totalMs - outcome.readyMs >= 500, `the command did not wait for the stop after ready: ${JSON.stringify(outcome)}`);
      assert.match(result.stderr, /is ready; the previous server stops now/);
    });
  });

  describe('an overlapping restart whose old server ignores TERM', () => {
    it('prints the ready line, then warns that the old server did not stop, with the stop timeout\'s exit code', async () => {
      const shape = await startShape('keeper', { wait: false, env: { STANDIN_IGNORE_TERM: '1' } });
      try {
        const started = await cli(shape, 'start', '--', '-d', 'db', ...DB_ARGS);
        assert.equal(started.code, 0, started.stderr);
        const old = await onlyOdooMaster(shape.container);
        const result = await cli(shape, 'restart', '--timeout', '1', '--', '-d', 'db', '--dev=xml', ...DB_ARGS);
        assert.equal(result.code, 6, result.stderr);
        assert.match(result.stdout, /Odoo restarted \(PID \d+\) and ready in/);
        assert.match(result.stderr, new RegExp(`warning: the new server \\(PID \\d+\\) is ready and answers, but: The previous server \\(PID ${old.pid}\\) did not stop within 1 s`));
        assert.ok((await odooMasters(shape.container)).some((m) => m.pid === old.pid), 'the old server still runs, as the warning says');
      } finally {
        await shape.remove();
      }
    });
  });

  describe('a server that ignores TERM', () => {
    let shape: ShapeContainer;
    beforeEach(async () => {
      shape = await startShape('keeper-exec', { env: { STANDIN_IGNORE_TERM: '1' } });
    });
    afterEach(() => shape?.remove());

    it('without the kill policy: the stop times out, the command fails and the old server still runs', async () => {
      const before = await onlyOdooMaster(shape.container);
      const result = await cli(shape, 'restart', '--timeout', '1', '--', '-d', 'db');
      assert.equal(result.code, 6, result.stderr);
      assert.match(result.stderr, /did not stop within 1 s/);
      assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid);
    });

  });

  describe('secrets', () => {
    it('never prints --db_password or PGPASSWORD values', async () => {
      const shape = await startShape('keeper-exec', { env: { PGPASSWORD: 'pg-Secret-4711' }, odooArgs: ['--db_password=cli-Secret-0815'] });
      try {
        const outputs = [
          await cli(shape, 'status'),
          await cli(shape, 'status', '--json'),
          await cli(shape, 'restart', '--', '-d', 'db', '-w', 'new-Secret-42'),
          await cli(shape, 'restart', '--json', '-v'),
          await cli(shape, 'restart', '--', '-d', 'db', '--bogus'),
        ];
        const text = outputs.map((o) => o.stdout + o.stderr).join('\n');
        assert.match(text, /\*\*\*/);
        for (const secret of ['pg-Secret-4711', 'cli-Secret-0815', 'new-Secret-42']) {
          assert.ok(!text.includes(secret), `${secret} was printed`);
        }
      } finally {
        await shape.remove();
      }
    });
  });

  describe('bad surroundings', () => {
    it('explains itself: --help, and a usage error that changes nothing', async () => {
      const help = await runCli(['--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: odoo-dev <command>/);
      assert.match(help.stdout, /Exit codes:/);
      const usage = await runCli(['restart', '-d', 'db']);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /Odoo's own args go after "--"/);
    });

    it('says when Docker is unreachable', async () => {
      const result = await runCli(['status', '--docker-host', 'unix:///nonexistent/docker.sock']);
      assert.equal(result.code, 3);
      assert.match(result.stderr, /Cannot reach Docker at unix:\/\/\/nonexistent\/docker.sock/);
    });

    it('says when the container does not exist', async () => {
      const result = await runCli(['status', '--container', 'no-such-container-here']);
      assert.equal(result.code, 4);
      assert.match(result.stderr, /No container is named "no-such-container-here"/);
    });

    it('finishes a restart whose client went away during the stop: Odoo is not left stopped', async () => {
      const shape = await startShape('keeper-exec', { env: { STANDIN_STOP_DELAY: '1' } });
      try {
        const before = await onlyOdooMaster(shape.container);
        const restart = new CliProcess(['--container', shape.name, 'restart', '--', '-d', 'db', '--dev=xml']);
        await restart.waitFor('the graceful stop to begin', (p) => (/Stopping Odoo/.test(p.stderr) ? true : undefined), 20_000);
        restart.child.kill('SIGKILL');
        await restart.exited;
        const after = await waitFor('the new server', async () => {
          const found = await odooMasters(shape.container);
          return found.length === 1 && found[0].pid !== before.pid ? found[0] : undefined;
        });
        assert.deepEqual(after.argv.slice(2, 5), ['-d', 'db', '--dev=xml']);
      } finally {
        await shape.remove();
      }
    });

    it('finds the Dev Container of the current folder without being told its name', async () => {
      const folder = await mkdtemp(path.join(os.tmpdir(), 'odoo-dev-workspace-'));
      const container = await testDocker().createContainer({
        Image: STANDIN_IMAGE,
        Entrypoint: ['/bin/sh', '-c', 'echo Container started; trap "exit 0" 15; exec "$@"; while sleep 1 & wait $!; do :; done', '-'],
        Labels: { 'odoo-dev-test': '1', 'devcontainer.local_folder': folder },
        HostConfig: { NetworkMode: 'none' },
      });
      try {
        await container.start();
        const result = await runCli(['status', '--json'], { ODOO_DEV_CONTAINER: '' }, folder);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(JSON.parse(result.stdout).container.id, container.id);
      } finally {
        await container.remove({ force: true });
        await rm(folder, { recursive: true, force: true });
      }
    });

    it('says when the container stops during a restart, and leaves nothing behind', async () => {
      const shape = await startShape('keeper-exec', { env: { STANDIN_STOP_DELAY: '5' } });
      try {
        const restart = new CliProcess(['--container', shape.name, 'restart', '--', '-d', 'db']);
        await restart.waitFor('the graceful stop to begin', (p) => (/Stopping Odoo/.test(p.stderr) ? true : undefined), 20_000);
        await shape.container.stop({ t: 1 });
        const code = await restart.exited;
        assert.equal(code, 4, restart.stderr);
        assert.match(restart.stderr, /stopped during the restart|is not running/);
        await shape.container.start();
        const status = await cli(shape, 'status', '--json');
        assert.equal(status.code, 0, status.stderr);
        assert.equal(JSON.parse(status.stdout).state, 'stopped');
        const ours = (await processesIn(shape.container)).filter((p) => p.argv[0] === 'python3' && p.argv[1] === '-c');
        assert.deepEqual(ours, []);
      } finally {
        await shape.remove();
      }
    });
  });
});
