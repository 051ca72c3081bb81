/**
 * The conversation between the engine and its agent, a small Python program that runs inside
 * the container in a single exec. The agent first reports a snapshot of the container's
 * processes; the engine decides what to do and sends steps, one JSON line each; the agent
 * carries them out and reports events, one JSON line each, until the engine says `finish`.
 *
 * Strings that are not valid UTF-8 in the container travel as lone surrogates (Python's
 * `surrogateescape`), so argv and environment entries round-trip byte for byte.
 */

/** One process as read from `/proc` inside the container. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly uid: number;
  readonly gid: number;
  /** Process state letter from `/proc/PID/stat` (`R`, `S`, `Z`, ...). */
  readonly state: string;
  /** Start time in clock ticks since boot; with the PID it names a process even across PID reuse. */
  readonly startTime: number;
  readonly argv: readonly string[];
  /** Working directory, when it could be read. */
  readonly cwd?: string;
  /** Initial environment as `KEY=VALUE` entries, in order, when it could be read. */
  readonly env?: readonly string[];
  /** Where stdout and stderr point (`pipe:[123]`, `/dev/null`, a file); same conditions. */
  readonly stdio?: readonly string[];
}

/** A command and everything it runs with: what is launched, remembered, or read off a process. */
export interface ProcessSpec {
  readonly argv: readonly string[];
  /** `KEY=VALUE` entries, in order. */
  readonly env: readonly string[];
  readonly cwd: string;
  readonly uid: number;
  readonly gid: number;
}

/** The command the agent remembers in the container for a later plain start. */
export type RememberedCommand = ProcessSpec;

export interface Snapshot {
  readonly t: 'snapshot';
  /** Every process but the agent and its helpers; `cwd`, `env` and `stdio` where readable. */
  readonly processes: readonly ProcessInfo[];
  readonly remembered?: RememberedCommand;
  /** The user the engine asked about, resolved with the container's own passwd. */
  readonly user?: { readonly spec: string; readonly uid?: number; readonly gid?: number; readonly home?: string };
}

/** Where Odoo answers HTTP inside the container. */
export interface HttpTarget {
  /** From the command line; when absent the agent reads `configFile`, then falls back to 8069. */
  readonly port?: number;
  readonly host?: string;
  readonly configFile?: string;
  /** `--no-http`: there is nothing to probe. */
  readonly disabled?: boolean;
}

/** The HTTP target of a server started on the held socket. */
export interface HoldTarget extends HttpTarget {
  /** The args leave `workers` to the config file, and prefork there (before 19) binds its own socket. */
  readonly workersFromConfig?: boolean;
}

/** Stops the server gracefully, with the timeout policy, and waits for its children to go. */
export interface StopStep {
  readonly step: 'stop';
  readonly pid: number;
  readonly startTime: number;
  readonly timeoutMs: number;
  readonly force: boolean;
  readonly remember?: RememberedCommand;
}

/** Runs a command detached, in its own session, its output where `docker logs` reads. */
export interface LaunchStep extends ProcessSpec {
  readonly step: 'launch';
  /** Indices of argv entries found on the PATH like the program (a script debugpy runs). */
  readonly resolve?: readonly number[];
  /**
   * Start it on the listening socket our holder keeps for this target's port (bound, with a
   * holder, when none keeps it yet), passed as systemd passes it: fd 3, LISTEN_FDS, LISTEN_PID.
   */
  readonly hold?: HoldTarget;
  /** It binds this port itself: our holder of it, if any, closes its socket first. */
  readonly release?: HttpTarget;
  /** Start it cold even where a warm process waits (see warm.py). */
  readonly noWarm?: boolean;
}

