import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OdooDevError } from '../../src/core/errors';
import { keeperReplacement, withoutKeeper, type ImageFacts, type InspectedContainer } from '../../src/core/keeper-replacement';
import { isKeeper, KEEPER_NAME, OLDER_KEEPER_SCRIPT, restartableKeeper } from '../../src/core/restartable-keeper';

/**
 * `docker inspect` of an official-shape container as Docker 20.10 reported it (names changed):
 * `docker run --name odoo-web --network odoo-net --network-alias odoo-web -v odoo-data:/var/lib/odoo
 * -v /mnt/extra-addons -p 127.0.0.1:18069:8069 -e STANDIN_SERIES=18.0 -e HOST=db --restart
 * unless-stopped --stop-timeout 20 --cap-add SYS_PTRACE --memory 512m odoo:18 odoo -d db`.
 */
const official = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/inspect/official-on-network.json'), 'utf8')) as InspectedContainer;
const imageId = official.Image;
const anonymous = official.Mounts!.find((m) => m.Destination === '/mnt/extra-addons')!.Name!;
const shortId = official.Id.slice(0, 12);
const image: ImageFacts = { entrypoint: ['/entrypoint.sh'], idOfName: imageId };

type Changes = {
  Config?: Record<string, unknown>;
  HostConfig?: Record<string, unknown>;
  State?: InspectedContainer['State'];
  NetworkSettings?: InspectedContainer['NetworkSettings'];
  Mounts?: InspectedContainer['Mounts'];
};

/** The fixture with some of its fields replaced. */
function inspectWith(changes: Changes): InspectedContainer {
  const copy = structuredClone(official) as unknown as Record<string, Record<string, unknown>>;
  for (const key of ['Config', 'HostConfig'] as const) {
    Object.assign(copy[key], changes[key] ?? {});
  }
  for (const key of ['State', 'NetworkSettings', 'Mounts'] as const) {
    if (changes[key] !== undefined) {
      copy[key] = changes[key] as never;
    }
  }
  return copy as unknown as InspectedContainer;
}

