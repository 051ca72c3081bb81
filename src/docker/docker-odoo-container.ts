import type Dockerode from 'dockerode';
import type { Duplex, Readable } from 'node:stream';
import type { AgentEvent, AgentStep, Snapshot } from '../core/agent-protocol';
import { OdooDevError } from '../core/errors';
import type { ContainerCommandFacts } from '../core/restartable-keeper';
import { agentSource } from '../agent/agent-source';
import { tarFolder } from './tar-folder';
import { AsyncQueue } from '../core/async-queue';
import type {
  AgentOptions,
  AgentSession,
  ContainerEvent,
  ContainerFacts,
  Disposable,
  LogLine,
  OdooContainer,
  RelayChannel,
  TopProcess,
} from '../engine/odoo-container';
import { dockerError } from './docker-errors';
import { FrameDemuxer, FrameLineSplitter } from './docker-frames';
import { topOf } from './docker-top';
import { engineQuirks, eventActionOf, logTimeOf, type EngineQuirks } from './engine-quirks';

/** How long the lookup's inspect stands for the container's facts. */
const lookupFreshMs = 1000;

/** An Odoo container reached through dockerode; the client comes from outside. */
export class DockerOdooContainer implements OdooContainer {
  private readonly container: Dockerode.Container;
  /** Whether the container has a TTY (then its log is one raw stream); fixed at creation. */
  private tty: boolean | undefined;

  /** The inspect of the lookup that found the container, until the first look at its facts. */
  private inspected: { readonly info: Dockerode.ContainerInspectInfo; readonly at: number } | undefined;

  constructor(
    private readonly docker: Dockerode,
    readonly id: string,
    readonly name: string,
    /** How the endpoint reads in messages (`unix:///var/run/docker.sock`). */
    private readonly endpoint: string,
    /** The container's inspect, just read by the lookup: the first facts come from it. */
    inspected?: Dockerode.ContainerInspectInfo,
  ) {
    this.container = docker.getContainer(id);
    this.inspected = inspected && { info: inspected, at: performance.now() };
  }

