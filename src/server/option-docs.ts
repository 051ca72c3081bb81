// How an option is described to the user, the same in completion and in hover.
import { MarkupKind, type MarkupContent } from 'vscode-languageserver';
import type { OdooOption, OptionCatalog, OptionType } from '../core/option-catalog';

/** What an option takes, in words: the catalog's type names are ours, not the user's. */
const typeWords: Readonly<Record<OptionType, string>> = {
  bool: 'flag, no value',
  optionalBool: 'flag, with an optional value',
  int: 'a whole number',
  float: 'a number',
  string: 'a text',
  choice: 'one of the listed values',
  commaList: 'values separated by commas',
  path: 'a path in the container',
  pathList: 'paths separated by commas',
  regex: 'a regular expression',
  testTags: 'test tags such as /my_module:TestClass.test_method',
  loggerLevel: 'LOGGER:LEVEL, such as odoo.sql_db:DEBUG',
};

/** The words for an option's type. */
export function typeText(option: OdooOption): string {
  if (option.dest === 'init' || option.dest === 'update' || option.dest === 'reinit') {
    return 'module names separated by commas';
  }
  if (option.dest === 'db_name') {
    return 'database names separated by commas';
  }
  return typeWords[option.type] ?? option.type;
}

/** One line: the value type and Odoo's default, as in `choice, default info`. */
export function optionDetail(option: OdooOption): string {
  const shown = shownDefault(option);
  return shown === undefined ? typeText(option) : `${typeText(option)}; default ${shown}`;
}

/** The summary, flags, type, default, choices and one-shot reason, as Markdown. */
export function optionDocs(option: OdooOption, catalog: OptionCatalog): MarkupContent {
  const lines = [
    `**${option.flags.join(', ')}** (Odoo ${catalog.series})`,
    '',
    option.summary,
    ...(option.help && option.help !== option.summary ? ['', `Odoo: ${option.help}`] : []),
    ...(option.fromContainer ? ['', 'Listed by the container\'s `odoo --help` (an addon or a patch level adds it).'] : []),
    '',
    `Takes: ${typeText(option)}`,
  ];
  const shown = shownDefault(option);
  if (shown !== undefined) {
    lines.push('', `Default: \`${shown}\``);
  }
  if (option.choices) {
    lines.push('', `Values: ${option.choices.map((choice) => `\`${choice}\``).join(', ')}`);
  }
  if (option.allExpandsTo) {
    lines.push('', `\`all\` turns on: ${option.allExpandsTo.join(', ')}`);
  }
  if (option.oneShot) {
    lines.push('', `One-shot: ${option.oneShotReason ?? 'applies to one run'}; the next plain restart drops it.`);
  }
  return { kind: MarkupKind.Markdown, value: lines.join('\n') };
}

/** Odoo's default as written on a command line, or undefined when it is unset (`false`, `""`, `[]`). */
function shownDefault(option: OdooOption): string | undefined {
  const value = option.default;
  if (value === undefined || value === false || value === '' || (Array.isArray(value) && value.length === 0)) {
    return option.type === 'bool' && value === false ? 'off' : undefined;
  }
  if (value === true) {
    return 'on';
  }
  return Array.isArray(value) ? value.join(',') : String(value);
}
