import { OdooDevError } from '../core/errors';

interface DockerodeError {
  statusCode?: number;
  code?: string;
  json?: { message?: string };
  reason?: string;
  message?: string;
}

/** Turns what dockerode throws into an error that says what failed and what to do. */
export function dockerError(error: unknown, what: string, endpoint: string): OdooDevError {
  if (error instanceof OdooDevError) {
    return error;
  }
  const e = (error ?? {}) as DockerodeError;
  const detail = e.json?.message ?? e.reason ?? e.message ?? String(error);
  if (e.code === 'EACCES' || e.code === 'EPERM') {
    return new OdooDevError('docker-unreachable', `Cannot reach Docker at ${endpoint} (${e.code}): the socket is not open to your user.`, {
      hint: 'Add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again), or use an engine of your own (rootless Docker, or Podman\'s `podman system service`) with odooDev.docker.host or DOCKER_HOST.',
      cause: error,
    });
  }
  if (e.code && ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE'].includes(e.code)) {
    return new OdooDevError('docker-unreachable', `Cannot reach Docker at ${endpoint} (${e.code}).`, {
      hint: 'Start Docker (or Podman\'s `podman system service`), or point odooDev.docker.host or DOCKER_HOST at a running engine.',
      cause: error,
    });
  }
  if (e.statusCode === 404) {
    return new OdooDevError('container-not-found', `${what}: ${detail}.`, {
      hint: 'Check the container name (odooDev.container or --container) and that it still exists.',
      cause: error,
    });
  }
  if (e.statusCode === 409) {
    return new OdooDevError('container-not-running', `${what}: ${detail}.`, {
      hint: 'Start the container first.',
      cause: error,
    });
  }
  return new OdooDevError('agent-failed', `${what}: ${detail}.`, { cause: error });
}
