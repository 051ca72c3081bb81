/**
 * Warm restarts for every way Odoo's server script is started, against a real Docker engine and
 * the stand-in: `python3 -m odoo`, a source checkout's odoo-bin (run by python3 and by its own
 * `#!`), and a virtual environment's script. In each, a keeper container whose Odoo an exec
 * started is restarted twice with new args: the first restart starts it on our held socket
 * (cold), the second from the warm process, beside the old server, with the new server's own
 * command line in /proc.
 * Needs `bash test/setup/docker-bed.sh`. Removes only the containers it made.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../support/cli';
import { standinAnswer, warmWaiting } from '../support/standin-requests';
import { DB_ARGS, execIn, healthIn, processesIn, startShape, waitFor, type ProcessInfo, type ShapeContainer } from '../support/docker-bed';

/** A virtual environment of the system's python3 that sees its packages (Odoo's among them), with a script like the one Odoo's setup installs. */
const MAKE_VENV = `
set -e
python3 -m venv --without-pip --system-site-packages /opt/venv
printf '#!/opt/venv/bin/python3\\nimport odoo\\nodoo.cli.main()\\n' > /opt/venv/bin/odoo
chmod 755 /opt/venv/bin/odoo
`;

interface ScriptShape {
  readonly name: string;
  /** What the exec runs (before Odoo's args). */
  readonly command: readonly string[];
  /** How /proc shows the server's program, and how a restart runs it again. */
  readonly program: readonly string[];
  readonly cwd: string;
  /** Set-up as root before Odoo starts. */
  readonly setUp?: string;
}

const shapes: readonly ScriptShape[] = [
  { name: 'python3 -m odoo', command: ['python3', '-m', 'odoo'], program: ['python3', '-m', 'odoo'], cwd: '/var/lib/odoo' },
  { name: 'python3 /opt/odoo/odoo-bin (a source checkout)', command: ['python3', '/opt/odoo/odoo-bin'], program: ['python3', '/opt/odoo/odoo-bin'], cwd: '/opt/odoo' },
  // Its `#!/usr/bin/env python3` runs the python3 of the PATH by that name.
  { name: '/opt/odoo/odoo-bin by its #! line', command: ['/opt/odoo/odoo-bin'], program: ['python3', '/opt/odoo/odoo-bin'], cwd: '/var/lib/odoo' },
  { name: 'a virtual environment\'s odoo script', command: ['/opt/venv/bin/odoo'], program: ['/opt/venv/bin/python3', '/opt/venv/bin/odoo'], cwd: '/var/lib/odoo', setUp: MAKE_VENV },
];

function cli(shape: ShapeContainer, ...args: string[]) {
  return runCli(['--container', shape.name, ...args]);
}

/** Odoo servers of this program whose parent is not one of them (not the warm process either). */
async function mastersOf(shape: ShapeContainer, program: readonly string[]): Promise<ProcessInfo[]> {
  const odoo = (await processesIn(shape.container)).filter((p) => p.state !== 'Z' && program.every((word, i) => p.argv[i] === word));
  const pids = new Set(odoo.map((p) => p.pid));
  return odoo.filter((p) => !pids.has(p.ppid));
}

async function onlyMaster(shape: ShapeContainer, program: readonly string[]): Promise<ProcessInfo> {
  const found = await mastersOf(shape, program);
  assert.equal(found.length, 1, `expected one Odoo master, found ${JSON.stringify(found.map((p) => p.argv))}`);
  return found[0]!;
}

/** What the server on port 8069 says of its process: its PID, and whether it imported odoo before its args. */
function processAnswer(shape: ShapeContainer): Promise<{ pid: number; warm: boolean }> {
  return standinAnswer(shape.container, '/standin/process');
}

/** Starts Odoo with COMMAND from a detached exec, as the image's user, as someone would by hand. */
async function startByExec(shape: ShapeContainer, script: ScriptShape, args: readonly string[]): Promise<void> {
  const exec = await shape.container.exec({ Cmd: [...script.command, ...args], User: 'odoo', WorkingDir: script.cwd, AttachStdout: false, AttachStderr: false });
  const response = await exec.start({ Detach: true });
  response.destroy();
  await waitFor(`Odoo started as ${script.name} to answer`, async () => ((await healthIn(shape.container)) === 200 ? true : undefined));
}

