/**
 * Containers of the bench: the stand-in image in the shapes of test/fixtures/README.md, on the
 * host network (so the host polls 127.0.0.1:PORT), labelled `odoo-dev-test=1` like every test
 * container and also with this run's own label, so that cleaning up removes ours and never
 * another test run's.
 */
import Dockerode from 'dockerode';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { KEEPER_ENTRYPOINT, STANDIN_IMAGE, TEST_LABEL, TEST_RUN, execIn as supportExecIn } from '../../test/support/docker-bed';

export { logsOf } from '../../test/support/docker-bed';

export const BENCH_LABEL = 'odoo-dev-bench';
export const RUN_ID = randomBytes(4).toString('hex');

export const docker = new Dockerode({ socketPath: process.env.BENCH_DOCKER_SOCKET ?? '/var/run/docker.sock' });

export interface BenchContainer {
  readonly id: string;
  readonly name: string;
  readonly port: number;
  readonly container: Dockerode.Container;
}

const created = new Set<string>();

/**
 * Test clean-ups (`removeTestContainers()`, docker-bed-stop.sh) remove every container labelled
 * `odoo-dev-test=1`, so a test run at the same time would remove the bench's containers
 * midway. BENCH_TEST_LABEL=0 leaves that label off (the bench still removes its own).
 */
const withTestLabel = process.env.BENCH_TEST_LABEL !== '0';

/**
 * `official`: the image's entrypoint execs the stand-in as PID 1 with `odooArgs` (plus the
 * entrypoint's database options). `keeper`: the Dev Containers keeper is PID 1 (user odoo)
 * and nothing else runs.
 */
export async function createContainer(role: string, shape: 'official' | 'keeper', port: number, env: Record<string, string>, odooArgs: readonly string[] = []): Promise<BenchContainer> {
  const name = `odoo-dev-bench-${role}-${RUN_ID}`;
  const options: Dockerode.ContainerCreateOptions = {
    name,
    Image: STANDIN_IMAGE,
    Labels: { ...(withTestLabel ? { [TEST_LABEL]: TEST_RUN } : {}), [BENCH_LABEL]: RUN_ID },
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    HostConfig: { NetworkMode: 'host' },
  };
  if (shape === 'official') {
    options.Cmd = ['odoo', ...odooArgs];
  } else {
    options.Entrypoint = KEEPER_ENTRYPOINT;
    options.Cmd = [];
  }
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer(options);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new Error(`image ${STANDIN_IMAGE} is missing: run bash test/setup/docker-bed.sh`, { cause: error });
    }
    throw error;
  }
  created.add(container.id);
  await container.start();
  return { id: container.id, name, port, container };
}

/** Removes every container this run created (forced, with volumes); never throws. */
export async function removeOurContainers(): Promise<number> {
  let ids: string[] = [...created];
  try {
    const listed = await docker.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=${RUN_ID}`] } });
    ids = [...new Set([...ids, ...listed.map((c) => c.Id)])];
  } catch {
    // Docker not answering: try the ones we know.
  }
  let removed = 0;
  await Promise.all(ids.map(async (id) => {
    try {
      await docker.getContainer(id).remove({ force: true, v: true });
      removed++;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) {
        process.stderr.write(`bench: could not remove container ${id.slice(0, 12)}: ${String((error as Error).message)}\n`);
      }
    }
    created.delete(id);
  }));
  return removed;
}

/** One `docker exec`, attached, to its end (the test bed's, which also serves to time execs). */
export function execIn(container: Dockerode.Container, cmd: readonly string[], user = 'odoo') {
  return supportExecIn(container, cmd, { user });
}

/** Writes a file into the container (as root) through python3, which every Odoo image has. */
export async function writeFileIn(container: Dockerode.Container, path: string, text: string, mode = '644'): Promise<void> {
  const code = 'import base64,os,sys; open(sys.argv[1],"wb").write(base64.b64decode(sys.argv[2])); os.chmod(sys.argv[1], int(sys.argv[3], 8))';
  const result = await execIn(container, ['python3', '-c', code, path, Buffer.from(text).toString('base64'), mode], '0');
  if (result.exitCode !== 0) {
    throw new Error(`writing ${path} failed: ${result.stderr}`);
  }
}

/** Free TCP ports on the host (all containers share its network namespace). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '0.0.0.0', () => resolve());
      });
      servers.push(server);
      ports.push((server.address() as net.AddressInfo).port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
  return ports;
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly os: string;
  readonly docker: string;
  readonly dockerApi: string;
  readonly storageDriver: string;
  readonly node: string;
}

export async function machineInfo(): Promise<MachineInfo> {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) {
      cpu = line.split(':').slice(1).join(':').trim();
    }
  } catch {
    // not Linux: keep Node's answer
  }
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty) {
      osName = pretty[1];
    }
  } catch {
    // keep the kernel's name
  }
  const version = await docker.version();
  const info = (await docker.info()) as { Driver?: string };
  return {
    cpu,
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    os: osName,
    docker: version.Version,
    dockerApi: version.ApiVersion,
    storageDriver: info.Driver ?? '?',
    node: process.version,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Milliseconds on the host's monotonic clock. */
export function now(): number {
  return performance.now();
}

/** A monotonic time as milliseconds since the epoch, to compare with log and event stamps. */
export function toEpoch(perf: number): number {
  return performance.timeOrigin + perf;
}
