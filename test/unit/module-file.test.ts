import * as assert from 'node:assert/strict';
import { moduleFileOf } from '../../src/core/module-file';

describe('moduleFileOf', () => {
  const modules = new Set(['my_tests', 'sale_ext']);
  const cases: Array<[string, string, ReturnType<typeof moduleFileOf>]> = [
    ['an addons folder mounted anywhere', '/mnt/extra-addons/my_tests/tests/test_my_tests.py', { module: 'my_tests', path: 'tests/test_my_tests.py' }],
    ['a source checkout', '/workspaces/project/addons/sale_ext/models/sale.py', { module: 'sale_ext', path: 'models/sale.py' }],
    ['the last folder named after a module wins', '/srv/my_tests/addons/sale_ext/tests/test_x.py', { module: 'sale_ext', path: 'tests/test_x.py' }],
    ['Odoo\'s own file', '/usr/lib/python3/dist-packages/odoo/tests/common.py', undefined],
    ['a file named like a module is no module folder', '/mnt/x/my_tests', undefined],
    ['a path that climbs out', '/mnt/my_tests/../etc/passwd', undefined],
  ];
  for (const [name, containerPath, expected] of cases) {
    it(name, () => assert.deepEqual(moduleFileOf(containerPath, modules), expected));
  }
});
