import type { HttpTarget } from './agent-protocol';
import {
  connectionDests,
  keepConnectionOptions,
  optionValue,
  optionValues,
  parseCommandLine,
  stripLikeReexec,
  stripOneShot,
  type ParsedCommandLine,
} from './command-line';
import { catalogFor, type OptionCatalog } from './option-catalog';

const scriptName = /^(odoo|odoo-bin|odoo\.py|openerp-server)$/;
const pythonName = /^python(\d+(\.\d+)*)?[a-z]?$/;

/** Options whose run ends by itself in every series: it serves nothing once it is done. */
const endingDests = ['stop_after_init', 'translate_out', 'translate_in'] as const;

/**
 * One Odoo command line, read once the way Odoo reads it: the interpreter and script that run
 * it, its subcommand, its options by destination, and what a restart needs to know of it.
 * Every layer that asks "is this an Odoo server", "which args are one-shot", "which options
 * reach the database" or "where does it answer HTTP" asks this class.
 */
export class OdooCommandLine {
  /** The options after the script, read with the series' catalog (subcommand word included). */
  readonly parsed: ParsedCommandLine;

  private constructor(
    /** argv up to and including the script (`python3 /usr/bin/odoo`, `python3 -m odoo`). */
    readonly program: readonly string[],
    /** `server` unless the first argument names another Odoo command (`shell`, `gevent`, ...). */
    readonly subcommand: string,
    /** The arguments after the script, without the subcommand word. */
    readonly args: readonly string[],
    /** Started as `python -m odoo`: such a server dies on HUP instead of re-executing. */
    readonly isModuleLaunch: boolean,
    /** The running series, when known; the newest series' catalog reads the options meanwhile. */
    readonly series: string | undefined,
    parsed: ParsedCommandLine,
  ) {
    this.parsed = parsed;
  }

  /** The option catalog the command line is read with. */
  get catalog(): OptionCatalog {
    return catalogFor(this.series);
  }

  /**
   * Reads an argv as an Odoo command line: a Python interpreter (with its own options, or a
   * wrapper module such as debugpy) running an Odoo script or `-m odoo`, or the script itself.
   * The script token decides, not argv[0], which is a bare `python3` after a HUP re-exec; other
   * programs that merely mention `odoo` (`psql -U odoo`, `runuser -u odoo -- ...`) are not Odoo.
   */
  static read(argv: readonly string[], series?: string): OdooCommandLine | undefined {
    const scriptAt = scriptIndex(argv);
    if (scriptAt === undefined) {
      return undefined;
    }
    const isModuleLaunch = argv[scriptAt] === '-m';
    const scriptEnd = isModuleLaunch ? scriptAt + 2 : scriptAt + 1;
    return OdooCommandLine.compose(argv.slice(0, scriptEnd), argv.slice(scriptEnd), series, isModuleLaunch);
  }

  /**
   * A `docker top` row's command: argv joined with spaces, which is exact enough to recognise
   * the script and the options that decide a process's role.
   */
  static readTopRow(command: string, series?: string): OdooCommandLine | undefined {
    return OdooCommandLine.read(command.split(' '), series);
  }

  /** The command line a program and its arguments make, for a launch. */
  static compose(program: readonly string[], args: readonly string[], series?: string, isModuleLaunch = program.includes('-m')): OdooCommandLine {
    // Odoo's own rule (odoo/cli/command.py), in one place: the first argument names a command
    // unless it is an option, and an `--addons-path=` in front of it is allowed.
    const parsed = parseCommandLine(args, catalogFor(series));
    const word = parsed.subcommand;
    const rest = word ? [...args.slice(0, word.index), ...args.slice(word.index + 1)] : [...args];
    return new OdooCommandLine([...program], word?.text ?? 'server', rest, isModuleLaunch, series, parsed);
  }

  /** The whole argv: program, then the arguments (the `server` word, if any, is not kept). */
  get argv(): string[] {
    return [...this.program, ...(this.subcommand === 'server' ? [] : [this.subcommand]), ...this.args];
  }

  /**
   * Odoo's HTTP server, as opposed to `shell`, `gevent`, `scaffold` and the like, and to
   * `odoo --help` / `--version`, which print and exit (the extension reads them beside a server).
   */
  get isServer(): boolean {
    return this.subcommand === 'server' && !this.args.some((arg) => arg === '--help' || arg === '-h' || arg === '--version');
  }

  /**
   * A run that ends by itself and serves nothing afterwards: `--stop-after-init`, a translation
   * export or import, and from Odoo 19 `--test-enable`, which implies `--stop-after-init` (while
   * the series is not known, `--test-enable` alone is taken to keep serving, as before 19).
   */
  get endsByItself(): boolean {
    if (endingDests.some((dest) => this.value(dest) !== undefined)) {
      return true;
    }
    return this.series !== undefined && majorOf(this.series) >= 19 && this.value('test_enable') === 'true';
  }

  /** A server that keeps serving: what the engine restarts and the status bar shows. */
  get isLiveServer(): boolean {
    return this.isServer && !this.endsByItself;
  }

