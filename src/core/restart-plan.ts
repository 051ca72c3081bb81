import type { HttpTarget, ProcessInfo, RememberedCommand } from './agent-protocol';
import { keepConnectionOptions, optionValue, parseCommandLine, stripLikeReexec, stripOneShot } from './command-line';
import { OdooDevError } from './errors';
import type { OptionCatalog } from './option-catalog';
import { odooProgramOf, writesToContainerLog, type ContainerProcesses, type OdooServer } from './odoo-processes';
import { maskArgv } from './secrets';

/** What the user asked for: new args, or none to keep the current ones. */
export interface RestartRequest {
  readonly args?: readonly string[];
  /** Which server, when a container runs several unrelated ones. */
  readonly pid?: number;
}

/** A command line to run and everything it runs with. */
export interface LaunchSpec {
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly uid: number;
  readonly gid: number;
  /** The part of argv after the Odoo script. */
  readonly args: readonly string[];
  /** What a later plain start runs: the same, without one-shot args. */
  readonly remember: RememberedCommand;
  readonly http: HttpTarget;
}

export type RestartPlan =
  /** Odoo re-executes itself with the same PID and the same args minus the one-shot ones. */
  | { readonly kind: 'hup'; readonly server: OdooServer; readonly args: readonly string[]; readonly http: HttpTarget }
  /** Stop the master gracefully, then launch the new command beside PID 1. */
  | { readonly kind: 'in-place'; readonly server: OdooServer; readonly launch: LaunchSpec }
  /** Nothing runs: launch the remembered or configured command. */
  | { readonly kind: 'start'; readonly launch: LaunchSpec };

/** Used to start Odoo in a container where it never ran under us. */
export interface StartDefaults {
  readonly program: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly uid: number;
  readonly gid: number;
}

export interface PlanContext {
  readonly processes: ContainerProcesses;
  readonly catalog: OptionCatalog;
  readonly remembered?: RememberedCommand;
  readonly defaults: StartDefaults;
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
  const { catalog } = context;
  const server = targetServer(context.processes, request.pid);
  if (!server) {
    return { kind: 'start', launch: startSpec(request.args, context) };
  }
  const { master } = server;
  const current = master.args;
  const next = request.args === undefined
    ? stripOneShot(current, catalog)
    : keepConnectionOptions(current, request.args, catalog);
  // What Odoo itself runs after a HUP re-exec.
  const reexec = stripLikeReexec(current, catalog);
  const sameAsReexec = sameMeaning(next, reexec, catalog);
  const isPid1 = endsContainer(master.info, context.processes.pid1);

