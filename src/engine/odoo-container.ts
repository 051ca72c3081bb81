import type { AgentEvent, AgentStep, Snapshot } from '../core/agent-protocol';
import type { BindMount } from '../core/debug-path-mappings';
import type { ContainerCommandFacts } from '../core/restartable-keeper';

/**
 * The engine's view of a container: what it is, a way to run the agent in it, its processes as
 * the engine sees them from outside, its logs and its lifecycle events. The Docker adapter
 * implements it; nothing above it speaks of Docker types.
 */
export interface OdooContainer {
  readonly id: string;
  readonly name: string;
  facts(): Promise<ContainerFacts>;
  /** The container's and its image's entrypoint and command, for the restartable keeper. */
  commandFacts(): Promise<ContainerCommandFacts>;
  /** Starts the agent in one exec; resolves once it has reported its snapshot. */
  openAgent(options?: AgentOptions): Promise<AgentSession>;
  /** Processes seen from the host (host PIDs); cheap, runs nothing in the container. */
  topProcesses(): Promise<TopProcess[]>;
  /** Log lines from `since` (seconds since the epoch); follows until `signal` aborts when asked. */
  logs(options: { since?: number; tail?: number; follow?: boolean; signal?: AbortSignal }): AsyncIterable<LogLine>;
  /** Starts the container when it is stopped (Odoo then starts as the container's command does). */
  start?(): Promise<void>;
  /** Lifecycle events of this container; `onError` when the event stream breaks. */
  events(listener: (event: ContainerEvent) => void, onError: (error: Error) => void): Disposable;
  /**
   * A byte channel to a TCP port of the container's own loopback, relayed by one exec, so that
   * nothing is published; waits up to `waitMs` for something to listen there.
   */
  openRelay?(port: number, options: { readonly waitMs: number }): Promise<RelayChannel>;
  /**
   * Copies a host folder into the container as `containerDir` (an absolute path under /tmp,
   * parents created), root-owned and readable by every user.
   */
  putFolder?(hostDir: string, containerDir: string): Promise<void>;
}

/** Bytes both ways to a port inside the container; `ended` says why it ended, when it failed. */
export interface RelayChannel {
  write(data: Buffer): void;
  onData(listener: (data: Buffer) => void): void;
  readonly ended: Promise<{ readonly error?: string }>;
  close(): void;
}

export interface AgentOptions {
  /** Wait for, then hold, the container's restart lock: one mutating agent at a time. */
  readonly lock?: boolean;
  /** Resolve this user spec (`odoo`, `101:101`) in the snapshot. */
  readonly user?: string;
}

export interface Disposable {
  dispose(): void;
}

export interface ContainerFacts {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  /** The image's own id (`sha256:...`), which stays when its name is given to a new build. */
  readonly imageId?: string;
  readonly running: boolean;
  /** Docker's state word: `running`, `exited`, `paused`, ... */
  readonly state: string;
  /** The configured user (`USER` or `--user`), empty for root. */
  readonly user: string;
  readonly env: readonly string[];
  readonly workingDir: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Its bind mounts: host folders and where the container sees them. */
  readonly binds?: readonly BindMount[];
}

export interface AgentSession {
  readonly snapshot: Snapshot;
  send(step: AgentStep): void;
  /** The next event, or undefined once the agent's output has ended. */
  next(): Promise<AgentEvent | undefined>;
  /** Tells the agent to finish and waits for the exec to end. */
  close(): Promise<void>;
}

export interface TopProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly uid: number;
  readonly command: string;
}

export interface LogLine {
  /** Milliseconds since the epoch, as Docker stamped the line. */
  readonly time: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface ContainerEvent {
  /** Docker's action word: `start`, `die`, `stop`, `kill`, `destroy`, `exec_create`, ... */
  readonly action: string;
  readonly time: number;
  readonly exitCode?: number;
}
