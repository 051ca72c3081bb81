import series14 from './options/14.0.json';
import series15 from './options/15.0.json';
import series16 from './options/16.0.json';
import series17 from './options/17.0.json';
import series18 from './options/18.0.json';
import series19 from './options/19.0.json';

/**
 * How an option reads its value. `bool` takes none; `optionalBool` (19's `--without-demo`) takes
 * one only when the next word does not start with `-`; every other type takes exactly one.
 */
export type OptionType =
  | 'bool'
  | 'optionalBool'
  | 'int'
  | 'float'
  | 'string'
  | 'choice'
  | 'commaList'
  | 'path'
  | 'pathList'
  | 'regex'
  | 'testTags'
  | 'loggerLevel';

/** Odoo's default for an option; `false` or `""` mean unset. */
export type OptionDefault = string | number | boolean | readonly string[];

/** One option of one Odoo series, as read from that series' `odoo/tools/config.py`. */
export interface OdooOption {
  /** Spellings on the command line; empty for keys of the config file only. */
  readonly flags: readonly string[];
  /** The key in the config file's `[options]` section; several flags may share one. */
  readonly dest: string;
  readonly type: OptionType;
  /** The `--help` section. */
  readonly group: string;
  /** One line of our own words. */
  readonly summary: string;
  readonly choices?: readonly string[];
  /** `false` where Odoo accepts any value although it lists some (`--dev`). */
  readonly choicesEnforced?: boolean;
  /** What `--dev=all` turns on in this series. */
  readonly allExpandsTo?: readonly string[];
  readonly default?: OptionDefault;
  /** A hint for the value, such as `port`. */
  readonly valueHint?: string;
  /** Must not be kept for the next plain restart. */
  readonly oneShot?: boolean;
  readonly oneShotReason?: string;
  /** Odoo removes it itself when it re-executes on SIGHUP. */
  readonly strippedOnReexec?: boolean;
  /** The flag stores false (`--no-http`). */
  readonly negates?: boolean;
  /** A shortcut for this `--log-handler` value (`--log-sql`). */
  readonly setsLogHandler?: string;
  /** May be given several times, each adding to the others. */
  readonly repeatable?: boolean;
  /** Accepted but not listed by `--help`. */
  readonly hidden?: boolean;
  readonly posixOnly?: boolean;
  /** `false` for keys of the config file only. */
  readonly cli?: boolean;
  /** 19: the environment variable Odoo reads for it. */
  readonly envVar?: string;
  /** 19: read from the command line only, never from the environment or the file. */
  readonly cliOnly?: boolean;
  readonly sourceLine?: number;
  /** Added by optparse itself (`--help`, `--version`), present in every series. */
  readonly builtin?: boolean;
  /** Odoo's own help text, as the container's `odoo --help` lists it. */
  readonly help?: string;
  /** Not in the bundled catalog: only the container's `odoo --help` lists it. */
  readonly fromContainer?: boolean;
}

/** What a long option written on a command line stands for. */
export interface LongOptionMatch {
  readonly option?: OdooOption;
  /** The full flag matched, which differs from what was written when it was abbreviated. */
  readonly flag?: string;
  /** The flags an ambiguous abbreviation could stand for, sorted. */
  readonly ambiguous?: readonly string[];
}

/** The series we have catalogs for, oldest first. */
export const knownSeries = ['14.0', '15.0', '16.0', '17.0', '18.0', '19.0'] as const;

/** The series whose catalog reads a command line when the running series is not known yet. */
export const newestSeries: string = knownSeries[knownSeries.length - 1];

const rawCatalogs: Readonly<Record<string, unknown>> = {
  '14.0': series14,
  '15.0': series15,
  '16.0': series16,
  '17.0': series17,
  '18.0': series18,
  '19.0': series19,
};

/**
 * optparse adds these to every Odoo parser. They take part in abbreviations (`--ver` is
 * `--version`, `--h` is ambiguous), and they make Odoo print and exit instead of serving.
 */
const builtinOptions: readonly OdooOption[] = [
  {
    flags: ['-h', '--help'],
    dest: 'help',
    type: 'bool',
    group: 'Builtin',
    summary: 'Print the options and exit.',
    oneShot: true,
    oneShotReason: 'prints the options and exits',
    builtin: true,
  },
  {
    flags: ['--version'],
    dest: 'version',
    type: 'bool',
    group: 'Builtin',
    summary: 'Print the Odoo version and exit.',
    oneShot: true,
    oneShotReason: 'prints the version and exits',
    builtin: true,
  },
];

/**
 * The known series whose options best describe a version string: `17.0`, `17.0+e`, `saas~17.2`,
 * `17`, `18.0-20250101`, `Odoo Server 16.0`, or a `server_version_info` such as
 * `[17, 0, 0, 'final', 0, '']`. The first number is the major version; a SaaS release
 * (`saas~17.2`) maps to the series it branched from (17.0), the newest known series stands for
 * anything newer or unreadable (`master`), and the oldest for anything older.
 */
export function seriesOf(version: string): string {
  const newest = knownSeries[knownSeries.length - 1];
  const match = /\d+/.exec(version);
  if (!match) {
    return newest;
  }
  const major = Number(match[0]);
  let best: string = knownSeries[0];
  for (const series of knownSeries) {
    if (Number.parseInt(series, 10) <= major) {
      best = series;
    }
  }
  return best;
}

/** The options of one Odoo series and the rules optparse applies to them. */
export class OptionCatalog {
  /** Every option, config-file-only keys included, then optparse's `--help` and `--version`. */
  readonly all: readonly OdooOption[];
  private readonly flagIndex = new Map<string, OdooOption>();
  private readonly longFlags: readonly string[];

