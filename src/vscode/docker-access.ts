// The Docker side of the extension in one place. The connection loads this module only when it
// first connects, so that activation does not pay for loading dockerode and ssh2.
import type { ContainerHints } from '../core/container-choice';
import { listRunningContainers, type ContainerListing } from '../docker/container-list';
import { createDockerClient, dockerEndpointFromEnvironment } from '../docker/docker-client';
import { findOdooContainer } from '../docker/find-container';
import type { OdooContainer } from '../engine/odoo-container';

export interface DockerAccess {
  /** How the endpoint reads in messages, and where it came from. */
  readonly address: string;
  readonly source: string;
  find(hints: ContainerHints): Promise<OdooContainer>;
  listRunning(): Promise<ContainerListing[]>;
}

/** The Docker engine of the setting, else DOCKER_HOST, the current context, the default socket. */
export function openDocker(dockerHost: string | undefined): DockerAccess {
  const endpoint = dockerEndpointFromEnvironment(dockerHost);
  const docker = createDockerClient(endpoint);
  return {
    address: endpoint.address,
    source: endpoint.source,
    find: (hints) => findOdooContainer(docker, endpoint, hints),
    listRunning: () => listRunningContainers(docker, endpoint),
  };
}
