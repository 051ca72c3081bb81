import { parseCommandLine } from './command-line';
import { OdooCommandLine } from './odoo-command-line';
import { mask } from './secrets';

/** What a run beside the server does on top of the server's own args. */
export interface BesideRun {
  readonly database: string;
  /** `-u`: the modules to update first (at-install tests only run in a module being installed or updated). */
  readonly update?: readonly string[];
  /** `--test-enable --test-tags <tags>`. */
  readonly testTags?: string;
}

/**
 * Options of the server that a run beside it must not copy: its database (the run names its
 * own), where its log goes (the run's log is read from the container's output), its pid file
 * (the run would take it over), its workers (the run is one process: `--workers=0` is added).
 */
const notCopied = new Set(['db_name', 'logfile', 'syslog', 'pidfile', 'workers']);
/** Levels at which Odoo leaves out the INFO records that a test run reports with. */
const quietLevels = new Set(['warn', 'error', 'critical']);

/**
 * The args of an update or a test run beside the running server: the server's args (its
 * addons path, its `--dev`, its log handlers) without its one-shot and connection options
 * (the engine adds the real connection options back) and without what `notCopied` names,
 * then the run's own: `-d`, `-u`, `--test-enable --test-tags`, `--workers=0`,
 * `--stop-after-init`. The server argv may come masked: an option whose value shows as `***` is
 * left out, so that no made-up value reaches Odoo; the config file still gives it. With no
 * server argv, only the run's own.
 *
 * `--workers=0` always, even when neither the server's command line nor anything here shows
 * workers, because the config file may set them: with `--workers` > 0 Odoo starts its prefork
 * server, which binds the HTTP port even with `--stop-after-init` and stops without logging
 * the end-of-run test count (`PreforkServer.run` in every series), and warns that tests in
 * workers mode could fail. `--max-cron-threads` is left as it is: with `--stop-after-init`
 * neither server starts cron (the threaded one returns before `cron_spawn`, the prefork one
 * before it spawns any worker).
 */
export function besideRunArgs(serverArgv: readonly string[] | undefined, series: string | undefined, run: BesideRun): string[] {
  const server = serverArgv?.length ? OdooCommandLine.read(serverArgv, series) : undefined;
  const base = server ? OdooCommandLine.compose([], server.argsWithoutConnection, series).persistentArgs : [];
  const catalog = OdooCommandLine.compose([], [], series).catalog;
  const level = OdooCommandLine.compose([], base, series).value('log_level');
  const quiet = level !== undefined && quietLevels.has(level);
  const drop = new Set<number>();
  for (const arg of parseCommandLine(base, catalog).options) {
    const masked = base.slice(arg.start, arg.end).some((token) => token.includes(mask));
    const dest = arg.option?.dest;
    const dropped = masked || (dest !== undefined && (notCopied.has(dest) || (quiet && dest === 'log_level')));
    if (dropped && !arg.span) {
      for (let index = arg.start; index < arg.end; index++) {
        drop.add(index);
      }
    }
  }
  const kept = base.filter((_, index) => !drop.has(index));
  return [
    ...kept,
    ...(quiet ? ['--log-level=info'] : []),
    '-d', run.database,
    ...(run.update?.length ? ['-u', run.update.join(',')] : []),
    ...(run.testTags !== undefined ? ['--test-enable', '--test-tags', run.testTags] : []),
    '--workers=0',
    '--stop-after-init',
  ];
}
