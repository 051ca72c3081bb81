/**
 * Helpers for integration tests against the real Docker test bed and the Odoo stand-in
 * (see test/fixtures/README.md). Run `bash test/setup/docker-bed.sh` first: it starts
 * dockerd and builds the image `odoo-dev-test/standin:latest`.
 *
 * Every container made here carries the label `odoo-dev-test=RUN` (RUN is `ODOO_DEV_TEST_RUN`,
 * default `1`), so that `removeTestContainers()` finds this run's containers, leaves those of a
 * run beside it alone, and test/setup/docker-bed-stop.sh finds them all.
 */
import * as assert from 'node:assert/strict';
import Dockerode from 'dockerode';
import { randomBytes } from 'crypto';

export const STANDIN_IMAGE = process.env.ODOO_DEV_STANDIN_IMAGE ?? 'odoo-dev-test/standin:latest';
export const TEST_LABEL = 'odoo-dev-test';
/** This run's value of TEST_LABEL: runs side by side set ODOO_DEV_TEST_RUN to keep apart. */
export const TEST_RUN = process.env.ODOO_DEV_TEST_RUN ?? '1';
/** What the official entrypoint appends to Odoo's arguments with its default environment. */
export const DB_ARGS = ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo'];
/** The Dev Containers keeper: PID 1 that idles and exits 0 on TERM. */
export const KEEPER_ENTRYPOINT = [
  '/bin/sh',
  '-c',
  'echo Container started; trap "exit 0" 15; exec "$@"; while sleep 1 & wait $!; do :; done',
  '-',
];

let client: Dockerode | undefined;

/** The Docker client of the test bed (socket /var/run/docker.sock). */
export function testDocker(): Dockerode {
  client ??= new Dockerode({ socketPath: '/var/run/docker.sock' });
  return client;
}

/**
 * - `official`: the image's entrypoint execs the stand-in as PID 1 (user odoo) with
 *   `odooArgs` followed by the database options (DB_ARGS).
 * - `keeper`: the Dev Containers keeper is PID 1 (user odoo); no Odoo runs.
 * - `keeper-exec`: the keeper is PID 1 as root; Odoo runs from a detached `docker exec` as
 *   user odoo in /var/lib/odoo with `odooArgs` + DB_ARGS and PGPASSWORD=odoo. Its output
 *   does not reach `docker logs`.
 * - `prefork`: `official` with `--workers 2 --max-cron-threads 0` before `odooArgs`.
 */
export type Shape = 'official' | 'keeper' | 'keeper-exec' | 'prefork';

export interface StartOptions {
  /** Container environment, e.g. STANDIN_SERIES or the STANDIN_* delays. */
  env?: Record<string, string>;
  /** Replaces the container's Cmd (for `keeper`, the command the keeper execs). */
  cmd?: string[];
  /** For `keeper`: its entrypoint instead of the Dev Containers wrapper (another keeper, say). */
  entrypoint?: string[];
  /** Sets STANDIN_SERIES (default: the stand-in's default, 17.0). */
  series?: string;
  /** Odoo's arguments (before the database options). */
  odooArgs?: string[];
  name?: string;
  network?: 'none' | 'host';
  /**
   * Without the test label, so that removeTestContainers() of a suite running at the same time
   * leaves it alone; the test removes it itself.
   */
  unlabelled?: boolean;
  /** Bind mounts, `HOST:CONTAINER[:ro]`. */
  binds?: string[];
  /** Docker's `--init`: tini (docker-init) as PID 1, the container's command its only child. */
  init?: boolean;
  /** Wait until Odoo answers HTTP (default true, except for `keeper`). */
  wait?: boolean;
  /** The engine to create it in (default: the test bed's Docker, `testDocker()`). */
  docker?: Dockerode;
}

export interface ShapeContainer {
  id: string;
  name: string;
  container: Dockerode.Container;
  /** Removes the container (forced, with its volumes); ignores one already gone. */
  remove(): Promise<void>;
}

