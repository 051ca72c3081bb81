import type { HttpTarget, ProcessInfo, ProcessSpec } from './agent-protocol';
import { debugEnv, debugPortOf, plainEnv, underDebugger, withoutDebugger, type DebugRequest } from './debug-launch';
import { OdooDevError } from './errors';
import { envValue, OdooCommandLine } from './odoo-command-line';
import { writesToContainerLog, type ContainerProcesses, type OdooServer } from './odoo-processes';
import { changesModules } from './run-beside';
import { maskArgv } from './secrets';

/** What the user asked for: new args, or none to keep the current ones. */
export interface RestartRequest {
  readonly args?: readonly string[];
  /**
   * Run the server under the container's debugpy; `false` drops a debugpy wrapper, and without
   * it the program stays as it runs (a debugpy the user put there included).
   */
  readonly debug?: DebugRequest | false;
  /** Which server, when a container runs several unrelated ones. */
  readonly pid?: number;
}

/** A command line to run, what it runs with, and what a later plain start would run instead. */
export interface Launch {
  readonly spec: ProcessSpec;
  readonly command: OdooCommandLine;
  /** What a later plain start runs: the same, without one-shot args. */
  readonly remember: ProcessSpec;
  readonly http: HttpTarget;
}

/** Odoo re-executes itself with the same PID and the same args minus the one-shot ones. */
export interface HupPlan {
  readonly kind: 'hup';
  readonly server: OdooServer;
  readonly command: OdooCommandLine;
  readonly http: HttpTarget;
  /**
   * The command line the HUP re-executes, as a launch of its own: where the server serves on
   * the socket our holder keeps, the engine boots it beside the server instead, and nothing is
   * refused while it starts. Only where stopping the server leaves the container up and its
   * environment could be read; the relaunch writes to `docker logs`, as the server does (a
   * server on our held socket was started by us or by the keeper, both with that output).
   */
  readonly relaunch?: Launch;
}

/** Stop the master gracefully, then launch the new command beside PID 1. */
export interface InPlacePlan { readonly kind: 'in-place'; readonly server: OdooServer; readonly launch: Launch }

/**
 * A run that ends by itself (an update, a test run, an export) as its own process beside the
 * live server, with the server's user, directory and environment; then, when it changed
 * modules, the server reloads to load their new code. The server is never stopped for it.
 */
export interface RunBesidePlan {
  readonly kind: 'run-beside';
  readonly server: OdooServer;
  /** The run as asked, before `besideCommand` keeps it off the server's port. */
  readonly run: OdooCommandLine;
  readonly spec: ProcessSpec;
  readonly reload: HupPlan | InPlacePlan | undefined;
}

export type RestartPlan =
  | HupPlan
  | InPlacePlan
  | RunBesidePlan
  /** Nothing runs: launch the remembered or configured command. */
  | { readonly kind: 'start'; readonly launch: Launch };

export interface PlanContext {
  readonly processes: ContainerProcesses;
  /** The running series, when known. */
  readonly series?: string;
  readonly remembered?: ProcessSpec;
  /** Used to start Odoo in a container where it never ran under us: argv is the program. */
  readonly defaults: ProcessSpec;
}

/** The one Odoo server a restart or stop acts on; several unrelated servers need a choice. */
export function targetServer(processes: ContainerProcesses, pid?: number): OdooServer | undefined {
  const { servers } = processes;
  if (pid !== undefined) {
    const server = servers.find((s) => s.master.info.pid === pid);
    if (!server) {
      throw new OdooDevError('odoo-not-found', `No Odoo server with PID ${pid} runs in the container.`, {
        hint: `Running servers: ${describeServers(servers) || 'none'}.`,
      });
    }
    return server;
  }
  if (servers.length > 1) {
    throw new OdooDevError('odoo-ambiguous', `The container runs ${servers.length} unrelated Odoo servers: ${describeServers(servers)}.`, {
      hint: 'Say which one to act on with its PID (--pid).',
    });
  }
  return servers[0];
}

/**
 * Chooses how to restart: never a signal to PID 1 but HUP, never two servers, same user,
 * directory, environment and program as the server it replaces.
 */
