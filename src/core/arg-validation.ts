import { knownSubcommands, parseCommandLine, type ParsedArg, type ParsedCommandLine } from './command-line';
import { catalogFor, closestWord, knownSeries, longFlagOf, type OdooOption, type OptionCatalog } from './option-catalog';
import { containerCatalog, type ContainerOptions } from './option-help';
import { mask } from './secrets';

/** Something wrong with an argv, on the tokens `[start, end)`. */
export interface ArgProblem {
  /** `error`: Odoo would refuse the args or fail to start, so nothing may be stopped for them. */
  readonly severity: 'error' | 'warning';
  readonly start: number;
  readonly end: number;
  /** One sentence: what is wrong and what to do. */
  readonly message: string;
  /** Tokens that replace `argv.slice(start, end)` to fix it; `[]` removes them. */
  readonly fix?: { readonly replaceWith: string[] };
}

/**
 * What Odoo of the catalog's series would say about these args (the part after the Odoo
 * script), said before anything is stopped, plus what it would silently get wrong. Errors:
 * unknown options (with a did-you-mean fix), options of other series, missing or unexpected
 * values, ambiguous abbreviations, bad numbers and choices, stray words, commands other than
 * the server, and the combinations Odoo refuses. Warnings: `-i`/`-u`/tests without `-d`,
 * values Odoo ignores or misreads (`--dev`, `--log-handler` levels, test tags, octal ports),
 * abbreviations, single-dash long flags, and options given twice.
 */
