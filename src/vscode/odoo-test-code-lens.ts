import * as vscode from 'vscode';
import type { OdooTestTree } from './odoo-test-tree';

/**
 * "Run Odoo test" above each test method and "Run Odoo tests" above each test class of a test
 * file of a workspace module: the same run as the Test Explorer's, through `odooDev.runTests`.
 */
export class OdooTestCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly tree: OdooTestTree) {
    this.onDidChangeCodeLenses = tree.onDidChange;
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    await this.tree.discover();
    return this.tree.itemsOfFile(document.uri).flatMap((item) => {
      const info = this.tree.infoOf(item);
      // An inherited method is written in its base class: its lens is there already.
      const inherited = info?.kind === 'method' && item.parent?.range && !item.parent.range.contains(item.range ?? item.parent.range.start);
      if (!item.range || !info || inherited) {
        return [];
      }
      const isClass = info.kind === 'class';
      const line = new vscode.Range(item.range.start, item.range.start);
      return [new vscode.CodeLens(line, {
        title: isClass ? '$(run-all) Run Odoo tests' : '$(run) Run Odoo test',
        tooltip: `Run ${isClass ? `the tests of ${info.className}` : `${info.className}.${info.method}`} once beside the Odoo server`,
        command: 'odooDev.runTests',
        arguments: [item.id],
      })];
    });
  }
}
