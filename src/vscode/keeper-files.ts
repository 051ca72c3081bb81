import { OdooDevError } from '../core/errors';
import type { OdooContainer } from '../engine/odoo-container';
import type { MakeRestartableContext } from './make-restartable';

/** Writes the keeper into the compose or devcontainer files that make the container, after showing the diff. */
export async function writeKeeperFilesInEditor(container: OdooContainer, _context: MakeRestartableContext): Promise<void> {
  throw new OdooDevError('cancelled', `Writing the keeper for ${container.name} into files is not available in this build.`);
}
