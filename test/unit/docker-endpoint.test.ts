import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseDockerHost, resolveDockerEndpoint, wellKnownSockets, type DockerEndpoint, type EndpointInputs, type SocketState } from '../../src/core/docker-endpoint';
import { OdooDevError } from '../../src/core/errors';

const home = '/home/dev';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Endpoint inputs over an in-memory file system. */
function inputs(
  options: { setting?: string; env?: Record<string, string | undefined>; files?: Record<string, string>; platform?: string; sockets?: Record<string, SocketState>; uid?: number } = {},
): EndpointInputs {
  const files = options.files ?? {};
  const sockets = options.sockets;
  return {
    ...(sockets ? { socketState: (path: string) => sockets[path] ?? 'missing' } : {}),
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.setting !== undefined ? { setting: options.setting } : {}),
    env: options.env ?? {},
    home,
    platform: options.platform ?? 'linux',
    readFile: (path) => files[path],
    sha256,
  };
}

/** The files `docker context create NAME --docker host=HOST` writes, with TLS material when asked. */
function contextFiles(configDir: string, name: string, host: string | undefined, options: { tls?: boolean; skipTlsVerify?: boolean } = {}): Record<string, string> {
  const hash = sha256(name);
  const docker = host === undefined ? undefined : { Host: host, SkipTLSVerify: options.skipTlsVerify ?? false };
  const files: Record<string, string> = {
    [`${configDir}/contexts/meta/${hash}/meta.json`]: JSON.stringify({ Name: name, Metadata: {}, Endpoints: docker ? { docker } : {} }),
  };
  if (options.tls) {
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) {
      files[`${configDir}/contexts/tls/${hash}/docker/${file}`] = '-----BEGIN CERTIFICATE-----';
    }
  }
  return files;
}

const defaultSocket: DockerEndpoint = { address: 'unix:///var/run/docker.sock', source: 'the default socket', socketPath: '/var/run/docker.sock' };

function throwsUnreachable(run: () => unknown, ...fragments: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OdooDevError, `expected an OdooDevError, got ${String(error)}`);
    assert.equal(error.code, 'docker-unreachable');
    for (const fragment of fragments) {
      assert.ok(error.message.includes(fragment), `${JSON.stringify(error.message)} should mention ${JSON.stringify(fragment)}`);
    }
    return true;
  });
}

