/**
 * The warm generation (src/agent/warm.py) on the Odoo stand-in as a local process: which
 * command lines can be warmed, a warm process that takes its args and serves without paying
 * the imports again, one whose imported file changed (stale: the cold start runs the changed
 * code), and one that cannot import odoo (not warmable).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, request } from '../support/standin-local';

const WARM = path.resolve(__dirname, '../../src/agent/warm.py');
const FIXTURE = path.resolve(__dirname, '../fixtures/standin');

/** Starts a warm process for ENTRY, gives it ARGS, and prints the outcome and its pid. */
const DRIVER = `
import json, os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import warm
spec = json.loads(sys.argv[2])
if spec.get('entries') is not None:
    print(json.dumps([warm.warm_entry(argv) for argv in spec['entries']]))
    sys.exit(0)
pass_fds = ()
if spec.get('held'):
    # The holder's socket, as fd 3, announced by socket activation for the holder's own pid.
    import socket
    held = socket.socket()
    held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    held.bind(('127.0.0.1', spec['held']))
    held.listen(64)
    os.dup2(held.fileno(), 3)
    pass_fds = (3,)
    spec['env'].update(LISTEN_FDS='1', LISTEN_PID=str(os.getpid()))
log = os.open(os.path.join(spec['cwd'], 'server.log'), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
process = warm.WarmProcess.start(sys.executable, spec['entry'], env=spec['env'], cwd=spec['cwd'], output=log, pass_fds=pass_fds)
if spec.get('touch'):
    assert process.read_line(30) == 'ready'
    process.reply = b'ready\\n' + process.reply
    with open(spec['touch'][0]) as handle:
        text = handle.read()
    with open(spec['touch'][0], 'w') as handle:
        handle.write(text.replace(spec['touch'][1], spec['touch'][2]))
print(json.dumps({'outcome': warm.take_warm(process, spec['args']), 'pid': process.process.pid}))
`;

