/** What `odoo-dev` was asked to do. */
export interface CliOptions {
  readonly command: 'status' | 'restart' | 'run' | 'stop' | 'start' | 'logs' | 'keeper' | 'test' | 'update' | 'debug-adapter' | 'help' | 'version';
  readonly container?: string;
  readonly dockerHost?: string;
  readonly json: boolean;
  readonly watch: boolean;
  readonly follow: boolean;
  readonly tail?: number;
  readonly pid?: number;
  readonly stopTimeoutMs?: number;
  readonly readyTimeoutMs?: number;
  readonly killAfterTimeout: boolean;
  readonly noOverlap: boolean;
  readonly noWarm: boolean;
  /** Engine log lines on stderr. */
  readonly verbose: boolean;
  /** `keeper --compose-service NAME`: print the compose form for this service. */
  readonly composeService?: string;
  /** `keeper --devcontainer`: print the devcontainer form. */
  readonly devcontainer?: boolean;
  /** `keeper --write`: write the keeper into the compose or devcontainer files that make the container. */
  readonly write?: boolean;
  /** `keeper --apply`: recreate the container once with the keeper in front of its entrypoint. */
  readonly apply?: boolean;
  /** `--yes`: do it without asking (for scripts). */
  readonly yes?: boolean;
  /** `test MODULE[:Class[.method]]...`: what to test, as typed. */
  readonly testTargets?: readonly string[];
  /** `test`, `update`: `--db NAME`, the database to work in. */
  readonly database?: string;
  /** `test --no-update`: run the tests without updating their modules first. */
  readonly noUpdate?: boolean;
  /** `update --changed`: the modules whose files changed since their last update. */
  readonly changed?: boolean;
  /** `update --changed --test`: then run their tests, in the same run. */
  readonly runTests?: boolean;
  /** `restart --debug`, `start --debug`: run Odoo under the container's debugpy; `--no-debug`: without it. */
  readonly debug?: boolean;
  /** `--debug-port N`: where debugpy listens on the container's loopback (default 5678). */
  readonly debugPort?: number;
  /** `--debug-wait S`: how long a debug run that ends by itself waits for a debugger, in ms. */
  readonly debugWaitMs?: number;
  /** `--debugpy-from DIR`: a host debugpy to copy into the container for the debug run. */
  readonly debugpyFrom?: string;
  /** The Odoo args after `--`; undefined when there was no `--`. */
  readonly odooArgs?: readonly string[];
}

export class UsageError extends Error {}

export const usage = `Usage: odoo-dev <command> [options] [-- ODOO ARGS...]

Restart Odoo inside its Docker dev container with new arguments, without stopping the container.

Commands:
  status [--watch]       Show whether Odoo runs, its PID, args, version and database;
                         --watch reports every change until interrupted.
  restart [--debug | --no-debug] [-- ARGS...]
                         Restart Odoo; with ARGS, run it with these args instead (the
                         entrypoint's database options are kept unless ARGS set them).
                         --debug runs it under the container's debugpy, listening on the
                         container's loopback only, with --workers 0; --no-debug without it.
                         Args that end by themselves (tests, --stop-after-init) or do
                         one-shot work (-u, -i) run beside the server under debugpy, and
                         wait for a debugger (odoo-dev debug-adapter) before they start.
  run -- ARGS...         Run Odoo once with ARGS beside the running server (an update, a test
                         run, an export: --stop-after-init is added unless ARGS end by
                         themselves), report how it ended, then reload the server when
                         modules changed. Works where Odoo is PID 1 too.
  stop                   Stop Odoo gracefully; the container keeps running.
  start [-- ARGS...]     Start Odoo when it is not running (default: the last command).
  logs [-f] [--tail N]   Print the container's log; -f follows it.
  test [MODULE[:Class[.method]]...] [--db DB] [--no-update]
                         Run Odoo's tests of these modules, classes or methods once beside the
                         running server (default: the modules in this folder), after updating
                         their modules (-u) unless --no-update; a table of the results, or with
                         --json one JSON object per test and a summary; exit 0 only when all pass.
  update --changed [--test] [--db DB]
                         Update the modules whose files changed since their last update (their
                         checksums are kept in the container per database), beside the server,
                         which then reloads; nothing runs when none changed. --test also runs
                         their tests. Modules: those in this folder, else the server's addons.
  debug-adapter          Speak the debug adapter protocol on stdin and stdout to the debugpy
                         of Odoo in the container (through the Docker API: no port is
                         published), for any DAP client; after each restart under --debug it
                         attaches the new server again with the same breakpoints.
  keeper [--compose-service NAME | --devcontainer] [--apply | --write] [--yes]
                         Print the one-time change (compose, Dockerfile or devcontainer) that
                         makes a container whose Odoo is PID 1 restartable with new args;
                         --write writes it into the compose or devcontainer files that make
                         the container, after showing the diff and asking (--yes: no question);
                         --apply recreates the container once with it, everything else kept
                         (image, volumes, networks, ports, settings), after showing what is
                         kept and lost and asking (--yes: no question).

Options:
  --container NAME|ID    The container (default: $ODOO_DEV_CONTAINER, the Dev Container or
                         compose service of this folder, or the only container running Odoo).
  --docker-host ADDRESS  The Docker engine (default: $DOCKER_HOST, the Docker context, the socket).
  --timeout SECONDS      How long a graceful stop may take (default 30).
  --kill-after-timeout   When the stop times out, force it (second TERM, then KILL) instead of failing.
  --no-overlap           Stop the old server before the new one starts, even where the new one
                         could boot beside it on the held socket; the same args: SIGHUP.
  --no-warm              Start the new server cold, not from the warm process that has Odoo's
                         imports done, and prepare none for the next restart.
  --ready-timeout SECONDS  How long the new server may take to be ready (default 120); for
                         test and update, how long their run may take (default 3600).
  --pid PID              Which server, when the container runs several.
  --debug-port PORT      restart --debug, debug-adapter: debugpy's port on the container's
                         loopback (default 5678; debug-adapter: the one the server listens on).
  --debug-wait SECONDS   restart --debug of args that end by themselves or do one-shot work:
                         how long the run waits for a debugger before it ends (default 120).
  --debugpy-from DIR     restart --debug, start --debug: for a container whose Python has no
                         debugpy, copy this host debugpy folder (or the folder that holds
                         debugpy/, such as the Python Debugger extension's bundled/libs) into
                         /tmp/odoo-dev/debugpy in the container, for debug runs only.
  --db NAME              test, update: the database (default: the server's -d).
  -v, --verbose          Also print how the container was found and what the engine does, on stderr.
  --json                 Print the result as JSON on stdout (one object per line with --watch).
  -h, --help             Show this help.
  --version              Show the version.

Progress goes to stderr. restart and start print their outcome once the new server is ready,
and exit once the previous server has stopped. Secrets (--db_password, PGPASSWORD, ...) are
never printed.

Exit codes:
  0  done            4  container not found or not running   7  Odoo crashed or could not start
  1  unexpected      5  refused (Odoo is PID 1, several servers) 8  started but not ready in time
  2  bad usage/args  6  the stop timed out; Odoo still runs      9  a run that ends by itself failed
  3  Docker unreachable                                           (run: the run's own exit code)
  test and update --test: 1 when a test failed or errored, or when none ran.
`;