  /** The last value the command line gives this config key (see `optionValue`). */
  value(dest: string): string | undefined {
    return optionValue(this.args, dest, this.catalog);
  }

  /** Every value given to the config key, in order (`--log-handler` and the like). */
  values(dest: string): string[] {
    return optionValues(this.args, dest, this.catalog);
  }

  /** `-d`: the database (or the comma-separated databases) it loads. */
  get database(): string | undefined {
    return this.value('db_name');
  }

  /** The args without the one-shot ones (`-u`, `-i`, `--test-*`, ...): what a plain restart keeps. */
  get persistentArgs(): string[] {
    return stripOneShot(this.args, this.catalog);
  }

  /** The args Odoo re-executes itself with on SIGHUP, quirks included (see `stripLikeReexec`). */
  get reexecArgs(): string[] {
    return stripLikeReexec(this.args, this.catalog);
  }

  /** The args as a user would type them: without the connection options a restart keeps anyway. */
  get argsWithoutConnection(): string[] {
    const dests: readonly string[] = connectionDests;
    const drop = new Set<number>();
    for (const arg of parseCommandLine(this.args, this.catalog).options) {
      // A connection option clustered with others (`-sc file`) is rare; it is left as written.
      if (!arg.error && arg.option && dests.includes(arg.option.dest) && !arg.span) {
        for (let index = arg.start; index < arg.end; index++) {
          drop.add(index);
        }
      }
    }
    return this.args.filter((_, index) => !drop.has(index));
  }

  /** The same program with new args, followed by the connection options the new args leave out. */
  withArgs(args: readonly string[]): OdooCommandLine {
    return OdooCommandLine.compose(this.program, keepConnectionOptions(this.args, args, this.catalog), this.series, this.isModuleLaunch);
  }

  /** The same command line read as the given series reads it. */
  withSeries(series: string | undefined): OdooCommandLine {
    return series === this.series ? this : OdooCommandLine.compose(this.program, this.argv.slice(this.program.length), series, this.isModuleLaunch);
  }

  /** The same program with exactly these args. */
  withExactArgs(args: readonly string[]): OdooCommandLine {
    return OdooCommandLine.compose(this.program, args, this.series, this.isModuleLaunch);
  }

  /** Where this server answers HTTP, as far as the command line and the environment tell. */
  httpTarget(env: readonly string[]): HttpTarget {
    const port = Number(this.value('http_port'));
    const host = this.value('http_interface');
    const configFile = this.value('config') ?? envValue(env, 'ODOO_RC') ?? homeConfig(env);
    const disabled = this.value('http_enable') === 'false';
    return {
      ...(Number.isInteger(port) && port > 0 ? { port } : {}),
      ...(host ? { host } : {}),
      ...(configFile ? { configFile } : {}),
      ...(disabled ? { disabled } : {}),
    };
  }

  /**
   * Whether these args tell Odoo the same as this command line's: each option's values in
   * order, and the positional words. The order between different options does not matter.
   */
  meansSameAs(args: readonly string[]): boolean {
    return meaningOf(this.args, this.catalog) === meaningOf(args, this.catalog);
  }
}

/** The value of `KEY` in `KEY=VALUE` entries; the last one counts, as in `execve`'s environment. */
export function envValue(env: readonly string[], key: string): string | undefined {
  const prefix = `${key}=`;
  const entry = [...env].reverse().find((e) => e.startsWith(prefix));
  return entry?.slice(prefix.length);
}

function scriptIndex(argv: readonly string[]): number | undefined {
  const first = basename(argv[0] ?? '');
  if (!pythonName.test(first)) {
    return scriptName.test(first) ? 0 : undefined;
  }
  for (let index = 1; index < argv.length; index++) {
    const token = argv[index];
    if (token === '-c') {
      // `python3 -c CODE ...`: what follows is the code's own arguments, not an Odoo script.
      return undefined;
    }
    const isModule = token === '-m' && /^odoo(\.__main__)?$/.test(argv[index + 1] ?? '');
    if (isModule || scriptName.test(basename(token))) {
      return index;
    }
    if (token.endsWith('.py') && !token.startsWith('-')) {
      // Another Python program runs (our warm process names Odoo's script among its args).
      return undefined;
    }
  }
  return undefined;
}

function meaningOf(argv: readonly string[], catalog: OptionCatalog): string {
  const parsed = parseCommandLine(argv, catalog);
  const values = new Map<string, string[]>();
  for (const arg of parsed.options) {
    const key = arg.option?.dest ?? arg.flag;
    values.set(key, [...(values.get(key) ?? []), `${arg.flag}=${arg.value ?? ''}`]);
  }
  const sorted = [...values.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify([parsed.subcommand?.text ?? null, sorted, parsed.positionals.map((p) => p.text)]);
}

function homeConfig(env: readonly string[]): string | undefined {
  const home = envValue(env, 'HOME');
  return home ? `${home.replace(/\/$/, '')}/.odoorc` : undefined;
}

/** The major version of a series (`18.0` → 18; `saas~17.2` → 17). */
export function majorOf(series: string): number {
  return Number.parseInt(series.replace(/^saas~/, ''), 10) || 0;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