  if (isPid1) {
    if (!sameAsReexec) {
      throw pid1Refusal(current, next, describeEnding(master.info, context.processes.pid1));
    }
    if (master.isModuleLaunch) {
      throw new OdooDevError('unsafe-hup', 'Odoo runs as PID 1 and was started as `python -m odoo`, which dies on HUP instead of re-executing, and that would stop the container.', {
        hint: 'Start Odoo through its script (odoo or odoo-bin), or make the container restartable with a keeper as PID 1.',
      });
    }
    return { kind: 'hup', server, args: reexec, http: httpTargetOf(reexec, master.info.env ?? [], catalog) };
  }
  // A HUP keeps the server's output where it was; a relaunch also brings it to `docker logs`.
  if (sameAsReexec && !master.isModuleLaunch && writesToContainerLog(master.info, context.processes.pid1)) {
    return { kind: 'hup', server, args: reexec, http: httpTargetOf(reexec, master.info.env ?? [], catalog) };
  }
  const { env, cwd } = master.info;
  if (env === undefined || cwd === undefined) {
    throw new OdooDevError('agent-failed', `Could not read the environment and working directory of Odoo (PID ${master.info.pid}, uid ${master.info.uid}).`, {
      hint: 'The container may forbid switching users in an exec; check that `docker exec -u 0` works in it.',
    });
  }
  return {
    kind: 'in-place',
    server,
    launch: launchSpec(master.program, next, env, cwd, master.info.uid, master.info.gid, catalog),
  };
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

/** The stop of `odoo-dev stop` remembers what ran, so a plain start brings it back. */
export function rememberedFor(server: OdooServer, catalog: OptionCatalog): RememberedCommand | undefined {
  const { env, cwd, uid, gid } = server.master.info;
  if (env === undefined || cwd === undefined) {
    return undefined;
  }
  return { argv: [...server.master.program, ...stripOneShot(server.master.args, catalog)], env, cwd, uid, gid };
}

function startSpec(args: readonly string[] | undefined, context: PlanContext): LaunchSpec {
  const { remembered, defaults, catalog } = context;
  if (remembered) {
    const program = programOf(remembered.argv);
    const rememberedArgs = remembered.argv.slice(program.length);
    const next = args === undefined ? rememberedArgs : keepConnectionOptions(rememberedArgs, args, catalog);
    return launchSpec(program, next, remembered.env, remembered.cwd, remembered.uid, remembered.gid, catalog);
  }
  return launchSpec(defaults.program, args ?? [], defaults.env, defaults.cwd, defaults.uid, defaults.gid, catalog);
}

function launchSpec(
  program: readonly string[],
  args: readonly string[],
  env: readonly string[],
  cwd: string,
  uid: number,
  gid: number,
  catalog: OptionCatalog,
): LaunchSpec {
  const argv = [...program, ...args];
  return {
    argv,
    env,
    cwd,
    uid,
    gid,
    args,
    remember: { argv: [...program, ...stripOneShot(args, catalog)], env, cwd, uid, gid },
    http: httpTargetOf(args, env, catalog),
  };
}

/** Where the server started with these args answers HTTP, as far as the command line tells. */
export function httpTargetOf(args: readonly string[], env: readonly string[], catalog: OptionCatalog): HttpTarget {
  const port = Number(optionValue(args, 'http_port', catalog));
  const host = optionValue(args, 'http_interface', catalog);
  const configFile = optionValue(args, 'config', catalog) ?? envValue(env, 'ODOO_RC') ?? homeConfig(env);
  const disabled = optionValue(args, 'http_enable', catalog) === 'false';
  return {
    ...(Number.isInteger(port) && port > 0 ? { port } : {}),
    ...(host ? { host } : {}),
    ...(configFile ? { configFile } : {}),
    ...(disabled ? { disabled } : {}),
  };
}

function homeConfig(env: readonly string[]): string | undefined {
  const home = envValue(env, 'HOME');
  return home ? `${home.replace(/\/$/, '')}/.odoorc` : undefined;
}

export function envValue(env: readonly string[], key: string): string | undefined {
  const prefix = `${key}=`;
  const entry = [...env].reverse().find((e) => e.startsWith(prefix));
  return entry?.slice(prefix.length);
}

function programOf(argv: readonly string[]): readonly string[] {
  return odooProgramOf(argv)?.program ?? argv.slice(0, 1);
}

/**
 * Whether two command lines tell Odoo the same: each option's values in order, and the
 * positional words. The order between different options does not matter to Odoo.
 */
function sameMeaning(a: readonly string[], b: readonly string[], catalog: OptionCatalog): boolean {
  const meaning = (argv: readonly string[]) => {
    const parsed = parseCommandLine(argv, catalog);
    const values = new Map<string, string[]>();
    for (const arg of parsed.options) {
      const key = arg.option?.dest ?? arg.flag;
      values.set(key, [...(values.get(key) ?? []), `${arg.flag}=${arg.value ?? ''}`]);
    }
    const sorted = [...values.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return JSON.stringify([parsed.subcommand?.text ?? null, sorted, parsed.positionals.map((p) => p.text)]);
  };
  return meaning(a) === meaning(b);
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
      hint: 'Restart with no args to re-execute it in place, or make the container restartable (a keeper as PID 1: `odoo-dev keeper` prints the change) or recreate it with the new command.',
      details: { currentArgs: maskArgv(current), requestedArgs: maskArgv(next) },
    },
  );
}

function describeServers(servers: readonly OdooServer[]): string {
  return servers.map((s) => `PID ${s.master.info.pid} (${maskArgv(s.master.args).join(' ')})`).join(', ');
}