const commands = ['status', 'restart', 'run', 'stop', 'start', 'logs', 'keeper', 'test', 'update', 'debug-adapter'] as const;

export function parseCliOptions(argv: readonly string[]): CliOptions {
  const dashDash = argv.indexOf('--');
  const own = dashDash >= 0 ? argv.slice(0, dashDash) : argv;
  const odooArgs = dashDash >= 0 ? argv.slice(dashDash + 1) : undefined;
  let command: CliOptions['command'] | undefined;
  const options: { -readonly [K in keyof CliOptions]?: CliOptions[K] } = { json: false, watch: false, follow: false, killAfterTimeout: false, noOverlap: false, noWarm: false, verbose: false };
  for (let i = 0; i < own.length; i++) {
    const arg = own[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? own[++i];
      if (v === undefined || (inline === undefined && v.startsWith('-'))) {
        throw new UsageError(`${flag} needs a value.`);
      }
      return v;
    };
    const noValue = () => {
      if (inline !== undefined) {
        throw new UsageError(`${flag} takes no value.`);
      }
    };
    switch (flag) {
      case '-h':
      case '--help':
        command = 'help';
        break;
      case '--version':
        command = 'version';
        break;
      case '--json':
        noValue();
        options.json = true;
        break;
      case '--watch':
      case '-w':
        noValue();
        options.watch = true;
        break;
      case '-f':
      case '--follow':
        noValue();
        options.follow = true;
        break;
      case '-v':
      case '--verbose':
        noValue();
        options.verbose = true;
        break;
      case '--debug':
      case '--no-debug':
        noValue();
        if (options.debug !== undefined) {
          throw new UsageError('Give --debug or --no-debug once.');
        }
        options.debug = flag === '--debug';
        break;
      case '--debug-port':
        options.debugPort = port(flag, value());
        break;
      case '--debug-wait':
        options.debugWaitMs = seconds(flag, value());
        break;
      case '--debugpy-from':
        options.debugpyFrom = value();
        break;
      case '--kill-after-timeout':
        noValue();
        options.killAfterTimeout = true;
        break;
      case '--no-overlap':
        noValue();
        options.noOverlap = true;
        break;
      case '--no-warm':
        noValue();
        options.noWarm = true;
        break;
      case '--devcontainer':
        noValue();
        options.devcontainer = true;
        break;
      case '--db':
        options.database = value();
        break;
      case '--changed':
        noValue();
        options.changed = true;
        break;
      case '--test':
        noValue();
        options.runTests = true;
        break;
      case '--no-update':
        noValue();
        options.noUpdate = true;
        break;
      case '--write':
        noValue();
        options.write = true;
        break;
      case '--apply':
        noValue();
        options.apply = true;
        break;
      case '--yes':
      case '-y':
        noValue();
        options.yes = true;
        break;
      case '--compose-service':
        options.composeService = value();
        break;
      case '--container':
        options.container = value();
        break;
      case '--docker-host':
        options.dockerHost = value();
        break;
      case '--tail':
        options.tail = integer(flag, value());
        break;
      case '--pid':
        options.pid = integer(flag, value());
        break;
      case '--timeout':
        options.stopTimeoutMs = seconds(flag, value());
        break;
      case '--ready-timeout':
        options.readyTimeoutMs = seconds(flag, value());
        break;
      default:
        if (arg.startsWith('-')) {
          throw new UsageError(`Unknown option ${arg}. Odoo's own args go after "--", as in: odoo-dev restart -- -d mydb -u my_module`);
        }
        if (command === 'test') {
          // What to test: checked as test targets by the command itself.
          options.testTargets = [...(options.testTargets ?? []), arg];
          break;
        }
        if (command && command !== 'help') {
          throw new UsageError(`Unexpected "${arg}" after the command ${command}. Odoo's own args go after "--".`);
        }
        if (!(commands as readonly string[]).includes(arg)) {
          throw new UsageError(`Unknown command "${arg}"; the commands are ${commands.join(', ')}.`);
        }
        command ??= arg as CliOptions['command'];
    }
  }
  if (!command) {
    throw new UsageError('Say what to do: status, restart, run, stop, start, logs, keeper, test, update or debug-adapter.');
  }
  if (options.debug !== undefined && command !== 'restart' && command !== 'start') {
    throw new UsageError(`--debug and --no-debug go with restart and start, not ${command}; debug-adapter attaches to a server run with restart --debug.`);
  }
  if (options.debugPort !== undefined && !options.debug && command !== 'debug-adapter') {
    throw new UsageError('--debug-port goes with restart --debug, start --debug and debug-adapter.');
  }
  if (options.debugWaitMs !== undefined && !options.debug) {
    throw new UsageError('--debug-wait goes with restart --debug and start --debug.');
  }
  if (options.debugpyFrom !== undefined && !options.debug) {
    throw new UsageError('--debugpy-from goes with restart --debug and start --debug.');
  }
  checkTestOptions(command, options);
  if (odooArgs && command !== 'restart' && command !== 'start' && command !== 'run') {
    throw new UsageError(`Only restart, run and start take Odoo args after "--", not ${command}.`);
  }
  if (command === 'run' && !odooArgs?.length) {
    throw new UsageError('run needs the args of the run after "--", as in: odoo-dev run -- -d mydb -u my_module');
  }
  if ((options.composeService !== undefined || options.devcontainer) && command !== 'keeper') {
    throw new UsageError(`--compose-service and --devcontainer go with keeper, not ${command}.`);
  }
  if (options.composeService !== undefined && options.devcontainer) {
    throw new UsageError('Give --compose-service or --devcontainer, not both.');
  }
  if (options.write && command !== 'keeper') {
    throw new UsageError(`--write goes with keeper, not ${command}.`);
  }
  if (options.apply && command !== 'keeper') {
    throw new UsageError(`--apply goes with keeper, not ${command}.`);
  }
  if (options.apply && options.write) {
    throw new UsageError('Give --apply (recreate the container) or --write (change the files), not both.');
  }
  if (options.yes && !options.write && !options.apply) {
    throw new UsageError('--yes goes with keeper --apply or keeper --write.');
  }
  return { ...options, command, ...(odooArgs ? { odooArgs } : {}) } as CliOptions;
}

