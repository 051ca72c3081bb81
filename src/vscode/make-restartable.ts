import * as vscode from 'vscode';
import { keeperAdvice } from '../core/restartable-keeper';
import type { OdooContainer } from '../engine/odoo-container';

/**
 * "Odoo: Make Container Restartable": the one-time change that lets Odoo be restarted with new
 * args where it is PID 1, a keeper as PID 1 that runs the image's entrypoint as its child,
 * shown as the change to make to the compose file, devcontainer or Dockerfile.
 */
export async function makeRestartable(container: OdooContainer): Promise<void> {
  const advice = keeperAdvice(await container.commandFacts());
  if (advice.already) {
    void vscode.window.showInformationMessage(`Container ${container.name} already runs the odoo-dev keeper as PID 1: Odoo restarts there with new args.`);
    return;
  }
  const document = await vscode.workspace.openTextDocument({ content: advice.text, language: 'markdown' });
  await vscode.window.showTextDocument(document, { preview: false });
}
