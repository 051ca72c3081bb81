import type Dockerode from 'dockerode';
import { onlyOdooContainer, preferredContainer, type ContainerHints, type ContainerSummary } from '../core/container-choice';
import type { DockerEndpoint } from '../core/docker-endpoint';
import { odooProcessOf } from '../core/odoo-processes';
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
    const runsOdoo = new Set<string>();
    await Promise.all(list.filter((c) => c.state === 'running').map(async (c) => {
      try {
        const top = await docker.getContainer(c.id).top({ ps_args: '-o pid,args' });
        const commands = (top.Processes ?? []).map((row: string[]) => row[row.length - 1]);
        if (commands.some((command: string) => odooProcessOf(processFromCommand(command)) !== undefined)) {
          runsOdoo.add(c.id);
        }
      } catch {
        // A container that stops while we look is simply not a candidate.
      }
    }));
    chosen = onlyOdooContainer(list, runsOdoo, hints);
  }
  return new DockerOdooContainer(docker, chosen.id, chosen.name, address);
}

/** `docker top` joins argv with spaces; that is exact enough to recognise the Odoo script. */
export function processFromCommand(command: string, pid = 0) {
  return { pid, ppid: 0, uid: -1, gid: -1, state: 'S', startTime: 0, argv: command.split(' ') };
}
