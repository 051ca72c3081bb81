// Completion in an args file: option flags where an option starts, and the option's values where
// its value goes (`--log-level=`, `--log-level `, after a comma of `--dev=xml,`).
import {
  CompletionItemKind,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver';
import { argsContextAt, type ArgsContext, type ArgsDocument } from '../core/args-document';
import { parseCommandLine } from '../core/command-line';
import type { OdooOption, OptionCatalog } from '../core/option-catalog';
import type { OfferedModule } from './args-protocol';
import { optionDetail, optionDocs } from './option-docs';

/**
 * Where module names come from (the container's addons paths, the workspace). The extension
 * provides it; the server on its own knows none.
 */
export interface ModuleSource {
  /** Technical names such as `sale_stock`, or the modules with their summaries. */
  modules(): Promise<readonly (string | OfferedModule)[]>;
  /** The databases of the server, when known. */
  databases?(): Promise<readonly string[]>;
}

/** Until the extension provides modules, none are offered. */
export const noModules: ModuleSource = { modules: async () => [] };

/**
 * The options a developer types most, first in the list: VS Code sorts items that match alike by
 * this order, so `--lo` offers `--log-level` before `--load`. The rest follow in Odoo's order.
 */
const commonFlags = [
  '-d', '--database', '-u', '--update', '-i', '--init', '--dev', '--log-level', '--addons-path', '-c', '--config',
  '-p', '--http-port', '--workers', '--test-enable', '--test-tags', '--stop-after-init', '--without-demo', '--with-demo',
  '--db-filter', '--log-handler', '--limit-time-real', '--max-cron-threads', '--load-language', '-l', '--language',
];

/** Options whose values are module names. */
const moduleDests = ['init', 'update', 'reinit'];

/** The completion items at a position of an args file. */
export async function completionsAt(
  doc: ArgsDocument,
  position: Position,
  catalog: OptionCatalog,
  modules: ModuleSource,
): Promise<CompletionItem[]> {
  const context = argsContextAt(doc, position);
  const typed = context && typedBefore(context, position);
  if (!context || typed === undefined) {
    return [];
  }
  const start = { line: position.line, character: position.character - typed.length };
  const equals = typed.indexOf('=');
  if (typed.startsWith('--') && equals > 0) {
    const option = catalog.resolveLong(typed.slice(0, equals)).option;
    return option ? valueItems(option, typed.slice(equals + 1), position, modules) : [];
  }
  const separateValueOf = optionTakingNextWord(context, catalog);
  // Odoo 19's --without-demo takes a value only if one is given, so an option may follow it too.
  if (separateValueOf && !typed.startsWith('-') && separateValueOf.type !== 'optionalBool') {
    return valueItems(separateValueOf, typed, position, modules);
  }
  if (typed === '' || typed.startsWith('-')) {
    return flagItems(catalog, typed, { start, end: position });
  }
  return [];
}

/**
 * What is typed of the word up to the position: `''` between words. Undefined where this first
 * cut offers nothing: inside quotes or escapes, and on a later line of a word continued by a
 * backslash.
 */
function typedBefore(context: ArgsContext, position: Position): string | undefined {
  const { word } = context;
  if (!word) {
    return '';
  }
  if (word.range.start.line !== position.line) {
    return undefined;
  }
  const typed = word.text.slice(0, position.character - word.range.start.character);
  return /["'\\]/.test(typed) ? undefined : typed;
}

/** The option whose value the word at the context is, when it follows the option as a word of its own. */
function optionTakingNextWord(context: ArgsContext, catalog: OptionCatalog): OdooOption | undefined {
  const { profile, index } = context;
  if (index === 0) {
    return undefined;
  }
  // Odoo's own reading decides, with a stand-in for the word being typed.
  const argv = [...profile.argv.slice(0, index), 'value'];
  const arg = parseCommandLine(argv, catalog).options.find((o) => o.end === index + 1 && o.start === index - 1);
  return arg && arg.form === 'separate' ? arg.option : undefined;
}

function flagItems(catalog: OptionCatalog, typed: string, range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  catalog.all.forEach((option, order) => {
    if (option.cli === false || option.hidden || option.builtin) {
      return;
    }
    for (const flag of option.flags) {
      if (typed.startsWith('--') && !flag.startsWith('--')) {
        continue;
      }
      // A long flag with listed values goes in with its `=`, so the values can follow at once.
      const withValue = flag.startsWith('--') && option.choices !== undefined;
      items.push({
        label: flag,
        kind: CompletionItemKind.Property,
        detail: optionDetail(option),
        documentation: optionDocs(option, catalog),
        sortText: sortTextOf(flag, order),
        textEdit: { range, newText: withValue ? `${flag}=` : flag },
        ...(withValue ? { command: { title: 'Suggest values', command: 'editor.action.triggerSuggest' } } : {}),
      });
    }
  });
  return items;
}

/**
 * The values of an option at `typed`, the part of its value before the position. For a comma
 * list only the item being typed is replaced, and items already in the list are not offered.
 */
async function valueItems(option: OdooOption, typed: string, position: Position, modules: ModuleSource): Promise<CompletionItem[]> {
  const isList = option.type === 'commaList';
  const items = isList ? typed.split(',') : [typed];
  const current = items[items.length - 1];
  const given = new Set(items.slice(0, -1).map((item) => item.trim()));
  const range = { start: { line: position.line, character: position.character - current.length }, end: position };
  const isModules = moduleDests.includes(option.dest);
  if (isModules || option.dest === 'db_name') {
    const named = isModules ? (await modules.modules()).map((m) => (typeof m === 'string' ? { name: m } : m)) : (await modules.databases?.() ?? []).map((name) => ({ name }));
    return named.filter((m) => !given.has(m.name)).map((m: OfferedModule) => ({
      label: m.name,
      kind: isModules ? CompletionItemKind.Module : CompletionItemKind.Value,
      ...(m.summary ? { detail: m.summary } : isModules ? {} : { detail: 'database on the server' }),
      ...(m.where === 'workspace' ? { labelDetails: { description: 'workspace' } } : {}),
      textEdit: { range, newText: m.name },
    }));
  }
  const values = option.choices ?? [];
  return values.filter((value) => !given.has(value)).map((value) => ({
    label: value,
    kind: CompletionItemKind.EnumMember,
    ...(valueDetail(option, value) ? { detail: valueDetail(option, value) } : {}),
    textEdit: { range, newText: value },
  }));
}

function sortTextOf(flag: string, order: number): string {
  const common = commonFlags.indexOf(flag);
  return common >= 0 ? `0${String(common).padStart(4, '0')}` : `1${String(order).padStart(4, '0')}${flag.startsWith('--') ? 0 : 1}`;
}

function valueDetail(option: OdooOption, value: string): string | undefined {
  if (value === 'all' && option.allExpandsTo) {
    return `turns on ${option.allExpandsTo.join(', ')}`;
  }
  return option.default === value ? 'default' : undefined;
}
