// The problems of an args file as LSP diagnostics, and their fixes as quick fixes. Both come from
// one list, so a quick fix always belongs to a diagnostic that is shown.
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import { validateArgs } from '../core/arg-validation';
import { offerProblems, type ServerOffer } from '../core/inventory-validation';
import type { ArgsDocument, ArgsProfile, TextRange } from '../core/args-document';
import { joinArgs } from '../core/argv-text';
import type { OptionCatalog } from '../core/option-catalog';
import { maskArgv } from '../core/secrets';
import { diagnosticSource } from './args-protocol';

interface Located {
  readonly diagnostic: Diagnostic;
  /** The edit that fixes it, and what the quick fix is called. */
  readonly fix?: { readonly title: string; readonly edit: TextEdit };
}

/** The syntax errors of the file, then what Odoo of the catalog's series says about each profile. */
export function diagnosticsOf(doc: ArgsDocument, catalog: OptionCatalog, offer: ServerOffer = {}): Diagnostic[] {
  return locatedProblems(doc, catalog, offer).map((located) => located.diagnostic);
}

/** A quick fix for each problem that has one and touches `range`. */
export function quickFixesOf(doc: ArgsDocument, catalog: OptionCatalog, uri: string, range: Range, offer: ServerOffer = {}): CodeAction[] {
  return locatedProblems(doc, catalog, offer).flatMap(({ diagnostic, fix }) => (fix && touches(diagnostic.range, range)
    ? [{
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: { changes: { [uri]: [fix.edit] } },
    }]
    : []));
}

function locatedProblems(doc: ArgsDocument, catalog: OptionCatalog, offer: ServerOffer): Located[] {
  const syntax: Located[] = doc.errors.map((error) => ({ diagnostic: diagnostic(error.range, 'error', error.message) }));
  return [...syntax, ...doc.profiles.flatMap((profile) => profileProblems(profile, catalog, offer))];
}

function profileProblems(profile: ArgsProfile, catalog: OptionCatalog, offer: ServerOffer): Located[] {
  const { words } = profile;
  const problems = [...validateArgs(profile.argv, catalog), ...offerProblems(profile.argv, catalog, offer)].sort((a, b) => a.start - b.start || a.end - b.end);
  return problems.flatMap((problem): Located[] => {
    if (problem.start >= words.length || problem.end <= problem.start) {
      return [];
    }
    const last = Math.min(problem.end, words.length) - 1;
    const range = { start: words[problem.start].range.start, end: words[last].range.end };
    const located = { diagnostic: diagnostic(range, problem.severity, problem.message) };
    const replaceWith = problem.fix?.replaceWith;
    if (!replaceWith) {
      return [located];
    }
    if (replaceWith.length > 0) {
      const newText = joinArgs(replaceWith);
      return [{ ...located, fix: { title: `Change to ${joinArgs(maskArgv(replaceWith))}`, edit: { range, newText } } }];
    }
    const removed = joinArgs(maskArgv(profile.argv.slice(problem.start, last + 1)));
    return [{ ...located, fix: { title: `Remove ${removed}`, edit: { range: removalRange(words, problem.start, last), newText: '' } } }];
  });
}

/** The words `first..last` with the blanks that separate them from a neighbour on the same line. */
function removalRange(words: ArgsProfile['words'], first: number, last: number): TextRange {
  const start = words[first].range.start;
  const end = words[last].range.end;
  const next = words[last + 1]?.range.start;
  if (next && next.line === end.line) {
    return { start, end: next };
  }
  const previous = words[first - 1]?.range.end;
  if (previous && previous.line === start.line) {
    return { start: previous, end };
  }
  return { start, end };
}

function diagnostic(range: TextRange, severity: 'error' | 'warning', message: string): Diagnostic {
  return {
    range,
    severity: severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: diagnosticSource,
    message,
  };
}

/** Whether the ranges overlap or meet, as a cursor at the end of a word still touches it. */
function touches(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']): boolean => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
