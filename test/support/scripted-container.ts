/**
 * An in-memory container for table tests of what the watcher shows: a keeper as PID 1 and at
 * most one Odoo server, whose life the test scripts. Its agent sessions answer the agent
 * protocol from that state (snapshot, probe, stop, launch, ready, remember), so the real engine
 * runs against it; its process listing shows the same processes with host PIDs, as `docker top`
 * does; its events are whatever the test emits. No process, no Docker, no timers of its own.
 */
import type { AgentEvent, AgentStep, LaunchStep, ProcessInfo, ProcessSpec, Snapshot, StopStep, VersionInfo } from '../../src/core/agent-protocol';
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

/** Host PIDs differ from the container's, as in Docker: the watcher must not mix them up. */
export const HOST_PID_OFFSET = 40_000;
export const KEEPER_ARGV = ['/bin/sh', '-c', 'echo Container started; trap "exit 0" 15; exec "$@"; while sleep 1 & wait $!; do :; done', '-'];
export const ODOO_PROGRAM = ['/usr/bin/python3', '/usr/bin/odoo'];
const ENV = ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/var/lib/odoo', 'ODOO_RC=/etc/odoo/odoo.conf'];

export interface ScriptedServer {
  /** The container's PID of the master. */
  readonly pid: number;
  readonly argv: readonly string[];
  /** Whether it answers HTTP; a probe and a readiness wait see this. */
  healthy: boolean;
  readonly version: VersionInfo;
}

/** How the next server our engine launches behaves. */
export interface LaunchScript {
  /** It exits at once with this code, Odoo's error in the log; else it becomes ready. */
  readonly exitCode?: number;
  readonly log?: string;
}

export class ScriptedContainer implements OdooContainer {
  readonly id = 'c0ffee0000000000000000000000000000000000000000000000000000000000';
  readonly name = 'scripted';
  running = true;
  /** When set, every call fails with it (an unreachable Docker, an agent that cannot run). */
  failure: Error | undefined;
  /** Only opening the agent fails with it: Docker answers, the exec does not. */
  agentFailure: Error | undefined;
  server: ScriptedServer | undefined;
  nextLaunch: LaunchScript = {};
  version: VersionInfo = { serverVersion: '17.0', serverSerie: '17.0' };
  /** How many agents were opened: each one is an exec in a real container. */
  agentsOpened = 0;
  /** Every call the watcher or the engine made, failed ones too: a clock of the watcher's polls. */
  calls = 0;
  remembered: ProcessSpec | undefined;
  /** When set, facts() answers only once it settles: an inspect on a slow connection. */
  factsHeld: Promise<void> | undefined;
  /** How many facts() calls wait on factsHeld. */
  factsWaiting = 0;
  private nextPid = 100;
  /** Exit codes of launched servers that crashed at once, for the readiness wait to report. */
  private readonly exits = new Map<number, number>();
  private readonly lines: LogLine[] = [];
  private readonly listeners = new Set<(event: ContainerEvent) => void>();

  /** A server that runs already, started outside the engine. */
  startOutside(args: readonly string[], healthy = true): ScriptedServer {
    this.server = { pid: this.nextPid++, argv: [...ODOO_PROGRAM, ...args], healthy, version: this.version };
    return this.server;
  }

  /** `kill -9` from outside: the server is gone without a word. */
  killOutside(): void {
    this.server = undefined;
  }

  /** A lifecycle event as Docker reports it; `die` and `destroy` also end what runs. */
  emit(action: string, exitCode?: number): void {
    if (action === 'die' || action === 'destroy') {
      this.running = false;
      this.server = undefined;
    }
    if (action === 'start') {
      this.running = true;
    }
    const event: ContainerEvent = { action, time: Date.now(), ...(exitCode !== undefined ? { exitCode } : {}) };
    for (const listener of [...this.listeners]) {
      listener(event);
    }
  }

  async facts(): Promise<ContainerFacts> {
    this.check();
    if (this.factsHeld) {
      this.factsWaiting++;
      await this.factsHeld;
      this.factsWaiting--;
    }
    return {
      id: this.id,
      name: this.name,
      image: 'odoo:17',
      running: this.running,
      state: this.running ? 'running' : 'exited',
      user: 'odoo',
      env: ENV,
      workingDir: '',
      labels: {},
    };
  }

  async commandFacts(): Promise<ContainerCommandFacts> {
    this.check();
    return { entrypoint: KEEPER_ARGV, cmd: [], imageEntrypoint: ['/entrypoint.sh'], image: 'odoo:17', labels: {} };
  }

  async openAgent(_options?: AgentOptions): Promise<AgentSession> {
    this.check();
    if (this.agentFailure) {
      throw this.agentFailure;
    }
    this.agentsOpened++;
    return new ScriptedAgent(this, this.snapshot());
  }

  async topProcesses(): Promise<TopProcess[]> {
    this.check();
    return this.processes().map((p) => ({ pid: p.pid + HOST_PID_OFFSET, ppid: p.ppid && p.ppid + HOST_PID_OFFSET, uid: p.uid, command: p.argv.join(' ') }));
  }

  /** The log so far; a follow ends only when aborted, as the container goes on running. */
  async *logs(options: { since?: number; tail?: number; follow?: boolean; signal?: AbortSignal }): AsyncIterable<LogLine> {
    this.check();
    const since = (options.since ?? 0) * 1000;
    const lines = this.lines.filter((line) => line.time >= since);
    yield* options.tail === undefined ? lines : lines.slice(-options.tail);
    const { signal } = options;
    if (options.follow && signal && !signal.aborted) {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    }
  }

