/**
 * A container without Docker, for tests of the engine, the watcher and the agent: Linux
 * namespaces made with util-linux `unshare` and entered with `nsenter`, as root.
 *
 * Each container has its own PID namespace (its command is PID 1, and when PID 1 exits the
 * kernel ends every process in it, as in Docker), its own network namespace (so each one has
 * its own 127.0.0.1:8069) and its own mount namespace with a fresh /proc and a private /tmp
 * (the agent keeps its lock and remembered command in /tmp/odoo-dev, which must be this
 * container's). Everything else is the host's file system, so programs run with the host's
 * /usr/bin/python3.
 *
 * PID 1's stdout and stderr are named pipes that this adapter reads: that is the container's
 * log, stamped with the time each line was read, as Docker stamps lines. They are real pipes
 * rather than Node's stdio (which are socket pairs) because the agent reopens PID 1's output
 * through /proc/1/fd/1 to bring a relaunched server's output into the log, and a socket cannot
 * be reopened that way.
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { agentSource } from '../../src/agent/agent-source';
import type { AgentEvent, AgentStep, Snapshot } from '../../src/core/agent-protocol';
import { OdooDevError } from '../../src/core/errors';
import type { ContainerCommandFacts } from '../../src/core/restartable-keeper';
import type {
  AgentOptions,
  AgentSession,
  ContainerEvent,
  ContainerFacts,
  Disposable,
  LogLine,
  OdooContainer,
  TopProcess,
} from '../../src/engine/odoo-container';

/** The host's interpreter, named by path: a shim on the host's PATH may not work in a namespace. */
export const PYTHON = '/usr/bin/python3';
/** The PATH a container gets when its environment has none, as Docker does. */
export const DEFAULT_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

export interface LocalContainerOptions {
  /** PID 1's argv; a program without a slash is looked up on the environment's PATH. */
  readonly command: readonly string[];
  /** `KEY=VALUE` entries, like Docker's Config.Env; PATH is added when missing. */
  readonly env?: readonly string[];
  /** PID 1 runs as uid:gid with no supplementary groups (default root). */
  readonly uid?: number;
  readonly gid?: number;
  /** The configured user that facts() reports (default `uid:gid`, empty for root). */
  readonly user?: string;
  /** PID 1's working directory (default `/`); facts() reports it as given. */
  readonly workingDir?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly name?: string;
  readonly image?: string;
  /** What facts() reports as the image's id; none by default, as an engine without one sees it. */
  readonly imageId?: string;
}

export interface ExecOptions {
  readonly uid?: number;
  readonly gid?: number;
  readonly cwd?: string;
  /** Entries added to the container's environment, replacing those with the same key. */
  readonly env?: readonly string[];
}

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A process of the container as seen inside it (PIDs of its namespace), for assertions. */
export interface LocalProcess {
  readonly pid: number;
  /** 0 when the parent is outside the container (PID 1, a process started by an exec). */
  readonly ppid: number;
  readonly hostPid: number;
  readonly uid: number;
  readonly gid: number;
  readonly state: string;
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly env?: readonly string[];
}

/**
 * Runs inside the new namespaces (as root), then becomes the command: brings the loopback up,
 * mounts the private /tmp, drops to the user, and executes the program. It also serves for
 * execs (without `tmp`). Just before the exec it writes `exec` on fd 3, so the adapter knows
 * the command runs; a program that cannot be found fails before that, with exit code 127.
 */
