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

/**
 * Starts a warm process for ENTRY as the agent does (a holder file for its port), waits until
 * it listens, then hands it ARGV/ARGS (with a listening socket as the holder's when HELD) and
 * prints its answer and its PID. With `entries`, prints warm_entry of each instead.
 */
const DRIVER = `
import json, os, socket, subprocess, sys, time
WARM = sys.argv[1]
spec = json.loads(sys.argv[2])
sys.path.insert(0, os.path.dirname(WARM))
import warm
if spec.get('entries') is not None:
    print(json.dumps([warm.warm_entry(argv) for argv in spec['entries']]))
    sys.exit(0)
port = spec['port']
os.makedirs('/tmp/odoo-dev', exist_ok=True)
open(warm.HOLDER % port, 'w').close()
env = spec['env']
held = None
if spec.get('held'):
    # The holder's socket: it goes to the warm process with the request, as the agent sends it.
    held = socket.socket()
    held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    held.bind(('127.0.0.1', port))
    held.listen(64)
    held.setblocking(False)
log = open(os.path.join(spec['cwd'], 'server.log'), 'ab')
kind, target = spec['entry']
process = subprocess.Popen([sys.executable, WARM, str(port), '%s=%s' % (kind, target), 'c0ffee', ' ' * 4096],
                           env=env, cwd=spec['cwd'], stdout=log, stderr=log, start_new_session=True)
deadline = time.time() + 30
while True:
    if process.poll() is not None:
        print(json.dumps({'answer': 'exited %d' % process.returncode, 'warm': process.pid}))
        sys.exit(0)
    with open('/proc/net/unix') as f:
        if '@odoo-dev-warm-%d' % port in f.read():
            break
    if time.time() > deadline:
        sys.exit('the warm process never listened')
    time.sleep(0.02)
if spec.get('touch'):
    name, old, new = spec['touch']
    with open(name) as f:
        text = f.read()
    with open(name, 'w') as f:
        f.write(text.replace(old, new))
if spec.get('noRequest'):
    print(json.dumps({'answer': 'waiting', 'warm': process.pid}))
    sys.exit(0)
conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
conn.connect('\\0odoo-dev-warm-%d' % port)
request = {'digest': spec.get('digest', 'c0ffee'), 'argv': spec.get('argv', []), 'args': spec.get('args', [])}
line = (json.dumps(request) + '\\n').encode()
if held is None:
    conn.sendall(line)
else:
    import array
    conn.sendmsg([line], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [held.fileno()]))])
answer = b''
while b'\\n' not in answer:
    chunk = conn.recv(4096)
    if not chunk:
        break
    answer += chunk
print(json.dumps({'answer': answer.decode().strip(), 'warm': process.pid}))
`;

interface Driven {
  readonly answer: string;
  /** The warm process; with `started PID`, PID is the server it forked. */
  readonly warm: number;
}

