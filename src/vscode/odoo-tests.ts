import * as vscode from 'vscode';
import { OdooTestCodeLensProvider } from './odoo-test-code-lens';
import { OdooTestRunner } from './odoo-test-runner';
import { OdooTestTree } from './odoo-test-tree';
import type { OdooConnection } from './odoo-connection';
import type { OdooDebugging } from './odoo-debug';
import type { OdooLogView } from './odoo-log-view';
import type { ErrorReporter } from './report-error';
import { askDatabase } from './test-database';
import { updateChangedModules } from './update-changed-modules';

export interface OdooTestsDeps {
  readonly context: vscode.ExtensionContext;
  readonly connection: OdooConnection;
  readonly logView: OdooLogView;
  readonly reporter: ErrorReporter;
  readonly log: vscode.LogOutputChannel;
  /** For the Debug profile: the sessions to attach to a test run that waits for a debugger. */
  readonly debugging?: OdooDebugging;
}

/**
 * The workspace's Odoo tests in the Testing view, the gutter and CodeLenses, their runs, and
 * "Odoo: Update Changed Modules". Nothing is read before the tests are first asked for: when the
 * Testing view opens, or a test file shows in an editor.
 */
export function registerOdooTests(deps: OdooTestsDeps): vscode.Disposable[] {
  const { context, connection, reporter, log } = deps;
  const controller = vscode.tests.createTestController('odooDev.tests', 'Odoo');
  const tree = new OdooTestTree(controller, log);
  const runner = new OdooTestRunner(controller, tree, connection, context.workspaceState, reporter, log, deps.debugging);
  controller.resolveHandler = async (item) => {
    if (!item) {
      await tree.discover();
    }
  };
  controller.refreshHandler = async () => {
    for (const folder of [...tree.moduleFolders.values()]) {
      await tree.refreshModule(folder);
    }
  };
  const profile = controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => runner.run(request, token), true);
  // Under debugpy, beside the server: the run waits for the editor, which attaches by itself.
  const debugProfile = controller.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, (request, token) => runner.run(request, token, true), true);
  const isTestFile = (editor: vscode.TextEditor) => /\/tests\/.*\.py$/.test(editor.document.uri.path);
  const discoverFor = (editors: readonly vscode.TextEditor[]) => {
    if (editors.some(isTestFile)) {
      void tree.discover();
    }
  };
  discoverFor(vscode.window.visibleTextEditors);
  const register = (id: string, title: string, run: (...args: never[]) => Promise<unknown>) => vscode.commands.registerCommand(id, reporter.command(title, run));
  return [
    controller,
    tree,
    profile,
    debugProfile,
    vscode.window.onDidChangeVisibleTextEditors(discoverFor),
    vscode.languages.registerCodeLensProvider({ language: 'python', pattern: '**/tests/**/*.py' }, new OdooTestCodeLensProvider(tree)),
    register('odooDev.runTests', 'Run Odoo tests', async (...ids: unknown[]) => {
      await tree.discover();
      const items = ids.filter((id): id is string => typeof id === 'string').map((id) => tree.itemOf(id)).filter((item): item is vscode.TestItem => !!item);
      if (!items.length) {
        throw new Error(`No Odoo test of the workspace is named ${ids.map(String).join(', ') || '(nothing)'}.`);
      }
      const cancel = new vscode.CancellationTokenSource();
      try {
        await runner.run(new vscode.TestRunRequest(items, undefined, profile), cancel.token);
      } finally {
        cancel.dispose();
      }
    }),
    register('odooDev.selectTestDatabase', 'Select Test Database', () => askDatabase(context.workspaceState)),
    register('odooDev.updateChangedModules', 'Update Changed Modules', () => updateChangedModules({ ...deps, tree, runner, profile })),
  ];
}