const ENTER = String.raw`
import ctypes, fcntl, json, os, shutil, socket, struct, sys
spec = json.loads(sys.argv[1])
env = dict(entry.split('=', 1) for entry in spec['env'] if '=' in entry)
if spec.get('tmp'):
    ifreq = '16sH22x'
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack(ifreq, fcntl.ioctl(s, 0x8913, struct.pack(ifreq, b'lo', 0)))[1]
        fcntl.ioctl(s, 0x8914, struct.pack(ifreq, b'lo', flags | 1))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mount(spec['tmp'].encode(), b'/tmp', None, 4096, None) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), '/tmp')
name = spec['argv'][0]
program = name if '/' in name else shutil.which(name, path=env.get('PATH', ''))
if program is None:
    sys.stderr.write('%s: executable file not found in $PATH\n' % name)
    os._exit(127)
os.setgroups([])
os.setgid(spec['gid'])
os.setuid(spec['uid'])
os.chdir(spec['cwd'])
os.write(3, b'exec\n')
os.closerange(3, 65536)
os.execve(program, spec['argv'], env)
`;

const live = new Set<LocalContainer>();

/** Removes every local container still there; for `after` hooks, also when a test failed. */
export async function removeLocalContainers(): Promise<void> {
  await Promise.all([...live].map((container) => container.remove()));
}

// Should the test process end without its after hooks, nothing it started outlives it.
process.on('exit', () => {
  for (const container of live) {
    container.killNow();
  }
});

/** One container made of namespaces; see the file comment. */
export class LocalContainer implements OdooContainer {
  readonly id = randomBytes(32).toString('hex');
  readonly name: string;
  /** The host folder of this container: its log pipes, and `tmp`, which is its /tmp. */
  readonly dir: string;
  private readonly env: readonly string[];
  private state: 'created' | 'running' | 'exited' | 'removed' = 'created';
  private unshare: ChildProcess | undefined;
  private exit: Promise<void> = Promise.resolve();
  private pid1 = 0;
  private pidNamespace = '';
  private readonly lines: LogLine[] = [];
  private openStreams = 0;
  private readonly logWaiters = new Set<() => void>();
  private readonly listeners = new Set<(event: ContainerEvent) => void>();
  /** Agents and execs, so that none outlives the container. */
  private readonly execs = new Set<ChildProcess>();
  private cutAt: AgentEvent['t'] | undefined;

  constructor(private readonly options: LocalContainerOptions) {
    this.name = options.name ?? `odoo-local-${this.id.slice(0, 8)}`;
    const env = options.env ?? [];
    this.env = env.some((entry) => entry.startsWith('PATH=')) ? env : [`PATH=${DEFAULT_PATH}`, ...env];
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-local-'));
    fs.mkdirSync(path.join(this.dir, 'tmp'));
    fs.chmodSync(path.join(this.dir, 'tmp'), 0o1777);
    for (const stream of ['stdout', 'stderr']) {
      // Anyone may open them: a server relaunched as PID 1's user reopens them through /proc.
      run('mkfifo', ['-m', '0666', path.join(this.dir, stream)]);
    }
    live.add(this);
  }

  /** The host path of a path under the container's /tmp, to put files there or read them. */
  hostPath(containerPath: string): string {
    if (containerPath !== '/tmp' && !containerPath.startsWith('/tmp/')) {
      throw new Error(`only the container's /tmp is its own; ${containerPath} is the host's`);
    }
    return path.join(this.dir, containerPath);
  }

  /** PID 1's PID on the host. */
  get hostPid1(): number {
    return this.pid1;
  }

