import * as vscode from 'vscode';
import { parseArgsDocument, type ArgsDocument, type ArgsProfile, type TextRange } from '../core/args-document';

/** What the CodeLens passes to `odooDev.restartWithArgs`. */
export interface ProfileArgs {
  readonly args: readonly string[];
  readonly profile: string | undefined;
}

/**
 * "▶ Restart with these args" above each profile that has args and reads cleanly; a profile
 * with a syntax error (an unclosed quote) gets none, since its args are not what the user means.
 */
export class ArgsCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const doc = parseArgsDocument(document.getText());
    return doc.profiles.flatMap((profile, index) => {
      const anchor = profile.header ?? profile.words[0]?.range;
      if (!anchor || !profile.argv.length || hasErrors(doc, index)) {
        return [];
      }
      const args: ProfileArgs = { args: [...profile.argv], profile: profile.name };
      return [new vscode.CodeLens(rangeOf(anchor), {
        title: '▶ Restart with these args',
        tooltip: `Restart Odoo with ${profile.name ? `the [${profile.name}] profile` : 'the default args'}`,
        command: 'odooDev.restartWithArgs',
        arguments: [args],
      })];
    });
  }
}

/** Whether a syntax error lies between this profile's start and the next profile's header. */
function hasErrors(doc: ArgsDocument, index: number): boolean {
  const first = startLine(doc.profiles[index]);
  const next = doc.profiles[index + 1];
  const end = next ? startLine(next) : Number.POSITIVE_INFINITY;
  return doc.errors.some((error) => error.range.start.line >= first && error.range.start.line < end);
}

function startLine(profile: ArgsProfile): number {
  return profile.header?.start.line ?? 0;
}

function rangeOf(range: TextRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}
