import * as vscode from 'vscode';
import { devContainerFolderLabel } from '../core/container-choice';
import { OdooDevError } from '../core/errors';
import type { ContainerListing } from '../docker/docker-access';

interface ContainerItem extends vscode.QuickPickItem {
  /** Undefined for the separators. */
  readonly container?: ContainerListing;
}

/**
 * Asks which running container runs Odoo: those with an Odoo process first. Undefined when the
 * user dismisses the pick.
 */
export async function pickContainer(listings: Promise<ContainerListing[]>, where: string, current?: string): Promise<ContainerListing | undefined> {
  const items = listings.then((list) => {
    if (!list.length) {
      throw new OdooDevError('container-not-found', `No container is running on ${where}.`, {
        hint: 'Start the Odoo container (or reopen this folder in its Dev Container), then select it.',
      });
    }
    return itemsOf(list, current);
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Odoo: Select Container',
    placeHolder: 'The container that runs Odoo for this workspace',
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: false,
  });
  return picked?.container;
}

function itemsOf(list: readonly ContainerListing[], current: string | undefined): ContainerItem[] {
  const item = (container: ContainerListing): ContainerItem => ({
    label: `${container.runsOdoo ? '$(server-process)' : '$(package)'} ${container.name}`,
    description: `${container.image}${container.name === current ? ' · current' : ''}`,
    detail: detailOf(container),
    container,
  });
  const odoo = list.filter((c) => c.runsOdoo);
  const others = list.filter((c) => !c.runsOdoo);
  return [
    ...(odoo.length ? [{ label: 'Running Odoo', kind: vscode.QuickPickItemKind.Separator }] : []),
    ...odoo.map(item),
    ...(others.length ? [{ label: 'Other running containers', kind: vscode.QuickPickItemKind.Separator }] : []),
    ...others.map(item),
  ];
}

function detailOf(container: ContainerListing): string {
  const folder = container.labels[devContainerFolderLabel];
  const service = container.labels['com.docker.compose.service'];
  const project = container.labels['com.docker.compose.project'];
  const parts = [
    container.id.slice(0, 12),
    folder ? `Dev Container of ${folder}` : undefined,
    service ? `compose service ${service}${project ? ` of ${project}` : ''}` : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}