describe('warm restarts for every shape of Odoo\'s script (real Docker engine)', function () {
  this.timeout(120_000);

  for (const script of shapes) {
    describe(script.name, () => {
      let shape: ShapeContainer;
      beforeEach(async () => {
        shape = await startShape('keeper', { wait: false });
        if (script.setUp) {
          const made = await execIn(shape.container, ['sh', '-c', script.setUp], { user: 'root' });
          assert.equal(made.exitCode, 0, made.stderr);
        }
        await startByExec(shape, script, ['-d', 'db', ...DB_ARGS]);
      });
      afterEach(() => shape?.remove());

      it('the restart after the first one with new args is warm and overlapped, and the server runs them with its own command line', async () => {
        const started = await onlyMaster(shape, script.program);
        assert.deepEqual(started.argv, [...script.program, '-d', 'db', ...DB_ARGS], 'how /proc shows the server');

        // The server an exec started has a socket of its own: this restart starts one on ours.
        const first = await cli(shape, 'restart', '--', '-d', 'db', '--log-level=info');
        assert.equal(first.code, 0, first.stderr);
        assert.match(first.stderr, /before the new server starts: the running server has a socket of its own/);
        await warmWaiting(shape.container);

        const args = ['-d', 'db', '--log-level=warn'];
        const second = await cli(shape, '--json', 'restart', '--', ...args);
        assert.equal(second.code, 0, second.stderr);
        assert.match(second.stderr, /Started Odoo \(PID \d+\) beside PID \d+ from the warm process/);
        const outcome = JSON.parse(second.stdout) as { pid: number; warm?: boolean; overlapped?: boolean };
        assert.equal(outcome.warm, true, `the restart was not warm: ${second.stderr}`);
        assert.equal(outcome.overlapped, true);

        const master = await onlyMaster(shape, script.program);
        assert.equal(master.pid, outcome.pid);
        assert.deepEqual(master.argv, [...script.program, ...args, ...DB_ARGS], 'the server shows its own command line');
        assert.equal(master.uid, started.uid);
        const answer = await processAnswer(shape);
        assert.equal(answer.pid, master.pid);
        assert.equal(answer.warm, true, 'the server imported odoo before it was given its args');
      });
    });
  }

  describe('a command that cannot start warm', () => {
    // Interpreter options make another interpreter than the warm process's.
    const script: ScriptShape = { name: 'python3 -X utf8 /opt/odoo/odoo-bin', command: ['python3', '-X', 'utf8', '/opt/odoo/odoo-bin'], program: ['python3', '-X', 'utf8', '/opt/odoo/odoo-bin'], cwd: '/opt/odoo' };
    let shape: ShapeContainer;
    beforeEach(async () => {
      shape = await startShape('keeper', { wait: false });
      await startByExec(shape, script, ['-d', 'db', ...DB_ARGS]);
    });
    afterEach(() => shape?.remove());

    it('starts cold on the held socket, overlapped, and the progress says why it is not warm', async () => {
      const first = await cli(shape, 'restart', '--', '-d', 'db', '--log-level=info');
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /cold: this command cannot start warm: the interpreter has options of its own \(-X\)/);
      const second = await cli(shape, '--json', 'restart', '--', '-d', 'db', '--log-level=warn');
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /Started Odoo \(PID \d+\) beside PID \d+ cold: this command cannot start warm: the interpreter has options of its own \(-X\)/);
      const outcome = JSON.parse(second.stdout) as { pid: number; warm?: boolean; overlapped?: boolean };
      assert.equal(outcome.warm, undefined);
      assert.equal(outcome.overlapped, true);
      assert.deepEqual((await onlyMaster(shape, script.program)).argv, [...script.program, '-d', 'db', '--log-level=warn', ...DB_ARGS]);
      assert.equal((await processAnswer(shape)).warm, false);
    });
  });
});
