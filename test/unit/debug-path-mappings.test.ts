import { strict as assert } from 'node:assert';
import { pathMappingsFor, type BindMount } from '../../src/core/debug-path-mappings';

describe('pathMappingsFor', () => {
  const cases: Array<{ name: string; mounts: BindMount[]; folders: string[]; expected: Array<[string, string]> }> = [
    {
      name: 'a workspace mounted as a whole',
      mounts: [{ source: '/home/me/addons', destination: '/mnt/extra-addons' }],
      folders: ['/home/me/addons'],
      expected: [['/home/me/addons', '/mnt/extra-addons']],
    },
    {
      name: 'a workspace folder inside a mounted folder',
      mounts: [{ source: '/home/me/project', destination: '/workspace' }],
      folders: ['/home/me/project/addons'],
      expected: [['/home/me/project/addons', '/workspace/addons']],
    },
    {
      name: 'mounts below the workspace, longest first',
      mounts: [
        { source: '/home/me/project/addons', destination: '/mnt/extra-addons' },
        { source: '/home/me/project/odoo/odoo', destination: '/usr/lib/python3/dist-packages/odoo' },
      ],
      folders: ['/home/me/project'],
      expected: [
        ['/home/me/project/odoo/odoo', '/usr/lib/python3/dist-packages/odoo'],
        ['/home/me/project/addons', '/mnt/extra-addons'],
      ],
    },
    {
      name: 'a trailing slash on either side',
      mounts: [{ source: '/home/me/addons/', destination: '/mnt/extra-addons/' }],
      folders: ['/home/me/addons/'],
      expected: [['/home/me/addons', '/mnt/extra-addons']],
    },
    {
      name: 'a folder whose name only starts like the mount',
      mounts: [{ source: '/home/me/addons', destination: '/mnt/extra-addons' }],
      folders: ['/home/me/addons-old'],
      expected: [],
    },
    {
      name: 'volumes (no host path) and unrelated mounts',
      mounts: [{ source: 'odoo-data', destination: '/var/lib/odoo' }, { source: '/etc/odoo', destination: '/etc/odoo' }],
      folders: ['/home/me/addons'],
      expected: [],
    },
    {
      name: 'no workspace',
      mounts: [{ source: '/home/me/addons', destination: '/mnt/extra-addons' }],
      folders: [],
      expected: [],
    },
    {
      name: 'two workspace folders in one mount, one mapping each',
      mounts: [{ source: '/src', destination: '/opt/src' }],
      folders: ['/src/a', '/src/b'],
      expected: [['/src/a', '/opt/src/a'], ['/src/b', '/opt/src/b']],
    },
  ];
  for (const { name, mounts, folders, expected } of cases) {
    it(name, () => {
      assert.deepEqual(pathMappingsFor(mounts, folders).map((m) => [m.localRoot, m.remoteRoot]), expected);
    });
  }
});