/** Creates and starts a container of the stand-in image in the given shape. */
export async function startShape(shape: Shape, options: StartOptions = {}): Promise<ShapeContainer> {
  const docker = options.docker ?? testDocker();
  const odooArgs = options.odooArgs ?? [];
  const name = options.name ?? `odoo-dev-test-${shape}-${randomBytes(4).toString('hex')}`;
  const env = { ...(options.series ? { STANDIN_SERIES: options.series } : {}), ...options.env };
  const create: Dockerode.ContainerCreateOptions = {
    name,
    Image: STANDIN_IMAGE,
    Labels: options.unlabelled ? {} : { [TEST_LABEL]: TEST_RUN },
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    HostConfig: { NetworkMode: options.network ?? 'none', ...(options.init ? { Init: true } : {}), ...(options.binds ? { Binds: options.binds } : {}) },
  };
  switch (shape) {
    case 'official':
      create.Cmd = options.cmd ?? ['odoo', ...odooArgs];
      break;
    case 'prefork':
      create.Cmd = options.cmd ?? ['odoo', '--workers', '2', '--max-cron-threads', '0', ...odooArgs];
      break;
    case 'keeper':
    case 'keeper-exec':
      create.Entrypoint = options.entrypoint ?? KEEPER_ENTRYPOINT;
      create.Cmd = options.cmd ?? [];
      if (shape === 'keeper-exec') create.User = 'root';
      break;
  }
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer(create);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new Error(`image ${STANDIN_IMAGE} is missing: run bash test/setup/docker-bed.sh`, { cause: error });
    }
    throw error;
  }
  const shaped: ShapeContainer = {
    id: container.id,
    name,
    container,
    remove: () => removeContainer(container),
  };
  try {
    await container.start();
    if (shape === 'keeper-exec') {
      const exec = await container.exec({
        Cmd: ['odoo', ...odooArgs, ...DB_ARGS],
        User: 'odoo',
        WorkingDir: '/var/lib/odoo',
        Env: ['PGPASSWORD=odoo'],
        AttachStdout: false,
        AttachStderr: false,
      });
      // The API answers a detached start at once, but dockerode hands back the response
      // as a stream whose socket stays open until destroyed.
      const response = await exec.start({ Detach: true });
      response.destroy();
    }
    if (options.wait ?? shape !== 'keeper') {
      const port = httpPortOf(odooArgs);
      await waitFor(`Odoo in ${name} to answer on port ${port}`, async () => {
        const state = (await container.inspect()).State;
        if (!state.Running) {
          throw new Error(`container ${name} exited with ${state.ExitCode} before Odoo answered`);
        }
        return (await isAnswering(container, port)) ? true : undefined;
      });
    }
  } catch (error) {
    const logs = await logsOf(container).catch(() => '');
    await removeContainer(container);
    throw new Error(`${(error as Error).message}\n--- docker logs ${name} ---\n${logs.slice(-3000)}`, { cause: error });
  }
  return shaped;
}

/** The HTTP port given in Odoo arguments (-p, --http-port, 14's --xmlrpc-port), else 8069. */
export function httpPortOf(odooArgs: string[]): number {
  let port = 8069;
  odooArgs.forEach((arg, i) => {
    const next = odooArgs[i + 1];
    if ((arg === '-p' || arg === '--http-port' || arg === '--xmlrpc-port') && next) port = Number(next);
    else if (/^--(http|xmlrpc)-port=/.test(arg)) port = Number(arg.split('=')[1]);
    else if (/^-p\d+$/.test(arg)) port = Number(arg.slice(2));
  });
  return port;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the container and waits for it: demultiplexed output and exit code. */
export async function execIn(
  container: Dockerode.Container,
  cmd: readonly string[],
  opts: { user?: string; env?: string[]; workingDir?: string } = {},
): Promise<ExecResult> {
  const exec = await container.exec({
    Cmd: [...cmd],
    AttachStdout: true,
    AttachStderr: true,
    ...(opts.user !== undefined ? { User: opts.user } : {}),
    ...(opts.env ? { Env: opts.env } : {}),
    ...(opts.workingDir ? { WorkingDir: opts.workingDir } : {}),
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        // The hijacked connection is half-open after the server's end: close our side too,
        // or it keeps the process alive for minutes.
        stream.destroy();
        resolve(Buffer.concat(chunks));
      }
    };
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', reject);
  });
  const { stdout, stderr } = demux(raw);
  // Right after the streams end the exit code can still be unset for a moment; ask often, so
  // that the bench can time execs with this too.
  let info = await exec.inspect();
  for (const deadline = Date.now() + 5000; info.Running && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    info = await exec.inspect();
  }
  if (info.Running) {
    throw new Error(`timed out waiting for the exit code of ${cmd.join(' ')}`);
  }
  return { exitCode: info.ExitCode ?? -1, stdout, stderr };
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Real uid and gid. */
  uid: number;
  gid: number;
  /** Exact argv; bytes that are not UTF-8 come as lone surrogates (Python's surrogateescape). */
  argv: string[];
  /** One-letter state from /proc/PID/stat: R, S, Z (zombie), ... */
  state: string;
  /** Present when readable: an exec runs as each process's uid:gid to read them. */
  cwd?: string;
  env?: Record<string, string>;
}

