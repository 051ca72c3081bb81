import Dockerode from 'dockerode';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { resolveDockerEndpoint, type DockerEndpoint } from '../core/docker-endpoint';
import { OdooDevError } from '../core/errors';

/** Resolves the endpoint from the real environment and files of this machine. */
export function dockerEndpointFromEnvironment(setting?: string, env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  return resolveDockerEndpoint({
    ...(setting ? { setting } : {}),
    env,
    home: os.homedir(),
    platform: process.platform,
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
  });
}

/** A dockerode client for an endpoint; TLS material is read here, once. */
export function createDockerClient(endpoint: DockerEndpoint): Dockerode {
  if (endpoint.socketPath) {
    return new Dockerode({ socketPath: endpoint.socketPath });
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
