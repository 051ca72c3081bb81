import * as vscode from 'vscode';
import { keeperAdvice } from '../core/restartable-keeper';
import type { OdooContainer } from '../engine/odoo-container';
import { recreateWithKeeperInEditor } from './keeper-recreate';
import { writeKeeperFilesInEditor } from './keeper-files';

/** What "Make Container Restartable" needs besides the container. */
export interface MakeRestartableContext {
  /** The container this window runs in, if any: it cannot be recreated from inside. */
  readonly isWindowContainer: boolean;
  readonly log: vscode.LogOutputChannel;
}

/**
 * "Odoo: Make Container Restartable": the one-time change that lets Odoo be restarted with new
 * args where it is PID 1, a keeper as PID 1 that runs the image's entrypoint as its child.
 * Recreate the container with it now (not for the window's own container), write it into the
 * compose or devcontainer files so that it lasts, or just show the change.
 */
export async function makeRestartable(container: OdooContainer, context: MakeRestartableContext): Promise<void> {
  const advice = keeperAdvice(await container.commandFacts());
  if (advice.already) {
    void vscode.window.showInformationMessage(`Container ${container.name} already runs the odoo-dev keeper as PID 1: Odoo restarts there with new args.`);
    return;
  }
  const items = [
    ...(context.isWindowContainer ? [] : [{ id: 'recreate', label: '$(refresh) Recreate the container now', detail: 'Same image, volumes, networks, ports and settings; the keeper in front of its entrypoint. Asks before it starts.' }]),
    { id: 'files', label: '$(file-code) Write it into the compose or devcontainer files', detail: 'Shows the change as a diff first; then rebuild or recreate to apply it. Lasts across rebuilds.' },
    { id: 'show', label: '$(eye) Show the change', detail: 'The snippet to apply by hand.' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Make ${container.name} restartable with new args`, placeHolder: 'Odoo is PID 1 here: stopping it would stop the container' });
  switch (picked?.id) {
    case 'recreate':
      return recreateWithKeeperInEditor(container, context);
    case 'files':
      return writeKeeperFilesInEditor(container, context);
    case 'show': {
      const document = await vscode.workspace.openTextDocument({ content: advice.text, language: 'markdown' });
      await vscode.window.showTextDocument(document, { preview: false });
    }
  }
}
