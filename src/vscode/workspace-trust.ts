import * as vscode from 'vscode';

const manageTrust = 'Manage Workspace Trust';

/**
 * Whether the workspace is trusted; when it is not, says why `what` does not run and offers the
 * trust editor. VS Code itself starts no debug session and no test run in Restricted Mode until
 * the folder is trusted, so the commands of ours that lead to one ask for the same trust first,
 * rather than restart Odoo under debugpy or run the workspace's tests behind VS Code's back. The
 * message is not awaited: a toast that hides into the notification centre never settles.
 */
export function isTrustedFor(what: string, because: string): boolean {
  if (vscode.workspace.isTrusted) {
    return true;
  }
  void vscode.window.showWarningMessage(`${what} needs a trusted folder: ${because}. Trust this folder, then try again.`, manageTrust)
    .then((button) => button && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
