import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type Dockerode from 'dockerode';
import { KEEPER_NAME, restartableKeeper } from '../../src/core/restartable-keeper';
import { runCli } from '../support/cli';
import { odooMasters, DB_ARGS, execIn, isAnswering, logsOf, processesIn, STANDIN_IMAGE, startShape, TEST_LABEL, TEST_RUN, testDocker, waitFor } from '../support/docker-bed';

type Inspect = Dockerode.ContainerInspectInfo;

/** A loopback port that nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The names of the containers whose name starts with `prefix`, stopped ones included. */
async function containersNamed(prefix: string): Promise<string[]> {
  const list = await testDocker().listContainers({ all: true, filters: { name: [prefix] } });
  return list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ''))).filter((n) => n.startsWith(prefix)).sort();
}

function without(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

/** What a container's own settings are, as inspect gives them, for comparing old and new. */
function settingsOf(info: Inspect) {
  // The hostname was Docker's default (the short ID), the entrypoint is what changes, and
  // HostConfig.Mounts is how the replacement names the same volumes.
  const ownConfig = without(info.Config as unknown as Record<string, unknown>, ['Hostname', 'Entrypoint']);
  const ownHost = without(info.HostConfig as unknown as Record<string, unknown>, ['Mounts']);
  const shortId = info.Id.slice(0, 12);
  return {
    config: ownConfig,
    host: ownHost,
    mounts: info.Mounts.map((m) => ({ Type: m.Type, Name: m.Name, Source: m.Source, Destination: m.Destination, RW: m.RW })).sort((a, b) => a.Destination.localeCompare(b.Destination)),
    networks: Object.fromEntries(Object.entries(info.NetworkSettings.Networks).map(([name, e]) => [name, {
      NetworkID: e.NetworkID,
      // Docker adds the container's short ID itself; the replacement has its own.
      Aliases: ((e.Aliases ?? []) as string[]).filter((a) => a !== shortId).sort(),
      IPAMConfig: e.IPAMConfig,
      Links: e.Links,
    }])),
    ports: info.NetworkSettings.Ports,
  };
}

describe('odoo-dev keeper --apply: recreate a PID-1 Odoo container once with the keeper (real Docker engine)', function () {
  this.timeout(120_000);
  const docker = testDocker();
  const tag = randomBytes(4).toString('hex');
  const prefix = `odoo-dev-test-apply-${tag}`;
  const networkName = `${prefix}-net`;
  const volumeName = `${prefix}-data`;
  const keeper = restartableKeeper(['/entrypoint.sh'], ['odoo', '-d', 'db']);
  let network: Dockerode.Network;
  /** The host port that each container publishes, by container name. */
  const ports = new Map<string, number>();
  const anonymousVolumes = new Set<string>();

  /** An official-shape container with the settings the issue lists: its Odoo is PID 1. */
  async function officialContainer(name: string, env: string[] = []): Promise<Dockerode.Container> {
    const port = await freePort();
    ports.set(name, port);
    const container = await docker.createContainer({
      name,
      Image: STANDIN_IMAGE,
      Cmd: ['odoo', '-d', 'db'],
      Env: ['STANDIN_SERIES=18.0', 'SHOP=demo', ...env],
      Labels: { [TEST_LABEL]: TEST_RUN, 'com.example.team': 'odoo' },
      StopTimeout: 20,
      Volumes: { '/srv/anonymous': {} },
      ExposedPorts: { '8069/tcp': {} },
      HostConfig: {
        NetworkMode: networkName,
        Binds: [`${volumeName}:/var/lib/odoo`],
        PortBindings: { '8069/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
        RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
        CapAdd: ['SYS_PTRACE'],
        Memory: 512 * 1024 * 1024,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
      },
      NetworkingConfig: { EndpointsConfig: { [networkName]: { Aliases: ['odoo-web'] } } },
    });
    await container.start();
    const info = await container.inspect();
    for (const mount of info.Mounts) {
      if (mount.Type === 'volume' && mount.Name && mount.Name !== volumeName) {
        anonymousVolumes.add(mount.Name);
      }
    }
    await waitFor(`Odoo in ${name} to answer`, async () => {
      const state = (await container.inspect()).State;
      if (!state.Running) {
        throw new Error(`${name} exited with ${state.ExitCode}:\n${await logsOf(container)}`);
      }
      return (await isAnswering(container)) ? true : undefined;
    }, 20_000);
    return container;
  }

  async function removeNamed(name: string): Promise<void> {
    await docker.getContainer(name).remove({ force: true, v: false }).catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404 && error.statusCode !== 409) {
        throw error;
      }
    });
  }

  before(async () => {
    // A network of the test's own (dockerd runs without a default bridge and without iptables
    // rules, so nothing is routed out of it); not internal, since Docker publishes no ports there.
    network = await docker.createNetwork({ Name: networkName, Labels: { [TEST_LABEL]: TEST_RUN } });
    await docker.createVolume({ Name: volumeName, Labels: { [TEST_LABEL]: TEST_RUN } });
  });

  after(async () => {
    for (const name of await containersNamed(prefix)) {
      await removeNamed(name);
    }
    await network.remove().catch(() => undefined);
    for (const volume of [volumeName, ...anonymousVolumes]) {
      await docker.getVolume(volume).remove().catch(() => undefined);
    }
  });

  describe('an official-shape container on a user-defined network, with volumes, a published port and env', () => {
    const name = `${prefix}-odoo`;
    let old: Inspect;
    let fresh: Inspect;
    let apply: Awaited<ReturnType<typeof runCli>>;
    let port: number;

    before(async () => {
      const container = await officialContainer(name);
      port = ports.get(name)!;
      // Data in both volumes, and a change in the writable layer that the plan must list.
      const written = await execIn(container, ['sh', '-c', 'echo kept > /var/lib/odoo/marker && echo kept > /srv/anonymous/marker && mkdir -p /var/lib/odoo/x && touch /etc/odoo/hand-made.conf'], { user: '0:0' });
      assert.equal(written.exitCode, 0, written.stderr);
      old = await container.inspect();
      apply = await runCli(['--container', name, 'keeper', '--apply', '--yes']);
      fresh = await docker.getContainer(name).inspect();
    });

    it('exits 0 and prints the plan: what is kept, the writable-layer change that is lost, how to go back', () => {
      assert.equal(apply.code, 0, apply.stdout + apply.stderr);
      assert.match(apply.stdout, /Kept:\n/);
      assert.match(apply.stdout, new RegExp(`volume ${volumeName} at /var/lib/odoo: the same volume, its data stays`));
      assert.match(apply.stdout, /anonymous volume [0-9a-f]{12} at \/srv\/anonymous: the same volume/);
      assert.match(apply.stdout, new RegExp(`network ${networkName} \\(aliases odoo-web\\)`));
      assert.match(apply.stdout, new RegExp(`published port 127\\.0\\.0\\.1:${port} -> 8069/tcp`));
      assert.match(apply.stdout, /Lost:\n[\s\S]*these 1 changes in its writable layer[\s\S]*added \/etc\/odoo\/hand-made\.conf/);
      assert.match(apply.stdout, new RegExp(`Container ${name} now runs the odoo-dev keeper as PID 1`));
      assert.match(apply.stdout, /entrypoint: \["\/entrypoint\.sh"\]\n {2}command: {4}\["odoo","-d","db"\]/);
      assert.match(apply.stderr, /Creating the replacement[\s\S]*Stopping[\s\S]*Renaming[\s\S]*Starting the replacement[\s\S]*Waiting for Odoo[\s\S]*Removing the previous container/);
    });

    it('replaces the container: a new one under the same name, running, the old one gone, nothing left over', async () => {
      assert.notEqual(fresh.Id, old.Id);
      assert.equal(fresh.Name, old.Name);
      assert.equal(fresh.State.Running, true);
      assert.deepEqual((await containersNamed(prefix)).filter((n) => n.startsWith(name)), [name]);
      await assert.rejects(docker.getContainer(old.Id).inspect(), (error: { statusCode?: number }) => error.statusCode === 404);
    });

    it('keeps every setting: Config, HostConfig, mounts (the same volumes), networks with their aliases, ports', () => {
      const before = settingsOf(old);
      const after = settingsOf(fresh);
      for (const [field, value] of Object.entries(before.config)) {
        assert.deepEqual(after.config[field], value, `Config.${field}`);
      }
      assert.deepEqual(Object.keys(after.config).sort(), Object.keys(before.config).sort());
      for (const [field, value] of Object.entries(before.host)) {
        assert.deepEqual(after.host[field], value, `HostConfig.${field}`);
      }
      assert.deepEqual(after.mounts, before.mounts);
      assert.deepEqual(after.networks, before.networks);
      assert.deepEqual(after.networks[networkName].Aliases, ['odoo-web']);
      assert.deepEqual(after.ports, before.ports);
      // The listed settings, spelled out.
      assert.equal(fresh.Config.Image, STANDIN_IMAGE);
      assert.deepEqual(fresh.Config.Cmd, ['odoo', '-d', 'db']);
      assert.ok(fresh.Config.Env.includes('SHOP=demo'));
      assert.equal(fresh.Config.Labels['com.example.team'], 'odoo');
      assert.equal(fresh.Config.User, 'odoo');
      assert.equal((fresh.Config as unknown as { StopTimeout: number }).StopTimeout, 20);
      assert.equal(fresh.HostConfig.NetworkMode, networkName);
      assert.deepEqual(fresh.HostConfig.RestartPolicy, { Name: 'unless-stopped', MaximumRetryCount: 0 });
      assert.deepEqual(fresh.HostConfig.CapAdd, ['SYS_PTRACE']);
      assert.equal(fresh.HostConfig.Memory, 512 * 1024 * 1024);
      assert.deepEqual(fresh.NetworkSettings.Ports['8069/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    });

    it('answers on the published port from the host, as before', async () => {
      const response = await waitFor(`Odoo to answer on 127.0.0.1:${port}`, async () => {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/web/health`);
          return r.status === 200 ? await r.json() as unknown : undefined;
        } catch {
          return undefined;
        }
      }, 10_000);
      assert.deepEqual(response, { status: 'pass' });
    });

    it('runs the keeper as PID 1 and Odoo as its child with the entrypoint\'s database options; the volumes\' data is there', async () => {
      const container = docker.getContainer(name);
      assert.deepEqual(fresh.Config.Entrypoint, keeper.entrypoint);
      const pid1 = (await processesIn(container)).find((p) => p.pid === 1);
      assert.deepEqual(pid1?.argv.slice(3), [KEEPER_NAME, '/entrypoint.sh', 'odoo', '-d', 'db']);
      const [master, ...more] = await odooMasters(container);
      assert.equal(more.length, 0);
      assert.equal(master.ppid, 1);
      assert.equal(master.uid, 101);
      assert.deepEqual(master.argv.slice(1), ['/usr/bin/odoo', '-d', 'db', ...DB_ARGS]);
      const data = await execIn(container, ['cat', '/var/lib/odoo/marker', '/srv/anonymous/marker']);
      assert.equal(data.stdout, 'kept\nkept\n');
      assert.equal(await isAnswering(container), true);
    });

    it('then odoo-dev restart -- NEW ARGS applies them in place: same container start, the keeper still PID 1', async () => {
      const container = docker.getContainer(name);
      const startedAt = (await container.inspect()).State.StartedAt;
      const restart = await runCli(['--container', name, 'restart', '--', '-d', 'db', '--dev=xml', '--log-level=debug']);
      assert.equal(restart.code, 0, restart.stdout + restart.stderr);
      const info = await container.inspect();
      assert.equal(info.State.StartedAt, startedAt);
      assert.equal(info.RestartCount, 0);
      const [master, ...more] = await odooMasters(container);
      assert.equal(more.length, 0);
      assert.equal(master.ppid, 1);
      assert.deepEqual(master.argv.slice(2), ['-d', 'db', '--dev=xml', '--log-level=debug', ...DB_ARGS]);
      assert.equal(await isAnswering(container), true);
    });

    it('docker stop ends it gracefully: exit 0, and Odoo\'s shutdown lines in its log', async () => {
      const container = docker.getContainer(name);
      const [master] = await odooMasters(container);
      await container.stop({ t: 10 });
      const info = await container.inspect();
      assert.equal(info.State.Running, false);
      assert.equal(info.State.ExitCode, 0);
      const logs = await logsOf(container);
      assert.match(logs, new RegExp(` ${master.pid} INFO .*Initiating shutdown`), logs.slice(-1500));
      assert.doesNotMatch(logs.split(new RegExp(` ${master.pid} INFO .*Initiating shutdown`))[1] ?? '', /Forced shutdown/);
    });
  });

  describe('refusals and failures', () => {
    it('a replacement that is not ready in time: the old container runs again as before, nothing left over', async () => {
      const name = `${prefix}-slow`;
      // Odoo takes 3 s to load its registry here; the replacement gets 1 s.
      const container = await officialContainer(name, ['STANDIN_REGISTRY_DELAY=3']);
      const old = await container.inspect();
      const [oldMaster] = await odooMasters(container);
      assert.equal(oldMaster.pid, 1);
      const apply = await runCli(['--container', name, 'keeper', '--apply', '--yes', '--ready-timeout', '1']);
      assert.equal(apply.code, 8, apply.stdout + apply.stderr);
      assert.match(apply.stderr, new RegExp(`Making ${name} restartable failed while waiting for Odoo to be ready in the replacement: Odoo was not ready in the replacement within 1 s`));
      assert.match(apply.stderr, new RegExp(`Nothing changed: the replacement was removed and ${name} runs again as before\\.`));
      const now = await container.inspect();
      assert.equal(now.Id, old.Id);
      assert.equal(now.Name, old.Name);
      assert.equal(now.State.Running, true);
      assert.deepEqual(now.Config, old.Config);
      assert.deepEqual(settingsOf(now), settingsOf(old));
      assert.deepEqual((await containersNamed(prefix)).filter((n) => n.startsWith(name)), [name]);
      await waitFor('the old container\'s Odoo to answer again', async () => ((await isAnswering(container)) ? true : undefined), 20_000);
      const [master, ...more] = await odooMasters(container);
      assert.equal(more.length, 0);
      assert.equal(master.pid, 1, 'Odoo is PID 1 again, as before');
      await removeNamed(name);
    });

    it('without --yes and without a terminal: refused, exit 5, nothing changed', async () => {
      // A container with no volume and nothing changed in its layer: docker diff is empty.
      const name = `${prefix}-ask`;
      const { container } = await startShape('official', { name, odooArgs: ['-d', 'db'] });
      const old = await container.inspect();
      const apply = await runCli(['--container', name, 'keeper', '--apply']);
      assert.equal(apply.code, 5, apply.stdout + apply.stderr);
      assert.match(apply.stderr, new RegExp(`Not recreating ${name}: odoo-dev keeper --apply asks before it replaces a container, and there is no terminal to ask on\\. Nothing changed\\.`));
      assert.match(apply.stderr, /run it with --yes/);
      // The plan was shown, so that the user knows what --yes would do.
      assert.match(apply.stdout, /Kept:\n[\s\S]*Lost:\n[\s\S]*nothing in its writable layer/);
      const now = await container.inspect();
      assert.equal(now.Id, old.Id);
      assert.equal(now.State.StartedAt, old.State.StartedAt);
      assert.deepEqual(now.Config.Entrypoint, ['/entrypoint.sh']);
      assert.deepEqual((await containersNamed(prefix)).filter((n) => n.startsWith(name)), [name]);
      await removeNamed(name);
    });
  });
});
