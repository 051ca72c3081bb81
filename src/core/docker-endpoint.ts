import { OdooDevError } from './errors';

/** Where the Docker engine listens, and which setting or file said so. */
export interface DockerEndpoint {
  /** The address as the user wrote it or as we found it, for messages. */
  readonly address: string;
  /** Where it came from: `odooDev.docker.host`, `DOCKER_HOST`, `Docker context "x"`, `the default socket`. */
  readonly source: string;
  readonly socketPath?: string;
  readonly protocol?: 'http' | 'https' | 'ssh';
  readonly host?: string;
  readonly port?: number;
  readonly username?: string;
  /** For `ssh://user@host/path` (Podman's form): the engine's socket on the remote host, reached by forwarding. */
  readonly remoteSocketPath?: string;
  /** A private key to offer over ssh besides the agent's (Podman's `CONTAINER_SSHKEY`). */
  readonly identityFile?: string;
  readonly tls?: { readonly caPath: string; readonly certPath: string; readonly keyPath: string; readonly verify: boolean };
}

/** What endpoint resolution may look at; the adapter passes the real environment and files. */
export interface EndpointInputs {
  readonly setting?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  readonly platform: string;
  readonly readFile: (path: string) => string | undefined;
  readonly sha256: (text: string) => string;
  /**
   * Whether a well-known socket is there and open to this user. Without it the default socket
   * is taken unseen, as before any socket was probed.
   */
  readonly socketState?: (path: string) => SocketState;
  /** The user's id, for `/run/user/UID` when `XDG_RUNTIME_DIR` is not set. */
  readonly uid?: number;
}

/** What a socket path is to this user: absent, there and open, or there and refused (EACCES). */
export type SocketState = 'missing' | 'usable' | 'denied';

/** A socket an engine listens on by default, and what it is called in messages. */
export interface WellKnownSocket {
  readonly path: string;
  readonly name: string;
}

/**
 * The `odooDev.docker.host` setting, else `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` and
 * `DOCKER_CERT_PATH`), else Podman's `CONTAINER_HOST` (with `CONTAINER_SSHKEY`), else the current
 * Docker context, else the first well-known socket this user can open (see `wellKnownSockets`),
 * else the first one that is there, else the platform's default socket.
 */
export function resolveDockerEndpoint(inputs: EndpointInputs): DockerEndpoint {
  const { env } = inputs;
  if (inputs.setting?.trim()) {
    return parseDockerHost(inputs.setting.trim(), 'the setting odooDev.docker.host', inputs);
  }
  if (env.DOCKER_HOST?.trim()) {
    return parseDockerHost(env.DOCKER_HOST.trim(), 'DOCKER_HOST', inputs);
  }
  if (env.CONTAINER_HOST?.trim()) {
    const endpoint = parseDockerHost(env.CONTAINER_HOST.trim(), 'CONTAINER_HOST', inputs);
    return endpoint.protocol === 'ssh' && env.CONTAINER_SSHKEY?.trim() ? { ...endpoint, identityFile: env.CONTAINER_SSHKEY.trim() } : endpoint;
  }
  const configDir = env.DOCKER_CONFIG || `${inputs.home}/.docker`;
  const context = env.DOCKER_CONTEXT || readCurrentContext(inputs.readFile(`${configDir}/config.json`));
  if (context && context !== 'default') {
    const hash = inputs.sha256(context);
    const meta = parseJson(inputs.readFile(`${configDir}/contexts/meta/${hash}/meta.json`));
    const docker = (meta?.Endpoints as Record<string, { Host?: string; SkipTLSVerify?: boolean }> | undefined)?.docker;
    if (!docker?.Host) {
      throw new OdooDevError('docker-unreachable', `The current Docker context "${context}" has no Docker endpoint in ${configDir}/contexts.`, {
        hint: 'Run `docker context use default`, or set odooDev.docker.host.',
      });
    }
    const endpoint = parseDockerHost(docker.Host, `Docker context "${context}"`, inputs, true);
    const tlsDir = `${configDir}/contexts/tls/${hash}/docker`;
    if (endpoint.protocol === 'https' || inputs.readFile(`${tlsDir}/ca.pem`) !== undefined) {
      return { ...endpoint, protocol: endpoint.protocol === 'ssh' ? 'ssh' : 'https', tls: { caPath: `${tlsDir}/ca.pem`, certPath: `${tlsDir}/cert.pem`, keyPath: `${tlsDir}/key.pem`, verify: !docker.SkipTLSVerify } };
    }
    return endpoint;
  }
  if (inputs.platform === 'win32') {
    return { address: 'npipe:////./pipe/docker_engine', source: 'the default pipe', socketPath: '//./pipe/docker_engine' };
  }
  return wellKnownSocketEndpoint(inputs);
}

/**
 * The sockets engines listen on by default, in the order they are tried: Docker's, rootless
 * Docker's, rootless Podman's, rootful Podman's. A user's own engine (rootless) comes after the
 * system's Docker, as the Docker CLI would have it, but a system socket this user may not open
 * does not hide one that they can.
 */
