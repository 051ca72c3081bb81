/**
 * Restarts that overlap, against a real Docker engine and the stand-in: the new server boots on
 * the socket our holder keeps while the old one still answers, so a steady loop of requests
 * inside the container sees no refused connection; a new server that crashes leaves the old one
 * serving; nothing of ours is left after `odoo-dev stop`.
 * Needs `bash test/setup/docker-bed.sh`. Removes only the containers it made.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../support/cli';
import { standinAnswer, underLoad, warmWaiting } from '../support/standin-requests';
import { DB_ARGS, execIn, healthIn, odooMasters, onlyOdooMaster, processesIn, startShape, waitFor, type ShapeContainer } from '../support/docker-bed';

function cli(shape: ShapeContainer, ...args: string[]) {
  return runCli(['--container', shape.name, ...args]);
}

async function exists(shape: ShapeContainer, file: string): Promise<boolean> {
  return (await execIn(shape.container, ['test', '-e', file])).exitCode === 0;
}

/** Processes of ours in the container: an agent, the socket holder, a warm process. */
async function oursIn(shape: ShapeContainer) {
  const files = ['/tmp/odoo-dev/holder.py', '/tmp/odoo-dev/warm.py'];
  return (await processesIn(shape.container)).filter((p) => files.includes(p.argv[1] ?? '') || p.argv.join(' ').includes('in-container agent of Odoo Dev Container'));
}

/** What the server on port 8069 says of its process: its PID, and whether it imported odoo before its args. */
function processAnswer(shape: ShapeContainer): Promise<{ pid: number; warm: boolean; edited?: boolean }> {
  return standinAnswer(shape.container, '/standin/process');
}

/** What the server on port 8069 answers of an addon it imported: the code it runs. */
function moduleAnswer(shape: ShapeContainer, module: string): Promise<{ pid: number; answer: string | null }> {
  return standinAnswer(shape.container, `/standin/module/${module}`);
}

/** Edits the stand-in in the container so that the next server it starts never starts its HTTP thread. */
async function noHttpThread(shape: ShapeContainer): Promise<void> {
  const server = '/usr/lib/python3/dist-packages/odoo/service/server.py';
  const edit = await execIn(shape.container, ['sed', '-i', 's/^            self\\.http_spawn()$/            pass/', server], { user: 'root' });
  assert.equal(edit.exitCode, 0, edit.stderr);
  const check = await execIn(shape.container, ['grep', '-c', '^            self.http_spawn()$', server]);
  assert.equal(check.stdout.trim(), '0', 'the HTTP thread is no longer started');
}