export function planRestart(request: RestartRequest, context: PlanContext): RestartPlan {
  const server = targetServer(context.processes, request.pid);
  if (!server) {
    return { kind: 'start', launch: startLaunch(request.args, context, request.debug) };
  }
  const running = server.master.command.withSeries(context.series);
  // Dropping a debugpy that is not there changes nothing.
  const debug = request.debug === false && debugPortOf(running) === undefined ? undefined : request.debug;
  const current = debug === false ? withoutDebugger(running) : running;
  const asked = request.args === undefined
    ? current.withExactArgs(current.persistentArgs)
    : current.withArgs(request.args);
  const next = debug ? underDebugger(asked, debug) : asked;
  // What Odoo itself runs after a HUP re-exec.
  const reexec = current.withExactArgs(current.reexecArgs);
  // A new program (debugpy added or dropped) is never the same as what a HUP re-executes.
  const sameAsReexec = debug === undefined && next.meansSameAs(reexec.args);
  const { info } = server.master;
  const { pid1 } = context.processes;
  const isPid1 = endsContainer(info, pid1);
  const spec = specOf(info);
  const hup: HupPlan = {
    kind: 'hup',
    server,
    command: reexec,
    http: reexec.httpTarget(info.env ?? []),
    ...(!isPid1 && spec ? { relaunch: launchOf(reexec, spec) } : {}),
  };
  // A HUP keeps the server's output where it was; a relaunch also brings it to `docker logs`.
  const canHup = isPid1 || (!current.isModuleLaunch && writesToContainerLog(info, pid1));
  const reloadPlan = (): HupPlan | InPlacePlan => {
    if (isPid1 && current.isModuleLaunch) {
      throw unsafeHup();
    }
    return canHup ? hup : { kind: 'in-place', server, launch: launchOf(current.withExactArgs(current.persistentArgs), readSpec(info)) };
  };

  if (request.args !== undefined) {
    // The running args plus one-shot ones, on a server that cannot be stopped: the one-shot
    // part runs beside it, then a HUP loads its result.
    const addsOneShotToPid1 = isPid1 && !sameAsReexec && next.persistentArgs.length < next.args.length
      && next.withExactArgs(next.persistentArgs).meansSameAs(reexec.args);
    if (next.endsByItself || addsOneShotToPid1) {
      // Under the debugger, the run beside waits for a client on its own debugpy: where the
      // server's holds the port, the run's listens on the free port found for it. Not asked
      // for, the run goes without the debugpy the server may run under: it would take the
      // server's port, and wait for a client nobody sends.
      const runDebug = debug ? besideDebug(debug, debugPortOf(running)) : false;
      const run = runDebug ? underDebugger(asked, runDebug) : withoutDebugger(next);
      const reload = changesModules(next) ? reloadPlan() : undefined;
      return { kind: 'run-beside', server, run, spec: withDebugEnv(readSpec(info), run, runDebug), reload };
    }
  }
  if (isPid1) {
    if (debug !== undefined) {
      throw new OdooDevError('pid1-refused', `${describeEnding(info, pid1)}: running it ${debug ? 'under' : 'without'} the debugger means stopping it, and that would stop the container.`, {
        hint: 'Make the container restartable with a keeper as PID 1 (odoo-dev keeper), then Restart and Debug again.',
      });
    }
    if (!sameAsReexec) {
      throw pid1Refusal(current.args, next.args, describeEnding(info, pid1));
    }
    if (current.isModuleLaunch) {
      throw unsafeHup();
    }
    return hup;
  }
  if (sameAsReexec && canHup) {
    return hup;
  }
  return { kind: 'in-place', server, launch: launchOf(next, withDebugEnv(readSpec(info), next, debug)) };
}

/** The debugger of a run beside a server: on a port of its own where the server's debugpy holds the one asked for. */
function besideDebug(debug: DebugRequest, serverPort: number | undefined): DebugRequest {
  if (serverPort !== debug.port) {
    return debug;
  }
  if (debug.besidePort === undefined || debug.besidePort === serverPort) {
    throw new OdooDevError('invalid-args', `The server already runs under debugpy on port ${debug.port}, so a run beside it cannot listen there.`, {
      hint: 'Nothing was stopped; give the run another debug port (--debug-port), or restart the server without the debugger first.',
    });
  }
  return { ...debug, port: debug.besidePort };
}

/** The environment a launch gets: the debug run's, or without it once debugging is dropped. */
function withDebugEnv(spec: ProcessSpec, command: OdooCommandLine, debug: DebugRequest | false | undefined): ProcessSpec {
  if (debug) {
    return { ...spec, env: debugEnv(spec.env, command, debug) };
  }
  return debug === false ? { ...spec, env: plainEnv(spec.env) } : spec;
}

