import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import { Duplex } from 'node:stream';
import { Client, utils, type AgentAuthMethod, type ConnectConfig, type PublicKeyAuthMethod } from 'ssh2';
import type { DockerEndpoint } from '../core/docker-endpoint';
import { OdooDevError } from '../core/errors';
import { checkHostKey, sshConfigFor, type HostKeyVerdict } from '../core/ssh-config';

/** Where and how to log in for an `ssh://` endpoint, with ~/.ssh/config applied. */
export interface SshTarget {
  /** The endpoint as written, for messages. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly agentSocket?: string;
  /** Private keys to offer after the agent's: path and content. */
  readonly keys: readonly { readonly path: string; readonly text: string }[];
  /** The texts of the known_hosts files, and their paths for messages. */
  readonly knownHosts: readonly string[];
  readonly knownHostsPaths: readonly string[];
  /** `yes` (also for `ask`), `accept-new` or `no`. */
  readonly strictHostKeyChecking: string;
  /** The engine's socket on the remote host; else `docker system dial-stdio` runs there. */
  readonly remoteSocketPath?: string;
}

/** What the target is read from: the environment and files of this machine. */
export interface SshInputs {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  readonly localUser: string;
  readonly readFile: (path: string) => string | undefined;
}

const defaultKeys = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** The ssh target of an endpoint: ~/.ssh/config for the host alias, the agent, keys, known_hosts. */
export function sshTargetOf(endpoint: DockerEndpoint, inputs: SshInputs): SshTarget {
  const alias = endpoint.host ?? '';
  const config = sshConfigFor(inputs.readFile(`${inputs.home}/.ssh/config`), alias, inputs.home);
  const keyPaths = [
    ...(endpoint.identityFile ? [endpoint.identityFile] : []),
    ...config.identityFiles,
    ...(config.identityFiles.length ? [] : defaultKeys.map((name) => `${inputs.home}/.ssh/${name}`)),
  ];
  const keys = keyPaths.flatMap((path) => {
    const text = inputs.readFile(path);
    return text === undefined ? [] : [{ path, text }];
  });
  const agentSocket = config.identityAgent === 'none' ? undefined
    : config.identityAgent === 'SSH_AUTH_SOCK' ? inputs.env.SSH_AUTH_SOCK : config.identityAgent ?? inputs.env.SSH_AUTH_SOCK;
  const strict = config.strictHostKeyChecking === 'off' ? 'no' : config.strictHostKeyChecking === 'ask' ? 'yes' : config.strictHostKeyChecking ?? 'yes';
  return {
    address: endpoint.address,
    host: config.hostName ?? alias,
    port: endpoint.port ?? config.port ?? 22,
    username: endpoint.username ?? config.user ?? inputs.localUser,
    ...(agentSocket ? { agentSocket } : {}),
    keys,
    knownHosts: config.userKnownHostsFiles.map((path) => inputs.readFile(path) ?? ''),
    knownHostsPaths: config.userKnownHostsFiles,
    strictHostKeyChecking: strict,
    ...(endpoint.remoteSocketPath ? { remoteSocketPath: endpoint.remoteSocketPath } : {}),
  };
}

/**
 * An HTTP agent whose connections are channels of one ssh connection: `docker system
 * dial-stdio` on the remote host (what the Docker CLI runs), or a forward to the remote socket
 * (Podman's `ssh://host/path`). The ssh connection is opened on the first request, kept for the
 * next ones (one handshake per process, not one per request), opened again after it broke, and
 * it does not keep the process alive while no request is open. Host keys are checked against
 * known_hosts as `ssh` does; an unknown or changed key is refused.
 */
export class SshDockerAgent extends http.Agent {
  private connection: Promise<Client> | undefined;
  /** The client of `connection`, also while it is still being opened. */
  private client: Client | undefined;
  private readonly open = new Set<Duplex>();
  private opening = 0;
  private socket: { ref(): void; unref(): void } | undefined;

