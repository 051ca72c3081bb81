/**
 * The engines of test/setup/engines-bed.sh, as the tests reach them: the environment or option a
 * user would set for `odoo-dev`, and a client of the engine's own socket for the test's own look
 * at the containers. Read from $ODOO_DEV_WORK/engines/engines.json, which the set-up writes.
 */
import Dockerode from 'dockerode';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CliUser } from '../support/cli';
import { testDocker } from '../support/docker-bed';

/** A non-root user of the set-up, as `odoo-dev` runs as them. */
export interface LocalUser {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

interface EnginesFile {
  readonly podmanRootful: { readonly socket: string };
  readonly podmanRootless: { readonly socket: string; readonly user: string; readonly uid: number; readonly runtimeDir: string };
  readonly tls: { readonly host: string; readonly certPath: string; readonly socket: string };
  readonly dockerRootless: LocalUser & { readonly socket: string; readonly runtimeDir: string };
  readonly noAccess: LocalUser;
  readonly ssh: { readonly alias: string; readonly user: string; readonly home: string; readonly agentSocket: string; readonly sshdPidFile: string };
}

export interface TestEngine {
  readonly name: string;
  /** What `odoo-dev` is given: its environment and the options before the command. */
  readonly env: NodeJS.ProcessEnv;
  readonly options: readonly string[];
  /** The engine itself, over its local socket: where the test creates and inspects containers. */
  readonly docker: Dockerode;
  /** Whether the containers made there are the test bed's Docker's (shared: remove only our own). */
  readonly sharesTestBed: boolean;
  /** The user `odoo-dev` runs as, when not root. */
  readonly user?: CliUser;
}

export const enginesFile = path.join(process.env.ODOO_DEV_WORK ?? '/tmp/odoo-dev-test', 'engines', 'engines.json');

/** The set-up's description; a missing file is an error that says what to run. */
export function readEngines(): EnginesFile {
  let file: Partial<EnginesFile>;
  try {
    file = JSON.parse(readFileSync(enginesFile, 'utf8')) as Partial<EnginesFile>;
  } catch (error) {
    throw new Error(`${enginesFile} is missing or unreadable: run bash test/setup/engines-bed.sh first`, { cause: error });
  }
  const missing = (['podmanRootful', 'podmanRootless', 'tls', 'dockerRootless', 'noAccess', 'ssh'] as const).filter((key) => !file[key]);
  if (missing.length) {
    throw new Error(`${enginesFile} has no ${missing.join(', ')}: an older set-up wrote it; run bash test/setup/engines-bed.sh again`);
  }
  return file as EnginesFile;
}

/** Nothing of the machine's own engine settings may leak into a run against another engine. */
const clean: NodeJS.ProcessEnv = { DOCKER_HOST: '', CONTAINER_HOST: '', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '', DOCKER_CONTEXT: '', ODOO_DEV_CONTAINER: '' };

/**
 * The environment of a login of `user`, with no engine setting: what `odoo-dev` finds then is
 * the endpoint resolution's own choice.
 */
export function loginEnv(user: LocalUser, runtimeDir?: string): NodeJS.ProcessEnv {
  return { ...clean, HOME: user.home, USER: user.user, LOGNAME: user.user, XDG_RUNTIME_DIR: runtimeDir ?? '', DOCKER_CONFIG: '' };
}

export function testEngines(): TestEngine[] {
  const file = readEngines();
  return [
    {
      name: 'Docker over ssh:// (DOCKER_HOST, ~/.ssh/config, ssh-agent)',
      env: { ...clean, DOCKER_HOST: `ssh://${file.ssh.alias}`, HOME: file.ssh.home, SSH_AUTH_SOCK: file.ssh.agentSocket },
      options: [],
      docker: testDocker(),
      sharesTestBed: true,
    },
    {
      name: 'Docker over TLS (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)',
      env: { ...clean, DOCKER_HOST: file.tls.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: file.tls.certPath },
      options: [],
      docker: new Dockerode({ socketPath: file.tls.socket }),
      sharesTestBed: false,
    },
    {
      name: 'Podman rootful (--docker-host)',
      env: clean,
      options: ['--docker-host', `unix://${file.podmanRootful.socket}`],
      docker: new Dockerode({ socketPath: file.podmanRootful.socket }),
      sharesTestBed: false,
    },
    {
      name: 'rootless Docker (found by the endpoint resolution, odoo-dev run as its user)',
      env: loginEnv(file.dockerRootless, file.dockerRootless.runtimeDir),
      options: [],
      docker: new Dockerode({ socketPath: file.dockerRootless.socket }),
      sharesTestBed: false,
      user: { uid: file.dockerRootless.uid, gid: file.dockerRootless.gid },
    },
    {
      name: 'Podman rootless (CONTAINER_HOST)',
      env: { ...clean, CONTAINER_HOST: `unix://${file.podmanRootless.socket}` },
      options: [],
      docker: new Dockerode({ socketPath: file.podmanRootless.socket }),
      sharesTestBed: false,
    },
  ];
}
