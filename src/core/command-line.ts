import type { OdooOption, OptionCatalog } from './option-catalog';

/** How an option occurrence got its value. */
export type ArgForm =
  /** `--x=v`, or `-xv` for a short option. */
  | 'inline'
  /** `--x v` or `-x v`. */
  | 'separate'
  /** No value: a bool, an `optionalBool` used bare, or an unknown option. */
  | 'flag';

/** Why optparse would refuse an occurrence. */
export type ArgError = 'unknown' | 'ambiguous' | 'missingValue' | 'unexpectedValue';

/** One occurrence of an option in an argv. */
export interface ParsedArg {
  /** The option, or undefined when the flag is unknown or ambiguous. */
  readonly option: OdooOption | undefined;
  /** The flag as written, without any `=value`: `--upd`, `-d`. */
  readonly flag: string;
  /** The full flag it resolved to (differs from `flag` for abbreviations). */
  readonly matched: string | undefined;
  readonly value: string | undefined;
  /** Index of the first argv token of this occurrence. */
  readonly start: number;
  /** Index just past its last token: `argv.slice(start, end)` is the occurrence. */
  readonly end: number;
  readonly form: ArgForm;
  /**
   * Characters `[from, to)` of `argv[start]` that belong to this occurrence, set only when the
   * token holds several short options (`-sd` is `-s` and `-d`).
   */
  readonly span?: { readonly from: number; readonly to: number };
  readonly error?: ArgError;
  /** For an ambiguous abbreviation, the flags it could stand for. */
  readonly candidates?: readonly string[];
}

/** A word that is neither an option nor an option's value. */
export interface Positional {
  readonly index: number;
  readonly text: string;
}

/** An argv read the way Odoo reads it. */
export interface ParsedCommandLine {
  readonly argv: readonly string[];
  /** The first word when it does not start with `-`: Odoo runs that command instead of the server. */
  readonly subcommand?: Positional;
  readonly options: readonly ParsedArg[];
  readonly positionals: readonly Positional[];
  /** Index of a `--` token, after which every word is positional. */
  readonly endOfOptions?: number;
}

/** Commands of Odoo 14 to 19 (addons may add more). Only `server`, the default, serves HTTP. */
export const knownSubcommands = [
  'server', 'shell', 'gevent', 'scaffold', 'start', 'db', 'module', 'populate', 'cloc', 'deploy',
  'upgrade_code', 'neutralize', 'obfuscate', 'tsconfig', 'i18n', 'help',
] as const;

/** Config-file and database connection settings, which the official image passes on the command line. */
export const connectionDests = ['config', 'db_host', 'db_port', 'db_user', 'db_password'] as const;

/**
 * Reads an argv (the arguments after the Odoo script) as Odoo does: `odoo/cli/command.py` picks
 * the command, then optparse reads the options. Unlike optparse it goes on after an error, so
 * that every problem can be reported; the errors are on the occurrences.
 *
 * - A first word without a leading `-` is the command; so is the second word when the first
 *   is `--addons-path=...`, which Odoo reads before looking for commands.
 * - Long options take their value after `=` or from the next token, whatever it looks like;
 *   unique prefixes stand for the full flag.
 * - Short options cluster: bools may follow each other (`-s`), and a value-taking one takes the
 *   rest of the token (`-ddb`) or the next token.
 * - `--` ends the options; a lone `-` is a positional word.
 * - Odoo 19's `--without-demo` (an `optionalBool`) written exactly so takes no value when it is
 *   last or the next token starts with `-`, as Odoo's own pre-pass decides.
 */
export function parseCommandLine(argv: readonly string[], catalog: OptionCatalog): ParsedCommandLine {
  const options: ParsedArg[] = [];
  const positionals: Positional[] = [];
  let subcommand: Positional | undefined;
  let endOfOptions: number | undefined;
  let index = 0;

  if (argv.length > 1 && argv[0].startsWith('--addons-path=') && !argv[1].startsWith('-')) {
    readLong(argv, 0, catalog, options);
    subcommand = { index: 1, text: argv[1] };
    index = 2;
  } else if (argv.length > 0 && !argv[0].startsWith('-')) {
    subcommand = { index: 0, text: argv[0] };
    index = 1;
  }

  while (index < argv.length) {
    const token = argv[index];
    if (token === '--') {
      endOfOptions = index;
      for (let rest = index + 1; rest < argv.length; rest++) {
        positionals.push({ index: rest, text: argv[rest] });
      }
      break;
    }
    if (token.startsWith('--')) {
      index = readLong(argv, index, catalog, options);
    } else if (token.startsWith('-') && token.length > 1) {
      index = readShorts(argv, index, catalog, options);
    } else {
      positionals.push({ index, text: token });
      index++;
    }
  }
  return {
    argv,
    ...(subcommand ? { subcommand } : {}),
    options,
    positionals,
    ...(endOfOptions !== undefined ? { endOfOptions } : {}),
  };
}

