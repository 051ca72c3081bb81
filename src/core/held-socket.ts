import type { HoldTarget } from './agent-protocol';
import { debugPortOf } from './debug-launch';
import { majorOf, type OdooCommandLine } from './odoo-command-line';
import { changesModules } from './run-beside';

/** Where the new server's listening socket comes from, and whether it boots beside the old one. */
export interface SocketPlan {
  /** Start the server on the socket our holder keeps (socket activation), so the port never closes. */
  readonly hold?: HoldTarget;
  /** Start it while the old server still answers, and stop the old one once the new one is ready. */
  readonly overlap: boolean;
  /** Why there is no overlap, for the progress: said when a restart stops first. */
  readonly why?: string;
}

export interface SocketPlanOptions {
  /** The command line of the server the new one replaces, when one runs. */
  readonly previous?: OdooCommandLine;
  /** `--no-overlap`, or the setting: always stop first. */
  readonly noOverlap?: boolean;
}

/**
 * How a server is started on its port (odoo-facts.md, socket activation by series): every
 * threaded server (14 to 19) and the prefork master of 19 take a socket passed as systemd
 * passes it; the prefork master before 19 binds its own. Overlap is for a plain server whose
 * port stays, and never where two servers would fight: module updates (the old server must not
 * serve while the schema changes), runs that end by themselves, a debugger's port.
 */
export function socketPlan(command: OdooCommandLine, options: SocketPlanOptions = {}): SocketPlan {
  const http = command.httpTarget([]);
  if (!command.isServer || http.disabled) {
    return { overlap: false, why: 'no HTTP server' };
  }
  const series = command.series;
  const before19 = series === undefined || majorOf(series) < 19;
  const workers = command.value('workers');
  if (before19 && workers !== undefined && workers !== '0') {
    return { overlap: false, why: 'a prefork server before 19 binds its own socket' };
  }
  const hold: HoldTarget = { ...(http.port !== undefined ? { port: http.port } : {}), ...(http.host ? { host: http.host } : {}), ...(workers === undefined && before19 ? { workersFromConfig: true } : {}) };
  const stopFirst = (why: string): SocketPlan => ({ hold, overlap: false, why });
  const { previous } = options;
  if (!previous) {
    return stopFirst('no server runs');
  }
  if (options.noOverlap) {
    return stopFirst('overlap is turned off');
  }
  if (changesModules(command)) {
    return stopFirst('modules are installed or updated: the old server must not serve meanwhile');
  }
  if (command.endsByItself) {
    return stopFirst('a run that ends by itself');
  }
  if (debugPortOf(command) !== undefined || debugPortOf(previous) !== undefined) {
    return stopFirst('a debugger holds its port');
  }
  if (previous.value('http_port') !== command.value('http_port') || previous.value('http_interface') !== command.value('http_interface')) {
    return stopFirst('the HTTP port changes');
  }
  const previousWorkers = previous.value('workers');
  if (before19 && previousWorkers !== undefined && previousWorkers !== '0') {
    return stopFirst('the running prefork server binds its own socket');
  }
  return { hold, overlap: true };
}