/** The options of `test` and `update` go with those commands only. */
function checkTestOptions(command: CliOptions['command'], options: Partial<CliOptions>): void {
  if (options.database !== undefined && command !== 'test' && command !== 'update') {
    throw new UsageError(`--db goes with test and update, not ${command}; for other commands the database is an Odoo arg: -- -d NAME`);
  }
  if (options.noUpdate && command !== 'test') {
    throw new UsageError(`--no-update goes with test, not ${command}.`);
  }
  if ((options.changed || options.runTests) && command !== 'update') {
    throw new UsageError(`--changed and --test go with update, not ${command}.`);
  }
  if (command === 'update' && !options.changed) {
    throw new UsageError('update needs --changed: odoo-dev update --changed updates the modules whose files changed; to update others, use odoo-dev run -- -d DB -u MODULES');
  }
}

function port(flag: string, text: string): number {
  const value = integer(flag, text);
  if (value < 1 || value > 65535) {
    throw new UsageError(`${flag} takes a port from 1 to 65535, not ${text}.`);
  }
  return value;
}

function integer(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`${flag} takes a whole number, not "${text}".`);
  }
  return Number(text);
}

function seconds(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || Math.round(value * 1000) < 1) {
    throw new UsageError(`${flag} takes a number of seconds greater than zero, not "${text}".`);
  }
  return Math.round(value * 1000);
}
