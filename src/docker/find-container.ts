import type Dockerode from 'dockerode';
import { chooseContainer, type ContainerHints, type ContainerSummary } from '../core/container-choice';
import type { OdooContainer } from '../engine/odoo-container';
import { listContainers } from './container-list';
import { dockerError } from './docker-errors';
import { DockerOdooContainer } from './docker-odoo-container';
import { runsOdoo } from './docker-top';

/** The container found, how it was found (for the log), and a selection that turned out gone. */
export interface FoundContainer {
  readonly container: OdooContainer;
  readonly how: string;
  readonly droppedSelection?: string;
}

/**
 * Finds the Odoo container the user means by the rule of `chooseContainer`. A container named
 * by the user is one inspect, which Docker resolves by name, full ID or unique ID prefix as we
 * would, and whose answer serves the restart's first look at the container; where that finds
 * nothing, or is not clear, the listing decides and its messages say why. Which containers
 * run Odoo is read (one `docker top` each, in parallel) only when the hints do not decide.
 */
export async function findOdooContainer(docker: Dockerode, address: string, hints: ContainerHints): Promise<FoundContainer> {
  const named = hints.explicit && await inspectNamed(docker, address, hints.explicit.name);
  if (named && hints.explicit) {
    return { container: new DockerOdooContainer(docker, named.Id, named.Name.replace(/^\//, ''), address, named), how: hints.explicit.from };
  }
  const list = await listContainers(docker, address, { all: true });
  const choice = chooseContainer(list, hints) ?? chooseContainer(list, hints, await odooContainerIds(docker, list));
  const { id, name } = choice.container;
  return {
    container: new DockerOdooContainer(docker, id, name, address),
    how: choice.how,
    ...(choice.droppedSelection ? { droppedSelection: choice.droppedSelection } : {}),
  };
}

/** What Docker accepts as a container's name; an ID and its prefixes are such names too. */
const containerName = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * The container Docker finds by this name or ID (prefix), or undefined where it finds none,
 * finds several (an ID prefix of two), or the name is none Docker would take: then the
 * listing tells which. An engine that cannot be reached fails here.
 */
async function inspectNamed(docker: Dockerode, address: string, name: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
  if (!containerName.test(name)) {
    return undefined;
  }
  try {
    return await docker.getContainer(name.replace(/^\//, '')).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== undefined) {
      return undefined;
    }
    throw dockerError(error, `Inspecting container ${name}`, address);
  }
}

async function odooContainerIds(docker: Dockerode, list: readonly ContainerSummary[]): Promise<Set<string>> {
  const running = list.filter((c) => c.state === 'running');
  const odoo = await Promise.all(running.map(async (c) => ((await runsOdoo(docker, c.id)) ? [c.id] : [])));
  return new Set(odoo.flat());
}
