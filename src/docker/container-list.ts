import type Dockerode from 'dockerode';
import type { ContainerSummary } from '../core/container-choice';
import { dockerError } from './docker-errors';
import { runsOdoo } from './docker-top';

/** A container as a picker shows it. */
export interface ContainerListing extends ContainerSummary {
  /** An Odoo process runs in it (seen with `docker top`, no exec). */
  readonly runsOdoo: boolean;
}

/** A container of Docker's listing, as the container choice reads it. */
export function containerSummaryOf(info: Dockerode.ContainerInfo): ContainerSummary {
  return {
    id: info.Id,
    name: (info.Names[0] ?? info.Id).replace(/^\//, ''),
    state: info.State,
    image: info.Image,
    labels: info.Labels ?? {},
  };
}

/** The containers of the engine at `address` (how it reads in messages): running ones, or `all`. */
export async function listContainers(docker: Dockerode, address: string, options: { readonly all: boolean }): Promise<ContainerSummary[]> {
  try {
    return (await docker.listContainers({ all: options.all })).map(containerSummaryOf);
  } catch (error) {
    throw dockerError(error, 'Listing containers', address);
  }
}

/** The running containers, those running Odoo first, each group by name. */
export async function listRunningContainers(docker: Dockerode, address: string): Promise<ContainerListing[]> {
  const running = await listContainers(docker, address, { all: false });
  const listings = await Promise.all(running.map(async (c): Promise<ContainerListing> => ({ ...c, runsOdoo: await runsOdoo(docker, c.id) })));
  return listings.sort((a, b) => Number(b.runsOdoo) - Number(a.runsOdoo) || a.name.localeCompare(b.name));
}
