import type Dockerode from 'dockerode';
import { chooseContainer, type ContainerHints, type ContainerSummary } from '../core/container-choice';
import type { OdooContainer } from '../engine/odoo-container';
import { listContainers } from './container-list';
import { DockerOdooContainer } from './docker-odoo-container';
import { runsOdoo } from './docker-top';

/** The container found, how it was found (for the log), and a selection that turned out gone. */
export interface FoundContainer {
  readonly container: OdooContainer;
  readonly how: string;
  readonly droppedSelection?: string;
}

/**
 * Finds the Odoo container the user means by the rule of `chooseContainer`. Which containers
 * run Odoo is read (one `docker top` each, in parallel) only when the hints do not decide.
 */
export async function findOdooContainer(docker: Dockerode, address: string, hints: ContainerHints): Promise<FoundContainer> {
  const list = await listContainers(docker, address, { all: true });
  const choice = chooseContainer(list, hints) ?? chooseContainer(list, hints, await odooContainerIds(docker, list));
  const { id, name } = choice.container;
  return {
    container: new DockerOdooContainer(docker, id, name, address),
    how: choice.how,
    ...(choice.droppedSelection ? { droppedSelection: choice.droppedSelection } : {}),
  };
}

async function odooContainerIds(docker: Dockerode, list: readonly ContainerSummary[]): Promise<Set<string>> {
  const running = list.filter((c) => c.state === 'running');
  const odoo = await Promise.all(running.map(async (c) => ((await runsOdoo(docker, c.id)) ? [c.id] : [])));
  return new Set(odoo.flat());
}