export function wellKnownSockets(inputs: Pick<EndpointInputs, 'env' | 'uid'>): WellKnownSocket[] {
  const runtimeDir = inputs.env.XDG_RUNTIME_DIR?.trim() || (inputs.uid !== undefined ? `/run/user/${inputs.uid}` : undefined);
  return [
    { path: '/var/run/docker.sock', name: 'the default socket' },
    ...(runtimeDir ? [
      { path: `${runtimeDir}/docker.sock`, name: 'the rootless Docker socket' },
      { path: `${runtimeDir}/podman/podman.sock`, name: 'the rootless Podman socket' },
    ] : []),
    { path: '/run/podman/podman.sock', name: 'the Podman socket' },
  ];
}

function wellKnownSocketEndpoint(inputs: EndpointInputs): DockerEndpoint {
  const at = (socket: WellKnownSocket, source = socket.name): DockerEndpoint => ({ address: `unix://${socket.path}`, source, socketPath: socket.path });
  const [docker] = wellKnownSockets(inputs);
  if (!inputs.socketState) {
    return at(docker);
  }
  const sockets = wellKnownSockets(inputs).map((socket) => ({ socket, state: inputs.socketState!(socket.path) }));
  const usable = sockets.find((s) => s.state === 'usable');
  const denied = sockets.filter((s) => s.state === 'denied');
  if (usable) {
    const hidden = denied.filter((s) => sockets.indexOf(s) < sockets.indexOf(usable));
    return at(usable.socket, hidden.length ? `${usable.socket.name} (${hidden.map((s) => s.socket.path).join(', ')} not open to this user)` : usable.socket.name);
  }
  if (denied.length) {
    return at(denied[0].socket);
  }
  return at(docker, `the default socket (no engine socket found: tried ${sockets.map((s) => s.socket.path).join(', ')})`);
}

/** Reads `unix:///path`, `npipe://`, `tcp://host:port`, `ssh://user@host` and bare socket paths. */
export function parseDockerHost(value: string, source: string, inputs: Pick<EndpointInputs, 'env' | 'home'>, fromContext = false): DockerEndpoint {
  if (value.startsWith('/')) {
    return { address: `unix://${value}`, source, socketPath: value };
  }
  const match = /^([a-z]+):\/\/(.*)$/.exec(value);
  if (!match) {
    throw badHost(value, source, 'it has no scheme');
  }
  const [, scheme, rest] = match;
  if (scheme === 'unix' || scheme === 'npipe') {
    if (!rest) {
      throw badHost(value, source, 'the socket path is empty');
    }
    return { address: value, source, socketPath: scheme === 'npipe' ? rest.replace(/\//g, '\\') : rest };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https' || scheme === 'ssh') {
    const sshPath = scheme === 'ssh' ? /^([^/]+)(\/.+)$/.exec(rest) : null;
    if (sshPath && sshPath[2] !== '/') {
      // Podman's form: the engine's socket on the remote host, e.g. ssh://me@host/run/user/1000/podman/podman.sock.
      const endpoint = parseDockerHost(`ssh://${sshPath[1]}`, source, inputs, fromContext);
      return { ...endpoint, address: value, remoteSocketPath: sshPath[2] };
    }
    const hostMatch = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(rest);
    if (!hostMatch) {
      throw badHost(value, source, 'the host part is not host:port');
    }
    const [, username, host, port] = hostMatch;
    if (scheme === 'ssh') {
      // The port stays unset when not written, so that ~/.ssh/config may give one.
      return { address: value, source, protocol: 'ssh', host, ...(port ? { port: Number(port) } : {}), ...(username ? { username } : {}) };
    }
    const { env } = inputs;
    const tlsWanted = scheme === 'https' || (!fromContext && Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== '0');
    const certDir = env.DOCKER_CERT_PATH || `${inputs.home}/.docker`;
    return {
      address: value,
      source,
      protocol: tlsWanted ? 'https' : 'http',
      host,
      port: port ? Number(port) : tlsWanted ? 2376 : 2375,
      ...(tlsWanted && !fromContext ? { tls: { caPath: `${certDir}/ca.pem`, certPath: `${certDir}/cert.pem`, keyPath: `${certDir}/key.pem`, verify: true } } : {}),
    };
  }
  throw badHost(value, source, `the scheme "${scheme}" is not one of unix, npipe, tcp, ssh`);
}

function badHost(value: string, source: string, why: string): OdooDevError {
  return new OdooDevError('docker-unreachable', `The Docker address "${value}" from ${source} cannot be used: ${why}.`, {
    hint: 'Use a form like unix:///var/run/docker.sock, tcp://127.0.0.1:2375 or ssh://user@host.',
  });
}

function readCurrentContext(text: string | undefined): string | undefined {
  const config = parseJson(text);
  return typeof config?.currentContext === 'string' ? config.currentContext : undefined;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
