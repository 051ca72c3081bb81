import * as assert from 'node:assert/strict';
import type { OdooDevError } from '../../src/core/errors';
import { modulesOf, parseTestTarget, testTagsFor, type TestTarget } from '../../src/core/test-selection';

describe('testTagsFor', () => {
  const cases: Array<[string, TestTarget[], string]> = [
    ['a module: its standard tests, as Odoo selects them', [{ module: 'sale_ext' }], '/sale_ext'],
    ['a class and a method of another class run whatever their tags', [{ module: 'm', className: 'TestA' }, { module: 'm', className: 'TestB', method: 'test_x' }], '*/m:TestA,*/m:TestB.test_x'],
    ['a method its class covers, either way round', [{ module: 'm', className: 'TestA', method: 'test_x' }, { module: 'm', className: 'TestA' }, { module: 'm', className: 'TestA', method: 'test_y' }], '*/m:TestA'],
    ['a module covers the classes known to be standard', [{ module: 'm', className: 'TestA', standard: true }, { module: 'm' }], '/m'],
    ['but not one that drops the tag, nor one whose tags are not known', [{ module: 'm' }, { module: 'm', className: 'TestSlow', method: 'test_waits', standard: false }, { module: 'm', className: 'TestX' }], '/m,*/m:TestSlow.test_waits,*/m:TestX'],
    ['the same target twice', [{ module: 'm' }, { module: 'm' }, { module: 'n' }], '/m,/n'],
  ];
  for (const [name, targets, tags] of cases) {
    it(name, () => assert.equal(testTagsFor(targets), tags));
  }
  it('modulesOf: each once, in order', () => {
    assert.deepEqual(modulesOf([{ module: 'b' }, { module: 'a', className: 'T' }, { module: 'b', className: 'U' }]), ['b', 'a']);
  });
});

describe('parseTestTarget', () => {
  const good: Array<[string, TestTarget]> = [
    ['sale_ext', { module: 'sale_ext' }],
    ['sale_ext:TestSale', { module: 'sale_ext', className: 'TestSale' }],
    ['sale_ext:TestSale.test_confirm', { module: 'sale_ext', className: 'TestSale', method: 'test_confirm' }],
  ];
  for (const [text, target] of good) {
    it(`reads ${text}`, () => assert.deepEqual(parseTestTarget(text), target));
  }
  const bad: Array<[string, RegExp]> = [
    ['', /the module name is missing/],
    ['sale-ext', /"sale-ext" is not a module name/],
    ['sale:', /the class name after ":" is missing/],
    ['sale:Test.', /the method name after "\." is missing/],
    ['sale:Test.a.b', /"a\.b" is not a method name/],
    ['/sale', /"\/sale" is not a module name/],
    ['sale;rm', /not a module name/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text)} and says how to name a test`, () => {
      assert.throws(() => parseTestTarget(text), (error: OdooDevError) => {
        assert.equal(error.code, 'invalid-args');
        assert.match(error.message, message);
        assert.match(error.message, /MODULE:Class\.method/);
        return true;
      });
    });
  }
});