  events(listener: (event: ContainerEvent) => void, onError: (error: Error) => void): Disposable {
    this.calls++;
    if (this.failure) {
      onError(this.failure);
    }
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** How many event subscriptions are open: each one is a connection to a real engine. */
  get subscriptions(): number {
    return this.listeners.size;
  }

  /** The processes as the agent reads them inside the container. */
  processes(): ProcessInfo[] {
    if (!this.running) {
      return [];
    }
    const keeper: ProcessInfo = { pid: 1, ppid: 0, uid: 101, gid: 101, state: 'S', startTime: 1, argv: KEEPER_ARGV, cwd: '/', env: ENV, stdio: ['pipe:[1]', 'pipe:[2]'] };
    const { server } = this;
    return server
      ? [keeper, { pid: server.pid, ppid: 0, uid: 101, gid: 101, state: 'S', startTime: 1000 + server.pid, argv: server.argv, cwd: '/var/lib/odoo', env: ENV, stdio: ['/dev/null', '/dev/null'] }]
      : [keeper];
  }

  /** One step as the real agent carries it out, on the scripted state; returns its events. */
  answer(step: AgentStep): AgentEvent[] {
    switch (step.step) {
      case 'probe':
        return [{ t: 'probe', healthy: this.server?.healthy ?? false, port: 8069, ...(this.server?.healthy ? { version: this.server.version } : {}) }];
      case 'stop':
        return this.stop(step);
      case 'launch':
        return [this.launch(step)];
      case 'replace':
        return [...this.stop(step.stop), this.launch(step.launch)];
      case 'ready':
      case 'hup':
        return this.ready(step.pid);
      case 'remember':
        this.remembered = step.command;
        return [{ t: 'remembered' }];
      case 'free-port':
        return [{ t: 'free-port', port: 18069 }];
      case 'warm':
        // No warm process here: every launch of the script starts cold.
        return [{ t: 'warm', started: false }];
      case 'held':
        // The scripted server binds its own socket: no holder keeps it, so a restart stops first.
        return [{ t: 'held', held: false }];
      case 'finish':
        return [];
      default:
        // A step this script does not know yet: the engine hears why, as from the real agent.
        return [{ t: 'error', message: `the scripted agent cannot do ${JSON.stringify(step)}` }];
    }
  }

  private stop(step: StopStep): AgentEvent[] {
    if (step.remember) {
      this.remembered = step.remember;
    }
    this.server = undefined;
    return [{ t: 'stopping', pid: step.pid }, { t: 'stopped', pid: step.pid, ms: 1, forced: false, killed: [] }];
  }

  private launch(step: LaunchStep): AgentEvent {
    const pid = this.nextPid++;
    const at = Date.now() / 1000;
    const { exitCode, log } = this.nextLaunch;
    this.nextLaunch = {};
    if (exitCode !== undefined) {
      this.lines.push({ time: Date.now(), stream: 'stderr', text: log ?? `odoo exited with ${exitCode}` });
      this.exits.set(pid, exitCode);
    } else {
      this.server = { pid, argv: step.argv, healthy: true, version: this.version };
      // With -d, ready also means this line in the log, as Odoo 15 and later print it.
      const database = step.argv.includes('-d') ? step.argv[step.argv.indexOf('-d') + 1] : '?';
      this.lines.push({ time: Date.now(), stream: 'stderr', text: `${odooTime()} ${pid} INFO ${database} odoo.modules.registry: Registry loaded in 0.301s` });
    }
    return { t: 'launched', pid, at, logTo: 'docker-logs' };
  }

  private ready(pid: number): AgentEvent[] {
    const exitCode = this.exits.get(pid);
    if (exitCode !== undefined) {
      return [{ t: 'exited', pid, exitCode, signal: null, ms: 5 }];
    }
    return [{ t: 'ready', pid, port: 8069, ms: 5 }, { t: 'version', pid, version: this.version }];
  }

  private snapshot(): Snapshot {
    return {
      t: 'snapshot',
      processes: this.processes(),
      ...(this.remembered ? { remembered: this.remembered } : {}),
      user: { spec: 'odoo', uid: 101, gid: 101, home: '/var/lib/odoo' },
    };
  }

  private check(): void {
    this.calls++;
    if (this.failure) {
      throw this.failure;
    }
  }
}

/**
 * An agent session on the scripted container: each step's events come back in order; with
 * none left, `next()` waits, as the real agent is silent until something happens.
 */
class ScriptedAgent implements AgentSession {
  private readonly queue: AgentEvent[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly container: ScriptedContainer, readonly snapshot: Snapshot) {}

  send(step: AgentStep): void {
    if (step.step === 'finish') {
      this.end();
      return;
    }
    this.queue.push(...this.container.answer(step));
    this.wake?.();
  }

  async next(): Promise<AgentEvent | undefined> {
    while (!this.queue.length && !this.ended) {
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
    return this.queue.shift();
  }

  async close(): Promise<void> {
    this.end();
  }

  private end(): void {
    this.ended = true;
    this.wake?.();
  }
}

/** Now as Odoo stamps its log records: `YYYY-MM-DD HH:MM:SS,mmm`, UTC. */
function odooTime(): string {
  return new Date().toISOString().replace('T', ' ').replace('.', ',').replace('Z', '');
}