const PROCESSES_PY = `
import json, os
me = os.getpid()
out = []
def text(b):
    return b.decode('utf-8', 'surrogateescape')
for name in os.listdir('/proc'):
    if not name.isdigit() or int(name) == me:
        continue
    pid = int(name)
    try:
        with open('/proc/%d/status' % pid) as f:
            status = dict(l.split(':', 1) for l in f.read().splitlines() if ':' in l)
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmdline = f.read()
    except OSError:
        continue
    # As the agent reads it: a server our warm process forked leaves NULs after its argv.
    cmdline = cmdline.rstrip(b'\\0')
    p = {'pid': pid, 'ppid': int(status['PPid']), 'uid': int(status['Uid'].split()[0]),
         'gid': int(status['Gid'].split()[0]), 'state': status['State'].split()[0],
         'argv': [text(a) for a in cmdline.split(b'\\0')] if cmdline else []}
    try:
        p['cwd'] = text(os.readlink(('/proc/%d/cwd' % pid).encode()))
    except OSError:
        pass
    try:
        with open('/proc/%d/environ' % pid, 'rb') as f:
            env = f.read()
        p['env'] = dict(text(e).split('=', 1) for e in env.split(b'\\0') if b'=' in e)
    except OSError:
        pass
    out.append(p)
print(json.dumps(out))
`;

/**
 * The processes of the container, read from /proc with python3. Root in an exec may not read
 * another user's environ or cwd (no CAP_SYS_PTRACE), so one exec runs as root and one more
 * as each other uid:gid found, which fills in env and cwd for that user's processes.
 */
