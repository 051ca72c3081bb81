/**
 * The Odoo stand-in (test/fixtures/standin) in local containers, in the shapes of
 * test/fixtures/README.md, without Docker. What the stand-in image holds (its config, an addons
 * folder with a module, a home for Odoo's user, `odoo` on the PATH) is laid out under the
 * container's private /tmp, in /tmp/standin.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalContainer, PYTHON, type LocalProcess } from './local-container';
import { waitFor } from './wait-for';

export const STANDIN = path.resolve(__dirname, '../fixtures/standin/bin/odoo');
const FIXTURE = path.resolve(__dirname, '../fixtures/standin');
/** What the official entrypoint appends to Odoo's arguments with its default environment. */
export const DB_ARGS = ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo'];
/** The Dev Containers keeper: PID 1 that idles and exits 0 on TERM. */
export const KEEPER = ['/bin/sh', '-c', 'echo Container started; trap "exit 0" 15; exec "$@"; while sleep 1 & wait $!; do :; done', '-'];
/**
 * Odoo's user: like the image's `odoo` (101), but a uid with no passwd entry on the host, so
 * the agent must cope with a bare number as the container does with a user the image lacks.
 */
export const ODOO_UID = 10101;
export const IMAGE = '/tmp/standin';
/** Odoo's home and the working directory of a server started by an exec (the image's /var/lib/odoo). */
export const HOME = `${IMAGE}/home`;
/** The stand-in's script as the container sees it: a copy in its image folder. */
export const STANDIN_IN_IMAGE = `${IMAGE}/bin/odoo`;

/**
 * - `official`: the stand-in is PID 1 as Odoo's user, `python3 <standin> <odooArgs> <DB_ARGS>`.
 * - `prefork`: `official` with `--workers 2 --max-cron-threads 0` first.
 * - `keeper`: the Dev Containers keeper is PID 1 as Odoo's user; no Odoo runs.
 * - `keeper-exec`: the keeper is PID 1 as root; Odoo runs from a detached exec as Odoo's user
 *   in HOME with `odooArgs` + DB_ARGS and PGPASSWORD=odoo; its output is not in the log.
 */
export type LocalShape = 'official' | 'prefork' | 'keeper' | 'keeper-exec';

export interface LocalShapeOptions {
  readonly series?: string;
  /** Added to the container's environment: the STANDIN_* knobs and anything else. */
  readonly env?: Readonly<Record<string, string>>;
  readonly odooArgs?: readonly string[];
  /** Wait until Odoo is ready: HTTP, and with `-d` its registry (default: unless `keeper`). */
  readonly wait?: boolean;
  /** The image id the container's facts report (default none). */
  readonly imageId?: string;
}

/** Short phases keep the suite fast; a test that needs longer ones sets them. */
const quickPhases = { STANDIN_BOOT_DELAY: '0.05', STANDIN_REGISTRY_DELAY: '0.05', STANDIN_STOP_DELAY: '0.05', STANDIN_EXIT_DELAY: '0.05' };

