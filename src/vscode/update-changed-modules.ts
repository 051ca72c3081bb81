import * as vscode from 'vscode';
import { isOdooDevError } from '../core/errors';
import { updateChangedModules as update } from '../engine/module-update';
import { describeOutcome } from '../engine/outcome-text';
import type { OdooConnection } from './odoo-connection';
import type { OdooLogView } from './odoo-log-view';
import type { OdooTestRunner } from './odoo-test-runner';
import type { OdooTestTree } from './odoo-test-tree';
import { chooseDatabase } from './test-database';
import { readTestSettings } from './test-settings';

export interface UpdateDeps {
  readonly context: vscode.ExtensionContext;
  readonly connection: OdooConnection;
  readonly logView: OdooLogView;
  readonly log: vscode.LogOutputChannel;
  readonly tree: OdooTestTree;
  readonly runner: OdooTestRunner;
  readonly profile: vscode.TestRunProfile;
}

const runTheirTests = 'Run Their Tests';

/**
 * "Odoo: Update Changed Modules": the workspace's modules whose files changed since their last
 * update in the database are updated in one run beside the server, which then reloads; nothing
 * runs when none changed. Afterwards their tests are one click away.
 */
export async function updateChangedModules(deps: UpdateDeps): Promise<void> {
  const { connection, context, logView, log, tree } = deps;
  const { engine, container } = await connection.connect(true);
  const database = await chooseDatabase(engine, context.workspaceState, 'to update');
  if (!database) {
    return;
  }
  await tree.discover();
  const modules = [...tree.moduleFolders.keys()];
  logView.follow(container);
  const outcome = await Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Odoo: updating changed modules', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancellation = token.onCancellationRequested(() => abort.abort());
      try {
        return await update(engine, { database, ...(modules.length ? { modules } : {}), timeoutMs: readTestSettings().timeoutMs }, {
          progress: (step) => {
            log.info(step.message);
            progress.report({ message: step.message });
          },
          signal: abort.signal,
        });
      } finally {
        cancellation.dispose();
      }
    },
  )).catch((error: unknown) => {
    if (isOdooDevError(error, 'cancelled')) {
      void vscode.window.showInformationMessage(error.message);
      return undefined;
    }
    throw error;
  });
  if (!outcome) {
    return;
  }
  if (!outcome.changed.length) {
    void vscode.window.showInformationMessage(`No module changed since its last update in database ${database}; nothing was run.`);
    return;
  }
  const text = `Updated ${outcome.changed.join(', ')} in database ${database}${outcome.run ? `; ${describeOutcome(outcome.run, 1)}` : ''}.`;
  log.info(text);
  const withTests = outcome.changed.map((module) => tree.itemOf(module)).filter((item): item is vscode.TestItem => !!item);
  const button = await vscode.window.showInformationMessage(text, ...(withTests.length ? [runTheirTests] : []));
  if (button === runTheirTests) {
    const cancel = new vscode.CancellationTokenSource();
    try {
      await deps.runner.run(new vscode.TestRunRequest(withTests, undefined, deps.profile), cancel.token);
    } finally {
      cancel.dispose();
    }
  }
}