/**
 * The argv without the options that must not stick to the next plain restart (`oneShot`: `-i`,
 * `-u`, `--test-enable`, `--stop-after-init`, ...), each with its value, however written.
 * Everything else is kept exactly as written; clustered short options are rewritten without
 * the removed ones (`-sd db` becomes `-d db`).
 */
export function stripOneShot(argv: readonly string[], catalog: OptionCatalog): string[] {
  return removeOccurrences(argv, parseCommandLine(argv, catalog), (arg) => arg.option?.oneShot === true);
}

/**
 * The argv Odoo re-executes itself with on SIGHUP: `stripped_sys_argv` in
 * `odoo/service/server.py`, reproduced to the letter, because it works on text and not on
 * parsed options. It drops every token that starts with a short flag of a `strippedOnReexec`
 * option (`-u`, `-ux`, `-i`, `-s`, and so `-sd` too), that starts with one of their long flags
 * followed by `=`, or that is exactly one of their long flags, plus the token after an exact
 * value-taking flag. Abbreviations (`--upd x`) therefore survive, and `-sd db` leaves `db`.
 */
export function stripLikeReexec(argv: readonly string[], catalog: OptionCatalog): string[] {
  const stripped = catalog.all.filter((option) => option.strippedOnReexec);
  const flags = stripped.flatMap((option) => option.flags);
  const shorts = flags.filter((flag) => !flag.startsWith('--'));
  const longs = flags.filter((flag) => flag.startsWith('--'));
  const takesValue = (flag: string): boolean => {
    const option = catalog.byFlag(flag);
    return option !== undefined && catalog.takesValue(option);
  };
  const longsWithEquals = longs.filter(takesValue).map((flag) => `${flag}=`);
  return argv.filter((token, i) => !(
    shorts.some((flag) => token.startsWith(flag))
    || longsWithEquals.some((prefix) => token.startsWith(prefix))
    || longs.includes(token)
    || (i >= 1 && flags.includes(argv[i - 1]) && takesValue(argv[i - 1]))
  ));
}

/**
 * The new args followed by the connection options of the old ones (`-c`, `--db_host`,
 * `--db_port`, `-r`, `-w`) whose setting the new args leave out, copied as written. The
 * official image appends those from its environment, so a restart with new args keeps
 * reaching the same database.
 */
export function keepConnectionOptions(
  oldArgs: readonly string[],
  newArgs: readonly string[],
  catalog: OptionCatalog,
): string[] {
  const dests: readonly string[] = connectionDests;
  const setByNew = new Set(
    parseCommandLine(newArgs, catalog).options.flatMap((arg) => (arg.option ? [arg.option.dest] : [])),
  );
  const old = parseCommandLine(oldArgs, catalog);
  const kept = old.options
    .filter((arg) => !arg.error && arg.option && dests.includes(arg.option.dest) && !setByNew.has(arg.option.dest))
    .flatMap((arg) => occurrenceTokens(oldArgs, arg));
  return [...newArgs, ...kept];
}

/** The tokens of one occurrence as a stand-alone argv part (a clustered short option unclustered). */
export function occurrenceTokens(argv: readonly string[], arg: ParsedArg): string[] {
  if (!arg.span) {
    return argv.slice(arg.start, arg.end);
  }
  const own = `-${argv[arg.start].slice(arg.span.from, arg.span.to)}`;
  return [own, ...argv.slice(arg.start + 1, arg.end)];
}

/**
 * The value the last occurrence of an option with this config key gives it, as written:
 * `-d`, `--http-port`, `--workers` and the like. Options without a value give `'true'`, or
 * `'false'` for negating ones (`--no-http` for `http_enable`); `--log-sql` and its kind give the
 * `--log-handler` value they stand for; `--without-demo` used bare gives `'True'`, the value
 * Odoo 19 fills in. Undefined when no valid occurrence sets it.
 */
export function optionValue(argv: readonly string[], dest: string, catalog: OptionCatalog): string | undefined {
  const values = optionValues(argv, dest, catalog);
  return values[values.length - 1];
}

/** Every value given to the config key, in order (see `optionValue`); for `log_handler` and the like. */
export function optionValues(argv: readonly string[], dest: string, catalog: OptionCatalog): string[] {
  return parseCommandLine(argv, catalog)
    .options.filter((arg) => !arg.error && arg.option?.dest === dest)
    .map((arg) => valueOf(arg));
}

function valueOf(arg: ParsedArg): string {
  const option = arg.option as OdooOption;
  if (arg.value !== undefined) {
    return arg.value;
  }
  if (option.setsLogHandler) {
    return option.setsLogHandler;
  }
  if (option.type === 'optionalBool') {
    return 'True';
  }
  return option.negates ? 'false' : 'true';
}

