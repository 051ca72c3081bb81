import { OdooDevError } from '../core/errors';
import type { OdooContainer } from '../engine/odoo-container';
import type { MakeRestartableContext } from './make-restartable';

/** Recreates the container once with the keeper in front of its entrypoint, after asking. */
export async function recreateWithKeeperInEditor(container: OdooContainer, _context: MakeRestartableContext): Promise<void> {
  throw new OdooDevError('cancelled', `Recreating ${container.name} from the editor is not available in this build.`);
}