  constructor(
    readonly series: string,
    options: readonly OdooOption[],
  ) {
    this.all = [...options, ...builtinOptions];
    for (const option of this.all) {
      for (const flag of option.flags) {
        this.flagIndex.set(flag, option);
      }
    }
    this.longFlags = [...this.flagIndex.keys()].filter((flag) => flag.startsWith('--'));
  }

  /** The option spelled exactly so (case matters, as in Odoo). */
  byFlag(flag: string): OdooOption | undefined {
    return this.flagIndex.get(flag);
  }

  /**
   * optparse's rule for long options: an exact flag wins, otherwise a prefix of exactly one flag
   * stands for it (`--upd` is `--update`), and a prefix of several is ambiguous, even when they
   * are spellings of the same option. `name` is the part before any `=`; the leading `--` may
   * be left out.
   */
  resolveLong(name: string): LongOptionMatch {
    const flag = name.startsWith('--') ? name : `--${name}`;
    const exact = this.flagIndex.get(flag);
    if (exact) {
      return { option: exact, flag };
    }
    const candidates = this.longFlags.filter((known) => known.startsWith(flag)).sort();
    if (candidates.length === 1) {
      return { option: this.flagIndex.get(candidates[0]), flag: candidates[0] };
    }
    return candidates.length > 1 ? { ambiguous: candidates } : {};
  }

  /**
   * Whether the option can take a value. `optionalBool` counts as taking one: Odoo 19 gives it
   * its value from the next word unless that word starts with `-` or there is none (see
   * `parseCommandLine`).
   */
  takesValue(option: OdooOption): boolean {
    return option.type !== 'bool';
  }

  /**
   * The flag the user most likely meant by one this series does not know, or undefined. In
   * order: the full flag of an abbreviation; the same name with other case, `_` for `-`, or the
   * config-file key (`--dev-mode` and `--dev_mode` give `--dev`, `--db-host` gives `--db_host`);
   * a long flag within a small edit distance (`--updte` gives `--update`); a long flag the name
   * starts with (`--log-level-debug` gives `--log-level`); for a single dash, the other case of
   * a lone letter (`-U` gives `-u`) or the short flag of its first letter (`-db` gives `-d`).
   */
  suggest(flag: string): string | undefined {
    const bare = flag.replace(/^-+/, '');
    if (!bare || this.flagIndex.has(flag)) {
      return undefined;
    }
    if (flag.startsWith('--')) {
      const match = this.resolveLong(flag);
      if (match.flag) {
        return match.flag;
      }
    }
    const wanted = normalizedName(bare);
    const sameName = this.longFlags.find((known) => normalizedName(known.slice(2)) === wanted);
    if (sameName) {
      return sameName;
    }
    const sameDest = this.all.find((option) => option.flags.length > 0 && normalizedName(option.dest) === wanted);
    if (sameDest) {
      return longFlagOf(sameDest);
    }
    if (flag.startsWith('--') || bare.length > 1) {
      const visible = this.longFlags.filter((known) => !this.flagIndex.get(known)?.hidden);
      const names = visible.map((known) => normalizedName(known.slice(2)));
      const close = closestWord(wanted, names);
      if (close !== undefined) {
        return visible[names.indexOf(close)];
      }
      const prefix = visible
        .filter((known) => wanted.startsWith(`${normalizedName(known.slice(2))}-`))
        .sort((a, b) => b.length - a.length)[0];
      if (prefix) {
        return prefix;
      }
    }
    if (!flag.startsWith('--')) {
      if (bare.length === 1) {
        const other = `-${bare === bare.toLowerCase() ? bare.toUpperCase() : bare.toLowerCase()}`;
        return this.flagIndex.has(other) ? other : undefined;
      }
      const short = `-${bare[0]}`;
      return this.flagIndex.has(short) ? short : undefined;
    }
    return undefined;
  }

  /** The known series that have exactly this flag, oldest first. */
  seriesHaving(flag: string): string[] {
    return knownSeries.filter((series) => catalogFor(series).byFlag(flag) !== undefined);
  }
}

/** The long spelling of an option, which reads best in messages; its first flag if it has none. */
export function longFlagOf(option: OdooOption): string {
  return option.flags.find((flag) => flag.startsWith('--')) ?? option.flags[0] ?? option.dest;
}

/**
 * The candidate closest to `word` by edit distance (insertions, deletions, substitutions and
 * swaps of neighbours), if it is close enough to be a typo: one edit for words of up to four
 * letters, two up to twelve, three beyond, and always fewer than half the candidate's length so
 * that short names do not attract everything (and `with-demo` does not become `without-demo`).
 * Ties go to the earlier candidate.
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 4 ? 1 : word.length <= 12 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance <= limit && distance * 2 < candidate.length && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

const catalogs = new Map<string, OptionCatalog>();

/**
 * The catalog of a series, built once. Takes a series (`17.0`) or any version string, which
 * `seriesOf` maps to the nearest known series; no series (not known yet) gives the newest.
 */
export function catalogFor(series: string = newestSeries): OptionCatalog {
  const known = (knownSeries as readonly string[]).includes(series) ? series : seriesOf(series);
  let catalog = catalogs.get(known);
  if (!catalog) {
    // The JSON files are ours and match OdooOption; TypeScript infers narrower literal types.
    catalog = new OptionCatalog(known, rawCatalogs[known] as readonly OdooOption[]);
    catalogs.set(known, catalog);
  }
  return catalog;
}

/** Case, `_` and `-` do not tell flags apart for a human: `--DB-Host` means `--db_host`. */
function normalizedName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/** Optimal string alignment distance: Levenshtein plus swaps of neighbouring letters. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (__, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
