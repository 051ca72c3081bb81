import * as vscode from 'vscode';

/** Wires the extension together; each part registers itself and is disposed with it. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Odoo Dev Container', { log: true });
  context.subscriptions.push(log);
  log.info('Odoo Dev Container activated');
}

export function deactivate(): void {
  // Everything is disposed through the context's subscriptions.
}