/** The spec of a server whose environment and directory must be known to run its like. */
function readSpec(info: ProcessInfo): ProcessSpec {
  const spec = specOf(info);
  if (!spec) {
    throw new OdooDevError('agent-failed', `Could not read the environment and working directory of Odoo (PID ${info.pid}, uid ${info.uid}).`, {
      hint: 'The container may forbid switching users in an exec; check that `docker exec -u 0` works in it.',
    });
  }
  return spec;
}

function unsafeHup(): OdooDevError {
  return new OdooDevError('unsafe-hup', 'Odoo runs as PID 1 and was started as `python -m odoo`, which dies on HUP instead of re-executing, and that would stop the container.', {
    hint: 'Start Odoo through its script (odoo or odoo-bin), or make the container restartable with a keeper as PID 1.',
  });
}

const initShims = /^(tini|tini-static|docker-init|dumb-init|catatonit)$/;

/**
 * Whether Odoo's end ends the container: it is PID 1, or the child of an init shim as PID 1
 * (`init: true` runs tini, which exits when its one child exits).
 */
export function endsContainer(odoo: ProcessInfo, pid1: ProcessInfo | undefined): boolean {
  if (odoo.pid === 1) {
    return true;
  }
  const init = pid1?.argv[0]?.split('/').pop() ?? '';
  return odoo.ppid === 1 && initShims.test(init);
}

/** What a plain start brings back after this server: its command without one-shot args. */
export function rememberedFor(server: OdooServer): ProcessSpec | undefined {
  const spec = specOf(server.master.info);
  const { command } = server.master;
  return spec && { ...spec, argv: command.withExactArgs(command.persistentArgs).argv };
}

/** The spec a process runs with, when its environment and directory could be read. */
function specOf(info: ProcessInfo): ProcessSpec | undefined {
  const { argv, env, cwd, uid, gid } = info;
  return env === undefined || cwd === undefined ? undefined : { argv, env, cwd, uid, gid };
}

function startLaunch(args: readonly string[] | undefined, context: PlanContext, debug?: DebugRequest | false): Launch {
  const { remembered, defaults, series } = context;
  const wrapped = (command: OdooCommandLine) => debug ? underDebugger(command, debug) : debug === false ? withoutDebugger(command) : command;
  if (remembered) {
    const command = OdooCommandLine.read(remembered.argv, series)
      ?? OdooCommandLine.compose(remembered.argv.slice(0, 1), remembered.argv.slice(1), series);
    const next = wrapped(args === undefined ? command : command.withArgs(args));
    return launchOf(next, withDebugEnv(remembered, next, debug));
  }
  const next = wrapped(OdooCommandLine.compose(defaults.argv, args ?? [], series));
  return launchOf(next, withDebugEnv(defaults, next, debug));
}

/** The launch of a command line with the environment, directory and user of `base`. */
function launchOf(command: OdooCommandLine, base: ProcessSpec): Launch {
  const spec = { ...base, argv: command.argv };
  return {
    spec,
    command,
    remember: { ...spec, argv: command.withExactArgs(command.persistentArgs).argv },
    http: command.httpTarget(spec.env),
  };
}

/** The environment a start gets where nothing ran before: the container's, with a `HOME`. */
export function withHome(env: readonly string[], home: string): readonly string[] {
  return envValue(env, 'HOME') === undefined ? [...env, `HOME=${home}`] : env;
}

/** Why stopping this Odoo stops the container, for messages. */
export function describeEnding(odoo: ProcessInfo, pid1: ProcessInfo | undefined): string {
  return odoo.pid === 1
    ? 'Odoo is PID 1 in this container'
    : `Odoo is the only child of ${pid1?.argv[0]?.split('/').pop() ?? 'the init process'}, PID 1 in this container, which exits when Odoo does`;
}

function pid1Refusal(current: readonly string[], next: readonly string[], ending: string): OdooDevError {
  return new OdooDevError(
    'pid1-refused',
    `${ending}, so stopping it would stop the container, and HUP restarts it only with the args it already has.`,
    {
      hint: 'Restart with no args to reload it in place; its args plus -u or -i update beside it, and `odoo-dev run -- ARGS` runs what ends by itself; for other new args make the container restartable once with a keeper as PID 1: `odoo-dev keeper --apply` recreates it with one, `odoo-dev keeper --write` writes it into your compose or devcontainer files, and `odoo-dev keeper` prints the change.',
      details: { currentArgs: maskArgv(current), requestedArgs: maskArgv(next) },
    },
  );
}

function describeServers(servers: readonly OdooServer[]): string {
  return servers.map((s) => `PID ${s.master.info.pid} (${maskArgv(s.master.command.args).join(' ')})`).join(', ');
}
