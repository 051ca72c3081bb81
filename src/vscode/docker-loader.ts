import type { DockerAccess } from '../docker/docker-access';

/**
 * The Docker engine of the setting (else DOCKER_HOST, the context, the default socket), its
 * module loaded on first use: dockerode and ssh2 are most of the bundle's start-up cost, and
 * activation must not pay for them.
 */
export async function loadDocker(dockerHost: string | undefined): Promise<DockerAccess> {
  return (await import('../docker/docker-access')).openDocker(dockerHost);
}