export async function processesIn(container: Dockerode.Container): Promise<ProcessInfo[]> {
  const read = async (user: string): Promise<ProcessInfo[]> => {
    const result = await execIn(container, ['python3', '-c', PROCESSES_PY], { user });
    if (result.exitCode !== 0) throw new Error(`reading /proc as ${user} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as ProcessInfo[];
  };
  const all = await read('0:0');
  const groups = new Map<string, Set<number>>();
  for (const p of all) {
    if (p.env !== undefined) continue;
    const key = `${p.uid}:${p.gid}`;
    groups.set(key, (groups.get(key) ?? new Set()).add(p.pid));
  }
  const byPid = new Map(all.map((p) => [p.pid, p]));
  await Promise.all(
    [...groups.entries()].map(async ([user, pids]) => {
      for (const seen of await read(user)) {
        const p = byPid.get(seen.pid);
        // Same pid and argv: the same process (not a pid reused in between).
        if (p && pids.has(seen.pid) && sameArgv(p.argv, seen.argv)) {
          if (seen.env !== undefined) p.env = seen.env;
          if (seen.cwd !== undefined) p.cwd = seen.cwd;
        }
      }
    }),
  );
  return all;
}

/** Odoo server masters: stand-in processes (not gevent, not zombies) whose parent is not one. */
export async function odooMasters(container: Dockerode.Container): Promise<ProcessInfo[]> {
  // `odoo --help` and `--version` print and exit (the extension reads them beside a server).
  const odoo = (await processesIn(container)).filter((p) => p.argv.includes('/usr/bin/odoo') && p.state !== 'Z'
    && !p.argv.some((arg) => arg === '--help' || arg === '--version'));
  const pids = new Set(odoo.map((p) => p.pid));
  return odoo.filter((p) => !pids.has(p.ppid) && !p.argv.includes('gevent'));
}

/** The one Odoo server master; fails the test when there is none or more than one. */
export async function onlyOdooMaster(container: Dockerode.Container): Promise<ProcessInfo> {
  const found = await odooMasters(container);
  assert.equal(found.length, 1, `expected one Odoo master, found ${JSON.stringify(found.map((p) => p.argv))}`);
  return found[0]!;
}

/** When the container started; fails the test when it no longer runs. */
export async function containerStartedAt(container: Dockerode.Container): Promise<string> {
  const info = await container.inspect();
  assert.equal(info.State.Running, true, 'the container must still run');
  return info.State.StartedAt;
}

/** The HTTP status of Odoo's /web/health, asked from inside the container (0: no answer). */
export async function healthIn(container: Dockerode.Container): Promise<number> {
  const probe = "import urllib.request as u\ntry:\n print(u.urlopen('http://127.0.0.1:8069/web/health', timeout=2).status)\nexcept Exception as e:\n print(getattr(e, 'code', 0))";
  return Number((await execIn(container, ['python3', '-c', probe])).stdout.trim());
}

function sameArgv(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Polls `probe` (every 50 ms) until it returns a value; errors thrown by the probe propagate. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the container to stop and returns its exit code. */
export async function waitForExit(container: Dockerode.Container, timeoutMs = 10000): Promise<number> {
  return waitFor(
    `container ${container.id.slice(0, 12)} to exit`,
    async () => {
      const state = (await container.inspect()).State;
      return state.Running || state.Restarting ? undefined : state.ExitCode;
    },
    timeoutMs,
  );
}

export interface HttpResult {
  status: number;
  body: string;
}

const HTTP_PY = `
import http.client, json, sys
method, port, path, body = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
try:
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
    c.request(method, path, body=body.encode() if body else None,
              headers={'Content-Type': 'application/json'} if body else {})
    r = c.getresponse()
    print(json.dumps({'status': r.status, 'body': r.read().decode('utf-8', 'replace')}))
except OSError as e:
    print(json.dumps({'status': 0, 'body': str(e)}))
`;

/**
 * One HTTP request from inside the container to 127.0.0.1:port (works with network
 * none and host). Status 0 when nothing answers.
 */
export async function httpIn(
  container: Dockerode.Container,
  method: 'GET' | 'POST',
  path: string,
  opts: { port?: number; body?: unknown } = {},
): Promise<HttpResult> {
  const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const result = await execIn(container, ['python3', '-c', HTTP_PY, method, String(opts.port ?? 8069), path, body], {
    user: '0:0',
  });
  if (result.exitCode !== 0) throw new Error(`HTTP probe failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as HttpResult;
}

/** The JSON-RPC body of Odoo's version_info call (every series). */
export const VERSION_INFO_REQUEST = { jsonrpc: '2.0', method: 'call', params: {} };

/** True when Odoo answers: /web/health 200, or (14) version_info 200. */
export async function isAnswering(container: Dockerode.Container, port = 8069): Promise<boolean> {
  const health = await httpIn(container, 'GET', '/web/health', { port });
  if (health.status === 200) return true;
  if (health.status !== 404) return false;
  const info = await httpIn(container, 'POST', '/web/webclient/version_info', { port, body: VERSION_INFO_REQUEST });
  return info.status === 200;
}

/** Removes this run's containers (label odoo-dev-test=RUN) from the test bed's Docker unless told. */
export async function removeTestContainers(docker: Dockerode = testDocker()): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${TEST_RUN}`] } });
  await Promise.all(list.map((c) => removeContainer(docker.getContainer(c.Id))));
}

/** `docker logs`: stdout and stderr, demultiplexed, in the order written. */
export async function logsOf(container: Dockerode.Container): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return demux(raw).both;
}

async function removeContainer(container: Dockerode.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 404: already gone; 409: removal already in progress.
    if (status !== 404 && status !== 409) throw error;
  }
}

/** Splits Docker's multiplexed stream (8-byte frame headers: stream, 0, 0, 0, size). */
function demux(raw: Buffer): { stdout: string; stderr: string; both: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const both: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const kind = raw[offset];
    const size = raw.readUInt32BE(offset + 4);
    const frame = raw.subarray(offset + 8, offset + 8 + size);
    (kind === 2 ? err : out).push(frame);
    both.push(frame);
    offset += 8 + size;
  }
  const text = (parts: Buffer[]) => Buffer.concat(parts).toString('utf8');
  return { stdout: text(out), stderr: text(err), both: text(both) };
}
