// Hover in an args file: what the option under the mouse does in the container's Odoo series.
import type { Hover, Position } from 'vscode-languageserver';
import { argsContextAt, type ArgsDocument } from '../core/args-document';
import { parseCommandLine } from '../core/command-line';
import type { OptionCatalog } from '../core/option-catalog';
import { optionDocs } from './option-docs';

/**
 * The docs of the option that the word at the position belongs to, whether the word is the flag
 * or its value; in a cluster of short options (`-sd`), of the letter under the position. Null
 * for words that are no known option's.
 */
export function hoverAt(doc: ArgsDocument, position: Position, catalog: OptionCatalog): Hover | null {
  const context = argsContextAt(doc, position);
  const word = context?.word;
  if (!context || !word) {
    return null;
  }
  const { index } = context;
  const occurrences = parseCommandLine(context.profile.argv, catalog).options.filter((arg) => arg.start <= index && index < arg.end);
  // Characters map to letters of a cluster only when the word is written without quotes.
  const letter = word.text === word.value && word.range.start.line === position.line
    ? position.character - word.range.start.character
    : -1;
  const arg = occurrences.find((o) => !o.span || index > o.start || (o.span.from <= letter && letter < o.span.to)) ?? occurrences[0];
  if (!arg?.option) {
    return null;
  }
  return { contents: optionDocs(arg.option, catalog), range: word.range };
}
