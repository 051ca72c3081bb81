import type { ProcessSpec } from './agent-protocol';
import type { OdooCommandLine } from './odoo-command-line';

/** Module installs, updates and re-inits: after them a live server needs a reload for the new code. */
const moduleChangingDests = ['init', 'update', 'reinit'] as const;

/** Whether a run installs, updates or re-initialises modules. */
export function changesModules(command: OdooCommandLine): boolean {
  return moduleChangingDests.some((dest) => command.value(dest) !== undefined);
}

/** Whether a run needs an HTTP server of its own (tests: `HttpCase` and tours talk to it). */
export function needsOwnHttp(command: OdooCommandLine): boolean {
  return command.value('test_enable') === 'true';
}

/**
 * The command line of a run beside the live server, in the same container: it must end by
 * itself, must not take the live server's port, and must not fork workers. What is added comes
 * last, so it wins over the same options earlier in the args, as optparse lets the last one win:
 * `--stop-after-init` unless the run ends by itself anyway, `--workers=0` unless the args already
 * end with it (a prefork run binds the port even with `--stop-after-init`, and logs no end-of-run
 * test count; the config file may set `workers` where the command line does not show it), and
 * `--no-http`, or a free loopback port of its own for a test run (`httpPort`).
 */
export function besideCommand(command: OdooCommandLine, httpPort?: number): OdooCommandLine {
  const added = [
    ...(command.endsByItself ? [] : ['--stop-after-init']),
    ...(command.value('workers') === '0' ? [] : ['--workers=0']),
    ...(httpPort !== undefined ? [`--http-port=${httpPort}`, '--http-interface=127.0.0.1'] : ['--no-http']),
  ];
  return command.withExactArgs([...command.args, ...added]);
}

/** The spec of a run beside a server: the server's user, directory and environment. */
export function besideSpec(command: OdooCommandLine, server: ProcessSpec): ProcessSpec {
  return { ...server, argv: command.argv };
}
