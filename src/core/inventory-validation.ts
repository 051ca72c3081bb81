import type { ArgProblem } from './arg-validation';
import { parseCommandLine, type ParsedArg } from './command-line';
import { closestWord, type OptionCatalog } from './option-catalog';

/**
 * What the container's server offers, for checking args against it: the modules of its addons
 * paths and of the workspace, and the databases it lists. A list that is undefined is not known,
 * and nothing is said about it.
 */
export interface ServerOffer {
  readonly modules?: readonly string[];
  readonly databases?: readonly string[];
}

/** Module values Odoo reads without a module of that name: `-u all`. */
const moduleKeywords = new Set(['all']);
const moduleDests = new Set(['init', 'update', 'reinit']);

/**
 * Warnings about the args that only the container can tell: a module that is in none of the
 * addons paths (`-i`, `-u`, `--reinit`), and a `-d` that names no existing database, which Odoo
 * would create (a typo makes a new database). Each offers the closest known name as its fix.
 */
export function offerProblems(argv: readonly string[], catalog: OptionCatalog, offer: ServerOffer): ArgProblem[] {
  const parsed = parseCommandLine(argv, catalog);
  const problems: ArgProblem[] = [];
  for (const arg of parsed.options) {
    const dest = arg.option?.dest;
    if (arg.value === undefined || arg.error || dest === undefined) {
      continue;
    }
    if (moduleDests.has(dest) && offer.modules?.length) {
      const problem = unknownItems(arg, arg.value, offer.modules, (names, fixed) => `No module ${names} in the container's addons paths or the workspace${fixed ? `; did you mean ${fixed}?` : ': check the name and --addons-path.'}`);
      if (problem) {
        problems.push(problem);
      }
    } else if (dest === 'db_name' && offer.databases) {
      const problem = unknownItems(arg, arg.value, offer.databases, (names, fixed) => `No database ${names} on the server: Odoo would create it${fixed ? `; did you mean ${fixed}?` : '. Check the name if you meant an existing one.'}`, false);
      if (problem) {
        problems.push(problem);
      }
    }
  }
  return problems;
}

/** A warning for the comma-separated items of a value that are not known, with the closest names as fix. */
function unknownItems(
  arg: ParsedArg,
  value: string,
  known: readonly string[],
  say: (names: string, fixed: string | undefined) => string,
  isModules = true,
): ArgProblem | undefined {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const knownSet = new Set(known);
  const unknown = items.filter((item) => !knownSet.has(item) && !(isModules && moduleKeywords.has(item)));
  if (!unknown.length) {
    return undefined;
  }
  const suggestions = unknown.map((item) => closestWord(item, known));
  const allSuggested = suggestions.every((s) => s !== undefined);
  const names = unknown.map((item) => `"${item}"`).join(', ');
  const fixedValue = items.map((item) => suggestions[unknown.indexOf(item)] ?? item).join(',');
  const fixed = allSuggested ? suggestions.map((s) => `"${s}"`).join(', ') : undefined;
  const replaceWith = allSuggested && !arg.span ? withValue(arg, fixedValue) : undefined;
  return {
    severity: 'warning',
    start: arg.start,
    end: arg.end,
    message: say(names, fixed),
    ...(replaceWith ? { fix: { replaceWith } } : {}),
  };
}

function withValue(arg: ParsedArg, value: string): string[] {
  if (arg.form === 'separate') {
    return [arg.flag, value];
  }
  return [arg.flag.startsWith('--') ? `${arg.flag}=${value}` : `${arg.flag}${value}`];
}