export type AgentStep =
  | { readonly step: 'probe'; readonly http: HttpTarget }
  | StopStep
  | LaunchStep
  /**
   * Stop, then launch, as one step: the agent finishes it even if the client goes away in
   * between. A hand-over that starts the new server before the old one stops fits here too.
   */
  | {
      readonly step: 'replace';
      readonly stop: StopStep;
      readonly launch: LaunchStep;
      /**
       * Launch first, beside the old server on the held socket; stop the old one once the new
       * one answers itself within `readyTimeoutMs`, else stop the new one and keep the old.
       */
      readonly overlap?: boolean;
      readonly readyTimeoutMs?: number;
    }
  /**
   * Starts the warm process for the next restart of the server just launched by `launch`
   * (its imports run now, off the critical path); `source` is warm.py.
   */
  | { readonly step: 'warm'; readonly source: string; readonly launch: LaunchStep }
  /** Whether server `pid` serves on the socket our holder keeps for the target's port (taking a lease on it). */
  | { readonly step: 'held'; readonly pid: number; readonly http: HoldTarget }
  | {
      readonly step: 'hup';
      readonly pid: number;
      readonly http: HttpTarget;
      readonly timeoutMs: number;
    }
  | {
      readonly step: 'ready';
      /** Wait for this PID; when it is the agent's own child its exit code is known. */
      readonly pid: number;
      readonly http: HttpTarget;
      readonly timeoutMs: number;
    }
  /** Whether `python` finds `module`, run as the spec's user, in its directory and environment. */
  | ({ readonly step: 'module'; readonly python: string; readonly module: string } & Omit<ProcessSpec, 'argv'>)
  /** Runs the Odoo program (`argv`: interpreter and script) with `--version`, then `--help`, as the server runs. */
  | ({ readonly step: 'help' } & ProcessSpec)
  /** Writes the debug runs' sitecustomize (`source`) into `dir`, the folder their PYTHONPATH names first. */
  | { readonly step: 'debug-hook'; readonly dir: string; readonly source: string }
  /** A TCP port free on the container's loopback now, for a run beside the server that needs HTTP. */
  | { readonly step: 'free-port' }
  /** Remember a command for a later plain start: the last one that was ready. */
  | { readonly step: 'remember'; readonly command: RememberedCommand }
  /**
   * Ends a run this agent launched, and everything in its session (a test's browser too): TERM,
   * up to `timeoutMs` for it to go, then KILL of what is left.
   */
  | { readonly step: 'end-run'; readonly pid: number; readonly timeoutMs: number }
  /**
   * Checksums of modules as Odoo would load them: found in the addons paths (`addonsPath` from
   * the command line, else the config file's `addons_path`), files matching `exclude` left out;
   * `modules` names them, else every module of those paths but Odoo's own addons folders.
   */
  | {
      readonly step: 'checksums';
      readonly addonsPath?: string;
      readonly configFile?: string;
      /** Relative addons paths are read from here (the server's directory). */
      readonly cwd?: string;
      readonly modules?: readonly string[];
      readonly exclude: readonly string[];
    }
  /** Reads, or with `value` writes, a small JSON document the agent keeps in the container under `key`. */
  | { readonly step: 'state'; readonly key: string; readonly value?: unknown }
  | InventoryStep
  /** Which addons paths Odoo would refuse (missing, or without a module), before anything stops. */
  | { readonly step: 'paths'; readonly paths: readonly string[]; readonly cwd?: string }
  | { readonly step: 'finish' };

/**
 * What a server can be asked for: the modules of its addons paths (`addonsPath` from its command
 * line, else its config file's `addons_path`) and of Odoo itself (next to `script`, or in the
 * `odoo` package of the container's Python), and the databases it lists.
 */
export interface InventoryStep {
  readonly step: 'inventory';
  readonly addonsPath?: string;
  /** The Odoo script as it ran (`/usr/bin/odoo`, `./odoo-bin`), relative to `cwd`. */
  readonly script?: string;
  readonly cwd?: string;
  readonly http: HttpTarget;
}

