import * as vscode from 'vscode';
import { ArgsClient, argsLanguageId } from './vscode/args-client';
import { ArgsCodeLensProvider } from './vscode/args-code-lens';
import { argsFileExists, argsFileUri } from './vscode/args-file';
import { ContextKeys } from './vscode/command-availability';
import { CrashNotifier } from './vscode/crash-notifier';
import { registerCommands } from './vscode/odoo-commands';
import { OdooConnection } from './vscode/odoo-connection';
import { OdooDebugging } from './vscode/odoo-debug';
import { OdooLogView } from './vscode/odoo-log-view';
import { registerOdooTests } from './vscode/odoo-tests';
import { ErrorReporter } from './vscode/report-error';
import { connectionSettings } from './vscode/restricted-settings';
import { ServerOfferCache } from './vscode/server-offer';
import { readSettings } from './vscode/settings';
import { OdooStatusBar } from './vscode/status-bar';

/** The language client, whose stop `deactivate` returns so that VS Code waits for it. */
let argsClient: ArgsClient | undefined;

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
    const client = new ArgsClient(context.asAbsolutePath('dist/server.js'), log);
    argsClient = client;
    const offer = new ServerOfferCache(connection, log);
    // What the palette, the menus and the editor title offer follows the one status model.
    const contextKeys = new ContextKeys((key, value) => void vscode.commands.executeCommand('setContext', key, value));
    const crashes = new CrashNotifier(logView, log);
    const debugging = new OdooDebugging(connection, log);
    context.subscriptions.push(logView, connection, statusBar, client, offer, debugging);

    context.subscriptions.push(
      offer.onDidChange((params) => client.setServerOffer(params)),
      connection.onDidChange((model) => {
        statusBar.render(model);
        contextKeys.update(model);
        crashes.update(model);
        if (model.state.kind === 'running' || model.state.kind === 'starting') {
          logView.resume();
        }
      }),
      connection.onDidChangeSeries((series) => client.setSeries(series)),
      ...registerCommands({ context, connection, logView, reporter, log, offer, debugging }),
      ...registerOdooTests({ context, connection, logView, reporter, log, debugging }),
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
      client.setSeries(series);
    }
    statusBar.render(connection.status);
    contextKeys.update(connection.status);
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

/** Everything else is disposed through the context's subscriptions; the language client is waited for. */
export function deactivate(): Promise<void> | undefined {
  const client = argsClient;
  argsClient = undefined;
  return client?.stop();
}