describe('resolveDockerEndpoint', () => {
  const cases: Array<[string, EndpointInputs, DockerEndpoint]> = [
    ['the default socket', inputs(), defaultSocket],
    ['the default pipe on Windows', inputs({ platform: 'win32' }),
      { address: 'npipe:////./pipe/docker_engine', source: 'the default pipe', socketPath: '//./pipe/docker_engine' }],
    ['the setting', inputs({ setting: 'unix:///run/user/1000/docker.sock' }),
      { address: 'unix:///run/user/1000/docker.sock', source: 'the setting odooDev.docker.host', socketPath: '/run/user/1000/docker.sock' }],
    ['the setting, trimmed', inputs({ setting: '  tcp://docker-host.test:2375 \n' }),
      { address: 'tcp://docker-host.test:2375', source: 'the setting odooDev.docker.host', protocol: 'http', host: 'docker-host.test', port: 2375 }],
    ['the setting wins over DOCKER_HOST', inputs({ setting: 'unix:///a.sock', env: { DOCKER_HOST: 'unix:///b.sock' } }),
      { address: 'unix:///a.sock', source: 'the setting odooDev.docker.host', socketPath: '/a.sock' }],
    ['a blank setting falls through to DOCKER_HOST', inputs({ setting: '   ', env: { DOCKER_HOST: 'unix:///b.sock' } }),
      { address: 'unix:///b.sock', source: 'DOCKER_HOST', socketPath: '/b.sock' }],
    ['DOCKER_HOST unix://', inputs({ env: { DOCKER_HOST: 'unix:///x.sock' } }),
      { address: 'unix:///x.sock', source: 'DOCKER_HOST', socketPath: '/x.sock' }],
    ['DOCKER_HOST as a bare path', inputs({ env: { DOCKER_HOST: '/x.sock' } }),
      { address: 'unix:///x.sock', source: 'DOCKER_HOST', socketPath: '/x.sock' }],
    ['DOCKER_HOST tcp://', inputs({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' } }),
      { address: 'tcp://127.0.0.1:2375', source: 'DOCKER_HOST', protocol: 'http', host: '127.0.0.1', port: 2375 }],
    ['DOCKER_HOST tcp:// without a port', inputs({ env: { DOCKER_HOST: 'tcp://docker.local' } }),
      { address: 'tcp://docker.local', source: 'DOCKER_HOST', protocol: 'http', host: 'docker.local', port: 2375 }],
    ['DOCKER_HOST tcp:// with a trailing slash', inputs({ env: { DOCKER_HOST: 'tcp://docker.local:1234/' } }),
      { address: 'tcp://docker.local:1234/', source: 'DOCKER_HOST', protocol: 'http', host: 'docker.local', port: 1234 }],
    ['DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH',
      inputs({ env: { DOCKER_HOST: 'tcp://docker-tls.test', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' } }),
      {
        address: 'tcp://docker-tls.test',
        source: 'DOCKER_HOST',
        protocol: 'https',
        host: 'docker-tls.test',
        port: 2376,
        tls: { caPath: '/certs/ca.pem', certPath: '/certs/cert.pem', keyPath: '/certs/key.pem', verify: true },
      }],
    ['DOCKER_TLS_VERIFY with an explicit port and the default cert path',
      inputs({ env: { DOCKER_HOST: 'tcp://docker-tls.test:4000', DOCKER_TLS_VERIFY: '1' } }),
      {
        address: 'tcp://docker-tls.test:4000',
        source: 'DOCKER_HOST',
        protocol: 'https',
        host: 'docker-tls.test',
        port: 4000,
        tls: { caPath: `${home}/.docker/ca.pem`, certPath: `${home}/.docker/cert.pem`, keyPath: `${home}/.docker/key.pem`, verify: true },
      }],
    ['DOCKER_TLS_VERIFY does not apply to a socket', inputs({ env: { DOCKER_HOST: 'unix:///x.sock', DOCKER_TLS_VERIFY: '1' } }),
      { address: 'unix:///x.sock', source: 'DOCKER_HOST', socketPath: '/x.sock' }],
    ['DOCKER_HOST ssh://user@host', inputs({ env: { DOCKER_HOST: 'ssh://dev@build.example' } }),
      { address: 'ssh://dev@build.example', source: 'DOCKER_HOST', protocol: 'ssh', host: 'build.example', username: 'dev' }],
    ['DOCKER_HOST ssh:// with a port and no user', inputs({ env: { DOCKER_HOST: 'ssh://build.example:2222' } }),
      { address: 'ssh://build.example:2222', source: 'DOCKER_HOST', protocol: 'ssh', host: 'build.example', port: 2222 }],
    ['DOCKER_HOST wins over the current context', inputs({
      env: { DOCKER_HOST: 'unix:///x.sock', DOCKER_CONTEXT: 'remote' },
      files: contextFiles(`${home}/.docker`, 'remote', 'tcp://docker-9.test:2375'),
    }), { address: 'unix:///x.sock', source: 'DOCKER_HOST', socketPath: '/x.sock' }],
    ['the current context of config.json', inputs({
      files: {
        [`${home}/.docker/config.json`]: JSON.stringify({ auths: {}, currentContext: 'remote' }),
        ...contextFiles(`${home}/.docker`, 'remote', 'tcp://docker-9.test:2375'),
      },
    }), { address: 'tcp://docker-9.test:2375', source: 'Docker context "remote"', protocol: 'http', host: 'docker-9.test', port: 2375 }],
    ['DOCKER_CONTEXT wins over config.json', inputs({
      env: { DOCKER_CONTEXT: 'rootless' },
      files: {
        [`${home}/.docker/config.json`]: JSON.stringify({ currentContext: 'remote' }),
        ...contextFiles(`${home}/.docker`, 'remote', 'tcp://docker-9.test:2375'),
        ...contextFiles(`${home}/.docker`, 'rootless', 'unix:///run/user/1000/docker.sock'),
      },
    }), { address: 'unix:///run/user/1000/docker.sock', source: 'Docker context "rootless"', socketPath: '/run/user/1000/docker.sock' }],
    ['DOCKER_CONFIG moves the config directory', inputs({
      env: { DOCKER_CONFIG: '/etc/docker-cli' },
      files: {
        '/etc/docker-cli/config.json': JSON.stringify({ currentContext: 'remote' }),
        ...contextFiles('/etc/docker-cli', 'remote', 'ssh://me@far'),
      },
    }), { address: 'ssh://me@far', source: 'Docker context "remote"', protocol: 'ssh', host: 'far', username: 'me' }],
    ['a context with TLS material', inputs({
      env: { DOCKER_CONTEXT: 'secure' },
      files: contextFiles(`${home}/.docker`, 'secure', 'tcp://docker-7.test:2376', { tls: true }),
    }), {
      address: 'tcp://docker-7.test:2376',
      source: 'Docker context "secure"',
      protocol: 'https',
      host: 'docker-7.test',
      port: 2376,
      tls: {
        caPath: `${home}/.docker/contexts/tls/${sha256('secure')}/docker/ca.pem`,
        certPath: `${home}/.docker/contexts/tls/${sha256('secure')}/docker/cert.pem`,
        keyPath: `${home}/.docker/contexts/tls/${sha256('secure')}/docker/key.pem`,
        verify: true,
      },
    }],
    ['a context with TLS material that skips verification', inputs({
      env: { DOCKER_CONTEXT: 'lax' },
      files: contextFiles(`${home}/.docker`, 'lax', 'tcp://docker-7.test:2376', { tls: true, skipTlsVerify: true }),
    }), {
      address: 'tcp://docker-7.test:2376',
      source: 'Docker context "lax"',
      protocol: 'https',
      host: 'docker-7.test',
      port: 2376,
      tls: {
        caPath: `${home}/.docker/contexts/tls/${sha256('lax')}/docker/ca.pem`,
        certPath: `${home}/.docker/contexts/tls/${sha256('lax')}/docker/cert.pem`,
        keyPath: `${home}/.docker/contexts/tls/${sha256('lax')}/docker/key.pem`,
        verify: false,
      },
    }],
    ['a context ignores DOCKER_TLS_VERIFY', inputs({
      env: { DOCKER_CONTEXT: 'plain', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      files: contextFiles(`${home}/.docker`, 'plain', 'tcp://docker-8.test:2375'),
    }), { address: 'tcp://docker-8.test:2375', source: 'Docker context "plain"', protocol: 'http', host: 'docker-8.test', port: 2375 }],
    ['the context "default" of config.json is the default socket', inputs({
      files: { [`${home}/.docker/config.json`]: JSON.stringify({ currentContext: 'default' }) },
    }), defaultSocket],
    ['DOCKER_CONTEXT=default wins over config.json', inputs({
      env: { DOCKER_CONTEXT: 'default' },
      files: {
        [`${home}/.docker/config.json`]: JSON.stringify({ currentContext: 'remote' }),
        ...contextFiles(`${home}/.docker`, 'remote', 'tcp://docker-9.test:2375'),
      },
    }), defaultSocket],
    ['a config.json without a current context', inputs({ files: { [`${home}/.docker/config.json`]: JSON.stringify({ auths: {} }) } }), defaultSocket],
    ['a config.json that is not JSON', inputs({ files: { [`${home}/.docker/config.json`]: '{ not json' } }), defaultSocket],
    ['a current context that is not a string', inputs({ files: { [`${home}/.docker/config.json`]: JSON.stringify({ currentContext: 42 }) } }), defaultSocket],
  ];
  for (const [title, given, expected] of cases) {
    it(title, () => {
      assert.deepEqual(resolveDockerEndpoint(given), expected);
    });
  }

  it('reads the context meta under the sha256 of the context name', () => {
    const read: string[] = [];
    const given = inputs({ env: { DOCKER_CONTEXT: 'remote' }, files: contextFiles(`${home}/.docker`, 'remote', 'unix:///r.sock') });
    resolveDockerEndpoint({ ...given, readFile: (path) => (read.push(path), given.readFile(path)) });
    // The directory the Docker CLI itself uses for the context "remote".
    assert.ok(read.includes(`${home}/.docker/contexts/meta/b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a/meta.json`), read.join('\n'));
  });

  const contextErrors: Array<[string, EndpointInputs, string[]]> = [
    ['a context without a Docker endpoint', inputs({
      env: { DOCKER_CONTEXT: 'k8s' },
      files: contextFiles(`${home}/.docker`, 'k8s', undefined),
    }), ['"k8s"', `${home}/.docker/contexts`, 'docker context use default']],
    ['a context whose meta.json is missing', inputs({
      files: { [`${home}/.docker/config.json`]: JSON.stringify({ currentContext: 'gone' }) },
    }), ['"gone"', 'odooDev.docker.host']],
    ['a context whose meta.json is not JSON', inputs({
      env: { DOCKER_CONTEXT: 'broken' },
      files: { [`${home}/.docker/contexts/meta/${sha256('broken')}/meta.json`]: 'nope' },
    }), ['"broken"']],
    ['a context with a bad host', inputs({
      env: { DOCKER_CONTEXT: 'odd' },
      files: contextFiles(`${home}/.docker`, 'odd', 'ftp://x'),
    }), ['"ftp://x"', 'Docker context "odd"', 'scheme "ftp"']],
  ];
  for (const [title, given, fragments] of contextErrors) {
    it(`fails for ${title}`, () => {
      throwsUnreachable(() => resolveDockerEndpoint(given), ...fragments);
    });
  }

  const badValues: Array<[string, string, string]> = [
    ['foo', 'it has no scheme', 'foo'],
    ['ftp://x', 'the scheme "ftp"', 'ftp://x'],
    ['unix://', 'the socket path is empty', 'unix://'],
    ['tcp://', 'not host:port', 'tcp://'],
    ['tcp://host:port', 'not host:port', 'tcp://host:port'],
  ];
  for (const [value, why, named] of badValues) {
    it(`refuses ${JSON.stringify(value)} from the setting, naming it and the setting`, () => {
      throwsUnreachable(() => resolveDockerEndpoint(inputs({ setting: value })), `"${named}"`, 'the setting odooDev.docker.host', why);
    });
    it(`refuses ${JSON.stringify(value)} from DOCKER_HOST, naming it and DOCKER_HOST`, () => {
      throwsUnreachable(() => resolveDockerEndpoint(inputs({ env: { DOCKER_HOST: value } })), `"${named}"`, 'from DOCKER_HOST', why);
    });
  }
});

describe('resolveDockerEndpoint: Podman and the sockets of a user', () => {
  const runtime = { XDG_RUNTIME_DIR: '/run/user/1000' };
  const cases: Array<[string, EndpointInputs, DockerEndpoint]> = [
    ['CONTAINER_HOST, Podman\'s variable, after DOCKER_HOST', inputs({ env: { CONTAINER_HOST: 'unix:///run/user/1000/podman/podman.sock' } }),
      { address: 'unix:///run/user/1000/podman/podman.sock', source: 'CONTAINER_HOST', socketPath: '/run/user/1000/podman/podman.sock' }],
    ['DOCKER_HOST wins over CONTAINER_HOST', inputs({ env: { DOCKER_HOST: 'unix:///d.sock', CONTAINER_HOST: 'unix:///p.sock' } }),
      { address: 'unix:///d.sock', source: 'DOCKER_HOST', socketPath: '/d.sock' }],
    ['CONTAINER_HOST wins over a Docker context', inputs({
      env: { CONTAINER_HOST: 'unix:///p.sock', DOCKER_CONTEXT: 'remote' },
      files: contextFiles(`${home}/.docker`, 'remote', 'ssh://me@far'),
    }), { address: 'unix:///p.sock', source: 'CONTAINER_HOST', socketPath: '/p.sock' }],
    ['CONTAINER_HOST over ssh with the remote socket and CONTAINER_SSHKEY',
      inputs({ env: { CONTAINER_HOST: 'ssh://core@podman.test:2222/run/user/1000/podman/podman.sock', CONTAINER_SSHKEY: '/home/dev/.ssh/podman' } }),
      {
        address: 'ssh://core@podman.test:2222/run/user/1000/podman/podman.sock', source: 'CONTAINER_HOST', protocol: 'ssh',
        host: 'podman.test', port: 2222, username: 'core', remoteSocketPath: '/run/user/1000/podman/podman.sock', identityFile: '/home/dev/.ssh/podman',
      }],
    ['the Docker socket when this user may open it', inputs({ env: runtime, sockets: { '/var/run/docker.sock': 'usable', '/run/user/1000/podman/podman.sock': 'usable' } }),
      defaultSocket],
    ['rootless Docker when the system socket is missing', inputs({ env: runtime, sockets: { '/run/user/1000/docker.sock': 'usable' } }),
      { address: 'unix:///run/user/1000/docker.sock', source: 'the rootless Docker socket', socketPath: '/run/user/1000/docker.sock' }],
    ['rootless Podman when neither Docker socket is there', inputs({ env: runtime, sockets: { '/run/user/1000/podman/podman.sock': 'usable', '/run/podman/podman.sock': 'usable' } }),
      { address: 'unix:///run/user/1000/podman/podman.sock', source: 'the rootless Podman socket', socketPath: '/run/user/1000/podman/podman.sock' }],
    ['rootful Podman last', inputs({ env: runtime, sockets: { '/run/podman/podman.sock': 'usable' } }),
      { address: 'unix:///run/podman/podman.sock', source: 'the Podman socket', socketPath: '/run/podman/podman.sock' }],
    ['a system socket this user may not open does not hide their own engine',
      inputs({ env: runtime, sockets: { '/var/run/docker.sock': 'denied', '/run/user/1000/podman/podman.sock': 'usable' } }),
      { address: 'unix:///run/user/1000/podman/podman.sock', source: 'the rootless Podman socket (/var/run/docker.sock not open to this user)', socketPath: '/run/user/1000/podman/podman.sock' }],
    ['only a refused socket: that one, so that the error names it', inputs({ env: runtime, sockets: { '/var/run/docker.sock': 'denied' } }), defaultSocket],
    ['/run/user/UID without XDG_RUNTIME_DIR', inputs({ uid: 1234, sockets: { '/run/user/1234/docker.sock': 'usable' } }),
      { address: 'unix:///run/user/1234/docker.sock', source: 'the rootless Docker socket', socketPath: '/run/user/1234/docker.sock' }],
    ['no socket at all: the default, saying what was tried', inputs({ env: runtime, sockets: {} }), {
      ...defaultSocket,
      source: 'the default socket (no engine socket found: tried /var/run/docker.sock, /run/user/1000/docker.sock, /run/user/1000/podman/podman.sock, /run/podman/podman.sock)',
    }],
  ];
  for (const [title, given, expected] of cases) {
    it(title, () => assert.deepEqual(resolveDockerEndpoint(given), expected));
  }

  it('lists the well-known sockets in the order they are tried', () => {
    assert.deepEqual(wellKnownSockets({ env: { XDG_RUNTIME_DIR: '/run/user/7' } }).map((s) => s.path),
      ['/var/run/docker.sock', '/run/user/7/docker.sock', '/run/user/7/podman/podman.sock', '/run/podman/podman.sock']);
    assert.deepEqual(wellKnownSockets({ env: {} }).map((s) => s.path), ['/var/run/docker.sock', '/run/podman/podman.sock']);
  });
});

describe('parseDockerHost', () => {
  const env = { env: {}, home };
  const cases: Array<[string, DockerEndpoint]> = [
    ['unix:///var/run/docker.sock', { address: 'unix:///var/run/docker.sock', source: 's', socketPath: '/var/run/docker.sock' }],
    ['/var/run/docker.sock', { address: 'unix:///var/run/docker.sock', source: 's', socketPath: '/var/run/docker.sock' }],
    ['npipe:////./pipe/docker_engine', { address: 'npipe:////./pipe/docker_engine', source: 's', socketPath: '\\\\.\\pipe\\docker_engine' }],
    ['tcp://localhost:2375', { address: 'tcp://localhost:2375', source: 's', protocol: 'http', host: 'localhost', port: 2375 }],
    ['http://localhost:2375', { address: 'http://localhost:2375', source: 's', protocol: 'http', host: 'localhost', port: 2375 }],
    ['https://localhost', {
      address: 'https://localhost',
      source: 's',
      protocol: 'https',
      host: 'localhost',
      port: 2376,
      tls: { caPath: `${home}/.docker/ca.pem`, certPath: `${home}/.docker/cert.pem`, keyPath: `${home}/.docker/key.pem`, verify: true },
    }],
    ['ssh://root@docker-ssh.test:22', { address: 'ssh://root@docker-ssh.test:22', source: 's', protocol: 'ssh', host: 'docker-ssh.test', port: 22, username: 'root' }],
    ['ssh://alias', { address: 'ssh://alias', source: 's', protocol: 'ssh', host: 'alias' }],
    ['ssh://me@host/run/podman/podman.sock', {
      address: 'ssh://me@host/run/podman/podman.sock', source: 's', protocol: 'ssh', host: 'host', username: 'me', remoteSocketPath: '/run/podman/podman.sock',
    }],
  ];
  for (const [value, expected] of cases) {
    it(value, () => {
      assert.deepEqual(parseDockerHost(value, 's', env), expected);
    });
  }

  it('ignores DOCKER_TLS_VERIFY=0', () => {
    assert.equal(parseDockerHost('tcp://h', 's', { env: { DOCKER_TLS_VERIFY: '0' }, home }).protocol, 'http');
  });

  it('takes no TLS paths from the environment for a context host', () => {
    const endpoint = parseDockerHost('tcp://h', 's', { env: { DOCKER_TLS_VERIFY: '1' }, home }, true);
    assert.equal(endpoint.protocol, 'http');
    assert.equal(endpoint.tls, undefined);
  });

  it('says what to write instead', () => {
    assert.throws(() => parseDockerHost('foo', 'DOCKER_HOST', env), (error: unknown) => {
      assert.ok(error instanceof OdooDevError);
      assert.match(error.message, /^The Docker address "foo" from DOCKER_HOST cannot be used: it has no scheme\. /);
      assert.match(error.hint ?? '', /unix:\/\/\/var\/run\/docker\.sock/);
      return true;
    });
  });
});