/** A module found in an addons path, from its manifest. */
export interface ModuleInfo {
  readonly name: string;
  readonly path: string;
  readonly summary?: string;
  /** The manifest's `name`, the module's title. */
  readonly title?: string;
  readonly installable?: boolean;
}

export interface VersionInfo {
  readonly serverVersion: string;
  readonly serverSerie: string;
}

export type AgentEvent =
  | Snapshot
  | { readonly t: 'probe'; readonly healthy: boolean; readonly port: number; readonly version?: VersionInfo }
  | { readonly t: 'stopping'; readonly pid: number }
  | { readonly t: 'forcing'; readonly pid: number; readonly waitedMs: number }
  | { readonly t: 'stopped'; readonly pid: number; readonly ms: number; readonly forced: boolean; readonly killed: readonly number[] }
  | { readonly t: 'stop-timeout'; readonly pid: number; readonly ms: number }
  | { readonly t: 'hup-sent'; readonly pid: number; readonly at: number }
  /** `held`: the port of the held socket it was started on. */
  /** `warm`: a warm process took the args; `cold`: why one that waited could not. */
  | { readonly t: 'launched'; readonly pid: number; readonly at: number; readonly logTo: string; readonly held?: number; readonly warm?: boolean; readonly cold?: string }
  | { readonly t: 'warm'; readonly started: boolean; readonly pid?: number; readonly message?: string }
  | { readonly t: 'held'; readonly held: boolean }
  /** Whether a replace overlaps: `pid` is the old server that answers meanwhile. */
  | { readonly t: 'overlap'; readonly on: boolean; readonly pid?: number; readonly reason?: string }
  /** The new server of an overlap did not become ready and was stopped: `pid` still serves. */
  | { readonly t: 'kept'; readonly pid: number; readonly abandoned: number }
  | { readonly t: 'launch-failed'; readonly message: string }
  | { readonly t: 'free-port'; readonly port: number }
  | { readonly t: 'module'; readonly found: boolean; readonly message?: string }
  /** What each printed, when it ended well; `message` when the program could not be run. */
  | { readonly t: 'help'; readonly version?: string; readonly help?: string; readonly message?: string }
  | { readonly t: 'ready'; readonly pid: number; readonly port: number; readonly ms: number }
  /** Right after a `ready` with a port: the server's version, when it told it. */
  | { readonly t: 'version'; readonly pid: number; readonly version?: VersionInfo }
  /** Where the hook is (`dir`, for PYTHONPATH), or why it could not be written. */
  | { readonly t: 'debug-hook'; readonly dir?: string; readonly message?: string }
  | { readonly t: 'exited'; readonly pid: number; readonly exitCode: number | null; readonly signal: number | null; readonly ms: number }
  | { readonly t: 'not-ready'; readonly pid: number; readonly ms: number; readonly reason: string }
  | { readonly t: 'remembered' }
  | { readonly t: 'run-ended'; readonly pid: number; readonly ms: number; readonly forced: boolean; readonly killed: readonly number[] }
  | {
      readonly t: 'checksums';
      readonly addonsPaths: readonly string[];
      /** Module name to its folder and checksum. */
      readonly modules: Readonly<Record<string, { readonly path: string; readonly checksum: string }>>;
      /** Asked-for modules found in no addons path. */
      readonly missing: readonly string[];
    }
  | { readonly t: 'state'; readonly key: string; readonly value: unknown }
  | {
      readonly t: 'inventory';
      readonly addonsPaths: readonly string[];
      readonly modules: readonly ModuleInfo[];
      /** Null when the server does not list its databases (`list_db = False`, no HTTP). */
      readonly databases: readonly string[] | null;
    }
  | { readonly t: 'paths'; readonly refused: ReadonlyArray<{ readonly path: string; readonly reason: 'missing' | 'no-module' }> }
  | { readonly t: 'error'; readonly message: string }
  | { readonly t: 'done' };

export type AgentEventType = AgentEvent['t'];
