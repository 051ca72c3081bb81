import * as assert from 'node:assert/strict';
import { parseCliOptions, UsageError } from '../../src/cli/cli-options';

describe('parseCliOptions: test and update', () => {
  it('test takes what to test as words, --db and --no-update', () => {
    const options = parseCliOptions(['test', 'my_tests', 'sale:TestSale.test_x', '--db', 'dev', '--json', '--no-update']);
    assert.equal(options.command, 'test');
    assert.deepEqual(options.testTargets, ['my_tests', 'sale:TestSale.test_x']);
    assert.equal(options.database, 'dev');
    assert.equal(options.noUpdate, true);
    assert.equal(options.json, true);
    assert.equal(parseCliOptions(['test']).testTargets, undefined);
  });
  it('update --changed, with --test and --db', () => {
    const options = parseCliOptions(['update', '--changed', '--test', '--db=dev']);
    assert.deepEqual([options.command, options.changed, options.runTests, options.database], ['update', true, true, 'dev']);
  });
  const refused: Array<[string[], RegExp]> = [
    [['update'], /update needs --changed/],
    [['status', '--db', 'x'], /--db goes with test and update/],
    [['restart', '--changed'], /--changed and --test go with update/],
    [['update', '--changed', '--no-update'], /--no-update goes with test/],
    [['test', '--', '-d', 'x'], /Only restart, run and start take Odoo args/],
    [['status', 'my_tests'], /Unexpected "my_tests" after the command status/],
  ];
  for (const [argv, message] of refused) {
    it(`refuses ${argv.join(' ')}`, () => {
      assert.throws(() => parseCliOptions(argv), (error: Error) => error instanceof UsageError && message.test(error.message));
    });
  }
});
