import { OptionCatalog, catalogFor, seriesOf, type OdooOption } from './option-catalog';

/** One option as a container's `odoo --help` lists it. */
export interface HelpOption {
  /** Its spellings, short ones first, as listed (`-d`, `--database`). */
  readonly flags: readonly string[];
  readonly takesValue: boolean;
  /** What the listing names the value (`PORT`, `DB_NAME`). */
  readonly metavar?: string;
  /** The help text, its wrapped lines joined by single spaces; empty when there is none. */
  readonly help: string;
  /** The section heading it is listed under, without the colon (`Common options`); empty at the top. */
  readonly group: string;
}

/** What one image's Odoo says about its options, read once and kept per image. */
export interface ContainerOptions {
  /** The image the listing was read from, as Docker names it (`sha256:...`). */
  readonly imageId: string;
  /** What `odoo --version` printed, such as `Odoo Server 18.0+e-20250101`, when it answered. */
  readonly version?: string;
  readonly options: readonly HelpOption[];
}

/**
 * The options in the help text that Python's optparse prints for `odoo --help`, as Odoo 14 to 19
 * print it: sections whose heading ends with a colon, each option's spellings at the start of a
 * line (`-c CONFIG, --config=CONFIG`, `--no-http`), its help after two or more spaces or on the
 * lines below, wrapped and indented deeper. Lines that are neither (the usage line, a section's
 * description) are passed over.
 */
export function parseOptionHelp(text: string): HelpOption[] {
  const options: Array<{ flags: string[]; takesValue: boolean; metavar?: string; help: string[]; group: string; indent: number }> = [];
  let group = '';
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (!body) {
      continue;
    }
    const last = options[options.length - 1];
    if (last && indent > last.indent && !(body.startsWith('-') && indent <= last.indent + 2 && isOptionStrings(body))) {
      last.help.push(body);
      continue;
    }
    if (body.startsWith('-')) {
      const [strings, ...help] = body.split(/\s{2,}/);
      const parsed = optionStrings(strings);
      if (parsed) {
        options.push({ ...parsed, help: help.length ? [help.join(' ')] : [], group, indent });
        continue;
      }
    }
    if (indent > 0 && body.endsWith(':') && !body.startsWith('-')) {
      group = body.slice(0, -1);
    } else if (indent === 0 && /^options:$/i.test(body)) {
      group = '';
    }
  }
  return options.map(({ flags, takesValue, metavar, help, group: heading }) => ({
    flags,
    takesValue,
    ...(metavar ? { metavar } : {}),
    help: help.join(' '),
    group: heading,
  }));
}

/** A line's start is option strings when every comma-separated part is a flag with an optional value. */
function isOptionStrings(body: string): boolean {
  return optionStrings(body.split(/\s{2,}/)[0]) !== undefined;
}

/** `-c CONFIG, --config=CONFIG` into its flags and whether they take a value; undefined if it is not that. */
function optionStrings(text: string): { flags: string[]; takesValue: boolean; metavar?: string } | undefined {
  const flags: string[] = [];
  let metavar: string | undefined;
  for (const part of text.split(', ')) {
    // optparse writes a short flag as `-c CONFIG` (one letter) and a long one as `--config=CONFIG`.
    const match = /^(?:(-[A-Za-z0-9])(?: (\S+))?|(--[A-Za-z0-9][\w-]*)(?:=(\S+))?)$/.exec(part.trim());
    if (!match) {
      return undefined;
    }
    flags.push(match[1] ?? match[3]);
    metavar ??= match[2] ?? match[4];
  }
  return { flags, takesValue: metavar !== undefined, ...(metavar ? { metavar } : {}) };
}

/**
 * The bundled catalog of a series with what the container's own Odoo lists laid over it, so that
 * options an addon or a patch level adds are known and those the container's Odoo lacks are not:
 *
 * - an option the catalog has keeps its facts, gains the spellings the listing adds, and takes
 *   the listing's word on whether it takes a value (the container's Odoo is what parses it);
 * - an option only the listing has is added, in the catalog group of the options listed beside
 *   it, its help text as its summary;
 * - an option the catalog lists in `--help` that the listing does not name is left out. Hidden
 *   options, config-file keys and optparse's own `--help` and `--version` are kept.
 *
 * A listing that names too few of the catalog's options to be Odoo's `--help` (a wrapper script
 * that prints its own usage, a failed read) changes nothing.
 */