  constructor(private readonly target: SshTarget) {
    super({ keepAlive: false });
  }

  override createConnection(_options: unknown, callback: (error: Error | null, stream?: Duplex) => void): undefined {
    this.channel().then((stream) => callback(null, stream), (error: Error) => callback(error));
    return undefined;
  }

  /**
   * Ends the ssh connection now, also one still being opened; its channels end with it. The
   * process need not wait for the other side to answer the goodbye (a host that went away never
   * does). A later request opens a new connection.
   */
  override destroy(): void {
    super.destroy();
    const { client } = this;
    this.client = undefined;
    this.connection = undefined;
    this.socket = undefined;
    if (client) {
      client.end();
      socketOf(client)?.unref();
    }
  }

  private async channel(): Promise<Duplex> {
    // A channel being opened holds the process like an open one: nothing else may be pending.
    this.opening++;
    let stream: Duplex;
    try {
      const client = await (this.connection ??= this.connect());
      this.socket?.ref();
      stream = await new Promise<Duplex>((resolve, reject) => {
        const done = (error: Error | undefined, channel: Duplex) => (error ? reject(error) : resolve(channel));
        if (this.target.remoteSocketPath) {
          client.openssh_forwardOutStreamLocal(this.target.remoteSocketPath, done);
        } else {
          client.exec('docker system dial-stdio', done);
        }
      });
    } finally {
      this.opening--;
      this.releaseIfIdle();
    }
    // Node's HTTP client treats its connection as a socket; a channel has none of these.
    const socketLike = stream as Duplex & Record<string, unknown>;
    for (const name of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref']) {
      socketLike[name] ??= () => socketLike;
    }
    this.open.add(stream);
    this.socket?.ref();
    // A channel we close holds the process no longer. Its 'close' comes only when the remote end
    // closes too, and `docker system dial-stdio` under a followed log or event stream ends only
    // when the engine next writes to it: that may be never.
    const release = () => {
      if (this.open.delete(stream)) {
        this.releaseIfIdle();
      }
    };
    const destroy = stream.destroy.bind(stream);
    stream.destroy = (error?: Error) => {
      release();
      return destroy(error);
    };
    stream.once('close', release);
    return stream;
  }

  /** With no channel open or being opened, the ssh connection does not keep the process alive. */
  private releaseIfIdle(): void {
    if (!this.open.size && !this.opening) {
      this.socket?.unref();
    }
  }

  private connect(): Promise<Client> {
    const { target } = this;
    let verdict: HostKeyVerdict | undefined;
    const client = new Client();
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      readyTimeout: 20_000,
      // No ssh-level keepalive: ssh2's timer is not unref'd, so it would keep `odoo-dev` running
      // after its work is done. A connection that died without a word (a sleeping laptop, a
      // dropped VPN) is noticed by TCP keepalive instead (set once the connection is ready).
      keepaliveInterval: 0,
      authHandler: authMethods(target),
      hostVerifier: (key: Buffer) => {
        verdict = verifyHostKey(target, key);
        return verdict === 'known' || (verdict === 'unknown' && target.strictHostKeyChecking !== 'yes');
      },
    };
    const connected = new Promise<Client>((resolve, reject) => {
      client.once('ready', () => {
        const sock = socketOf(client);
        sock?.setKeepAlive?.(true, 5000);
        if (this.client === client) {
          this.socket = sock;
        }
        resolve(client);
      });
      client.once('error', (error: Error & { level?: string }) => reject(sshError(target, error, verdict)));
    });
    const forget = (error?: Error) => {
      if (this.connection === connected) {
        this.connection = undefined;
        this.client = undefined;
        this.socket = undefined;
      }
      // Channels of a broken connection end without a word; say why, once, on each.
      // ssh2's own destroy() drops its argument and waits for the remote close that will not
      // come, so the stream's readers would see no error and no end: end it as Node streams end.
      const lost = lostConnection(target, error);
      for (const stream of [...this.open]) {
        this.open.delete(stream);
        if (stream.listenerCount('error')) {
          Duplex.prototype.destroy.call(stream, lost);
        } else {
          Duplex.prototype.destroy.call(stream);
        }
      }
      this.releaseIfIdle();
    };
    client.on('error', forget);
    client.on('close', () => forget());
    this.client = client;
    client.connect(config);
    return connected;
  }
}

