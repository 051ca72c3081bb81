import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { keeperReplacement, type InspectedContainer } from '../../src/core/keeper-replacement';
import { argvJson, replacementSummary, shortEntrypoint } from '../../src/core/replacement-summary';
import { restartableKeeper } from '../../src/core/restartable-keeper';

/** The same `docker inspect` as keeper-replacement.test.ts reads. */
const official = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/inspect/official-on-network.json'), 'utf8')) as InspectedContainer;
const anonymous = official.Mounts!.find((m) => m.Destination === '/mnt/extra-addons')!.Name!;
const image = { entrypoint: ['/entrypoint.sh'], idOfName: official.Image };

describe('shortEntrypoint and argvJson', () => {
  const cases: { argv: string[]; short: string }[] = [
    { argv: restartableKeeper(['/entrypoint.sh'], ['odoo']).entrypoint, short: "/bin/sh -c '<odoo-dev keeper>' odoo-keeper /entrypoint.sh" },
    { argv: restartableKeeper([], ['odoo']).entrypoint, short: "/bin/sh -c '<odoo-dev keeper>' odoo-keeper" },
    { argv: ['/entrypoint.sh'], short: '/entrypoint.sh' },
    { argv: ['/bin/sh', '-c', 'echo "hi there"; exec "$@"', '-'], short: `/bin/sh -c 'echo "hi there"; exec "$@"' -` },
    { argv: ['tini', '--', "it's"], short: "tini -- 'it'\\''s'" },
    { argv: [], short: '' },
  ];
  for (const { argv, short } of cases) {
    it(`shows ${JSON.stringify(argv).slice(0, 60)} as ${short || '(nothing)'}`, () => assert.equal(shortEntrypoint(argv), short));
  }

  it('prints an argv as JSON with its secrets masked', () => {
    assert.equal(argvJson(['odoo', '--db_password', 'hunter2', '-d', 'db']), '["odoo","--db_password","***","-d","db"]');
    assert.equal(argvJson(['odoo', '--db_password=hunter2']), '["odoo","--db_password=***"]');
  });
});

describe('replacementSummary', () => {
  it('lists what an official-shape container keeps and loses, from its inspect', () => {
    const replacement = keeperReplacement(official, image);
    const lost = [{ kind: 'added' as const, path: '/opt/tool' }, { kind: 'deleted' as const, path: '/etc/odoo/odoo.conf' }];
    const summary = replacementSummary(official, replacement, lost);
    assert.deepEqual(summary.kept, [
      'image odoo:18',
      'command odoo -d db',
      'user odoo, working directory the image\'s',
      '5 environment variables (HOST, STANDIN_SERIES, PATH, LANG, ODOO_RC)',
      '2 labels',
      `anonymous volume ${anonymous.slice(0, 12)} at /mnt/extra-addons: the same volume, its data stays`,
      'volume odoo-data at /var/lib/odoo: the same volume, its data stays',
      'network odoo-net (aliases odoo-web)',
      'published port 127.0.0.1:18069 -> 8069/tcp',
      'restart policy unless-stopped, stop timeout 20 s',
      'every other setting inspect shows: hostname, resources, capabilities, devices, security options, log driver, health check, DNS, extra hosts, sysctls, TTY',
    ]);
    assert.deepEqual(summary.lost, [
      `the container itself, ${official.Id.slice(0, 12)}, and its docker logs history (the replacement has a new ID)`,
      `Its hostname was Docker's default, its short ID ${official.Id.slice(0, 12)}; the replacement's is its own short ID.`,
      'these 2 changes in its writable layer (not in a volume):',
      '  added /opt/tool',
      '  deleted /etc/odoo/odoo.conf',
    ]);
  });

  it('says when nothing in the layer is lost, and names compose labels, binds, tmpfs, modes, images by ID and secrets masked', () => {
    const inspect = structuredClone(official) as unknown as { Config: Record<string, unknown>; HostConfig: Record<string, unknown>; Mounts: unknown[]; NetworkSettings: unknown };
    Object.assign(inspect.Config, {
      Cmd: ['odoo', '--db_password', 'hunter2'],
      Hostname: 'erp',
      WorkingDir: '/srv',
      StopSignal: 'SIGINT',
      Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'odoo' },
      Env: ['PGPASSWORD=secret'],
    });
    Object.assign(inspect.HostConfig, { NetworkMode: 'host', RestartPolicy: { Name: '' }, PortBindings: {}, Tmpfs: { '/run/odoo': '' } });
    inspect.Mounts = [{ Type: 'bind', Source: '/home/me/addons', Destination: '/mnt/extra-addons', RW: false }];
    const typed = inspect as unknown as InspectedContainer;
    const replacement = keeperReplacement(typed, { entrypoint: ['/entrypoint.sh'] });
    const summary = replacementSummary(typed, replacement, []);
    assert.deepEqual(summary.kept.slice(0, 9), [
      `image odoo:18 (as ${official.Image})`,
      'command odoo --db_password \'***\'',
      'user odoo, working directory /srv',
      '1 environment variables (PGPASSWORD)',
      '2 labels (compose\'s included)',
      'bind /home/me/addons at /mnt/extra-addons (read-only)',
      'tmpfs at /run/odoo (empty again, as after any restart)',
      'network mode host',
      'restart policy no, stop timeout 20 s, stop signal SIGINT',
    ]);
    assert.equal(summary.lost.at(-1), 'nothing in its writable layer (docker diff shows only noise such as /tmp, logs and .pyc files)');
    assert.ok(!JSON.stringify(summary).includes('hunter2'), 'no secret in the summary');
  });
});
