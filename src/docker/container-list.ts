import type Dockerode from 'dockerode';
import type { ContainerSummary } from '../core/container-choice';
import type { DockerEndpoint } from '../core/docker-endpoint';
import { dockerError } from './docker-errors';
import { runsOdoo } from './find-container';

/** A container as a picker shows it. */
export interface ContainerListing extends ContainerSummary {
  /** An Odoo process runs in it (seen with `docker top`, no exec). */
  readonly runsOdoo: boolean;
}

/** The running containers, those running Odoo first, each list by name. */
export async function listRunningContainers(docker: Dockerode, endpoint: DockerEndpoint): Promise<ContainerListing[]> {
  let listed: Dockerode.ContainerInfo[];
  try {
    listed = await docker.listContainers({ all: false });
  } catch (error) {
    throw dockerError(error, 'Listing containers', `${endpoint.address} (from ${endpoint.source})`);
  }
  const listings = await Promise.all(listed.map(async (c): Promise<ContainerListing> => ({
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    state: c.State,
    image: c.Image,
    labels: c.Labels ?? {},
    runsOdoo: await runsOdoo(docker, c.Id),
  })));
  return listings.sort((a, b) => Number(b.runsOdoo) - Number(a.runsOdoo) || a.name.localeCompare(b.name));
}
