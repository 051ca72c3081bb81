import * as assert from 'node:assert/strict';
import { parseTestId, testIdOf, testRefFromLog, type OdooTestRef } from '../../src/core/odoo-test-id';

describe('Odoo test ids', () => {
  const refs: Array<[OdooTestRef, string]> = [
    [{ module: 'm' }, 'm'],
    [{ module: 'm', file: 'test_a' }, 'm/test_a'],
    [{ module: 'm', file: 'sub.test_a', className: 'TestA' }, 'm/sub.test_a:TestA'],
    [{ module: 'm', file: 'test_a', className: 'TestA', method: 'test_x' }, 'm/test_a:TestA.test_x'],
  ];
  for (const [ref, id] of refs) {
    it(`${id} both ways`, () => {
      assert.equal(testIdOf(ref), id);
      assert.deepEqual(parseTestId(id), ref);
    });
  }
  it('refuses what no test is named', () => {
    for (const id of ['', 'm/', 'a b', 'm/test_a:Test.x.y', 'm/../x:T']) {
      assert.equal(parseTestId(id), undefined, id);
    }
  });
  it('reads the logger and the description of a test record', () => {
    assert.deepEqual(testRefFromLog('odoo.addons.m.tests.sub.test_a', 'TestA.test_x'), { module: 'm', file: 'sub.test_a', className: 'TestA', method: 'test_x' });
    assert.equal(testRefFromLog('odoo.addons.m.models.x', 'TestA.test_x'), undefined);
    assert.equal(testRefFromLog('odoo.addons.m.tests.test_a', 'not a test'), undefined);
  });
});
