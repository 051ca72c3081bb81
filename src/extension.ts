import * as vscode from 'vscode';
import { ArgsClient, argsLanguageId } from './vscode/args-client';
import { ArgsCodeLensProvider } from './vscode/args-code-lens';
import { argsFileExists, argsFileUri } from './vscode/args-file';
import { registerCommands } from './vscode/odoo-commands';
import { OdooConnection } from './vscode/odoo-connection';
import { OdooLogView } from './vscode/odoo-log-view';
import { ErrorReporter } from './vscode/report-error';
import { connectionSettings } from './vscode/restricted-settings';
import { readSettings } from './vscode/settings';
import { OdooStatusBar } from './vscode/status-bar';

/**
 * Wires the extension together; each part registers itself and is disposed with it. Activation
 * runs nothing in any container: finding the container and the first status happen after it,
 * in the background, and only where this window has to do with Odoo.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Odoo Dev Container', { log: true });
  context.subscriptions.push(log);
  try {
    const logView = new OdooLogView(log);
    const connection = new OdooConnection(context, log);
    const statusBar = new OdooStatusBar();
    const reporter = new ErrorReporter(log, logView);
    const argsClient = new ArgsClient(context.asAbsolutePath('dist/server.js'), log);
    context.subscriptions.push(logView, connection, statusBar, argsClient);

    context.subscriptions.push(
      connection.onDidChange((model) => {
        statusBar.render(model);
        if (model.state.kind === 'running' || model.state.kind === 'starting') {
          logView.resume();
        }
      }),
      connection.onDidChangeSeries((series) => argsClient.setSeries(series)),
      ...registerCommands({ context, connection, logView, reporter, log }),
      vscode.languages.registerCodeLensProvider({ language: argsLanguageId }, new ArgsCodeLensProvider()),
    );

    const hasArgsFile = () => argsFileExists(argsFileUri(readSettings().argsFile));
    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (connectionSettings.some((key) => event.affectsConfiguration(key))) {
          log.info('Odoo Dev Container settings changed; connecting again.');
          connection.reconnect(hasArgsFile);
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        log.info('The workspace is trusted now; its settings apply.');
        connection.reconnect(hasArgsFile);
      }),
    );

    const series = connection.series;
    if (series) {
      argsClient.setSeries(series);
    }
    statusBar.render(connection.status);
    connection.startInBackground(hasArgsFile).catch((error: unknown) => reporter.background('Starting in the background', error));
    log.info(`Odoo Dev Container ${String(context.extension.packageJSON.version)} activated${vscode.workspace.isTrusted ? '' : ' in Restricted Mode'}.`);
  } catch (error) {
    // VS Code shows nothing when an activation fails; say what happened.
    log.error(`Activation failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    void vscode.window.showErrorMessage(`Odoo Dev Container could not start: ${error instanceof Error ? error.message : String(error)}`, 'Show Logs')
      .then((button) => button && log.show());
    throw error;
  }
}

export function deactivate(): void {
  // Everything is disposed through the context's subscriptions.
}