export function validateArgs(argv: readonly string[], catalog: OptionCatalog): ArgProblem[] {
  const parsed = parseCommandLine(argv, catalog);
  if (parsed.subcommand && parsed.subcommand.text !== 'server') {
    return [subcommandProblem(parsed.subcommand.text, parsed.subcommand.index)];
  }
  const check = new Checker(argv, catalog, parsed);
  check.singleDashLongFlags();
  for (const arg of parsed.options) {
    if (!check.handledTokens.has(arg.start)) {
      check.occurrence(arg);
    }
  }
  check.combinations();
  check.duplicates();
  check.positionals();
  return check.problems.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The problems of these args for a series, or, while the series is not known yet, for any
 * series: an error only where every known series refuses the args, a warning where some would
 * accept them. With the container's own option listing, its options decide (`containerCatalog`).
 * The engine blocks on the errors; the restart input shows both.
 */
export function validateArgsForSeries(argv: readonly string[], series: string | undefined, container?: ContainerOptions): ArgProblem[] {
  if (container) {
    return validateArgs(argv, containerCatalog(series, container));
  }
  if (series !== undefined) {
    return validateArgs(argv, catalogFor(series));
  }
  const bySeries = knownSeries.map((name) => validateArgs(argv, catalogFor(name)));
  const newest = bySeries[bySeries.length - 1];
  const refusedByAll = (problem: ArgProblem) =>
    bySeries.every((problems) => problems.some((q) => q.severity === 'error' && q.start === problem.start));
  return newest.map((problem) => (problem.severity === 'error' && !refusedByAll(problem)
    ? { ...problem, severity: 'warning' as const }
    : problem));
}

function subcommandProblem(command: string, index: number): ArgProblem {
  const known = (knownSubcommands as readonly string[]).includes(command);
  return {
    severity: 'error',
    start: index,
    end: index + 1,
    message: known
      ? `"${command}" makes Odoo run its ${command} command instead of the HTTP server; remove it to restart the server.`
      : `Odoo has no command "${command}" and options start with - or --; for a database, write -d ${command}.`,
  };
}

class Checker {
  readonly problems: ArgProblem[] = [];
  /** Tokens whose occurrences are already reported as a whole. */
  readonly handledTokens = new Set<number>();
  /** Positional words reported with the option before them. */
  private readonly absorbed = new Set<number>();
  private readonly positionalIndexes: Set<number>;
  private readonly major: number;

  constructor(
    private readonly argv: readonly string[],
    private readonly catalog: OptionCatalog,
    private readonly parsed: ParsedCommandLine,
  ) {
    this.positionalIndexes = new Set(parsed.positionals.map((p) => p.index));
    this.major = Number.parseInt(catalog.series, 10);
  }

  private get odoo(): string {
    return `Odoo ${this.catalog.series}`;
  }

  private add(severity: ArgProblem['severity'], start: number, end: number, message: string, replaceWith?: string[]): void {
    this.problems.push({ severity, start, end, message, ...(replaceWith ? { fix: { replaceWith } } : {}) });
  }

  /** The word after an occurrence, when it is a stray word that was most likely meant as its value. */
  private strayValueAfter(arg: ParsedArg): number | undefined {
    const next = arg.end;
    const beforeDashes = this.parsed.endOfOptions === undefined || next < this.parsed.endOfOptions;
    if (arg.form === 'flag' && arg.end === arg.start + 1 && beforeDashes && this.positionalIndexes.has(next)) {
      this.absorbed.add(next);
      return next;
    }
    return undefined;
  }

  /** `-update` is `-u pdate` to optparse; nobody means that. */
  singleDashLongFlags(): void {
    const byStart = new Map<number, ParsedArg[]>();
    for (const arg of this.parsed.options) {
      byStart.set(arg.start, [...(byStart.get(arg.start) ?? []), arg]);
    }
    for (const [start, args] of byStart) {
      const token = this.argv[start];
      if (token.startsWith('--') || token.length <= 2) {
        continue;
      }
      const written = token.slice(1);
      const long = this.catalog.byFlag(`--${written.split('=')[0]}`);
      if (!long) {
        continue;
      }
      let end = Math.max(...args.map((arg) => arg.end));
      const replaceWith = [`--${written}`, ...this.argv.slice(start + 1, end)];
      if (this.catalog.takesValue(long) && long.type !== 'optionalBool' && !written.includes('=') && end === start + 1 && this.positionalIndexes.has(end)) {
        this.absorbed.add(end);
        replaceWith.push(this.argv[end]);
        end++;
      }
      const reading = args.map((arg) => (arg.error === 'unknown'
        ? `the unknown ${arg.flag}`
        : arg.value !== undefined ? `${arg.flag} with the value "${shownValue(arg)}"` : arg.flag)).join(', then ');
      this.handledTokens.add(start);
      this.add('error', start, end, `${token} has a single dash, so Odoo reads it as ${reading}; write --${written}.`, replaceWith);
    }
  }

  occurrence(arg: ParsedArg): void {
    switch (arg.error) {
      case 'unknown':
        return this.unknown(arg);
      case 'ambiguous':
        return this.ambiguous(arg);
      case 'missingValue':
        return this.add('error', arg.start, arg.end, `${arg.flag} needs ${valueNoun(arg.option as OdooOption)}: add it after ${arg.flag}.`);
      case 'unexpectedValue':
        return this.add('error', arg.start, arg.end, `${arg.flag} takes no value; write ${arg.matched} alone.`, arg.span ? undefined : [arg.matched as string]);
      default:
        return this.known(arg, arg.option as OdooOption);
    }
  }

  private unknown(arg: ParsedArg): void {
    const elsewhere = this.catalog.seriesHaving(arg.flag);
    if (elsewhere.length > 0) {
      return this.fromOtherSeries(arg, elsewhere);
    }
    const token = this.argv[arg.start];
    const suggestion = this.catalog.suggest(arg.flag);
    const where = arg.span && arg.span.from > 1 ? ` in ${token}` : '';
    if (!arg.flag.startsWith('--')) {
      const from = arg.span?.from ?? 1;
      const fix = suggestion?.length === 2 && !suggestion.startsWith('--')
        ? [token.slice(0, from) + suggestion[1] + token.slice(from + 1)]
        : undefined;
      const hint = fix ? `did you mean ${suggestion}?` : 'remove it (odoo --help lists the options).';
      return this.add('error', arg.start, arg.end, `${this.odoo} has no option ${arg.flag}${where}; ${hint}`, fix);
    }
    const target = suggestion ? this.catalog.byFlag(suggestion) : undefined;
    const stray = this.strayValueAfter(arg);
    const end = stray === undefined ? arg.end : stray + 1;
    if (!suggestion || !target) {
      return this.add('error', arg.start, end, `${this.odoo} has no option ${arg.flag}; remove it (odoo --help lists the options).`);
    }
    const takesValue = this.catalog.takesValue(target);
    const first = arg.value !== undefined && takesValue ? `${suggestion}=${arg.value}` : suggestion;
    this.add('error', arg.start, end, `${this.odoo} has no option ${arg.flag}; did you mean ${suggestion}?`, [first, ...this.argv.slice(arg.end, end)]);
  }

  private fromOtherSeries(arg: ParsedArg, elsewhere: readonly string[]): void {
    const other = catalogFor(elsewhere[elsewhere.length - 1]).byFlag(arg.flag) as OdooOption;
    const clustered = arg.span !== undefined;
    const stray = other.type !== 'bool' && other.type !== 'optionalBool' ? this.strayValueAfter(arg) : undefined;
    const end = stray === undefined ? arg.end : stray + 1;
    const value = arg.value ?? (stray === undefined ? undefined : this.argv[stray]);
    const replacement = this.replacementFor(other);
    const exists = `${arg.flag} does not exist in ${this.odoo} (it exists in ${seriesList(elsewhere)})`;
    if (replacement?.flag) {
      const fix = value === undefined ? [replacement.flag] : [replacement.flag, value];
      return this.add('error', arg.start, end, `${exists}; use ${replacement.flag} instead.`, clustered ? undefined : fix);
    }
    if (replacement?.logHandler) {
      const fix = ['--log-handler', replacement.logHandler];
      return this.add('error', arg.start, end, `${exists}; use --log-handler ${replacement.logHandler} instead.`, clustered ? undefined : fix);
    }
    this.add('error', arg.start, end, `${exists}; remove it.`, clustered ? undefined : []);
  }

  /** What stands in this series for an option of another one. */
  private replacementFor(other: OdooOption): { flag?: string; logHandler?: string } | undefined {
    const renamed = renamedFlags[other.flags.find((flag) => renamedFlags[flag]) ?? ''];
    if (renamed && this.catalog.byFlag(renamed)) {
      return { flag: renamed };
    }
    if (other.setsLogHandler && this.catalog.byFlag('--log-handler')) {
      return { logHandler: other.setsLogHandler };
    }
    const sameDest = this.catalog.all.find((option) => option.dest === other.dest && option.flags.length > 0 && option.type === other.type);
    return sameDest ? { flag: longFlagOf(sameDest) } : undefined;
  }

  private ambiguous(arg: ParsedArg): void {
    const candidates = arg.candidates ?? [];
    const takesValue = candidates.some((flag) => {
      const option = this.catalog.byFlag(flag);
      return option !== undefined && this.catalog.takesValue(option);
    });
    const stray = takesValue ? this.strayValueAfter(arg) : undefined;
    const shown = candidates.length > 6 ? [...candidates.slice(0, 6), '...'] : candidates;
    this.add('error', arg.start, stray === undefined ? arg.end : stray + 1,
      `${arg.flag} is ambiguous in ${this.odoo}, it could be ${shown.join(', ')}; write the full option.`);
  }

  private known(arg: ParsedArg, option: OdooOption): void {
    if (option.builtin) {
      const what = option.dest === 'help' ? 'its options' : 'its version';
      this.add('error', arg.start, arg.end, `${arg.flag} makes Odoo print ${what} and exit instead of starting the server; remove it.`, arg.span ? undefined : []);
      return;
    }
    if (arg.matched && arg.matched !== arg.flag) {
      const fix = arg.form === 'inline' ? [`${arg.matched}=${arg.value}`] : arg.form === 'separate' ? [arg.matched, arg.value as string] : [arg.matched];
      this.add('warning', arg.start, arg.end, `${arg.flag} is short for ${arg.matched}; write it in full, since abbreviations break when Odoo adds options.`, fix);
    }
    if (arg.value === undefined) {
      return;
    }
    if (arg.form === 'inline' && !arg.flag.startsWith('--') && arg.value.startsWith('=')) {
      // optparse keeps the `=` of `-d=db`, so this would name the database "=db".
      const value = shownValue(arg).replace(/^=/, '');
      this.add('error', arg.start, arg.end, `${arg.flag} gets the value "=${value}" with its =, since short options take no =; write ${arg.flag} ${value}.`,
        arg.span ? undefined : [arg.flag, arg.value.slice(1)]);
      return;
    }
    const problems = this.valueProblems(arg, option, arg.value);
    const looksLikeOption = arg.form === 'separate' && /^-[^\d.]/.test(arg.value);
    if (looksLikeOption) {
      const severity = problems.some((p) => p.severity === 'error') ? 'error' : 'warning';
      this.add(severity, arg.start, arg.end, `${arg.flag} takes the next word "${shownValue(arg)}" as its value; put ${valueNoun(option)} right after ${arg.flag}.`);
      return;
    }
    this.problems.push(...problems);
  }

  /** Tokens for the occurrence with another value, or undefined for clustered short options. */
  private withValue(arg: ParsedArg, value: string): string[] | undefined {
    if (arg.span) {
      return undefined;
    }
    if (arg.form === 'separate') {
      return [arg.flag, value];
    }
    return [arg.flag.startsWith('--') ? `${arg.flag}=${value}` : `${arg.flag}${value}`];
  }

  private valueProblems(arg: ParsedArg, option: OdooOption, value: string): ArgProblem[] {
    const problems: ArgProblem[] = [];
    const add = (severity: ArgProblem['severity'], message: string, replaceWith?: string[]): void => {
      problems.push({ severity, start: arg.start, end: arg.end, message, ...(replaceWith ? { fix: { replaceWith } } : {}) });
    };
    const flag = arg.flag;
    switch (option.type) {
      case 'int': {
        const read = this.major >= 19 ? readPythonInt(value) : readOptparseInt(value);
        if (read.kind === 'invalid') {
          add('error', `${flag} needs ${valueNoun(option)}, not "${value}".`);
        } else if (read.kind === 'badOctal') {
          add('error', `${this.odoo} reads "${value}" as an octal number because of its leading 0 and refuses it; write ${read.decimal}.`, this.withValue(arg, read.decimal));
        } else {
          if (read.kind === 'octal') {
            add('warning', `${this.odoo} reads "${value}" as the octal number ${read.value}; write ${read.decimal} without the leading 0 if you meant ${read.decimal}.`, this.withValue(arg, read.decimal));
          }
          if (option.valueHint === 'port' && (read.value < 0 || read.value > 65535)) {
            add('error', `${flag} needs a port number from 0 to 65535, not ${value}.`);
          }
        }
        break;
      }
      case 'float':
        if (!isPythonFloat(value)) {
          add('error', `${flag} needs ${valueNoun(option)}, not "${value}".`);
        }
        break;
      case 'choice':
      case 'string':
      case 'commaList':
        if (option.choices) {
          this.choiceProblems(arg, option, value, add);
        }
        break;
      case 'loggerLevel':
        this.logHandlerProblems(arg, value, add);
        break;
      case 'testTags':
        for (const spec of this.testTagSpecs(value)) {
          add('warning', `Odoo ignores the test tag "${spec}", which does not read as [-][tag][/module][:class][.method]; correct or remove it.`);
        }
        break;
      case 'optionalBool':
        if (!/^(1|yes|true|on|0|no|false|off)$/i.test(value)) {
          const reading = value === 'None' ? 'loads demo data' : 'skips demo data';
          add('warning', `${this.odoo} reads ${flag} as true or false, so "${value}" ${reading}; write ${flag} alone to skip demo data.`, arg.span ? undefined : [flag]);
        }
        break;
      default:
        break;
    }
    return problems;
  }

  private choiceProblems(
    arg: ParsedArg,
    option: OdooOption,
    value: string,
    add: (severity: ArgProblem['severity'], message: string, replaceWith?: string[]) => void,
  ): void {
    const choices = option.choices ?? [];
    const known = choices.join(', ');
    if (option.type === 'choice' && option.choicesEnforced !== false) {
      if (!choices.includes(value)) {
        const suggestion = closestChoice(value, choices);
        add('error', suggestion
          ? `${arg.flag} does not accept "${value}"; did you mean "${suggestion}"?`
          : `${arg.flag} does not accept "${value}"; use one of ${known}.`,
        suggestion ? this.withValue(arg, suggestion) : undefined);
      }
      return;
    }
    const items = option.type === 'commaList' ? value.split(',').map((item) => item.trim()).filter((item) => item !== '') : [value];
    const unknown = items.filter((item) => !choices.includes(item));
    if (unknown.length === 0) {
      return;
    }
    const suggestions = unknown.map((item) => closestChoice(item, choices));
    const fixedItems = items.flatMap((item) => {
      const at = unknown.indexOf(item);
      return at < 0 ? [item] : suggestions[at] ? [suggestions[at] as string] : [];
    });
    const fix = fixedItems.length === 0 ? (arg.span ? undefined : []) : this.withValue(arg, fixedItems.join(','));
    const quoted = unknown.map((item) => `"${item}"`).join(', ');
    const said = suggestions.every((s) => s !== undefined)
      ? `did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?`
      : `it knows ${known}.`;
    add('warning', `${this.odoo} ignores the ${arg.flag} value${unknown.length > 1 ? 's' : ''} ${quoted}; ${said}`, fix);
  }

  private logHandlerProblems(
    arg: ParsedArg,
    value: string,
    add: (severity: ArgProblem['severity'], message: string, replaceWith?: string[]) => void,
  ): void {
    // 19 reads --log-handler as a comma-separated list; before, Odoo splits each value on `:` only.
    if (this.major < 19 && value.includes(',')) {
      const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
      add('error', `${this.odoo} takes one LOGGER:LEVEL per ${arg.flag} and fails to start on "${value}"; repeat the option for each logger.`,
        arg.span ? undefined : items.flatMap((item) => [arg.flag, item]));
      return;
    }
    const items = this.major >= 19 ? value.split(',').map((item) => item.trim()).filter((item) => item !== '') : [value.trim()];
    for (const item of items) {
      const parts = item.split(':');
      if (parts.length !== 2) {
        add('error', `${arg.flag} needs LOGGER:LEVEL such as odoo.sql_db:DEBUG, and Odoo fails to start on "${item}"; correct the value.`);
        continue;
      }
      const [logger, level] = parts;
      if (loggingLevels.includes(level)) {
        continue;
      }
      const upper = level.trim().toUpperCase();
      const fixed = `${logger}:${upper}`;
      const fix = loggingLevels.includes(upper) ? this.withValue(arg, items.map((i) => (i === item ? fixed : i)).join(',')) : undefined;
      if (fix && loggingFunctions.includes(level)) {
        add('error', `Odoo fails to start on the lowercase level in "${item}"; write ${fixed}.`, fix);
      } else if (fix) {
        add('warning', `Odoo does not know the level in "${item}" and uses INFO; write ${fixed}.`, fix);
      } else {
        add('warning', `Odoo does not know the level in "${item}" and uses INFO; use DEBUG, INFO, WARNING, ERROR or CRITICAL.`);
      }
    }
  }

  /** The specs of a --test-tags value that Odoo's TagsSelector rejects. */
  private testTagSpecs(value: string): string[] {
    const parts = this.major >= 17 ? value.split(/,(?![^[]*\])/) : value.split(',');
    const pattern = this.major >= 17 ? testTagPattern17 : testTagPattern14;
    return parts.map((part) => part.trim()).filter((spec) => spec !== '' && !pattern.test(spec));
  }

  /** Rules that look at several options together, as Odoo checks them after parsing. */
  combinations(): void {
    const valid = this.parsed.options.filter((arg) => !arg.error && arg.option && !this.handledTokens.has(arg.start));
    const having = (dest: string): ParsedArg[] => valid.filter((arg) => arg.option?.dest === dest);
    const databases = having('db_name');
    const noDatabase = 'unless the config file sets db_name';

    for (const arg of [...having('init'), ...having('update'), ...having('reinit')]) {
      if (databases.length === 0) {
        this.add('warning', arg.start, arg.end, `${arg.flag} needs a database: add -d NAME, ${noDatabase}.`);
      }
    }
    if (databases.length === 0) {
      for (const arg of [...having('test_enable'), ...having('test_tags'), ...having('test_file')]) {
        this.add('warning', arg.start, arg.end, `${arg.flag} runs tests only on a database: add -d NAME, ${noDatabase}.`);
      }
    }
    const lastDatabase = databases[databases.length - 1]?.value ?? '';
    if (this.major >= 17 && lastDatabase.split(',').filter((name) => name.trim() !== '').length > 1) {
      for (const arg of [...having('init'), ...having('update')]) {
        this.add('error', arg.start, arg.end, `${arg.flag} cannot be used with several databases (-d ${lastDatabase}); give -d a single database.`);
      }
    }
    const syslog = having('syslog');
    const logfile = having('logfile');
    if (syslog.length > 0 && logfile.length > 0) {
      const later = [...syslog, ...logfile].sort((a, b) => b.start - a.start)[0];
      this.add('error', later.start, later.end, '--syslog and --logfile exclude each other; keep only one.');
    }
    const updates = having('update');
    const imports = having('translate_in');
    for (const arg of having('overwrite_existing_translations')) {
      if (updates.length === 0 && (this.major >= 19 || imports.length === 0)) {
        const alternative = this.major >= 19 ? '' : ' or --i18n-import';
        this.add('error', arg.start, arg.end, `${arg.flag} only works with -u${alternative}; add -u MODULES or remove it.`);
      }
    }
    for (const arg of imports) {
      if (having('language').length === 0 || databases.length === 0) {
        this.add('error', arg.start, arg.end, `${arg.flag} needs -l LANGUAGE and -d NAME on the command line; add the missing one.`);
      }
    }
    for (const arg of having('translate_out')) {
      if (databases.length === 0) {
        this.add('error', arg.start, arg.end, `${arg.flag} needs -d NAME on the command line; add it.`);
      }
    }
  }

  /** Options given more than once where Odoo keeps only the last. */
  duplicates(): void {
    const byDest = new Map<string, ParsedArg[]>();
    for (const arg of this.parsed.options) {
      if (arg.error || !arg.option || arg.option.builtin || this.handledTokens.has(arg.start)) {
        continue;
      }
      byDest.set(arg.option.dest, [...(byDest.get(arg.option.dest) ?? []), arg]);
    }
    for (const args of byDest.values()) {
      if (args.length < 2 || args.some((arg) => arg.option?.repeatable || arg.option?.setsLogHandler)) {
        continue;
      }
      const last = args[args.length - 1];
      for (const arg of args.slice(0, -1)) {
        this.add('warning', arg.start, arg.end,
          `${arg.flag} is overridden by ${last.flag} later in these args and Odoo keeps only the last; remove this one.`,
          arg.span ? undefined : []);
      }
    }
  }

  /** Words that are neither options nor their values: Odoo refuses them all. */
  positionals(): void {
    const { endOfOptions } = this.parsed;
    for (const word of this.parsed.positionals) {
      if (this.absorbed.has(word.index) || (endOfOptions !== undefined && word.index > endOfOptions)) {
        continue;
      }
      const before = this.parsed.options.find((arg) => arg.end === word.index && !arg.error);
      if (before && before.form === 'inline' && !before.span && !before.flag.startsWith('--')) {
        this.add('error', before.start, word.index + 1,
          `"${word.text}" is left over because ${before.flag} already has the value "${shownValue(before)}" in the same word; write ${before.flag} ${word.text}.`,
          [before.flag, word.text]);
      } else if (before && before.option && !this.catalog.takesValue(before.option)) {
        this.add('error', word.index, word.index + 1, `"${word.text}" follows ${before.flag}, which takes no value, and Odoo refuses it; remove it.`, []);
      } else {
        this.add('error', word.index, word.index + 1,
          `Odoo refuses the stray word "${word.text}"; remove it or put the option it belongs to before it.`);
      }
    }
    if (endOfOptions !== undefined) {
      const rest = this.argv.slice(endOfOptions);
      if (rest.length > 1) {
        this.add('error', endOfOptions, this.argv.length, `Odoo refuses words after --; remove "${rest.join(' ')}".`, []);
      }
    }
  }
}

/** Flags that other series renamed, with a different config key. */
const renamedFlags: Readonly<Record<string, string>> = {
  '--longpolling-port': '--gevent-port',
  '--osv-memory-age-limit': '--transient-age-limit',
};

/** `getattr(logging, LEVEL)` gives a number for these (RUNBOT is Odoo's own). */
const loggingLevels = ['DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL', 'FATAL', 'NOTSET', 'RUNBOT'];
/** `getattr(logging, level)` gives a function for these, and `setLevel` raises on it. */
const loggingFunctions = ['debug', 'info', 'warning', 'warn', 'error', 'critical', 'fatal'];

const word = '[\\p{L}\\p{N}_]';
/** TagsSelector's syntax up to 16: `[-][tag][/module][:class][.method]` (15 and 16 accept paths). */
const testTagPattern14 = new RegExp(`^[+-]?(?:\\*|${word}*)(?:/(?:${word}|/)*(?:.py)?)?(?::${word}*)?(?:\\.${word}*)?$`, 'u');
/** 17 adds test file paths, and later releases parameters in brackets. */
const testTagPattern17 = new RegExp(
  `^[+-]?(?:\\*|${word}*)(?:/[${word.slice(1, -1)}/.-]+.py)?(?:/(?:${word}|/)*(?:.py)?)?(?::${word}*)?(?:\\.${word}*)?(?:\\[.*\\])?$`, 'u');

/** The value for a message: passwords stay out of messages, which end up in logs and popups. */
function shownValue(arg: ParsedArg): string {
  return arg.option && /password|secret|token/i.test(arg.option.dest) ? mask : arg.value ?? '';
}

function valueNoun(option: OdooOption): string {
  if (option.dest === 'db_name') {
    return 'a database name';
  }
  if (['init', 'update', 'reinit'].includes(option.dest)) {
    return 'a comma-separated list of modules';
  }
  if (option.valueHint === 'port') {
    return 'a port number';
  }
  switch (option.type) {
    case 'int':
      return 'a whole number';
    case 'float':
      return 'a number such as 1.5';
    case 'commaList':
      return 'a comma-separated list';
    case 'path':
      return 'a path';
    case 'pathList':
      return 'a comma-separated list of paths';
    case 'regex':
      return 'a regular expression';
    case 'testTags':
      return 'test tags such as /my_module';
    case 'loggerLevel':
      return 'LOGGER:LEVEL such as odoo.sql_db:DEBUG';
    case 'choice':
      return `one of ${(option.choices ?? []).join(', ')}`;
    default:
      return 'a value';
  }
}

function closestChoice(value: string, choices: readonly string[]): string | undefined {
  return choices.find((choice) => choice.toLowerCase() === value.toLowerCase()) ?? closestWord(value.toLowerCase(), choices);
}

/** "14.0 to 17.0", "14.0 and 15.0", "19.0". */
function seriesList(series: readonly string[]): string {
  const all: readonly string[] = knownSeries;
  const contiguous = series.every((s, i) => i === 0 || all.indexOf(s) === all.indexOf(series[i - 1]) + 1);
  if (series.length > 2 && contiguous) {
    return `${series[0]} to ${series[series.length - 1]}`;
  }
  return series.length === 2 ? `${series[0]} and ${series[1]}` : series.join(', ');
}

type IntReading =
  | { kind: 'invalid' }
  /** A leading 0 made optparse read it as octal, and it is not. */
  | { kind: 'badOctal'; decimal: string }
  | { kind: 'octal'; value: number; decimal: string }
  | { kind: 'ok'; value: number };

const decimalDigits = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/** Python's `int(value)`, which Odoo 19 uses. */
function readPythonInt(value: string): IntReading {
  return decimalDigits.test(value) ? { kind: 'ok', value: Number(value.replace(/_/g, '').trim()) } : { kind: 'invalid' };
}

/**
 * optparse's `int` type (Odoo 14 to 18): `0x` is hexadecimal, `0b` binary, and any other
 * leading 0 octal, so `--http-port 08069` fails and `--workers 010` means 8.
 */
function readOptparseInt(value: string): IntReading {
  const head = value.slice(0, 2).toLowerCase();
  if (head === '0x') {
    return /^0[xX](?:_?[0-9a-fA-F])+\s*$/.test(value) ? { kind: 'ok', value: Number.parseInt(value.slice(2).replace(/_/g, ''), 16) } : { kind: 'invalid' };
  }
  if (head === '0b') {
    const rest = value.slice(2) || '0';
    return /^\s*[+-]?[01]+(?:_[01]+)*\s*$/.test(rest) ? { kind: 'ok', value: Number.parseInt(rest.replace(/_/g, '').trim(), 2) } : { kind: 'invalid' };
  }
  if (value.startsWith('0')) {
    const decimal = String(Number(value.replace(/_/g, '').trim()));
    if (/^0[oO](?:_?[0-7])+\s*$/.test(value)) {
      return { kind: 'ok', value: Number.parseInt(value.slice(2).replace(/_/g, ''), 8) };
    }
    if (/^[0-7]+(?:_[0-7]+)*\s*$/.test(value)) {
      const octal = Number.parseInt(value.replace(/_/g, '').trim(), 8);
      return octal === Number(decimal) ? { kind: 'ok', value: octal } : { kind: 'octal', value: octal, decimal };
    }
    return decimalDigits.test(value) ? { kind: 'badOctal', decimal } : { kind: 'invalid' };
  }
  return readPythonInt(value);
}

/** Python's `float(value)`. */
function isPythonFloat(value: string): boolean {
  const digits = '\\d+(?:_\\d+)*';
  const number = new RegExp(`^\\s*[+-]?(?:(?:${digits})?\\.${digits}|${digits}\\.?)(?:[eE][+-]?${digits})?\\s*$`);
  return number.test(value) || /^\s*[+-]?(?:inf|infinity|nan)\s*$/i.test(value);
}