  /** Starts PID 1 in new namespaces, like `docker start`; the log and /tmp carry over. */
  async start(): Promise<void> {
    if (this.state === 'running') {
      return;
    }
    this.assertExists();
    assertNamespacesAvailable();
    const [stdout, stderr] = ['stdout', 'stderr'].map((stream) => this.openLogPipe(stream as LogLine['stream']));
    const spec = {
      tmp: path.join(this.dir, 'tmp'),
      argv: this.options.command,
      env: this.env,
      uid: this.options.uid ?? 0,
      gid: this.options.gid ?? 0,
      cwd: this.options.workingDir || '/',
    };
    // --kill-child: should unshare itself be killed, PID 1 (and with it the namespace) goes too.
    const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--net', '--kill-child', '--', PYTHON, '-c', ENTER, JSON.stringify(spec)], {
      cwd: '/',
      env: {},
      stdio: ['ignore', stdout, stderr, 'pipe'],
    });
    fs.closeSync(stdout);
    fs.closeSync(stderr);
    this.unshare = child;
    this.exit = new Promise((resolve) => child.once('exit', (code, killedBy) => {
      // unshare exits as PID 1 did; Docker reports a death by signal as 128 + its number.
      this.exited(code ?? 128 + (killedBy ? os.constants.signals[killedBy] : 0));
      resolve();
    }));
    const started = await execMarker(child);
    if (!started) {
      await this.exit;
      throw new Error(`container ${this.name} did not start:\n${this.lines.map((l) => l.text).join('\n')}`);
    }
    this.pid1 = childOf(child.pid!);
    this.pidNamespace = fs.readlinkSync(`/proc/${this.pid1}/ns/pid`);
    this.state = 'running';
    this.emit('start');
  }

  /** Like `docker stop`: TERM to PID 1, KILL after the timeout, then the `stop` event. */
  async stop(timeoutSeconds = 10): Promise<void> {
    if (this.state !== 'running') {
      return;
    }
    this.emit('kill');
    signal(this.pid1, 'SIGTERM');
    const timer = setTimeout(() => signal(this.pid1, 'SIGKILL'), timeoutSeconds * 1000);
    await this.exit;
    clearTimeout(timer);
    this.emit('stop');
  }

  /** Like `docker rm -f`: kills what runs, then the `destroy` event; its folder goes too. */
  async remove(): Promise<void> {
    if (this.state === 'removed') {
      return;
    }
    this.killNow();
    await this.exit;
    await Promise.all([...this.execs].map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)))));
    this.state = 'removed';
    this.emit('destroy');
    live.delete(this);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * SIGKILL to PID 1, synchronously: the kernel then ends every process of the namespace, and
   * unshare and our execs end with them. Killing unshare instead would leave PID 1 for the
   * host's init to reap.
   */
  killNow(): void {
    if (this.pid1 && this.state === 'running') {
      signal(this.pid1, 'SIGKILL');
    } else {
      this.unshare?.kill('SIGKILL');
    }
  }

  /**
   * The client of every agent goes away, as when the editor or the CLI dies, as soon as the
   * agent reports an event of this type (which never arrives): the agent's pipes close on our
   * side, and it carries on with the step it has.
   */
  disconnectAgentsAt(type: AgentEvent['t']): void {
    this.cutAt = type;
  }

  async facts(): Promise<ContainerFacts> {
    this.assertExists();
    const uid = this.options.uid ?? 0;
    return {
      id: this.id,
      name: this.name,
      image: this.options.image ?? 'local',
      ...(this.options.imageId ? { imageId: this.options.imageId } : {}),
      running: this.state === 'running',
      state: this.state,
      user: this.options.user ?? (uid === 0 ? '' : `${uid}:${this.options.gid ?? uid}`),
      env: this.env,
      workingDir: this.options.workingDir ?? '',
      labels: this.options.labels ?? {},
    };
  }

  async commandFacts(): Promise<ContainerCommandFacts> {
    this.assertExists();
    return { entrypoint: [], cmd: this.options.command, imageEntrypoint: [], image: this.options.image ?? 'local', labels: this.options.labels ?? {} };
  }

  /** The agent, as root in `/` inside the container, as the Docker adapter runs it in an exec. */
  async openAgent(options: AgentOptions = {}): Promise<AgentSession> {
    this.assertRunning('Running the agent');
    const child = this.track(spawn('nsenter', [...this.enter(), '--wd=/', '--', PYTHON, '-c', agentSource(), JSON.stringify(options)], {
      cwd: '/',
      env: envObject(this.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    }));
    this.emit('exec_create');
    const session = new LocalAgentSession(child, this.cutAt);
    const first = await session.next();
    if (first?.t !== 'snapshot') {
      // The agent ends by itself after an error or at the end of its input; wait for that, so
      // that nothing of it is left in the container.
      child.stdin!.end();
      await session.done;
      throw await this.agentFailure(first, session.stderr);
    }
    session.snapshot = first;
    return session;
  }

  /** What `docker top -o pid,ppid,uid,args` shows: host PIDs, argv joined by spaces. */
  async topProcesses(): Promise<TopProcess[]> {
    this.assertRunning('Listing processes');
    return this.hostProcesses().map((p) => ({
      pid: p.hostPid,
      ppid: p.hostPpid,
      uid: p.uid,
      command: p.argv.length ? p.argv.join(' ') : `[${p.comm}]${p.state === 'Z' ? ' <defunct>' : ''}`,
    }));
  }

  /** The log with Docker's semantics: `since` in seconds, `tail` lines, `follow` until aborted or the container ends. */
  async *logs(options: { since?: number; tail?: number; follow?: boolean; signal?: AbortSignal }): AsyncIterable<LogLine> {
    this.assertExists();
    const since = options.since !== undefined ? options.since * 1000 : -Infinity;
    let seen = this.lines.length;
    const earlier = this.lines.slice(0, seen).filter((line) => line.time >= since);
    yield* options.tail === undefined ? earlier : earlier.slice(earlier.length - Math.min(options.tail, earlier.length));
    while (options.follow && !options.signal?.aborted) {
      while (seen < this.lines.length) {
        const line = this.lines[seen++];
        if (line.time >= since) {
          yield line;
        }
      }
      if (this.state !== 'running' && this.openStreams === 0) {
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.logWaiters.delete(wake);
          options.signal?.removeEventListener('abort', wake);
          resolve();
        };
        this.logWaiters.add(wake);
        options.signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  events(listener: (event: ContainerEvent) => void, _onError: (error: Error) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Like `docker exec`: runs a command as uid:gid (default root) in cwd (default `/`) to its end. */
  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const child = this.spawnInside(argv, options, ['ignore', 'pipe', 'pipe', 'pipe']);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    (child.stdio[3] as Readable).resume();
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { code, stdout, stderr };
  }

  /** Like `docker exec -d`: starts a command with no input or output and leaves it running. */
  async execDetached(argv: readonly string[], options: ExecOptions = {}): Promise<void> {
    const child = this.spawnInside(argv, options, ['ignore', 'ignore', 'ignore', 'pipe']);
    if (!(await execMarker(child))) {
      throw new Error(`could not run ${argv.join(' ')} in container ${this.name}`);
    }
  }

  /** The container's processes with PIDs as seen inside it, their environment and directory. */
  processes(): LocalProcess[] {
    const all = this.hostProcesses();
    const inside = new Map(all.map((p) => [p.hostPid, p.pid]));
    return all.map((p) => ({
      pid: p.pid,
      ppid: inside.get(p.hostPpid) ?? 0,
      hostPid: p.hostPid,
      uid: p.uid,
      gid: p.gid,
      state: p.state,
      argv: p.argv,
      ...details(p.hostPid),
    }));
  }

  /** The log so far, one string, as `docker logs` prints it. */
  logText(): string {
    return this.lines.map((line) => `${line.text}\n`).join('');
  }

  private spawnInside(argv: readonly string[], options: ExecOptions, stdio: StdioOptions): ChildProcess {
    this.assertRunning('Running a command');
    const spec = {
      argv,
      env: mergeEnv(this.env, options.env ?? []),
      uid: options.uid ?? 0,
      gid: options.gid ?? options.uid ?? 0,
      cwd: options.cwd ?? '/',
    };
    const child = this.track(spawn('nsenter', [...this.enter(), '--wd=/', '--', PYTHON, '-c', ENTER, JSON.stringify(spec)], { cwd: '/', env: {}, stdio }));
    this.emit('exec_create');
    return child;
  }

  private enter(): string[] {
    return ['--target', String(this.pid1), '--pid', '--mount', '--net'];
  }

  private track(child: ChildProcess): ChildProcess {
    this.execs.add(child);
    child.once('exit', () => this.execs.delete(child));
    child.on('error', () => undefined);
    return child;
  }

  /** Opens one log pipe: our reading end, and the writing end for PID 1 (closed here after the spawn). */
  private openLogPipe(stream: LogLine['stream']): number {
    const fifo = path.join(this.dir, stream);
    // Non-blocking, so that opening the reading end does not wait for a writer.
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = fs.openSync(fifo, fs.constants.O_WRONLY);
    const socket = new net.Socket({ fd: reader, readable: true, writable: false });
    socket.setEncoding('utf8');
    let pending = '';
    this.openStreams++;
    socket.on('data', (text: string) => {
      const parts = (pending + text).split('\n');
      pending = parts.pop() ?? '';
      const time = Date.now();
      for (const part of parts) {
        this.lines.push({ time, stream, text: part });
      }
      this.wakeLogs();
    });
    socket.once('close', () => {
      if (pending) {
        this.lines.push({ time: Date.now(), stream, text: pending });
      }
      this.openStreams--;
      this.wakeLogs();
    });
    socket.on('error', () => undefined);
    return writer;
  }

  private wakeLogs(): void {
    for (const wake of [...this.logWaiters]) {
      wake();
    }
  }

  private exited(exitCode: number): void {
    this.state = this.state === 'removed' ? 'removed' : 'exited';
    this.emit('die', exitCode);
    this.wakeLogs();
  }

  private hostProcesses(): Array<{ hostPid: number; hostPpid: number; pid: number; uid: number; gid: number; state: string; argv: string[]; comm: string }> {
    const found = [];
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) {
        continue;
      }
      try {
        if (fs.readlinkSync(`/proc/${name}/ns/pid`) !== this.pidNamespace) {
          continue;
        }
        const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
        const field = (key: string) => (new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '').split(/\s+/);
        const cmdline = fs.readFileSync(`/proc/${name}/cmdline`);
        found.push({
          hostPid: Number(name),
          hostPpid: Number(field('PPid')[0]),
          pid: Number(field('NSpid').pop()),
          uid: Number(field('Uid')[1]),
          gid: Number(field('Gid')[1]),
          state: field('State')[0],
          argv: splitNul(cmdline),
          comm: field('Name').join(' '),
        });
      } catch {
        // The process ended while we read it.
      }
    }
    return found.sort((a, b) => a.pid - b.pid);
  }

  private emit(action: string, exitCode?: number): void {
    const event: ContainerEvent = { action, time: Date.now(), ...(exitCode !== undefined ? { exitCode } : {}) };
    for (const listener of [...this.listeners]) {
      listener(event);
    }
  }

  private assertExists(): void {
    if (this.state === 'removed') {
      throw new OdooDevError('container-not-found', `No such container: ${this.name}.`);
    }
  }

  private assertRunning(what: string): void {
    this.assertExists();
    if (this.state !== 'running') {
      throw new OdooDevError('container-not-running', `${what} in container ${this.name}: the container is not running.`, { hint: 'Start the container first.' });
    }
  }

  /** Like the Docker adapter: a stopped container says so; else the agent's own words. */
  private async agentFailure(event: AgentEvent | undefined, stderr: string): Promise<OdooDevError> {
    if (this.state !== 'running') {
      return new OdooDevError('container-not-running', `Container ${this.name} is not running (${this.state}).`, { hint: 'Start the container first.' });
    }
    const text = (event?.t === 'error' ? event.message : stderr).trim();
    return new OdooDevError('agent-failed', `The agent in container ${this.name} failed: ${text || 'it ended without output'}.`);
  }
}

