import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { CliProcess, runCli } from '../support/cli';
import { healthIn, containerStartedAt, onlyOdooMaster, odooMasters, DB_ARGS, logsOf, processesIn, removeTestContainers, startShape, waitFor, type ShapeContainer, type StartOptions, type Shape } from '../support/docker-bed';
import { readEngines, testEngines } from './engines';

// The restart suite's core cases on each engine of test/setup/engines-bed.sh, driven the way a
// user points odoo-dev at that engine. What only one engine shows is at the end.

type Proc = Awaited<ReturnType<typeof processesIn>>[number];

const isOdoo = (p: Proc) => p.argv.includes('/usr/bin/odoo');

interface StatusLine {
  readonly kind: string;
  readonly pid?: number;
}

function watchLines(watch: CliProcess): StatusLine[] {
  return watch.stdout.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as StatusLine);
}

for (const engine of testEngines()) {
  describe(`odoo-dev on ${engine.name}`, function () {
    this.timeout(120_000);
    const made: ShapeContainer[] = [];
    const start = async (shape: Shape, options: StartOptions = {}) => {
      const started = await startShape(shape, { ...options, docker: engine.docker });
      made.push(started);
      return started;
    };
    const cli = (shape: ShapeContainer, ...args: string[]) => runCli([...engine.options, '--container', shape.name, ...args], engine.env, undefined, engine.user);
    const follow = (shape: ShapeContainer, ...args: string[]) => new CliProcess([...engine.options, '--container', shape.name, ...args], engine.env, engine.user);
    after(async () => {
      await Promise.all(made.map((shape) => shape.remove()));
      if (!engine.sharesTestBed) {
        await removeTestContainers(engine.docker);
      }
    });

    it('restarts a Dev Containers-shaped Odoo in place with new args, byte for byte, keeping user, directory, environment and connection options', async () => {
      const shape = await start('keeper-exec');
      const before = await onlyOdooMaster(shape.container);
      const since = await containerStartedAt(shape.container);
      const newArgs = ['-d', 'db', '--dev=xml', '--log-level=debug', '--db-filter', '^café d[0-9]$'];
      const result = await cli(shape, 'restart', '--', ...newArgs);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Odoo restarted \(PID \d+\) and ready/);
      const after = await onlyOdooMaster(shape.container);
      assert.notEqual(after.pid, before.pid);
      assert.deepEqual(after.argv, [...before.argv.slice(0, 2), ...newArgs, ...DB_ARGS]);
      assert.equal(after.uid, before.uid);
      assert.equal(after.cwd, before.cwd);
      assert.deepEqual(after.env, before.env);
      assert.equal(await containerStartedAt(shape.container), since, 'the container restarted');
      const logs = await logsOf(shape.container);
      assert.match(logs, new RegExp(` ${after.pid} INFO \\? odoo: Odoo version`));
      assert.match(logs, new RegExp(` ${after.pid} INFO db odoo\\.modules\\.registry: Registry loaded`));
    });

    describe('Odoo as PID 1 (the official shape)', () => {
      let shape: ShapeContainer;
      before(async () => {
        shape = await start('official', { odooArgs: ['-d', 'db', '-u', 'my_module'] });
      });

      it('reloads with HUP for a plain restart: PID 1 and the container stay, one-shot args go', async () => {
        const since = await containerStartedAt(shape.container);
        assert.equal((await onlyOdooMaster(shape.container)).pid, 1);
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

      it('refuses new args with the PID 1 explanation and changes nothing', async () => {
        const before = await onlyOdooMaster(shape.container);
        const result = await cli(shape, 'restart', '--', '-d', 'other');
        assert.equal(result.code, 5, result.stderr);
        assert.match(result.stderr, /PID 1/);
        assert.deepEqual((await onlyOdooMaster(shape.container)).argv, before.argv);
        assert.equal(await healthIn(shape.container), 200);
      });

      it('shows the log\'s tail and follows it across a restart', async () => {
        const tail = await cli(shape, 'logs', '--tail', '2');
        assert.equal(tail.code, 0, tail.stderr);
        const lines = (tail.stdout + tail.stderr).trim().split('\n');
        assert.equal(lines.length, 2, tail.stdout + tail.stderr);
        const reloads = (p: CliProcess) => ((p.stderr + p.stdout).match(/Initiating server reload/g) ?? []).length;
        const logs = follow(shape, 'logs', '-f');
        try {
          await logs.waitFor('the followed log to catch up', (p) => ((p.stderr + p.stdout).includes(lines[1]) ? true : undefined), 20_000);
          const seen = reloads(logs);
          const restart = await cli(shape, 'restart');
          assert.equal(restart.code, 0, restart.stderr);
          await logs.waitFor('the reload in the followed log', (p) => (reloads(p) > seen ? true : undefined), 20_000);
        } finally {
          logs.stop();
        }
      });
    });

    it('reloads a PID 1 prefork server with HUP, with fresh workers and gevent', async () => {
      const shape = await start('prefork');
      const before = (await processesIn(shape.container)).filter(isOdoo);
      const result = await cli(shape, 'restart');
      assert.equal(result.code, 0, result.stderr);
      const after = (await processesIn(shape.container)).filter(isOdoo);
      assert.equal(after.filter((p) => p.pid === 1).length, 1);
      const children = after.filter((p) => p.pid !== 1);
      assert.equal(children.length, before.length - 1);
      assert.ok(children.every((c) => !before.some((b) => b.pid === c.pid)), 'workers and gevent are new');
    });

    it('status --watch sees the container stopped from outside within 2 s, and started again', async () => {
      const shape = await start('keeper-exec');
      const watch = follow(shape, 'status', '--watch', '--json');
      try {
        await watch.waitFor('the running state', (w) => watchLines(w).find((l) => l.kind === 'running'), 30_000);
        await shape.container.stop({ t: 1 });
        await watch.waitFor('the container-stopped state within 2 s', (w) => watchLines(w).find((l) => l.kind === 'container-stopped'), 2000);
        const seen = watchLines(watch).length;
        await shape.container.start();
        // The server came from an exec, which does not come back with the container.
        const back = await watch.waitFor('the state after the start', (w) => watchLines(w).slice(seen).find((l) => l.kind !== 'container-stopped'), 20_000);
        assert.equal(back.kind, 'stopped', watch.stdout);
        assert.equal(await watch.terminate(2000), 0);
      } finally {
        watch.stop();
      }
    });

    if (engine.name.startsWith('rootless Docker')) {
      it('finds the rootless Docker socket in $XDG_RUNTIME_DIR when the system socket is not open to the user', async () => {
        const shape = await start('keeper-exec');
        const { dockerRootless } = readEngines();
        const result = await cli(shape, 'status', '--verbose');
        assert.equal(result.code, 0, result.stderr);
        assert.ok(result.stderr.includes(`Docker at unix://${dockerRootless.socket} (from the rootless Docker socket (/var/run/docker.sock not open to this user))`), result.stderr);
        assert.match(result.stdout, /running/i);
      });
    }

    if (engine.name.startsWith('Docker over ssh')) {
      it('status --watch ends at once on TERM, also while it asks whether the stopped container runs again', async () => {
        const shape = await start('keeper');
        const watch = follow(shape, 'status', '--watch', '--json', '--verbose');
        try {
          await watch.waitFor('the stopped state', (w) => watchLines(w).find((l) => l.kind === 'stopped'), 30_000);
          // After a start from outside, the watcher's check of the stopped container (an
          // inspect) comes before or after the status that the start event asks for: stop and
          // start until it comes after, and send TERM while it waits for its answer.
          let asking = false;
          for (let round = 0; round < 40 && !asking; round++) {
            const seen = watchLines(watch).length;
            await shape.container.stop({ t: 1 });
            await watch.waitFor('the container-stopped state', (w) => watchLines(w).slice(seen).find((l) => l.kind === 'container-stopped'), 5000);
            const states = watchLines(watch).length;
            await shape.container.start();
            // Only a check that began once the container runs again finds it running.
            const from = watch.stderr.length;
            asking = await watch.waitFor('the check of the stopped container or the next state', (w) =>
              w.stderr.slice(from).includes('checking whether the stopped container runs again') ? true : watchLines(w).length > states ? false : undefined, 20_000);
          }
          assert.ok(asking, `the check never came after the start:\n${watch.stderr}`);
          assert.equal(await watch.terminate(2000), 0);
        } finally {
          watch.stop();
        }
      });

      it('finishes a restart whose ssh connection was dropped during the stop; the next status is right', async () => {
        const shape = await start('keeper-exec', { env: { STANDIN_STOP_DELAY: '1' } });
        const before = await onlyOdooMaster(shape.container);
        const listener = Number(readFileSync(readEngines().ssh.sshdPidFile, 'utf8').trim());
        const sessionsBefore = new Set(childrenOf(listener));
        const restart = follow(shape, 'restart', '--', '-d', 'db', '--dev=xml');
        await restart.waitFor('the graceful stop to begin', (p) => (/Stopping Odoo/.test(p.stderr) ? true : undefined), 30_000);
        // The sshd process of this connection: the listener's child that came with the restart.
        const sessions = childrenOf(listener).filter((pid) => !sessionsBefore.has(pid));
        assert.ok(sessions.length >= 1, 'the restart has an ssh connection of its own');
        for (const pid of sessions) {
          process.kill(pid, 'SIGKILL');
        }
        // Exit 3, Docker unreachable, with what broke and what to do: not an unexpected error.
        assert.equal(await restart.exited, 3, restart.stderr);
        assert.match(restart.stderr, /connection to Docker at ssh:\/\/odoo-dev-bed \(from DOCKER_HOST\) broke while the agent ran \(ECONNRESET\)/);
        assert.match(restart.stderr, /Run `odoo-dev status`/);
        const after = await waitFor('the new server', async () => {
          const found = await odooMasters(shape.container);
          return found.length === 1 && found[0].pid !== before.pid ? found[0] : undefined;
        }, 30_000);
        assert.deepEqual(after.argv.slice(2, 5), ['-d', 'db', '--dev=xml']);
        const status = await waitFor('the status of the restarted server', async () => {
          const result = await cli(shape, 'status', '--json');
          assert.equal(result.code, 0, result.stderr);
          return (JSON.parse(result.stdout) as { state: string }).state === 'running' ? result.stdout : undefined;
        }, 30_000);
        assert.match(status, new RegExp(`"pid":${after.pid}\\b`), 'the status shows the new server');
      });
    }
  });
}

/** The pids whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid ? [Number(name)] : [];
    } catch {
      return [];
    }
  });
}
