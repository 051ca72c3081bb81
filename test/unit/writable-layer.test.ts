import * as assert from 'node:assert/strict';
import { describeLostChanges, lostLayerChanges, type LayerChange } from '../../src/core/writable-layer';

const changed = (Path: string): LayerChange => ({ Kind: 0, Path });
const added = (Path: string): LayerChange => ({ Kind: 1, Path });
const deleted = (Path: string): LayerChange => ({ Kind: 2, Path });

describe('lostLayerChanges', () => {
  const cases: { name: string; changes: LayerChange[]; mounts?: string[]; lost: string[] }[] = [
    {
      // `docker diff` after `mkdir -p /opt/tool && echo x > /opt/tool/bin && rm /etc/odoo/odoo.conf`, as Docker 20.10 lists it.
      name: 'a tool added by hand and a config file deleted: the shortest form of each',
      changes: [changed('/etc'), changed('/etc/odoo'), deleted('/etc/odoo/odoo.conf'), changed('/opt'), added('/opt/tool'), added('/opt/tool/bin')],
      lost: ['deleted /etc/odoo/odoo.conf', 'added /opt/tool'],
    },
    {
      name: 'a freshly started official-shape container: nothing',
      changes: [changed('/tmp'), added('/tmp/odoo-dev'), added('/tmp/odoo-dev/odoo.log'), changed('/run'), added('/run/lock')],
      lost: [],
    },
    {
      name: 'what Docker writes and caches: nothing',
      changes: [
        changed('/etc'), changed('/etc/hosts'), changed('/etc/hostname'), changed('/etc/resolv.conf'), added('/.dockerenv'),
        changed('/usr'), changed('/usr/lib'), added('/usr/lib/python3/dist-packages/odoo/__pycache__'),
        added('/usr/lib/python3/dist-packages/odoo/__pycache__/http.cpython-311.pyc'), added('/usr/bin/odoo.pyc'),
        changed('/root'), added('/root/.bash_history'), added('/root/.python_history'), added('/root/.cache'), added('/root/.cache/pip/x'),
        changed('/var'), changed('/var/log'), added('/var/log/odoo/odoo-server.log'), added('/var/cache/apt/pkgcache.bin'),
      ],
      lost: [],
    },
    {
      name: 'a Debian package installed by hand: its files and dpkg\'s records, not apt\'s cache',
      changes: [
        changed('/usr'), changed('/usr/bin'), added('/usr/bin/htop'), changed('/usr/share/doc'), added('/usr/share/doc/htop'),
        added('/usr/share/doc/htop/copyright'), changed('/var/lib/dpkg'), changed('/var/lib/dpkg/status'),
        added('/var/lib/dpkg/info/htop.list'), added('/var/cache/apt/archives/htop_3.2.2-2_amd64.deb'),
      ],
      lost: ['added /usr/bin/htop', 'added /usr/share/doc/htop', 'added /var/lib/dpkg/info/htop.list', 'changed /var/lib/dpkg/status'],
    },
    {
      name: 'what is under a volume or bind mount is not in the layer, nor the folders Docker makes for them',
      changes: [changed('/var'), changed('/var/lib'), added('/var/lib/odoo'), added('/var/lib/odoo/filestore'), added('/mnt/extra-addons/x'), changed('/mnt')],
      mounts: ['/var/lib/odoo/', '/mnt/extra-addons'],
      lost: [],
    },
    {
      name: 'a file beside a mount point still counts',
      changes: [changed('/var/lib'), added('/var/lib/odoo'), added('/var/lib/odoo-backup.tar')],
      mounts: ['/var/lib/odoo'],
      lost: ['added /var/lib/odoo-backup.tar'],
    },
    {
      name: 'an unknown kind reads as changed',
      changes: [{ Kind: 7, Path: '/srv/x' }],
      lost: ['changed /srv/x'],
    },
  ];
  for (const { name, changes, mounts, lost } of cases) {
    it(name, () => {
      assert.deepEqual(lostLayerChanges(changes, mounts).map((c) => `${c.kind} ${c.path}`), lost);
    });
  }
});

describe('describeLostChanges', () => {
  it('lists each change, and counts those past the limit', () => {
    const lost = Array.from({ length: 23 }, (_, i) => ({ kind: 'added' as const, path: `/opt/f${String(i).padStart(2, '0')}` }));
    const lines = describeLostChanges(lost);
    assert.equal(lines.length, 21);
    assert.equal(lines[0], 'added /opt/f00');
    assert.equal(lines[19], 'added /opt/f19');
    assert.equal(lines[20], '... and 3 more (docker diff lists them all)');
    assert.deepEqual(describeLostChanges(lost.slice(0, 2), 2), ['added /opt/f00', 'added /opt/f01']);
  });
});