function drive(spec: unknown): Promise<{ outcome: string; pid: number } & unknown[]> {
  return new Promise((resolve, reject) => {
    execFile('python3', ['-B', '-c', DRIVER, WARM, JSON.stringify(spec)], { timeout: 60000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the warm driver failed: ${stderr}`, { cause: error }));
      else resolve(JSON.parse(stdout));
    });
  });
}

describe('warm generation (local stand-in)', function () {
  this.timeout(90000);
  let dir: string;
  const pids: number[] = [];

  beforeEach(() => {
    // A copy of the stand-in's files, so that a test may change its odoo package.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-dev-warm-'));
    for (const name of ['odoo', 'bin', 'options', 'standin_tests.py']) {
      fs.cpSync(path.join(FIXTURE, name), path.join(dir, name), { recursive: true, filter: (from) => path.basename(from) !== '__pycache__' });
    }
    fs.writeFileSync(path.join(dir, 'odoo.conf'), `[options]\naddons_path = ${path.join(FIXTURE, 'addons')}\ndata_dir = ${path.join(dir, 'data')}\n`);
  });
  afterEach(() => {
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', ODOO_RC: path.join(dir, 'odoo.conf'), PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1', STANDIN_BOOT_DELAY: '0', STANDIN_REGISTRY_DELAY: '0', ...extra };
  }

  async function served(port: number, route: string): Promise<unknown> {
    const deadline = Date.now() + 30000;
    for (;;) {
      try {
        const answer = await request(port, 'GET', route);
        return JSON.parse(answer.body);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  it('warms the script shapes of Odoo and starts the others cold', async () => {
    const entries = [
      ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db'],
      ['python3', './odoo-bin', '--dev=xml'],
      ['/opt/venv/bin/python', '/opt/venv/bin/odoo', 'server', '-p', '8069'],
      ['python3', '-m', 'odoo', '-d', 'db'],
      ['python3', '-m', 'debugpy', '--listen', '127.0.0.1:5678', '/usr/bin/odoo'],
      ['python3', '-X', 'dev', '/usr/bin/odoo'],
      ['python3', '/usr/bin/odoo', 'shell', '-d', 'db'],
      ['python3', '/usr/bin/odoo', 'gevent', '--workers', '2'],
      ['/usr/bin/odoo', '-d', 'db'],
      ['python3'],
    ];
    assert.deepEqual(await drive({ entries }), [
      ['path', '/usr/bin/odoo', ['-d', 'db']],
      ['path', './odoo-bin', ['--dev=xml']],
      ['path', '/opt/venv/bin/odoo', ['server', '-p', '8069']],
      ['module', 'odoo', ['-d', 'db']],
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  for (const shape of ['script', 'python -m odoo'] as const) {
    it(`a warm process (${shape}) takes its args and serves without paying the imports again`, async () => {
      const port = await freePort();
      const entry = shape === 'script' ? ['path', path.join(dir, 'bin', 'odoo'), []] : ['module', 'odoo', []];
      const result = await drive({ entry, env: env({ STANDIN_IMPORT_DELAY: '0.3' }), cwd: dir, args: ['-p', String(port), '--http-interface', '127.0.0.1'] });
      pids.push(result.pid);
      assert.equal(result.outcome, 'started');
      const answer = (await served(port, '/standin/process')) as { pid: number; warm: boolean };
      assert.deepEqual({ pid: answer.pid, warm: answer.warm }, { pid: result.pid, warm: true });
    });
  }

  it('a warm process serves on the held socket, and its HUP re-execs the same server cold, same PID', async () => {
    const port = await freePort();
    const result = await drive({ entry: ['path', path.join(dir, 'bin', 'odoo'), []], env: env(), cwd: dir, held: port, args: ['--http-interface', '127.0.0.1', '--dev=xml'] });
    pids.push(result.pid);
    assert.equal(result.outcome, 'started');
    const before = (await served(port, '/standin/process')) as { pid: number; warm: boolean; generation: string };
    assert.deepEqual({ pid: before.pid, warm: before.warm }, { pid: result.pid, warm: true });
    const log = () => fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
    assert.match(log(), /HTTP service \(werkzeug\) running through socket activation/);
    process.kill(result.pid, 'SIGHUP');
    const deadline = Date.now() + 30000;
    let after = before;
    while (after.generation === before.generation) {
      assert.ok(Date.now() < deadline, `no new generation after HUP:\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = (await served(port, '/standin/process').catch(() => before)) as typeof before;
    }
    assert.deepEqual({ pid: after.pid, warm: after.warm }, { pid: result.pid, warm: false });
    const cmdline = fs.readFileSync(`/proc/${result.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    assert.deepEqual(cmdline.slice(1), [path.join(dir, 'bin', 'odoo'), '--http-interface', '127.0.0.1', '--dev=xml']);
  });

  it('says stale when a file it imported changed, and the cold start runs the changed code', async () => {
    const port = await freePort();
    const server = path.join(dir, 'odoo', 'service', 'server.py');
    const args = ['-p', String(port), '--http-interface', '127.0.0.1'];
    const result = await drive({ entry: ['path', path.join(dir, 'bin', 'odoo'), []], env: env(), cwd: dir, args, touch: [server, "{'hello': SERIES,", "{'hello': 'changed',"] });
    assert.equal(result.outcome, 'stale');
    assert.throws(() => process.kill(result.pid, 0), /ESRCH/);
    const cold = execFile('python3', [path.join(dir, 'bin', 'odoo'), ...args], { env: env() });
    pids.push(cold.pid ?? 0);
    assert.deepEqual(await served(port, '/standin/hello'), { hello: 'changed', pid: cold.pid });
  });

  it('is not warmable where odoo cannot be imported', async () => {
    const result = await drive({ entry: ['path', path.join(dir, 'bin', 'odoo'), []], env: env({ PYTHONPATH: path.join(dir, 'options') }), cwd: dir, args: [] });
    assert.equal(result.outcome, 'not-warmable');
  });
});
