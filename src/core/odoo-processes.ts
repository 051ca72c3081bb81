import type { ProcessInfo } from './agent-protocol';

/** An Odoo command line: the interpreter and script that run it, its subcommand and arguments. */
export interface OdooProgram {
  /** argv up to and including the script (`python3 /usr/bin/odoo`, `python3 -m odoo`). */
  readonly program: readonly string[];
  /** `server` unless the first argument names another Odoo command (`shell`, `gevent`, ...). */
  readonly command: string;
  /** The arguments after the script, without the subcommand word. */
  readonly args: readonly string[];
  /** Started as `python -m odoo`: such a server dies on HUP instead of re-executing. */
  readonly isModuleLaunch: boolean;
}

/** An Odoo process: its command line read as an Odoo program. */
export interface OdooProcess extends OdooProgram {
  readonly info: ProcessInfo;
}

/** A running Odoo server: its master and the processes it forked. */
export interface OdooServer {
  readonly master: OdooProcess;
  readonly workers: readonly OdooProcess[];
  readonly gevent: OdooProcess | undefined;
}

export interface ContainerProcesses {
  readonly pid1: ProcessInfo | undefined;
  readonly servers: readonly OdooServer[];
  /** Other Odoo commands and one-shot runs (`shell`, `--stop-after-init`): never restarted. */
  readonly commands: readonly OdooProcess[];
}

const scriptName = /^(odoo|odoo-bin|odoo\.py|openerp-server)$/;
const pythonName = /^python(\d+(\.\d+)*)?[a-z]?$/;

/**
 * Reads the Odoo program out of an argv: a Python interpreter (with its own options, or a
 * wrapper module such as debugpy) running an Odoo script or `-m odoo`, or the script itself.
 * The script token decides, not argv[0], which is a bare `python3` after a HUP re-exec; other
 * programs that merely mention `odoo` (`psql -U odoo`, `runuser -u odoo -- ...`) are not Odoo.
 */
export function odooProgramOf(argv: readonly string[]): OdooProgram | undefined {
  const first = basename(argv[0] ?? '');
  if (!pythonName.test(first)) {
    return scriptName.test(first) ? splitProgram(argv, 0) : undefined;
  }
  for (let index = 1; index < argv.length; index++) {
    const token = argv[index];
    if (token === '-c') {
      // `python3 -c CODE ...`: what follows is the code's own arguments, not an Odoo script.
      return undefined;
    }
    const isModule = token === '-m' && /^odoo(\.__main__)?$/.test(argv[index + 1] ?? '');
    if (!isModule && !scriptName.test(basename(token))) {
      continue;
    }
    return splitProgram(argv, index);
  }
  return undefined;
}

/** The Odoo program a process runs, if any (see `odooProgramOf`). */
export function odooProcessOf(info: ProcessInfo): OdooProcess | undefined {
  const program = odooProgramOf(info.argv);
  return program && { info, ...program };
}

/** `docker top` joins argv with spaces; that is exact enough to recognise the Odoo script. */
export function odooProgramOfTopCommand(command: string): OdooProgram | undefined {
  return odooProgramOf(command.split(' '));
}

function splitProgram(argv: readonly string[], index: number): OdooProgram {
  const isModuleLaunch = argv[index] === '-m';
  const scriptEnd = isModuleLaunch ? index + 2 : index + 1;
  let args = argv.slice(scriptEnd);
  let command = 'server';
  // Odoo's own rule: the first argument names a command unless it is an option; an
  // `--addons-path=` in front of it is allowed.
  const commandAt = args[0]?.startsWith('--addons-path=') ? 1 : 0;
  const word = args[commandAt];
  if (word !== undefined && !word.startsWith('-')) {
    command = word;
    args = [...args.slice(0, commandAt), ...args.slice(commandAt + 1)];
  }
  return { program: argv.slice(0, scriptEnd), command, args, isModuleLaunch };
}

/**
 * Sorts the container's processes into Odoo servers (master, workers, gevent) and other Odoo
 * commands. The master is the server process whose parent is not an Odoo process; prefork
 * workers share its command line and are its children.
 */
export function classifyProcesses(processes: readonly ProcessInfo[]): ContainerProcesses {
  const live = processes.filter((p) => p.state !== 'Z' && p.state !== 'X');
  const odoo = new Map<number, OdooProcess>();
  for (const info of live) {
    const process = odooProcessOf(info);
    if (process) {
      odoo.set(info.pid, process);
    }
  }
  const servers: OdooServer[] = [];
  const commands: OdooProcess[] = [];
  for (const process of odoo.values()) {
    const parent = odoo.get(process.info.ppid);
    if (parent && parent.command === 'server') {
      continue;
    }
    if (process.command !== 'server' || isOneShotRun(process.args)) {
      commands.push(process);
      continue;
    }
    const children = [...odoo.values()].filter((child) => child.info.ppid === process.info.pid);
    servers.push({
      master: process,
      workers: children.filter((child) => child.command === 'server'),
      gevent: children.find((child) => child.command === 'gevent'),
    });
  }
  return { pid1: live.find((p) => p.pid === 1), servers, commands };
}

function isOneShotRun(args: readonly string[]): boolean {
  return args.some((arg) => arg === '--stop-after-init');
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Whether a process writes where `docker logs` reads: PID 1's own stdout or stderr. A server
 * started with `docker exec` does not, and neither does one that logs to a file.
 */
export function writesToContainerLog(process: ProcessInfo, pid1: ProcessInfo | undefined): boolean {
  if (process.pid === 1) {
    return true;
  }
  const theirs = pid1?.stdio ?? [];
  return (process.stdio ?? []).some((target) => target !== '/dev/null' && theirs.includes(target));
}