/** The TCP socket under an ssh2 client, which ssh2 does not expose. */
function socketOf(client: Client): { ref(): void; unref(): void; setKeepAlive?(enable: boolean, delay: number): void } | undefined {
  return (client as unknown as { _sock?: { ref(): void; unref(): void; setKeepAlive?(enable: boolean, delay: number): void } })._sock;
}

/** The agent first, then each private key that parses without a passphrase. */
function authMethods(target: SshTarget): (AgentAuthMethod | PublicKeyAuthMethod)[] {
  const methods: (AgentAuthMethod | PublicKeyAuthMethod)[] = [];
  if (target.agentSocket) {
    methods.push({ type: 'agent', username: target.username, agent: target.agentSocket });
  }
  for (const key of target.keys) {
    const parsed = utils.parseKey(key.text);
    if (!(parsed instanceof Error)) {
      methods.push({ type: 'publickey', username: target.username, key: Array.isArray(parsed) ? parsed[0] : parsed });
    }
  }
  return methods;
}

function verifyHostKey(target: SshTarget, key: Buffer): HostKeyVerdict {
  // The key blob starts with its type as an ssh string: a length of 4 bytes, then the name.
  const typeLength = key.length >= 4 ? key.readUInt32BE(0) : 0;
  const type = key.subarray(4, 4 + typeLength).toString('latin1');
  const hmac = (salt: string, text: string) => createHmac('sha1', Buffer.from(salt, 'base64')).update(text).digest('base64');
  return checkHostKey(target.knownHosts, target.host, target.port, { type, base64: key.toString('base64') }, hmac);
}

function sshError(target: SshTarget, error: Error & { level?: string }, verdict: HostKeyVerdict | undefined): OdooDevError {
  const where = `${target.username}@${target.host}${target.port === 22 ? '' : `:${target.port}`}`;
  const knownHosts = target.knownHostsPaths[0] ?? '~/.ssh/known_hosts';
  if (verdict === 'changed' || verdict === 'revoked') {
    return new OdooDevError('docker-unreachable', `The ssh host key of ${where} (${target.address}) does not match the one in ${knownHosts}: refusing to connect.`, {
      hint: 'If the host was reinstalled, remove its old key with `ssh-keygen -R` and connect once with ssh to check the new one.',
      cause: error,
    });
  }
  if (verdict === 'unknown') {
    return new OdooDevError('docker-unreachable', `The ssh host key of ${where} (${target.address}) is not in ${knownHosts}, and host keys are checked.`, {
      hint: `Connect once with \`ssh ${target.port === 22 ? '' : `-p ${target.port} `}${where.replace(/:\d+$/, '')}\` to check and accept it.`,
      cause: error,
    });
  }
  if (error.level === 'client-authentication') {
    return new OdooDevError('docker-unreachable', `ssh refused the login of ${where} (${target.address}): no key of the agent or of ~/.ssh was accepted.`, {
      hint: 'Add your key to the ssh agent (`ssh-add`), or name it with IdentityFile in ~/.ssh/config.',
      cause: error,
    });
  }
  return new OdooDevError('docker-unreachable', `Cannot reach Docker over ssh at ${where} (${target.address}): ${error.message}.`, {
    hint: 'Check that the host answers `ssh` and runs Docker, or point odooDev.docker.host or DOCKER_HOST at a running engine.',
    cause: error,
  });
}

/** The error a channel of a broken ssh connection ends with. */
function lostConnection(target: SshTarget, cause: Error | undefined): Error {
  return Object.assign(new Error(`the ssh connection to ${target.address} was lost${cause ? ` (${cause.message})` : ''}`), { code: 'ECONNRESET', cause });
}