function readLong(argv: readonly string[], index: number, catalog: OptionCatalog, out: ParsedArg[]): number {
  const token = argv[index];
  const equals = token.indexOf('=');
  const flag = equals >= 0 ? token.slice(0, equals) : token;
  const inline = equals >= 0 ? token.slice(equals + 1) : undefined;
  const match = catalog.resolveLong(flag);
  const base = { flag, matched: match.flag, start: index };
  if (!match.option) {
    out.push({
      ...base,
      option: undefined,
      value: inline,
      end: index + 1,
      form: inline === undefined ? 'flag' : 'inline',
      error: match.ambiguous ? 'ambiguous' : 'unknown',
      ...(match.ambiguous ? { candidates: match.ambiguous } : {}),
    });
    return index + 1;
  }
  const { option } = match;
  if (!catalog.takesValue(option)) {
    out.push(inline === undefined
      ? { ...base, option, value: undefined, end: index + 1, form: 'flag' }
      : { ...base, option, value: inline, end: index + 1, form: 'inline', error: 'unexpectedValue' });
    return index + 1;
  }
  if (inline !== undefined) {
    out.push({ ...base, option, value: inline, end: index + 1, form: 'inline' });
    return index + 1;
  }
  if (isBareOptionalBool(argv, index, option)) {
    out.push({ ...base, option, value: undefined, end: index + 1, form: 'flag' });
    return index + 1;
  }
  if (index + 1 < argv.length) {
    out.push({ ...base, option, value: argv[index + 1], end: index + 2, form: 'separate' });
    return index + 2;
  }
  out.push({ ...base, option, value: undefined, end: index + 1, form: 'flag', error: 'missingValue' });
  return index + 1;
}

function readShorts(argv: readonly string[], index: number, catalog: OptionCatalog, out: ParsedArg[]): number {
  const token = argv[index];
  const found: Array<{ arg: ParsedArg; span: { from: number; to: number } }> = [];
  let next = index + 1;
  for (let at = 1; at < token.length; at++) {
    const flag = `-${token[at]}`;
    const option = catalog.byFlag(flag);
    const base = { flag, matched: option ? flag : undefined, start: index, end: index + 1 };
    if (!option) {
      // optparse stops at an unknown letter; the rest of the token is its unknown tail.
      found.push({ arg: { ...base, option: undefined, value: undefined, form: 'flag', error: 'unknown' }, span: { from: at, to: token.length } });
      break;
    }
    if (!catalog.takesValue(option) || (at === 1 && token.length === 2 && isBareOptionalBool(argv, index, option))) {
      found.push({ arg: { ...base, option, value: undefined, form: 'flag' }, span: { from: at, to: at + 1 } });
      continue;
    }
    const span = { from: at, to: token.length };
    if (at + 1 < token.length) {
      found.push({ arg: { ...base, option, value: token.slice(at + 1), form: 'inline' }, span });
    } else if (index + 1 < argv.length) {
      found.push({ arg: { ...base, option, value: argv[index + 1], end: index + 2, form: 'separate' }, span });
      next = index + 2;
    } else {
      found.push({ arg: { ...base, option, value: undefined, form: 'flag', error: 'missingValue' }, span });
    }
    break;
  }
  // A token with a single option is no cluster, so its occurrence needs no span.
  out.push(...found.map(({ arg, span }) => (found.length > 1 ? { ...arg, span } : arg)));
  return next;
}

/** Odoo 19's pre-pass: an exact `optionalBool` flag last or before a `-` word gets no value. */
function isBareOptionalBool(argv: readonly string[], index: number, option: OdooOption): boolean {
  return option.type === 'optionalBool'
    && option.flags.includes(argv[index])
    && (index === argv.length - 1 || argv[index + 1].startsWith('-'));
}

/**
 * The argv without the occurrences `remove` picks, other tokens unchanged. A token shared by
 * clustered short options is rewritten from the pieces that stay.
 */
function removeOccurrences(
  argv: readonly string[],
  parsed: ParsedCommandLine,
  remove: (arg: ParsedArg) => boolean,
): string[] {
  const byStart = new Map<number, ParsedArg[]>();
  for (const arg of parsed.options) {
    byStart.set(arg.start, [...(byStart.get(arg.start) ?? []), arg]);
  }
  const result: string[] = [];
  let index = 0;
  while (index < argv.length) {
    const args = byStart.get(index);
    if (!args) {
      result.push(argv[index]);
      index++;
      continue;
    }
    const end = Math.max(...args.map((arg) => arg.end));
    const kept = args.filter((arg) => !remove(arg));
    if (kept.length === args.length) {
      result.push(...argv.slice(index, end));
    } else if (kept.length > 0) {
      // Only clustered short options share a token; the value token, if any, belongs to the last.
      result.push(`-${kept.map((arg) => argv[index].slice(arg.span?.from, arg.span?.to)).join('')}`);
      const last = args[args.length - 1];
      if (last.end > index + 1 && kept.includes(last)) {
        result.push(...argv.slice(index + 1, last.end));
      }
    }
    index = end;
  }
  return result;
}