/** One agent process: JSON lines in and out over its pipes. */
class LocalAgentSession implements AgentSession {
  snapshot!: Snapshot;
  stderr = '';
  readonly done: Promise<void>;
  private readonly events: AgentEvent[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;

  constructor(private readonly child: ChildProcess, cutAt: AgentEvent['t'] | undefined) {
    eachLine(child.stdout!, (line) => {
      let event: AgentEvent;
      try {
        event = JSON.parse(line) as AgentEvent;
      } catch {
        this.stderr += `${line}\n`;
        return;
      }
      if (this.ended) {
        return;
      }
      if (event.t === cutAt) {
        this.disconnect();
        return;
      }
      this.events.push(event);
      this.waiter?.();
    });
    child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString('utf8'); });
    child.stdin!.on('error', () => undefined);
    this.done = new Promise((resolve) => child.once('close', () => {
      this.end();
      resolve();
    }));
  }

  send(step: AgentStep): void {
    if (!this.ended) {
      this.child.stdin!.write(`${JSON.stringify(step)}\n`);
    }
  }

  async next(): Promise<AgentEvent | undefined> {
    while (!this.events.length && !this.ended) {
      await new Promise<void>((resolve) => { this.waiter = resolve; });
      this.waiter = undefined;
    }
    return this.events.shift();
  }

  async close(): Promise<void> {
    this.send({ step: 'finish' });
    this.child.stdin!.end();
    await this.done;
  }

  /** Our side of the pipes closes; the agent's output ends here as the connection would. */
  disconnect(): void {
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      stream?.destroy();
    }
    this.end();
  }

  private end(): void {
    this.ended = true;
    this.waiter?.();
  }
}