  async facts(): Promise<ContainerFacts> {
    const info = this.freshInspect() ?? await this.call(`Inspecting container ${this.name}`, () => this.container.inspect());
    this.tty ??= info.Config.Tty;
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      imageId: info.Image,
      running: info.State.Running,
      state: info.State.Status,
      user: info.Config.User ?? '',
      env: info.Config.Env ?? [],
      workingDir: info.Config.WorkingDir ?? '',
      labels: info.Config.Labels ?? {},
      binds: (info.Mounts ?? []).filter((m) => m.Type === 'bind').map((m) => ({ source: m.Source, destination: m.Destination })),
    };
  }

  async commandFacts(): Promise<ContainerCommandFacts> {
    const info = await this.call(`Inspecting container ${this.name}`, () => this.container.inspect());
    const image = await this.call(`Inspecting the image of ${this.name}`, () => this.docker.getImage(info.Image).inspect());
    return {
      entrypoint: asList(info.Config.Entrypoint),
      cmd: asList(info.Config.Cmd),
      imageEntrypoint: asList(image.Config?.Entrypoint),
      imageCmd: asList(image.Config?.Cmd),
      image: info.Config.Image,
      labels: info.Config.Labels ?? {},
    };
  }

  async openAgent(options: AgentOptions = {}): Promise<AgentSession> {
    const what = `Running the agent in container ${this.name}`;
    const exec = await this.call(what, () => this.container.exec({
      Cmd: ['python3', '-c', agentSource(), JSON.stringify(options)],
      // Root can read every process and switch to the user of the one it replaces.
      User: '0',
      WorkingDir: '/',
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    }));
    const stream = (await this.call(what, () => exec.start({ hijack: true, stdin: true }))) as Duplex;
    const session = new DockerAgentSession(stream, this.endpoint);
    const first = await session.next();
    if (first?.t !== 'snapshot') {
      stream.destroy();
      throw this.agentFailure(first, session.stderr);
    }
    session.snapshot = first;
    return session;
  }

  async openRelay(port: number, options: { readonly waitMs: number }): Promise<RelayChannel> {
    const what = `Relaying to port ${port} inside container ${this.name}`;
    const exec = await this.call(what, () => this.container.exec({
      Cmd: ['python3', '-c', agentSource(), JSON.stringify({ relay: port, waitMs: options.waitMs })],
      User: '0',
      WorkingDir: '/',
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    }));
    const stream = (await this.call(what, () => exec.start({ hijack: true, stdin: true }))) as Duplex;
    return new DockerRelayChannel(stream);
  }

  async putFolder(hostDir: string, containerDir: string): Promise<void> {
    const [root = '', ...rest] = containerDir.split('/').filter(Boolean);
    // Docker extracts into a folder that exists: the first one of the path, `/tmp`.
    const archive = tarFolder(hostDir, rest.join('/'));
    await this.call(`Copying ${hostDir} into container ${this.name}`, () => this.container.putArchive(archive, { path: `/${root}` }));
  }

  async start(): Promise<void> {
    try {
      await this.call(`Starting container ${this.name}`, () => this.container.start());
    } catch (error) {
      // 304: it runs already, which is what was asked.
      if ((error as { cause?: { statusCode?: number } }).cause?.statusCode !== 304 && (error as { statusCode?: number }).statusCode !== 304) {
        throw error;
      }
    }
  }

  async topProcesses(): Promise<TopProcess[]> {
    return this.call(`Listing processes of container ${this.name}`, () => topOf(this.docker, this.id));
  }

  async *logs(options: { since?: number; tail?: number; follow?: boolean; signal?: AbortSignal }): AsyncIterable<LogLine> {
    const tty = await this.hasTty();
    const quirks = await engineQuirks(this.docker);
    const logLine = (stream: LogLine['stream'], line: string) => logLineOf(stream, line, quirks, options.since);
    const request = {
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(options.since !== undefined ? { since: dockerTime(options.since) } : {}),
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
    };
    if (!options.follow) {
      const lines: LogLine[] = [];
      const splitter = new FrameLineSplitter((stream, line) => lines.push(logLine(stream, line)), tty);
      const buffer = await this.call(`Reading logs of ${this.name}`, () => this.container.logs({ ...request, follow: false }));
      splitter.push(Buffer.isBuffer(buffer) ? buffer : Buffer.from(String(buffer)));
      splitter.end();
      yield* lines;
      return;
    }
    const lines = new AsyncQueue<LogLine>();
    const splitter = new FrameLineSplitter((stream, line) => lines.push(logLine(stream, line)), tty);
    const stream = (await this.call(`Following logs of ${this.name}`, () =>
      this.container.logs({ ...request, follow: true }))) as unknown as Readable;
    const stop = () => stream.destroy();
    options.signal?.addEventListener('abort', stop, { once: true });
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    const finish = () => {
      splitter.end();
      lines.end();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
    try {
      for (let line = await lines.next(options.signal); line; line = await lines.next(options.signal)) {
        yield line;
      }
    } finally {
      options.signal?.removeEventListener('abort', stop);
      stream.destroy();
    }
  }

  events(listener: (event: ContainerEvent) => void, onError: (error: Error) => void): Disposable {
    let stream: Readable | undefined;
    let disposed = false;
    Promise.all([this.docker.getEvents({ filters: { container: [this.id], type: ['container'] } }), engineQuirks(this.docker)]).then(([s, quirks]) => {
      stream = s as unknown as Readable;
      if (disposed) {
        stream.destroy();
        return;
      }
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const parts = (pending + chunk.toString('utf8')).split('\n');
        pending = parts.pop() ?? '';
        for (const part of parts.filter((p) => p.trim())) {
          const event = JSON.parse(part) as { Action?: string; status?: string; timeNano?: number; time?: number; Actor?: { Attributes?: Record<string, string> } };
          const exitCode = event.Actor?.Attributes?.exitCode;
          listener({
            action: eventActionOf(quirks, (event.Action ?? event.status ?? '').split(':')[0]),
            time: event.timeNano ? Math.round(event.timeNano / 1e6) : (event.time ?? 0) * 1000,
            ...(exitCode !== undefined ? { exitCode: Number(exitCode) } : {}),
          });
        }
      });
      const broken = (error?: Error) => {
        if (!disposed) {
          onError(error ?? new Error('the Docker event stream ended'));
        }
      };
      stream.on('error', broken);
      stream.on('end', () => broken());
    }, (error: unknown) => {
      if (!disposed) {
        onError(dockerError(error, 'Watching container events', this.endpoint));
      }
    });
    return {
      dispose: () => {
        disposed = true;
        stream?.destroy();
      },
    };
  }

  /**
   * The lookup's inspect, once, when the first look comes right after it (a command's restart);
   * a look that comes later (the editor's, after the user waited) asks Docker again.
   */
  private freshInspect(): Dockerode.ContainerInspectInfo | undefined {
    const inspected = this.inspected;
    this.inspected = undefined;
    return inspected && performance.now() - inspected.at < lookupFreshMs ? inspected.info : undefined;
  }

  private async hasTty(): Promise<boolean> {
    this.tty ??= (await this.call(`Inspecting container ${this.name}`, () => this.container.inspect())).Config.Tty;
    return this.tty;
  }

  private async call<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw dockerError(error, what, this.endpoint);
    }
  }

  /** What the exec said when the agent gave no snapshot; the engine tells a stopped container apart. */
  private agentFailure(event: AgentEvent | undefined, stderr: string): OdooDevError {
    const text = (event?.t === 'error' ? event.message : stderr).trim();
    if (/python3.*(not found|no such file)/i.test(text)) {
      return new OdooDevError('agent-failed', `Container ${this.name} has no python3 on its PATH, and Odoo needs one.`, {
        hint: 'Check that this container really runs Odoo.',
      });
    }
    return new OdooDevError('agent-failed', `The agent in container ${this.name} failed: ${text || 'it ended without output'}.`);
  }
}

