/**
 * Runs the Odoo stand-in (test/fixtures/standin/bin/odoo, its odoo package on PYTHONPATH) as a local python3 process, without
 * Docker: on a free loopback port, with its knobs in the environment and a config file of its
 * own. Every process is started in its own process group and killed with it by `killAll()`.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const STANDIN_SCRIPT = path.resolve(__dirname, '../fixtures/standin/bin/odoo');
/** Where the stand-in's odoo package is, as Odoo's is in dist-packages. */
export const STANDIN_PACKAGES = path.resolve(__dirname, '../fixtures/standin');
/** The stand-in's odoo.service.server, which holds its option table. */
export const STANDIN_SERVER_MODULE = path.resolve(__dirname, '../fixtures/standin/odoo/service/server.py');
export const STANDIN_ADDONS = path.resolve(__dirname, '../fixtures/standin/addons');
export const SERIES = ['14.0', '15.0', '16.0', '17.0', '18.0', '19.0'] as const;
export type Series = (typeof SERIES)[number];

/** Fast start-up and stop for tests that do not measure timing. */
export const FAST = {
  STANDIN_BOOT_DELAY: '0',
  STANDIN_REGISTRY_DELAY: '0',
  STANDIN_STOP_DELAY: '0',
  STANDIN_EXIT_DELAY: '0',
};

/** A free TCP port on 127.0.0.1 (free when asked; the stand-in binds it with SO_REUSEADDR). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `Date.now()` when the process ended. */
  at: number;
}

export interface StartOptions {
  /** STANDIN_SERIES; default the stand-in's own (17.0). */
  series?: Series;
  env?: Record<string, string>;
  /** Extra `key = value` lines for the `[options]` section of the config file. */
  config?: string[];
  /**
   * A listening socket on 127.0.0.1:port that the stand-in inherits, as a socket holder hands
   * it over: `activation` as systemd does (fd 3, LISTEN_FDS=1, LISTEN_PID its own PID),
   * `odoo-http-socket-fd` as Odoo 19's prefork reload does (ODOO_HTTP_SOCKET_FD).
   */
  heldSocket?: { port: number; as: 'activation' | 'odoo-http-socket-fd' };
  /** Runs the script in a process that has already imported `odoo`, as a warm process does. */
  warm?: boolean;
}

/**
 * Binds the held socket, then becomes the stand-in with exec (same PID, so LISTEN_PID is
 * its own), or, warm, imports `odoo` first and runs the script as `__main__` in the same
 * interpreter, as a process prepared ahead of its args does.
 */
const LAUNCHER_PY = `
import os, runpy, socket, sys
held, port, warm, script = sys.argv[1], int(sys.argv[2]), sys.argv[3] == 'warm', sys.argv[4]
if held != 'none':
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('127.0.0.1', port))
    sock.listen(64)
    fd = 3 if held == 'activation' else 5
    if sock.fileno() != fd:
        os.dup2(sock.fileno(), fd)
    os.set_inheritable(fd, True)
    if held == 'activation':
        os.environ.update(LISTEN_FDS='1', LISTEN_PID=str(os.getpid()))
    else:
        os.environ['ODOO_HTTP_SOCKET_FD'] = str(fd)
if warm:
    import odoo
    sys.stderr.write('standin launcher: odoo imported, args given\\n')
    sys.stderr.flush()
    sys.argv = [script] + sys.argv[5:]
    runpy.run_path(script, run_name='__main__')
else:
    os.execv(sys.executable, [sys.executable, script] + sys.argv[5:])
`;