export function catalogWithHelp(base: OptionCatalog, listed: readonly HelpOption[]): OptionCatalog {
  const ownOptions = base.all.filter((option) => !option.builtin);
  const visible = ownOptions.filter((option) => option.flags.length > 0 && !option.hidden);
  const byFlag = new Map<string, HelpOption>();
  for (const entry of listed) {
    for (const flag of entry.flags) {
      byFlag.set(flag, entry);
    }
  }
  const named = visible.filter((option) => option.flags.some((flag) => byFlag.has(flag)));
  if (named.length * 2 < visible.length) {
    return base;
  }
  const catalogGroupOf = new Map<string, string>();
  for (const option of named) {
    const heading = option.flags.map((flag) => byFlag.get(flag)).find((entry) => entry)?.group;
    if (heading !== undefined && !catalogGroupOf.has(heading)) {
      catalogGroupOf.set(heading, option.group);
    }
  }
  const used = new Set<HelpOption>();
  const merged: OdooOption[] = [];
  for (const option of ownOptions) {
    const entry = option.flags.map((flag) => byFlag.get(flag)).find((e) => e !== undefined);
    if (!entry) {
      if (option.flags.length === 0 || option.hidden) {
        merged.push(option);
      }
      continue;
    }
    used.add(entry);
    const flags = [...option.flags, ...entry.flags.filter((flag) => !option.flags.includes(flag))];
    const type = base.takesValue(option) === entry.takesValue ? option.type : entry.takesValue ? 'string' : 'bool';
    merged.push({ ...option, flags, type, ...(entry.help ? { help: entry.help } : {}) });
  }
  for (const entry of listed) {
    if (used.has(entry) || entry.flags.some((flag) => base.byFlag(flag)?.builtin)) {
      continue;
    }
    used.add(entry);
    merged.push({
      flags: entry.flags,
      dest: destOf(entry.flags),
      type: entry.takesValue ? 'string' : 'bool',
      group: catalogGroupOf.get(entry.group) ?? entry.group,
      summary: entry.help || 'Listed by the container\'s odoo --help.',
      ...(entry.help ? { help: entry.help } : {}),
      ...(entry.metavar ? { valueHint: entry.metavar } : {}),
      fromContainer: true,
    });
  }
  return new OptionCatalog(base.series, merged);
}

/** optparse's rule for an option without `dest`: the first long flag, `-` read as `_`. */
function destOf(flags: readonly string[]): string {
  const long = flags.find((flag) => flag.startsWith('--'));
  return long ? long.slice(2).replace(/-/g, '_') : (flags[0] ?? '').replace(/^-+/, '');
}

const containerCatalogs = new WeakMap<ContainerOptions, Map<string, OptionCatalog>>();

/**
 * The catalog to check args by in a container whose own listing is known: the series' bundled
 * catalog (the running server's series, else the one its `--version` names, else the newest)
 * with the listing laid over it. Built once per listing and series.
 */
export function containerCatalog(series: string | undefined, options: ContainerOptions): OptionCatalog {
  const base = catalogFor(series ?? (options.version ? seriesOf(options.version) : undefined));
  let bySeries = containerCatalogs.get(options);
  if (!bySeries) {
    bySeries = new Map();
    containerCatalogs.set(options, bySeries);
  }
  let catalog = bySeries.get(base.series);
  if (!catalog) {
    catalog = catalogWithHelp(base, options.options);
    bySeries.set(base.series, catalog);
  }
  return catalog;
}

/**
 * What an image's Odoo said of itself, as kept for it: its `--help` read into options and its
 * `--version` line. Undefined when the help lists no options (not Odoo, or it failed).
 */
export function containerOptionsOf(imageId: string, said: { readonly version?: string; readonly help?: string }): ContainerOptions | undefined {
  const options = parseOptionHelp(said.help ?? '');
  if (options.length === 0) {
    return undefined;
  }
  const version = said.version?.trim();
  return { imageId, ...(version ? { version } : {}), options };
}
