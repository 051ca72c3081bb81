import type { ProcessInfo } from './agent-protocol';
import { OdooCommandLine } from './odoo-command-line';

/** A process as any listing shows it: enough to tell Odoo servers, masters and workers apart. */
export interface ListedProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
  /** Process state letter (`R`, `S`, `Z`, ...); zombies are not running processes. */
  readonly state?: string;
}

/** An Odoo process: its command line read as Odoo reads it. */
export interface OdooProcess<P extends ListedProcess = ProcessInfo> {
  readonly info: P;
  readonly command: OdooCommandLine;
}

/** A running Odoo server: its master and the processes it forked. */
export interface OdooServer<P extends ListedProcess = ProcessInfo> {
  readonly master: OdooProcess<P>;
  readonly workers: readonly OdooProcess<P>[];
  readonly gevent: OdooProcess<P> | undefined;
}

export interface ContainerProcesses<P extends ListedProcess = ProcessInfo> {
  readonly pid1: P | undefined;
  readonly servers: readonly OdooServer<P>[];
  /** Other Odoo commands and runs that end by themselves (`shell`, `--stop-after-init`): never restarted. */
  readonly commands: readonly OdooProcess<P>[];
}

/**
 * Sorts the container's processes into Odoo servers (master, workers, gevent) and other Odoo
 * commands. The master is the server process whose parent is not an Odoo process; prefork
 * workers share its command line and are its children. The running series, when known,
 * decides for one whether `--test-enable` ends the run (19).
 */
export function classifyProcesses<P extends ListedProcess>(processes: readonly P[], series?: string): ContainerProcesses<P> {
  const live = processes.filter((p) => p.state !== 'Z' && p.state !== 'X');
  const odoo = new Map<number, OdooProcess<P>>();
  for (const info of live) {
    const command = OdooCommandLine.read(info.argv, series);
    if (command) {
      odoo.set(info.pid, { info, command });
    }
  }
  const servers: OdooServer<P>[] = [];
  const commands: OdooProcess<P>[] = [];
  for (const process of odoo.values()) {
    const parent = odoo.get(process.info.ppid);
    if (parent && parent.command.isServer) {
      continue;
    }
    if (!process.command.isLiveServer) {
      commands.push(process);
      continue;
    }
    const children = [...odoo.values()].filter((child) => child.info.ppid === process.info.pid);
    servers.push({
      master: process,
      workers: children.filter((child) => child.command.isServer),
      gevent: children.find((child) => child.command.subcommand === 'gevent'),
    });
  }
  return { pid1: live.find((p) => p.pid === 1), servers, commands };
}

/** Whether a `docker top` command is an Odoo process of any kind (server, worker, gevent, shell). */
export function isOdooTopCommand(command: string): boolean {
  return OdooCommandLine.readTopRow(command) !== undefined;
}

/** `docker top` rows as listed processes: argv is the command split at spaces, exact enough here. */
export function listedFromTop(rows: readonly { pid: number; ppid: number; command: string }[]): ListedProcess[] {
  // trimEnd: a server our warm process forked has room left after its argv, which ps shows as spaces.
  return rows.map((row) => ({ pid: row.pid, ppid: row.ppid, argv: row.command.trimEnd().split(' ') }));
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
