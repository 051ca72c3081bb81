import type Dockerode from 'dockerode';
import { onlyOdooContainer, preferredContainer, type ContainerHints, type ContainerSummary } from '../core/container-choice';
import type { DockerEndpoint } from '../core/docker-endpoint';
import { odooProgramOfTopCommand } from '../core/odoo-processes';
import { dockerError } from './docker-errors';
import { DockerOdooContainer } from './docker-odoo-container';

/** Finds the Odoo container the user means; see `preferredContainer` for the order. */
export async function findOdooContainer(docker: Dockerode, endpoint: DockerEndpoint, hints: ContainerHints): Promise<DockerOdooContainer> {
  const address = `${endpoint.address} (from ${endpoint.source})`;
  let listed: Dockerode.ContainerInfo[];
  try {
    listed = await docker.listContainers({ all: true });
  } catch (error) {
    throw dockerError(error, 'Listing containers', address);
  }
  const list: ContainerSummary[] = listed.map((c) => ({
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    state: c.State,
    image: c.Image,
    labels: c.Labels ?? {},
  }));
  let chosen = preferredContainer(list, hints);
  if (!chosen) {
    const odooIds = new Set<string>();
    await Promise.all(list.filter((c) => c.state === 'running').map(async (c) => {
      if (await runsOdoo(docker, c.id)) {
        odooIds.add(c.id);
      }
    }));
    chosen = onlyOdooContainer(list, odooIds, hints);
  }
  return new DockerOdooContainer(docker, chosen.id, chosen.name, address);
}

/** Whether an Odoo process runs in the container, seen from the host (`docker top`, no exec). */
export async function runsOdoo(docker: Dockerode, id: string): Promise<boolean> {
  try {
    const top = await docker.getContainer(id).top({ ps_args: '-o pid,args' });
    return (top.Processes ?? []).some((row: string[]) => odooProgramOfTopCommand(row[row.length - 1]) !== undefined);
  } catch {
    // A container that stops while we look runs nothing.
    return false;
  }
}
