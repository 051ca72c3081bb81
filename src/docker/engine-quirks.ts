import type Dockerode from 'dockerode';

/**
 * What one engine behind the Docker API reports differently from Docker Engine, as data. Every
 * other file of the adapter asks here instead of testing for an engine itself, and each field
 * names the difference it covers; test/unit/engine-quirks.test.ts has a case for each, and
 * test/engines/ shows them on the real engines.
 */
export interface EngineQuirks {
  readonly engine: 'docker' | 'podman';
  /** For messages: `Docker Engine 20.10.24`, `Podman 4.3.1`. */
  readonly description: string;
  /**
   * The `ps_args` of `top`. Docker runs the host's `ps` with them; Podman reads them as its own
   * descriptors (comma-separated names, no `-o`, no `uid`) and answers an unknown one with an
   * empty body and status 200.
   */
  readonly topPsArgs: string;
  /** Whose PIDs `top` shows: Docker's host `ps` shows host PIDs, Podman those of the container. */
  readonly topPids: 'host' | 'container';
  /**
   * How `top` answers for a container that does not run: Docker with a 409 conflict; Podman with
   * an empty body and status 200, as for an unknown descriptor. Rootless Podman shows it most,
   * between a start and the moment the container runs.
   */
  readonly topOfStopped: 'conflict' | 'empty';
  /**
   * Log timestamps: Docker writes RFC 3339 with nanoseconds; Podman 4 writes whole seconds in the
   * Docker-compatible API (it keeps nanoseconds itself and filters `since` with them).
   */
  readonly logTimestamps: 'nanoseconds' | 'seconds';
  /** Event actions in Podman's words, mapped to Docker's (`remove` is Docker's `destroy`). */
  readonly eventActions: Readonly<Record<string, string>>;
}

/** The part of `GET /version` that tells the engines apart. */
export interface VersionAnswer {
  readonly Version?: string;
  readonly Components?: readonly { readonly Name?: string; readonly Version?: string }[] | null;
}

const dockerQuirks: Omit<EngineQuirks, 'description'> = {
  engine: 'docker',
  topPsArgs: '-o pid,ppid,uid,args',
  topPids: 'host',
  topOfStopped: 'conflict',
  logTimestamps: 'nanoseconds',
  eventActions: {},
};

const podmanQuirks: Omit<EngineQuirks, 'description'> = {
  engine: 'podman',
  topPsArgs: 'pid,ppid,user,args',
  topPids: 'container',
  topOfStopped: 'empty',
  logTimestamps: 'seconds',
  eventActions: { remove: 'destroy', exec_died: 'exec_die' },
};

/** Podman names itself in `Components` ("Podman Engine"); Docker says "Engine". */
export function quirksOf(version: VersionAnswer): EngineQuirks {
  const components = version.Components ?? [];
  const podman = components.find((c) => /podman/i.test(c.Name ?? ''));
  if (podman) {
    return { ...podmanQuirks, description: `Podman ${podman.Version ?? version.Version ?? ''}`.trim() };
  }
  const engine = components.find((c) => c.Name === 'Engine');
  return { ...dockerQuirks, description: `Docker Engine ${engine?.Version ?? version.Version ?? ''}`.trim() };
}

/** Docker's behaviour, for a client whose engine could not say what it is. */
export const assumedDocker: EngineQuirks = { ...dockerQuirks, description: 'Docker Engine' };

const known = new WeakMap<Dockerode, Promise<EngineQuirks>>();

/**
 * The quirks of the engine behind a client, asked once per client (`GET /version`, about 1 ms on
 * a local socket). An engine that does not answer is taken for Docker: the call that needed the
 * answer then fails with its own, better message.
 */
export function engineQuirks(docker: Dockerode): Promise<EngineQuirks> {
  let quirks = known.get(docker);
  if (!quirks) {
    quirks = Promise.resolve().then(() => docker.version()).then((answer) => quirksOf(answer as VersionAnswer), () => {
      known.delete(docker);
      return assumedDocker;
    });
    known.set(docker, quirks);
  }
  return quirks;
}

/** An event's action in Docker's words (`die`, `destroy`, `exec_die`, ...). */
export function eventActionOf(quirks: EngineQuirks, action: string): string {
  return quirks.eventActions[action] ?? action;
}

/**
 * A log line's time in milliseconds. Where the engine writes whole seconds, a line it returned for
 * `since` is not earlier than `since`, though its stamp may read so: it counts from `since`.
 */
export function logTimeOf(quirks: EngineQuirks, stamped: number, sinceSeconds: number | undefined): number {
  if (quirks.logTimestamps === 'seconds' && sinceSeconds !== undefined) {
    return Math.max(stamped, sinceSeconds * 1000);
  }
  return stamped;
}

/**
 * Podman answers `top` with descriptors it does not know by an empty body (dockerode hands back
 * an empty buffer), which would read as "no processes": that is an error, not an answer.
 */
export function isTopAnswer(answer: unknown): boolean {
  return typeof answer === 'object' && answer !== null && !Buffer.isBuffer(answer) && Array.isArray((answer as { Titles?: unknown }).Titles);
}