/** Creates and starts a local container of the stand-in in the given shape. */
export async function startLocalShape(shape: LocalShape, options: LocalShapeOptions = {}): Promise<LocalContainer> {
  const odooArgs = options.odooArgs ?? [];
  const env = {
    PATH: `${IMAGE}/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME,
    LANG: 'C.UTF-8',
    ODOO_RC: `${IMAGE}/odoo.conf`,
    PYTHONPATH: `${IMAGE}/lib`,
    ...quickPhases,
    ...(options.series ? { STANDIN_SERIES: options.series } : {}),
    ...options.env,
  };
  const asRoot = shape === 'keeper-exec';
  const command = {
    official: [PYTHON, STANDIN_IN_IMAGE, ...odooArgs, ...DB_ARGS],
    prefork: [PYTHON, STANDIN_IN_IMAGE, '--workers', '2', '--max-cron-threads', '0', ...odooArgs, ...DB_ARGS],
    keeper: KEEPER,
    'keeper-exec': KEEPER,
  }[shape];
  const container = new LocalContainer({
    command,
    env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    uid: asRoot ? 0 : ODOO_UID,
    gid: asRoot ? 0 : ODOO_UID,
    image: 'odoo-dev-test/standin (local)',
    labels: { 'odoo-dev-test': '1' },
    ...(options.imageId ? { imageId: options.imageId } : {}),
  });
  try {
    layOutImage(container);
    await container.start();
    if (shape === 'keeper-exec') {
      await container.execDetached(['odoo', ...odooArgs, ...DB_ARGS], { uid: ODOO_UID, cwd: HOME, env: ['PGPASSWORD=odoo'] });
    }
    if (options.wait ?? shape !== 'keeper') {
      await waitUntilReady(container, odooArgs);
    }
  } catch (error) {
    const log = container.logText();
    await container.remove();
    throw new Error(`${(error as Error).message}\n--- log of ${container.name} ---\n${log.slice(-3000)}`, { cause: error });
  }
  return container;
}

/** The stand-in image's files, under the container's /tmp. */
function layOutImage(container: LocalContainer): void {
  const image = container.hostPath(IMAGE);
  fs.mkdirSync(path.join(image, 'bin'), { recursive: true });
  // Copies, not links: the container's /tmp is its own, and hides a checkout that lies under /tmp.
  fs.copyFileSync(STANDIN, path.join(image, 'bin', 'odoo'));
  fs.chmodSync(path.join(image, 'bin', 'odoo'), 0o755);
  // The odoo package where the image's python3 finds it (PYTHONPATH), its option tables and
  // test runner beside it.
  fs.cpSync(path.join(FIXTURE, 'odoo'), path.join(image, 'lib', 'odoo'), { recursive: true, filter: (from) => path.basename(from) !== '__pycache__' });
  fs.cpSync(path.join(FIXTURE, 'options'), path.join(image, 'lib', 'options'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURE, 'standin_tests.py'), path.join(image, 'lib', 'standin_tests.py'));
  fs.cpSync(path.join(FIXTURE, 'addons'), path.join(image, 'addons'), { recursive: true });
  fs.writeFileSync(path.join(image, 'odoo.conf'), `[options]\naddons_path = ${IMAGE}/addons\ndata_dir = ${IMAGE}/data\n`);
  for (const owned of ['home', 'data']) {
    fs.mkdirSync(path.join(image, owned));
    fs.chownSync(path.join(image, owned), ODOO_UID, ODOO_UID);
  }
  fs.chmodSync(image, 0o755);
}

/**
 * Ready as the engine means it: HTTP 200 inside the container, and with `-d` (15 and later) the
 * registry line of the server, when its output reaches the log. A HUP before the registry is
 * loaded would kill the stand-in, as it kills Odoo.
 */
async function waitUntilReady(container: LocalContainer, odooArgs: readonly string[]): Promise<void> {
  const port = httpPortOf(odooArgs);
  await waitFor(`Odoo in ${container.name} to answer on port ${port}`, async () => {
    if (!(await container.facts()).running) {
      throw new Error(`container ${container.name} exited before Odoo answered`);
    }
    return (await httpStatus(container, '/web/health', port)) === 200 || (await httpStatus(container, '/web/webclient/version_info', port, 'POST')) === 200 ? true : undefined;
  });
  const master = odooMasters(container)[0];
  if (odooArgs.includes('-d') && master?.pid === 1) {
    await waitFor('the registry to load', () => (/ 1 INFO \S+ odoo(\.modules)?\.(registry: Registry loaded|loading: Modules loaded)/.test(container.logText()) ? true : undefined));
  }
}

/** The HTTP port in Odoo arguments (-p, --http-port), else 8069. */
function httpPortOf(odooArgs: readonly string[]): number {
  const at = odooArgs.findIndex((arg) => arg === '-p' || arg === '--http-port');
  const inline = odooArgs.find((arg) => arg.startsWith('--http-port='));
  return at >= 0 ? Number(odooArgs[at + 1]) : inline ? Number(inline.split('=')[1]) : 8069;
}

const HTTP_PY = String.raw`
import socket, sys
method, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
body = b'{"jsonrpc": "2.0", "method": "call", "params": {}}' if method == 'POST' else b''
try:
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    s.sendall(('%s %s HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' % (method, path, len(body))).encode() + body)
    answer = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
    print(answer.split(b' ', 2)[1].decode())
except OSError:
    print(0)
`;

/** One HTTP request from inside the container to 127.0.0.1:port; 0 when nothing answers. */
export async function httpStatus(container: LocalContainer, urlPath: string, port = 8069, method: 'GET' | 'POST' = 'GET'): Promise<number> {
  const result = await container.exec([PYTHON, '-c', HTTP_PY, method, String(port), urlPath]);
  if (result.code !== 0) {
    throw new Error(`HTTP probe failed: ${result.stderr}`);
  }
  return Number(result.stdout.trim());
}

/** Whether a process runs the stand-in (its script token, whatever argv[0] is). */
export function isOdoo(process: LocalProcess): boolean {
  return process.argv.slice(0, 2).some((token) => token === STANDIN || token === STANDIN_IN_IMAGE);
}

/** Server masters: stand-in processes (not gevent) whose parent is not one. */
export function odooMasters(container: LocalContainer): LocalProcess[] {
  const odoo = container.processes().filter((p) => isOdoo(p) && p.state !== 'Z');
  const pids = new Set(odoo.map((p) => p.pid));
  return odoo.filter((p) => !pids.has(p.ppid) && !p.argv.includes('gevent'));
}

/** The one server master; fails when there is none or several. */
export function onlyMaster(container: LocalContainer): LocalProcess {
  const found = odooMasters(container);
  if (found.length !== 1) {
    throw new Error(`expected one Odoo master, found ${JSON.stringify(found.map((p) => p.argv))}`);
  }
  return found[0];
}