function drive<T = Driven>(spec: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile('python3', ['-B', '-c', DRIVER, WARM, JSON.stringify(spec)], { timeout: 60000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the warm driver failed: ${stderr}`, { cause: error }));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}

function startedPid(driven: Driven): number {
  const match = /^started (\d+)$/.exec(driven.answer);
  assert.ok(match, `expected the warm process to start the server, got: ${driven.answer}`);
  return Number(match[1]);
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function untilGone(pid: number): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!gone(pid)) {
    assert.ok(Date.now() < deadline, `process ${pid} did not end`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
    // The holder files the driver made (plain files; a real holder's are sockets).
    for (const name of fs.existsSync('/tmp/odoo-dev') ? fs.readdirSync('/tmp/odoo-dev') : []) {
      const file = path.join('/tmp/odoo-dev', name);
      if (/^holder-\d+\.sock$/.test(name) && fs.statSync(file).isFile()) {
        fs.rmSync(file);
      }
    }
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
    it(`a warm process (${shape}) forks the server with its args, which serves without paying the imports again and shows its own command line`, async () => {
      const port = await freePort();
      const script = path.join(dir, 'bin', 'odoo');
      const entry = shape === 'script' ? ['path', script] : ['module', 'odoo'];
      const args = ['-p', String(port), '--http-interface', '127.0.0.1'];
      const argv = shape === 'script' ? ['python3', script, ...args] : ['python3', '-m', 'odoo', ...args];
      const driven = await drive({ port, entry, env: env({ STANDIN_IMPORT_DELAY: '0.3' }), cwd: dir, argv, args });
      const pid = startedPid(driven);
      pids.push(pid, driven.warm);
      const answer = (await served(port, '/standin/process')) as { pid: number; warm: boolean };
      assert.deepEqual({ pid: answer.pid, warm: answer.warm }, { pid, warm: true });
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').split('\0');
      assert.deepEqual(cmdline, argv);
      // The warm process stays as the server's parent, and goes with it.
      process.kill(pid, 'SIGTERM');
      await untilGone(driven.warm);
    });
  }

  it('the server it forked serves on the held socket, and its HUP re-execs the same server cold, same PID', async () => {
    const port = await freePort();
    const script = path.join(dir, 'bin', 'odoo');
    const args = ['--http-interface', '127.0.0.1', '--dev=xml'];
    const driven = await drive({ port, entry: ['path', script], env: env(), cwd: dir, held: true, argv: ['python3', script, ...args], args });
    const pid = startedPid(driven);
    pids.push(pid, driven.warm);
    const before = (await served(port, '/standin/process')) as { pid: number; warm: boolean; generation: string };
    assert.deepEqual({ pid: before.pid, warm: before.warm }, { pid, warm: true });
    const log = () => fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
    assert.match(log(), /HTTP service \(werkzeug\) running through socket activation/);
    process.kill(pid, 'SIGHUP');
    const deadline = Date.now() + 30000;
    let after = before;
    while (after.generation === before.generation) {
      assert.ok(Date.now() < deadline, `no new generation after HUP:\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = (await served(port, '/standin/process').catch(() => before)) as typeof before;
    }
    assert.deepEqual({ pid: after.pid, warm: after.warm }, { pid, warm: false });
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    assert.deepEqual(cmdline.slice(1), [script, ...args]);
  });

  it('says stale when a file it imported changed, and exits: the cold start runs the changed code', async () => {
    const port = await freePort();
    const server = path.join(dir, 'odoo', 'service', 'server.py');
    const args = ['-p', String(port), '--http-interface', '127.0.0.1'];
    const driven = await drive({ port, entry: ['path', path.join(dir, 'bin', 'odoo')], env: env(), cwd: dir, args, touch: [server, "{'hello': SERIES,", "{'hello': 'changed',"] });
    assert.equal(driven.answer, `stale ${server}`);
    await untilGone(driven.warm);
    const cold = execFile('python3', [path.join(dir, 'bin', 'odoo'), ...args], { env: env() });
    pids.push(cold.pid ?? 0);
    assert.deepEqual(await served(port, '/standin/hello'), { hello: 'changed', pid: cold.pid });
  });

  it('says mismatch to a launch it was not made for, and exits', async () => {
    const port = await freePort();
    const driven = await drive({ port, entry: ['path', path.join(dir, 'bin', 'odoo')], env: env(), cwd: dir, digest: 'another', args: [] });
    assert.equal(driven.answer, 'mismatch');
    await untilGone(driven.warm);
  });

  it('exits once the holder of its port is gone, so that nothing keeps the port', async () => {
    const port = await freePort();
    const driven = await drive({ port, entry: ['path', path.join(dir, 'bin', 'odoo')], env: env(), cwd: dir, noRequest: true });
    assert.equal(driven.answer, 'waiting');
    pids.push(driven.warm);
    fs.rmSync(`/tmp/odoo-dev/holder-${port}.sock`);
    await untilGone(driven.warm);
  });

  it('is not warmable where odoo cannot be imported: it exits with 2', async () => {
    const port = await freePort();
    const driven = await drive({ port, entry: ['path', path.join(dir, 'bin', 'odoo')], env: env({ PYTHONPATH: path.join(dir, 'options') }), cwd: dir, args: [] });
    assert.equal(driven.answer, 'exited 2');
  });
});
