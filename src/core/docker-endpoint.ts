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
}

/**
 * The `odooDev.docker.host` setting, else `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` and
 * `DOCKER_CERT_PATH`), else the current Docker context, else the platform's default socket.
 */
export function resolveDockerEndpoint(inputs: EndpointInputs): DockerEndpoint {
  const { env } = inputs;
  if (inputs.setting?.trim()) {
    return parseDockerHost(inputs.setting.trim(), 'the setting odooDev.docker.host', inputs);
  }
  if (env.DOCKER_HOST?.trim()) {
    return parseDockerHost(env.DOCKER_HOST.trim(), 'DOCKER_HOST', inputs);
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
  return { address: 'unix:///var/run/docker.sock', source: 'the default socket', socketPath: '/var/run/docker.sock' };
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
    const hostMatch = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(rest);
    if (!hostMatch) {
      throw badHost(value, source, 'the host part is not host:port');
    }
    const [, username, host, port] = hostMatch;
    if (scheme === 'ssh') {
      return { address: value, source, protocol: 'ssh', host, port: port ? Number(port) : 22, ...(username ? { username } : {}) };
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
