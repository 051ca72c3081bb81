import Dockerode from 'dockerode';
import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import { resolveDockerEndpoint, type DockerEndpoint, type SocketState } from '../core/docker-endpoint';
import { OdooDevError } from '../core/errors';
import { SshDockerAgent, sshTargetOf } from './ssh-docker-agent';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether a well-known engine socket is there, and whether this user may open it. */
function socketState(path: string): SocketState {
  try {
    if (!statSync(path).isSocket()) {
      return 'missing';
    }
  } catch {
    return 'missing';
  }
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return 'usable';
  } catch {
    return 'denied';
  }
}

/** Resolves the endpoint from the real environment and files of this machine. */
export function dockerEndpointFromEnvironment(setting?: string, env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  return resolveDockerEndpoint({
    ...(setting ? { setting } : {}),
    env,
    home: os.homedir(),
    platform: process.platform,
    readFile: readText,
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    ...(process.platform === 'win32' ? {} : { socketState, uid: os.userInfo().uid }),
  });
}

/** How to end the connections of a client that keeps one open (the ssh connection of `ssh://`). */
const closers = new WeakMap<Dockerode, () => void>();

/**
 * Ends what a client of createDockerClient keeps open, requests in flight included: over
 * `ssh://` its ssh connection. Other clients open a connection per request and keep none.
 */
export function closeDockerClient(docker: Dockerode): void {
  closers.get(docker)?.();
}

/**
 * A dockerode client for an endpoint; TLS material is read here, once. Over `ssh://` the
 * requests go through our own agent (see `SshDockerAgent`): dockerode's would open one ssh
 * connection per request and accept any host key.
 */
export function createDockerClient(endpoint: DockerEndpoint, env: NodeJS.ProcessEnv = process.env): Dockerode {
  if (endpoint.socketPath) {
    return new Dockerode({ socketPath: endpoint.socketPath });
  }
  if (endpoint.protocol === 'ssh') {
    const target = sshTargetOf(endpoint, { env, home: env.HOME || os.homedir(), localUser: os.userInfo().username, readFile: readText });
    // dockerode hands `agent` to docker-modem, which gives it to each request; its types omit it.
    const agent = new SshDockerAgent(target);
    const options = { protocol: 'http', host: 'docker', port: 80, agent } as Dockerode.DockerOptions;
    const docker = new Dockerode(options);
    closers.set(docker, () => agent.destroy());
    return docker;
  }
  const options: Dockerode.DockerOptions = {
    host: endpoint.host,
    port: endpoint.port,
    protocol: endpoint.protocol,
    ...(endpoint.username ? { username: endpoint.username } : {}),
  };
  if (endpoint.tls) {
    try {
      options.ca = readFileSync(endpoint.tls.caPath);
      options.cert = readFileSync(endpoint.tls.certPath);
      options.key = readFileSync(endpoint.tls.keyPath);
    } catch (error) {
      throw new OdooDevError('docker-unreachable', `Cannot read the TLS certificates for ${endpoint.address} from ${endpoint.source}: ${(error as Error).message}.`, {
        hint: 'Check DOCKER_CERT_PATH or the Docker context\'s TLS files.',
        cause: error,
      });
    }
  }
  return new Dockerode(options);
}