/** Fails with a clear message where namespaces cannot be made, instead of skipping. */
function assertNamespacesAvailable(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('local containers need root: unshare and nsenter make PID, mount and network namespaces; run the unit tests as root');
  }
  for (const tool of ['unshare', 'nsenter']) {
    if (spawnSync(tool, ['--version']).status !== 0) {
      throw new Error(`local containers need util-linux's ${tool} on the PATH`);
    }
  }
}

/** Resolves true once the ENTER program wrote `exec` on fd 3, false when the process ended first. */
function execMarker(child: ChildProcess): Promise<boolean> {
  const marker = child.stdio[3] as Readable;
  return new Promise((resolve) => {
    let text = '';
    marker.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('exec\n')) {
        resolve(true);
      }
    });
    marker.on('error', () => resolve(false));
    child.once('close', () => resolve(text.includes('exec\n')));
  });
}

/** The one child of a process (unshare forks exactly one: PID 1). */
function childOf(pid: number): number {
  for (const name of fs.readdirSync('/proc')) {
    if (/^\d+$/.test(name)) {
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) {
          return Number(name);
        }
      } catch {
        // Gone while we looked.
      }
    }
  }
  throw new Error(`process ${pid} has no child`);
}

function details(hostPid: number): { cwd?: string; env?: string[] } {
  const found: { cwd?: string; env?: string[] } = {};
  try {
    found.cwd = fs.readlinkSync(`/proc/${hostPid}/cwd`);
    found.env = splitNul(fs.readFileSync(`/proc/${hostPid}/environ`));
  } catch {
    // Gone, or a zombie.
  }
  return found;
}

function splitNul(data: Buffer): string[] {
  const text = data.toString('utf8');
  return text ? text.replace(/\0+$/, '').split('\0') : [];
}

function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    const parts = (pending + text).split('\n');
    pending = parts.pop() ?? '';
    parts.filter((part) => part.trim()).forEach(onLine);
  });
}

function mergeEnv(base: readonly string[], extra: readonly string[]): string[] {
  const keyOf = (entry: string) => entry.slice(0, entry.indexOf('='));
  const replaced = new Set(extra.map(keyOf));
  return [...base.filter((entry) => !replaced.has(keyOf(entry))), ...extra];
}

function envObject(env: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function run(program: string, args: readonly string[]): void {
  const result = spawnSync(program, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${program} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}`);
  }
}