describe('overlapping restarts (real Docker engine)', function () {
  this.timeout(120_000);

  describe('a keeper container whose Odoo odoo-dev started', () => {
    let shape: ShapeContainer;
    beforeEach(async () => {
      shape = await startShape('keeper', { wait: false });
      const started = await cli(shape, 'start', '--', '-d', 'db', ...DB_ARGS);
      assert.equal(started.code, 0, started.stderr);
    });
    afterEach(() => shape?.remove());

    it('three restarts with new args under a steady request loop: no request fails, one master with the last args, nothing of ours left after stop', async () => {
      const first = await onlyOdooMaster(shape.container);
      const holders = (await oursIn(shape)).filter((p) => p.argv[1] === '/tmp/odoo-dev/holder.py');
      assert.equal(holders.length, 1, 'one socket holder, shown by its own file');
      assert.deepEqual(holders[0]!.argv.slice(2, 3), ['8069']);
      const argSets = [
        ['-d', 'db', '--log-level=info'],
        ['-d', 'db', '--db-filter', '^db$'],
        ['-d', 'db', '--dev=xml', '--log-level=warn'],
      ];
      const pids = [first.pid];
      const report = await underLoad(shape.container, async () => {
        for (const args of argSets) {
          const restarted = await cli(shape, 'restart', '--', ...args, ...DB_ARGS);
          assert.equal(restarted.code, 0, restarted.stderr);
          assert.match(restarted.stderr, /Starting the new server beside the running one \(PID \d+ answers meanwhile\)/);
          assert.match(restarted.stderr, /Stopped the previous server in \d+ ms/);
          pids.push((await onlyOdooMaster(shape.container)).pid);
        }
      });
      assert.deepEqual(report.failures, {}, `requests failed during the restarts: ${JSON.stringify(report)}`);
      // Every generation answered some of the requests: the loop ran across all three restarts.
      assert.deepEqual(Object.keys(report.answered).map(Number).sort((a, b) => a - b), [...new Set(pids)].sort((a, b) => a - b));

      const [master, ...more] = await odooMasters(shape.container);
      assert.equal(more.length, 0, 'one Odoo master');
      assert.deepEqual(master!.argv.slice(2), [...argSets[2]!, ...DB_ARGS]);
      assert.equal(await healthIn(shape.container), 200);

      const stopped = await cli(shape, 'stop');
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.deepEqual(await odooMasters(shape.container), []);
      // The holder lets the port go once no server and no agent needs it.
      await waitFor('the socket holder to end after the stop', async () => ((await oursIn(shape)).length === 0 ? true : undefined));
      assert.equal(await exists(shape, '/tmp/odoo-dev/holder-8069.sock'), false, 'the holder removed its socket');
      const listening = await execIn(shape.container, ['cat', '/proc/net/tcp', '/proc/net/tcp6']);
      assert.doesNotMatch(listening.stdout, /:1F95 [0-9A-F:]+ 0A /, 'nothing listens on 8069 any more');
    });

    it('a new server that crashes at once: the old one still serves, and the error is Odoo\'s', async () => {
      const before = await onlyOdooMaster(shape.container);
      const restarted = await cli(shape, 'restart', '--', '-d', 'db', '--db_user', 'postgres');
      assert.notEqual(restarted.code, 0);
      assert.match(restarted.stderr, /The new args did not start: .*Using the database user 'postgres' is a security risk, aborting\./);
      assert.match(restarted.stderr, new RegExp(`Still running the previous args \\(PID ${before.pid}\\)`));
      const after = await onlyOdooMaster(shape.container);
      assert.equal(after.pid, before.pid, 'the old server never stopped');
      assert.equal(await healthIn(shape.container), 200);
      const status = await cli(shape, 'status', '--json');
      assert.equal(status.code, 0, status.stderr);
      assert.equal((JSON.parse(status.stdout) as { server?: { pid: number } }).server?.pid, before.pid);
    });

    it('a same-args restart under a steady request loop boots the same command line beside the running server, warm: no request fails, a new master with the same args', async () => {
      await warmWaiting(shape.container);
      const before = await onlyOdooMaster(shape.container);
      let restarted: Awaited<ReturnType<typeof cli>> | undefined;
      const report = await underLoad(shape.container, async () => {
        restarted = await cli(shape, 'restart', '--json');
      });
      assert.deepEqual(report.failures, {}, `requests failed during the restart: ${JSON.stringify(report)}`);
      assert.equal(restarted!.code, 0, restarted!.stderr);
      assert.match(restarted!.stderr, new RegExp(`Starting the new server beside the running one \\(PID ${before.pid} answers meanwhile\\)`));
      assert.match(restarted!.stderr, /Started Odoo \(PID \d+\) beside PID \d+ from the warm process/);
      assert.doesNotMatch(restarted!.stderr, /Reloading/, 'no HUP');
      const outcome = JSON.parse(restarted!.stdout) as { plan: string; pid: number; overlapped?: boolean; warm?: boolean; readyMs?: number };
      assert.equal(outcome.plan, 'in-place');
      assert.equal(outcome.overlapped, true);
      assert.equal(outcome.warm, true);
      assert.equal(typeof outcome.readyMs, 'number');
      const after = await onlyOdooMaster(shape.container);
      assert.equal(outcome.pid, after.pid);
      assert.notEqual(after.pid, before.pid, 'a new master');
      assert.deepEqual(after.argv.slice(2), ['-d', 'db', ...DB_ARGS], 'with the same args');
      assert.equal(after.uid, before.uid);
      assert.equal(after.cwd, before.cwd);
      assert.deepEqual(Object.keys(report.answered).map(Number).sort((a, b) => a - b), [before.pid, after.pid].sort((a, b) => a - b));
      assert.equal((await processAnswer(shape)).warm, true);
    });

    it('a same-args restart after an addon file changed runs the changed code, from the warm process', async () => {
      await warmWaiting(shape.container);
      const addon = '/mnt/extra-addons/my_module/__init__.py';
      assert.equal((await moduleAnswer(shape, 'my_module')).answer, null, 'the fixture\'s module has no answer yet');
      const edit = await execIn(shape.container, ['sh', '-c', `echo "STANDIN_ANSWER = 'edited'" >> ${addon}`]);
      assert.equal(edit.exitCode, 0, edit.stderr);
      assert.equal((await moduleAnswer(shape, 'my_module')).answer, null, 'the running server keeps the code it imported');
      const restarted = await cli(shape, 'restart');
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stderr, /from the warm process/);
      const answer = await moduleAnswer(shape, 'my_module');
      assert.equal(answer.answer, 'edited', 'the new server runs the changed addon');
      assert.equal(answer.pid, (await onlyOdooMaster(shape.container)).pid);
    });

    it('a same-args restart after a file the warm process imported changed starts cold and runs the changed code', async () => {
      await warmWaiting(shape.container);
      const server = '/usr/lib/python3/dist-packages/odoo/service/server.py';
      const edit = await execIn(shape.container, ['sed', '-i', `s/'pid': os.getpid(), 'warm'/'pid': os.getpid(), 'edited': True, 'warm'/`, server], { user: 'root' });
      assert.equal(edit.exitCode, 0, edit.stderr);
      const restarted = await cli(shape, 'restart');
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stderr, /beside the running one/);
      assert.match(restarted.stderr, new RegExp(`cold: a file Odoo imported changed: ${server.replace(/[./]/g, '\\$&')}`));
      const answer = await processAnswer(shape);
      assert.equal(answer.edited, true, 'the new server runs the changed code');
      assert.equal(answer.warm, false);
    });

    it('a same-args restart whose new server crashes (Odoo\'s code broken since): the old one still serves, and the error says so', async () => {
      const before = await onlyOdooMaster(shape.container);
      const edit = await execIn(shape.container, ['sh', '-c', 'echo "raise RuntimeError(\'broken since the server started\')" >> /usr/lib/python3/dist-packages/odoo/http.py'], { user: 'root' });
      assert.equal(edit.exitCode, 0, edit.stderr);
      const restarted = await cli(shape, 'restart');
      assert.notEqual(restarted.code, 0);
      assert.match(restarted.stderr, /The restart with the same args did not start: Odoo \(PID \d+\) exited with exit code 1/);
      assert.match(restarted.stderr, new RegExp(`The previous server \\(PID ${before.pid}\\) still runs\\.`));
      assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid, 'the old server never stopped');
      assert.equal(await healthIn(shape.container), 200);
    });

    it('an update run beside the server, then the server again with its args booted beside it, not HUPed', async () => {
      const before = await onlyOdooMaster(shape.container);
      const ran = await cli(shape, 'run', '--', '-d', 'db', '-u', 'my_module');
      assert.equal(ran.code, 0, ran.stderr);
      assert.match(ran.stderr, new RegExp(`Starting the new server beside the running one \\(PID ${before.pid} answers meanwhile\\)`));
      const restarted = /the server restarted to load it \(PID (\d+)\)/.exec(ran.stdout);
      assert.ok(restarted, ran.stdout);
      const after = await onlyOdooMaster(shape.container);
      assert.equal(after.pid, Number(restarted[1]));
      assert.notEqual(after.pid, before.pid);
      assert.deepEqual(after.argv.slice(2), ['-d', 'db', ...DB_ARGS]);
    });

    it('--no-overlap: a same-args restart reloads with HUP (same PID) and says why; the held socket stays, so the next new-args restart overlaps', async () => {
      const before = await onlyOdooMaster(shape.container);
      const reloaded = await cli(shape, 'restart', '--no-overlap');
      assert.equal(reloaded.code, 0, reloaded.stderr);
      assert.match(reloaded.stderr, new RegExp(`Reloading PID ${before.pid} with SIGHUP rather than beside it: overlap is turned off`));
      assert.match(reloaded.stdout, /Odoo reloaded in place/);
      assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid, 'HUP re-executes in place');
      const restarted = await cli(shape, 'restart', '--', '-d', 'db', '--log-level=info', ...DB_ARGS);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stderr, /beside the running one/);
      assert.notEqual((await onlyOdooMaster(shape.container)).pid, before.pid);
    });

    it('the next restart starts from the warm process, Odoo\'s imports done before it; the server shows its own command line', async () => {
      await warmWaiting(shape.container);
      const args = ['-d', 'db', '--log-level=info', ...DB_ARGS];
      const restarted = await cli(shape, 'restart', '--', ...args);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stderr, /Started Odoo \(PID \d+\) beside PID \d+ from the warm process/);
      assert.match(restarted.stdout, /, warm; the previous server answered until then/);
      const master = await onlyOdooMaster(shape.container);
      assert.deepEqual(master.argv.slice(2), args, 'ps shows the args the server runs with');
      const answer = await processAnswer(shape);
      assert.equal(answer.pid, master.pid);
      assert.equal(answer.warm, true, 'the server imported odoo before it was given its args');
      // The one after it is warm again: a new warm process waits once the restart is done.
      await warmWaiting(shape.container);
      const again = await cli(shape, 'restart', '--', '-d', 'db', ...DB_ARGS);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /from the warm process/);
    });

    it('a file the warm process imported changed: the next restart starts cold and runs the changed code', async () => {
      await warmWaiting(shape.container);
      const server = '/usr/lib/python3/dist-packages/odoo/service/server.py';
      const edit = await execIn(shape.container, ['sed', '-i', `s/'pid': os.getpid(), 'warm'/'pid': os.getpid(), 'edited': True, 'warm'/`, server], { user: 'root' });
      assert.equal(edit.exitCode, 0, edit.stderr);
      const restarted = await cli(shape, 'restart', '--', '-d', 'db', '--log-level=info', ...DB_ARGS);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stderr, new RegExp(`cold: a file Odoo imported changed: ${server.replace(/[./]/g, '\\$&')}`));
      const answer = await processAnswer(shape);
      assert.equal(answer.edited, true, 'the new server runs the changed code');
      assert.equal(answer.warm, false);
    });

    it('a restart right after another waits for the warm process still importing, and starts warm', async () => {
      const slow = await startShape('keeper', { wait: false, env: { STANDIN_IMPORT_DELAY: '1.0' } });
      try {
        const started = await cli(slow, 'start', '--', '-d', 'db', ...DB_ARGS);
        assert.equal(started.code, 0, started.stderr);
        await warmWaiting(slow.container);
        const first = await cli(slow, 'restart', '--', '-d', 'db', '--log-level=info', ...DB_ARGS);
        assert.equal(first.code, 0, first.stderr);
        assert.match(first.stderr, /from the warm process/);
        // At once: the next warm process has not finished its imports yet.
        const second = await cli(slow, 'restart', '--', '-d', 'db', '--log-level=warn', ...DB_ARGS);
        assert.equal(second.code, 0, second.stderr);
        assert.match(second.stderr, /from the warm process/);
        assert.equal((await processAnswer(slow)).warm, true);
      } finally {
        await slow.remove();
      }
    });

    it('--no-warm starts cold, and the warm process waits on for the next restart', async () => {
      await warmWaiting(shape.container);
      const restarted = await cli(shape, 'restart', '--no-warm', '--', '-d', 'db', '--log-level=info', ...DB_ARGS);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.doesNotMatch(restarted.stderr, /warm process/);
      assert.equal((await processAnswer(shape)).warm, false);
    });

    it('a switch to prefork before 19, which binds its own socket: our holder lets the port go, and the new master binds it', async () => {
      const restarted = await cli(shape, 'restart', '--', '-d', 'db', '--workers', '2', '--max-cron-threads', '0', ...DB_ARGS);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stderr, /before the new server starts: a prefork server before 19 binds its own socket/);
      assert.equal(await healthIn(shape.container), 200);
      assert.equal((await oursIn(shape)).filter((p) => p.argv[1] === '/tmp/odoo-dev/holder.py').length, 0, 'no holder keeps the port');
    });

    it('a new server that never accepts on the held socket (no HTTP thread) is given up after 30 s, not the ready timeout; the old one serves on', async () => {
      const before = await onlyOdooMaster(shape.container);
      await noHttpThread(shape);
      const sent = Date.now();
      const restarted = await cli(shape, 'restart', '--', '-d', 'db', '--log-level=info', ...DB_ARGS);
      const took = Date.now() - sent;
      assert.equal(restarted.code, 8, restarted.stderr);
      assert.match(restarted.stderr, /The new args did not start: .*accepted no connection on port 8069 in 30 s: its HTTP service is not running \(see its log\)/);
      assert.ok(took < 60_000, `gave up after ${took} ms`);
      assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid, 'the old server never stopped');
      assert.equal(await healthIn(shape.container), 200);
    });

    it('a HUP whose re-executed server never accepts on the held socket is given up after 30 s, not the ready timeout', async () => {
      const before = await onlyOdooMaster(shape.container);
      await noHttpThread(shape);
      const sent = Date.now();
      const reloaded = await cli(shape, 'restart');
      const took = Date.now() - sent;
      assert.equal(reloaded.code, 8, reloaded.stderr);
      assert.match(reloaded.stderr, /accepted no connection on port 8069 in 30 s: its HTTP service is not running \(see its log\)/);
      assert.ok(took < 60_000, `gave up after ${took} ms`);
      assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid, 'HUP re-executed in place');
    });

    it('modules to update stop the old server first, and the progress says why', async () => {
      const restarted = await cli(shape, 'restart', '--', '-d', 'db', '-u', 'base', ...DB_ARGS);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.doesNotMatch(restarted.stderr, /beside the running one/);
      assert.match(restarted.stderr, /before the new server starts: modules are installed or updated/);
    });
  });
});
