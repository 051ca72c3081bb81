// The Docker side of both front ends in one place: the command line opens it at once, the
// extension loads this module only when it first connects, so that activation does not pay
// for loading dockerode and ssh2.
import type { ContainerHints } from '../core/container-choice';
import { listRunningContainers, type ContainerListing } from './container-list';
import { closeDockerClient, createDockerClient, dockerEndpointFromEnvironment } from './docker-client';
import { findOdooContainer, type FoundContainer } from './find-container';
import { planKeeperRecreate, recreateWithKeeper, type KeeperRecreatePlan, type RecreateOptions, type RecreateResult } from './recreate-container';

export type { ContainerListing } from './container-list';
export type { FoundContainer } from './find-container';
export type { KeeperRecreatePlan, RecreateOptions, RecreateResult } from './recreate-container';

/** One Docker engine: how it is reached, the Odoo container in it, its running containers. */
export interface DockerAccess {
  /** How the endpoint reads in messages (`unix:///var/run/docker.sock`). */
  readonly address: string;
  /** Where the endpoint came from (`DOCKER_HOST`, `the odooDev.docker.host setting`, ...). */
  readonly source: string;
  /** The container the hints mean; see `chooseContainer` for the order. */
  find(hints: ContainerHints): Promise<FoundContainer>;
  /** The running containers, those running Odoo first. */
  listRunning(): Promise<ContainerListing[]>;
  /** What recreating the container with the keeper as PID 1 would keep and lose; changes nothing. */
  planKeeperRecreate(id: string, context?: { isWindowContainer?: boolean }): Promise<KeeperRecreatePlan>;
  /** Recreates it as planned; on failure the old container runs again under its name. */
  recreateWithKeeper(plan: KeeperRecreatePlan, options: RecreateOptions): Promise<RecreateResult>;
  /** Ends the connection to the engine that it keeps open (over `ssh://`); what is in flight fails. */
  close(): void;
}

/** The Docker engine of `dockerHost`, else DOCKER_HOST, the current context, the default socket. */
export function openDocker(dockerHost: string | undefined, env: NodeJS.ProcessEnv = process.env): DockerAccess {
  const endpoint = dockerEndpointFromEnvironment(dockerHost, env);
  const docker = createDockerClient(endpoint, env);
  const where = `${endpoint.address} (from ${endpoint.source})`;
  return {
    address: endpoint.address,
    source: endpoint.source,
    find: (hints) => findOdooContainer(docker, where, hints),
    listRunning: () => listRunningContainers(docker, where),
    planKeeperRecreate: (id, context) => planKeeperRecreate(docker, where, id, context),
    recreateWithKeeper: (plan, options) => recreateWithKeeper(docker, where, plan, options),
    close: () => closeDockerClient(docker),
  };
}