/** One exec of the agent as a relay: raw bytes in, raw bytes out on its stdout. */
class DockerRelayChannel implements RelayChannel {
  readonly ended: Promise<{ readonly error?: string }>;
  private readonly listeners: Array<(data: Buffer) => void> = [];
  private readonly early: Buffer[] = [];

  constructor(private readonly stream: Duplex) {
    let stderr = '';
    const demuxer = new FrameDemuxer((source, bytes) => {
      if (source === 'stderr') {
        stderr += bytes.toString('utf8');
      } else if (this.listeners.length) {
        this.listeners.forEach((listener) => listener(bytes));
      } else {
        this.early.push(Buffer.from(bytes));
      }
    });
    stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
    this.ended = new Promise((resolve) => {
      const finish = (error?: string) => resolve(error || stderr.trim() ? { error: (error ?? stderr).trim() } : {});
      stream.on('end', () => finish());
      stream.on('close', () => finish());
      stream.on('error', (error: Error) => finish(error.message));
    });
  }

  write(data: Buffer): void {
    this.stream.write(data);
  }

  onData(listener: (data: Buffer) => void): void {
    this.listeners.push(listener);
    this.early.splice(0).forEach((bytes) => listener(bytes));
  }

  close(): void {
    this.stream.end();
    this.stream.destroy();
  }
}

/** One exec of the agent: JSON lines in, JSON lines out. */
class DockerAgentSession implements AgentSession {
  snapshot!: Snapshot;
  stderr = '';
  private readonly events = new AsyncQueue<AgentEvent>();
  private readonly done: Promise<void>;
  /** Why the connection broke under the agent's output (a lost ssh or TCP connection). */
  private broken: Error | undefined;
  private closing = false;

  constructor(private readonly stream: Duplex, private readonly endpoint: string) {
    const splitter = new FrameLineSplitter((source, line) => {
      if (source === 'stderr') {
        this.stderr += `${line}\n`;
        return;
      }
      try {
        this.events.push(JSON.parse(line) as AgentEvent);
      } catch {
        this.stderr += `${line}\n`;
      }
    });
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    this.done = new Promise((resolve) => {
      const finish = () => {
        if (!this.events.isEnded) {
          splitter.end();
          this.events.end();
          resolve();
        }
      };
      stream.on('end', finish);
      stream.on('close', finish);
      stream.on('error', (error: Error) => {
        this.broken ??= error;
        finish();
      });
    });
  }

  send(step: AgentStep): void {
    if (!this.events.isEnded) {
      this.stream.write(`${JSON.stringify(step)}\n`);
    }
  }

  /**
   * The next event. Output that ends because the connection broke is not the agent's end: the
   * agent goes on with its step in the container, and what became of Odoo is for the next status.
   */
  async next(): Promise<AgentEvent | undefined> {
    const event = await this.events.next();
    if (event === undefined && this.broken && !this.closing) {
      const why = (this.broken as { code?: string }).code ?? this.broken.message;
      throw new OdooDevError('docker-unreachable', `The connection to Docker at ${this.endpoint} broke while the agent ran (${why}); the agent in the container finishes the step it was on.`, {
        hint: 'Run `odoo-dev status` (or look at the status bar) once Docker answers again, to see where Odoo is.',
        cause: this.broken,
      });
    }
    return event;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.send({ step: 'finish' });
    await this.done;
    this.stream.destroy();
  }
}

function logLineOf(stream: LogLine['stream'], line: string, quirks: EngineQuirks, since: number | undefined): LogLine {
  const space = line.indexOf(' ');
  const time = Date.parse(line.slice(0, space));
  return { time: Number.isNaN(time) ? Date.now() : logTimeOf(quirks, time, since), stream, text: line.slice(space + 1) };
}

function asList(value: string | string[] | null | undefined): string[] {
  return value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Docker reads `since` as seconds with a nanosecond fraction of nine digits. */
function dockerTime(seconds: number): string {
  const whole = Math.floor(seconds);
  const nanos = Math.round((seconds - whole) * 1e9);
  return `${whole}.${String(Math.min(nanos, 999999999)).padStart(9, '0')}`;
}