/** One running stand-in, its output collected as it comes. */
export class StandinProcess {
  private out = '';
  private err = '';
  private exit: Exit | undefined;
  private readonly exited: Promise<Exit>;
  private readonly listeners = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => this.append('out', chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.append('err', chunk));
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.exit = { code, signal, at: Date.now() };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the stand-in did not start');
    return this.child.pid;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** The exit, once the process has ended (`undefined` while it runs). */
  get ended(): Exit | undefined {
    return this.exit;
  }

  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }

  /** Waits until stderr matches `pattern` (a log line), fails at the deadline or at the exit. */
  async waitForLog(pattern: string | RegExp, timeoutMs = 10000): Promise<void> {
    const matches = () => (typeof pattern === 'string' ? this.err.includes(pattern) : pattern.test(this.err));
    await this.until(`${String(pattern)} in the log`, matches, timeoutMs, true);
  }

  /** Waits for the process to end. */
  async waitForExit(timeoutMs = 10000): Promise<Exit> {
    await this.until('the stand-in to exit', () => this.exit !== undefined, timeoutMs, false);
    return this.exited;
  }

  private append(stream: 'out' | 'err', chunk: Buffer): void {
    if (stream === 'out') this.out += chunk.toString('utf8');
    else this.err += chunk.toString('utf8');
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private until(what: string, done: () => boolean, timeoutMs: number, failOnExit: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) finish();
        else if (failOnExit && this.exit) finish(new Error(`the stand-in exited (${JSON.stringify(this.exit)}) before ${what}\n${this.err}`));
      };
      const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.err}`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.listeners.add(check);
      check();
    });
  }
}

/** Starts stand-ins and cleans up after them: call `killAll()` in `afterEach`, `dispose()` in `after`. */
export class LocalStandins {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-standin-'));
  private readonly started: StandinProcess[] = [];
  private configs = 0;

  /** Writes a config file with the fixture's addons and a private data dir. */
  configFile(lines: string[] = []): string {
    const file = path.join(this.dir, `odoo-${++this.configs}.conf`);
    const body = ['[options]', `addons_path = ${STANDIN_ADDONS}`, `data_dir = ${path.join(this.dir, 'data')}`, ...lines];
    fs.writeFileSync(file, `${body.join('\n')}\n`);
    return file;
  }

  start(args: string[], options: StartOptions = {}): StandinProcess {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: this.dir,
      LANG: 'C.UTF-8',
      ODOO_RC: this.configFile(options.config),
      PYTHONPATH: STANDIN_PACKAGES,
      ...(options.series ? { STANDIN_SERIES: options.series } : {}),
      ...options.env,
    };
    const argv =
      options.heldSocket || options.warm
        ? ['-c', LAUNCHER_PY, options.heldSocket?.as ?? 'none', String(options.heldSocket?.port ?? 0), options.warm ? 'warm' : 'cold', STANDIN_SCRIPT, ...args]
        : [STANDIN_SCRIPT, ...args];
    const child = spawn('python3', argv, { env, cwd: this.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const standin = new StandinProcess(child);
    this.started.push(standin);
    return standin;
  }

  /** Runs a stand-in that ends by itself; kills it at the deadline. */
  async run(args: string[], options: StartOptions = {}, timeoutMs = 10000): Promise<{ exit: Exit; stdout: string; stderr: string }> {
    const standin = this.start(args, options);
    const exit = await standin.waitForExit(timeoutMs);
    return { exit, stdout: standin.stdout, stderr: standin.stderr };
  }

  /** SIGKILL to the process group of every stand-in started here that may still run. */
  killAll(): void {
    for (const standin of this.started.splice(0)) {
      try {
        process.kill(-standin.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    }
  }

  dispose(): void {
    this.killAll();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One HTTP request to the stand-in on 127.0.0.1. */
export function request(port: number, method: string, urlPath: string, body?: unknown, timeoutMs = 5000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, headers: payload ? { 'Content-Type': 'application/json' } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no HTTP answer on port ${port} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Whether a TCP connection to 127.0.0.1:port is accepted (false: refused). */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `probe` until it returns a value; fails at the deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10000, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface TableEntry {
  kind: 'add_option' | 'file_option';
  flags: string[];
  dest: string;
  group: string | null;
  takesValue: 'yes' | 'no' | 'optional';
  action: string;
  type: string | null;
  envVar: string | null;
}

const TABLE_PY = `
import importlib.machinery, importlib.util, json, sys
loader = importlib.machinery.SourceFileLoader('odoo_standin', sys.argv[1])
module = importlib.util.module_from_spec(importlib.util.spec_from_loader('odoo_standin', loader))
loader.exec_module(module)
print(json.dumps(module.describe_option_table()))
`;

/** The stand-in's option table of a series, as the stand-in itself reads it. */
export function standinOptionTable(series: Series): Promise<TableEntry[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      ['-c', TABLE_PY, STANDIN_SERVER_MODULE],
      { env: { PATH: process.env.PATH, STANDIN_SERIES: series }, timeout: 10000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`reading the ${series} option table failed: ${stderr}`, { cause: error }));
        else resolve(JSON.parse(stdout) as TableEntry[]);
      },
    );
  });
}
