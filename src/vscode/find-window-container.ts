import type * as vscode from 'vscode';
import { isOdooDevError } from '../core/errors';
import type { DockerAccess, FoundContainer } from '../docker/docker-access';
import type { ContainerSelection } from './container-selection';
import type { ExtensionSettings } from './settings';
import { localFolder, windowContainer } from './window-hints';

/**
 * The container this window works with, by the rule the command line uses too: the setting,
 * the workspace's selection, the window's container, the folder's Dev Container or compose
 * service running Odoo, the only container running Odoo. A selection found gone is forgotten.
 */
export async function findWindowContainer(
  docker: DockerAccess,
  settings: ExtensionSettings,
  selection: ContainerSelection,
  log: vscode.LogOutputChannel,
): Promise<FoundContainer> {
  const window = windowContainer();
  if (window?.via && !settings.container) {
    log.info(`This window's container runs on ${window.via}; Docker is reached as configured here.`);
  }
  const selected = selection.name;
  const folder = localFolder();
  try {
    const found = await docker.find({
      ...(settings.container ? { explicit: { name: settings.container, from: 'the odooDev.container setting' } } : {}),
      ...(selected ? { selected } : {}),
      ...(window ? { window } : {}),
      ...(folder ? { workspaceFolder: folder } : {}),
    });
    if (found.droppedSelection) {
      await selection.forget(found.droppedSelection);
    }
    return found;
  } catch (error) {
    // The search may have dropped the selection before it failed further on.
    const dropped = isOdooDevError(error) ? error.details.droppedSelection : undefined;
    if (typeof dropped === 'string') {
      await selection.forget(dropped);
    }
    throw error;
  }
}