describe('keeperReplacement', () => {
  describe('an official-shape container on a user-defined network', () => {
    const replacement = keeperReplacement(official, image);
    const { create } = replacement;

    it('puts the keeper in front of the image\'s entrypoint and keeps the command', () => {
      assert.equal(replacement.already, false);
      assert.equal(replacement.name, 'odoo-web');
      assert.equal(replacement.oldId, official.Id);
      assert.deepEqual(create.Entrypoint, restartableKeeper(['/entrypoint.sh'], ['odoo', '-d', 'db']).entrypoint);
      assert.deepEqual(create.Cmd, ['odoo', '-d', 'db']);
      assert.deepEqual(replacement.previous, { entrypoint: ['/entrypoint.sh'], cmd: ['odoo', '-d', 'db'] });
      assert.deepEqual(withoutKeeper(replacement.keeper), { entrypoint: ['/entrypoint.sh'], command: ['odoo', '-d', 'db'] });
    });

    it('carries every other Config field over as inspect gives it', () => {
      for (const [field, value] of Object.entries(official.Config)) {
        if (['Entrypoint', 'Cmd', 'Hostname'].includes(field)) {
          continue;
        }
        assert.deepEqual(create[field], value, `Config.${field}`);
      }
      assert.equal(create.Image, 'odoo:18');
      assert.deepEqual(create.Env, ['HOST=db', 'STANDIN_SERIES=18.0', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'ODOO_RC=/etc/odoo/odoo.conf']);
      assert.equal(create.User, 'odoo');
      assert.equal(create.StopTimeout, 20);
      assert.equal(replacement.stopTimeoutSeconds, 20);
    });

    it('leaves out Docker\'s default hostname, the old short ID, and says so', () => {
      assert.equal(official.Config.Hostname, shortId);
      assert.equal('Hostname' in create, false);
      assert.deepEqual(replacement.differences, [`Its hostname was Docker's default, its short ID ${shortId}; the replacement's is its own short ID.`]);
    });

    it('carries HostConfig over field by field, and mounts the same anonymous volume by its name', () => {
      for (const [field, value] of Object.entries(official.HostConfig)) {
        if (field !== 'Mounts') {
          assert.deepEqual(create.HostConfig[field], value, `HostConfig.${field}`);
        }
      }
      assert.deepEqual(create.HostConfig.Binds, ['odoo-data:/var/lib/odoo']);
      assert.deepEqual(create.HostConfig.PortBindings, { '8069/tcp': [{ HostIp: '127.0.0.1', HostPort: '18069' }] });
      assert.deepEqual(create.HostConfig.Mounts, [{ Type: 'volume', Source: anonymous, Target: '/mnt/extra-addons', ReadOnly: false }]);
    });

    it('joins the network at create with the user\'s alias, not the old short ID', () => {
      assert.deepEqual(create.NetworkingConfig, { EndpointsConfig: { 'odoo-net': { Aliases: ['odoo-web'] } } });
      assert.deepEqual(replacement.connect, []);
    });
  });

  const cases: { name: string; changes: Changes; image?: typeof image; check: (r: ReturnType<typeof keeperReplacement>) => void }[] = [
    {
      name: 'a hostname of the user\'s is kept',
      changes: { Config: { Hostname: 'erp' } },
      check: (r) => {
        assert.equal(r.create.Hostname, 'erp');
        assert.deepEqual(r.differences, []);
      },
    },
    {
      name: 'a tag that moved since: the image the container runs, by ID, with a note',
      changes: {},
      image: { entrypoint: ['/entrypoint.sh'], idOfName: 'sha256:0000000000000000000000000000000000000000000000000000000000000000' },
      check: (r) => {
        assert.equal(r.create.Image, imageId);
        assert.match(r.differences.join('\n'), new RegExp(`The name odoo:18 now means another image; .* ${imageId.slice(7, 19)}`));
      },
    },
    {
      name: 'an image name that no longer exists: by ID',
      changes: {},
      image: { entrypoint: ['/entrypoint.sh'] },
      check: (r) => assert.equal(r.create.Image, imageId),
    },
    {
      name: 'a container made from an image ID keeps that ID',
      changes: { Config: { Image: imageId.slice(7, 19) } },
      image: { entrypoint: ['/entrypoint.sh'] },
      check: (r) => {
        assert.equal(r.create.Image, imageId.slice(7, 19));
        assert.equal(r.differences.some((d) => d.includes('another image')), false);
      },
    },
    {
      name: 'network mode host: no endpoint, no network to join',
      changes: { HostConfig: { NetworkMode: 'host' }, NetworkSettings: { Networks: { host: { NetworkID: 'abc', Aliases: null } } } },
      check: (r) => {
        assert.equal(r.create.NetworkingConfig, undefined);
        assert.deepEqual(r.connect, []);
        assert.equal(r.create.HostConfig.NetworkMode, 'host');
      },
    },
    {
      name: 'another container\'s network: no hostname, exposed ports or MAC address of its own',
      changes: { HostConfig: { NetworkMode: 'container:db' }, Config: { Hostname: 'erp', MacAddress: '02:42:ac:11:00:09' }, NetworkSettings: { Networks: {} } },
      check: (r) => {
        for (const field of ['Hostname', 'Domainname', 'ExposedPorts', 'MacAddress']) {
          assert.equal(field in r.create, false, field);
        }
        assert.equal(r.create.NetworkingConfig, undefined);
        assert.deepEqual(r.connect, []);
      },
    },
    {
      name: 'the default bridge: created on it, its aliases kept',
      changes: {
        HostConfig: { NetworkMode: 'default' },
        NetworkSettings: { Networks: { bridge: { NetworkID: 'b1', Aliases: null, IPAMConfig: null, Links: null } } },
      },
      check: (r) => {
        assert.deepEqual(r.create.NetworkingConfig, { EndpointsConfig: { bridge: {} } });
        assert.deepEqual(r.connect, []);
      },
    },
    {
      name: 'two networks: the mode\'s at create, the other joined after, by ID, with a static address and links',
      changes: {
        NetworkSettings: {
          Networks: {
            backend: {
              NetworkID: '7c1b1e3f9a2d',
              Aliases: ['erp', shortId],
              IPAMConfig: { IPv4Address: '127.0.5.9' },
              Links: ['db:database'],
              DriverOpts: null,
            },
            'odoo-net': official.NetworkSettings!.Networks!['odoo-net'],
          },
        },
      },
      check: (r) => {
        assert.deepEqual(r.create.NetworkingConfig, { EndpointsConfig: { 'odoo-net': { Aliases: ['odoo-web'] } } });
        assert.deepEqual(r.connect, [{
          network: '7c1b1e3f9a2d',
          name: 'backend',
          endpoint: { Aliases: ['erp'], IPAMConfig: { IPv4Address: '127.0.5.9' }, Links: ['db:database'] },
        }]);
      },
    },
    {
      name: 'a network mode given by network ID finds its endpoint',
      changes: { HostConfig: { NetworkMode: official.NetworkSettings!.Networks!['odoo-net'].NetworkID!.slice(0, 12) } },
      check: (r) => assert.deepEqual(Object.keys(r.create.NetworkingConfig!.EndpointsConfig), ['odoo-net']),
    },
    {
      name: 'a port Docker picked (-p 8069): noted, as the replacement gets a new one',
      changes: { HostConfig: { PortBindings: { '8069/tcp': [{ HostIp: '', HostPort: '' }] } } },
      check: (r) => assert.match(r.differences.join('\n'), /Port 8069\/tcp is published on a port Docker picks/),
    },
    {
      name: 'no stop timeout: Docker\'s 10 s',
      changes: { Config: { StopTimeout: undefined } },
      check: (r) => assert.equal(r.stopTimeoutSeconds, 10),
    },
    {
      name: '--mount volumes: an anonymous one named, a named one, a bind and a tmpfs as they are, nothing mounted twice',
      changes: {
        HostConfig: {
          Binds: null,
          Tmpfs: { '/run/odoo': 'size=1m' },
          Mounts: [
            { Type: 'volume', Target: '/mnt/extra-addons' },
            { Type: 'volume', Source: 'odoo-data', Target: '/var/lib/odoo/' },
            { Type: 'bind', Source: '/home/me/addons', Target: '/mnt/more', ReadOnly: true },
          ],
        },
        Mounts: [
          ...official.Mounts!,
          { Type: 'bind', Source: '/home/me/addons', Destination: '/mnt/more', RW: false },
          { Type: 'volume', Name: 'e'.repeat(64), Destination: '/var/lib/odoo/filestore', RW: true },
          { Type: 'volume', Name: 'ro-data', Destination: '/srv/ro', RW: false },
        ],
      },
      check: (r) => assert.deepEqual(r.create.HostConfig.Mounts, [
        { Type: 'volume', Source: anonymous, Target: '/mnt/extra-addons' },
        { Type: 'volume', Source: 'odoo-data', Target: '/var/lib/odoo/' },
        { Type: 'bind', Source: '/home/me/addons', Target: '/mnt/more', ReadOnly: true },
        // The image's VOLUME, an anonymous volume from -v, under a folder that is a volume itself.
        { Type: 'volume', Source: 'e'.repeat(64), Target: '/var/lib/odoo/filestore', ReadOnly: false },
        { Type: 'volume', Source: 'ro-data', Target: '/srv/ro', ReadOnly: true },
      ]),
    },
    {
      name: 'a compose container under the Dev Containers wrapper: the keeper runs what the wrapper ran',
      changes: {
        Config: {
          Entrypoint: ['/bin/sh', '-c', 'echo Container started\n trap "exit 0" 15\n \n exec "$@"\n while sleep 1 & wait $!; do :; done', '-', '/entrypoint.sh'],
          Cmd: ['odoo'],
          Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'odoo' },
        },
      },
      check: (r) => {
        assert.deepEqual(withoutKeeper(r.keeper), { entrypoint: ['/entrypoint.sh'], command: ['odoo'] });
        assert.deepEqual(r.create.Labels, { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'odoo' });
      },
    },
  ];
  for (const { name, changes, image: facts = image, check } of cases) {
    it(name, () => check(keeperReplacement(inspectWith(changes), facts)));
  }

  describe('already or refused', () => {
    const keeper = restartableKeeper(['/entrypoint.sh'], ['odoo']);

    it('recognises a container that runs the keeper already, stopped or not, and asks nothing of it', () => {
      const r = keeperReplacement(inspectWith({ Config: { Entrypoint: keeper.entrypoint, Cmd: keeper.command }, State: { Running: false, Status: 'exited' }, HostConfig: { AutoRemove: true } }), image);
      assert.equal(r.already, true);
      assert.ok(isKeeper(r.create.Entrypoint));
      assert.deepEqual(r.create.Entrypoint, keeper.entrypoint);
    });

    it('recreates a container that runs an older keeper with the current one, around the same entrypoint', () => {
      const older = ['/bin/sh', '-c', OLDER_KEEPER_SCRIPT, KEEPER_NAME, '/entrypoint.sh'];
      const r = keeperReplacement(inspectWith({ Config: { Entrypoint: older, Cmd: ['odoo'] } }), image);
      assert.equal(r.already, false);
      assert.equal(r.outdated, true);
      assert.deepEqual(r.create.Entrypoint, keeper.entrypoint);
      assert.deepEqual(r.create.Cmd, ['odoo']);
    });

    const refusals: { name: string; changes: Changes; context?: { isWindowContainer: boolean }; code: string; message: RegExp }[] = [
      { name: 'the window\'s own container', changes: {}, context: { isWindowContainer: true }, code: 'recreate-refused', message: /This VS Code window runs in container odoo-web, so recreating it would cut the window off\./ },
      { name: 'a stopped container', changes: { State: { Running: false, Status: 'exited' } }, code: 'container-not-running', message: /^Container odoo-web is exited, not running\. Start it/ },
      { name: 'a --rm container', changes: { HostConfig: { AutoRemove: true } }, code: 'recreate-refused', message: /started with --rm: stopping it would remove it/ },
      { name: 'a swarm task', changes: { Config: { Labels: { 'com.docker.swarm.task.id': 'x1' } } }, code: 'recreate-refused', message: /is a task of a swarm service/ },
    ];
    for (const { name, changes, context, code, message } of refusals) {
      it(`refuses ${name}, with what to do instead`, () => {
        assert.throws(() => keeperReplacement(inspectWith(changes), image, context), (error: unknown) => {
          assert.ok(error instanceof OdooDevError);
          assert.equal(error.code, code);
          assert.match(error.message, message);
          assert.ok(error.hint, 'a hint says what to do');
          return true;
        });
      });
    }
  });
});
