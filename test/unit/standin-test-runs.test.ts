/**
 * The Odoo stand-in's real test runs, as a local python3 process (no Docker): it really runs
 * the fixture addon my_tests, selected by --test-tags, and logs each test as Odoo's test result
 * of the series does, which the product's log reader reads back. Contract: test/fixtures/README.md.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readTestLog } from '../../src/core/odoo-test-log';
import { FAST, freePort, LocalStandins, SERIES, STANDIN_ADDONS } from '../support/standin-local';

const testFile = path.join(STANDIN_ADDONS, 'my_tests/tests/test_my_tests.py');

describe('Odoo stand-in test runs (local process)', function () {
  this.timeout(30000);
  const bed = new LocalStandins();
  afterEach(() => bed.killAll());
  after(() => bed.dispose());
  const run = (args: string[], series?: (typeof SERIES)[number]) => bed.run(['-d', 'db', '--test-enable', '--stop-after-init', '--no-http', ...args], { env: FAST, ...(series ? { series } : {}) });

  for (const series of SERIES) {
    it(`${series}: runs the selected tests, logs them as Odoo does, exits with the databases whose tests failed`, async () => {
      const { exit, stderr } = await run(['-u', 'my_tests', '--test-tags', '/my_tests'], series);
      assert.equal(exit.code, 1, stderr);
      const summary = readTestLog(stderr.split('\n'));
      const outcome = Object.fromEntries(summary.results.map((r) => [`${r.test.className}.${r.test.method}`, r.outcome]));
      // TestSlow drops the standard tag: /my_tests does not select it.
      assert.deepEqual(outcome, {
        'TestAtInstall.test_at_install': 'passed',
        'TestMyTests.test_error': 'errored',
        'TestMyTests.test_fail': 'failed',
        'TestMyTests.test_pass': 'passed',
        'TestMyTests.test_skip': 'skipped',
        'TestMyTests.test_skip_decorated': 'skipped',
      });
      const byMethod = (method: string) => summary.results.find((r) => r.test.method === method)!;
      assert.equal(byMethod('test_fail').message, 'AssertionError: 4 != 5 : arithmetic is broken');
      assert.deepEqual(byMethod('test_fail').location, { path: testFile, line: 16, function: 'test_fail' });
      assert.equal(byMethod('test_error').message, 'RuntimeError: my_tests: boom');
      assert.equal(byMethod('test_error').location?.line, 19);
      // 16.0 added the reason to the skip record.
      assert.equal(byMethod('test_skip').message, Number(series) >= 16 ? 'not today' : undefined);
      assert.deepEqual(summary.counts, [{ database: 'db', failed: 1, errors: 1, total: 6 }]);
      const resultLogger = Number(series) >= 17 ? 'odoo.tests.result' : 'odoo.tests.runner';
      assert.match(stderr, new RegExp(` ERROR db ${resultLogger.replace(/\./g, '\\.')}: 1 failed, 1 error\\(s\\) of 6 tests when loading database 'db'\\n`));
      // The at-install test ran while the module loaded, before the post-install ones.
      assert.ok(stderr.indexOf('Starting TestAtInstall.test_at_install') < stderr.indexOf('Starting post tests'));
      assert.match(stderr, /ERROR db odoo\.modules\.loading: At least one test failed|INFO db odoo\.modules\.loading: Modules loaded\./);
    });
  }

  for (const series of ['14.0', '19.0'] as const) {
    it(`${series}: with --workers > 0 the same per-test records, but no end-of-run count (the prefork master does not log it)`, async () => {
      const { exit, stderr } = await run(['--workers', '2', '-p', String(await freePort()), '-u', 'my_tests', '--test-tags', '/my_tests'], series);
      assert.equal(exit.code, 1, stderr);
      assert.match(stderr, / WARNING \? odoo\.service\.server: Unit testing in workers mode could fail; use --workers 0\.\n/);
      const summary = readTestLog(stderr.split('\n'));
      assert.deepEqual(summary.results.map((r) => `${r.test.method} ${r.outcome}`).sort(), [
        'test_at_install passed', 'test_error errored', 'test_fail failed', 'test_pass passed', 'test_skip skipped', 'test_skip_decorated skipped',
      ]);
      assert.deepEqual(summary.counts, []);
      assert.doesNotMatch(stderr, /when loading database/);
    });
  }

  it('without -u, the at-install tests do not run; a method and a class are selected by name', async () => {
    const [postOnly, method, slow] = await Promise.all([
      run(['--test-tags', '/my_tests']),
      run(['--test-tags', '/my_tests:TestMyTests.test_pass']),
      run(['--test-tags', '/my_tests:TestSlow']),
    ]);
    assert.equal(readTestLog(postOnly.stderr.split('\n')).results.length, 5);
    assert.deepEqual(readTestLog(method.stderr.split('\n')).results.map((r) => [r.test.method, r.outcome]), [['test_pass', 'passed']]);
    assert.equal(method.exit.code, 0);
    // Without `*`, a class that drops the standard tag is not selected, as in Odoo.
    assert.equal(readTestLog(slow.stderr.split('\n')).results.length, 0);
    assert.match(slow.stderr, / WARNING db odoo\.tests\.result: 0 failed, 0 error\(s\) of 0 tests when loading database 'db'\n/);
  });

  it('a TERM while a test runs interrupts it and ends the run, as Odoo\'s signal handler does', async () => {
    const standin = bed.start(['-d', 'db', '--test-enable', '--stop-after-init', '--no-http', '--test-tags', '*/my_tests:TestSlow'], { env: FAST });
    await standin.waitForLog('Starting TestSlow.test_waits ...');
    standin.signal('SIGTERM');
    const exit = await standin.waitForExit(5000);
    assert.ok(exit.code !== 0, JSON.stringify(exit));
    assert.match(standin.stderr, /KeyboardInterrupt\n$/);
    assert.doesNotMatch(standin.stderr, /when loading database/);
  });

  it('--test-enable alone is still the pseudo run of my_module: 3 tests per database', async () => {
    const { exit, stderr } = await run([]);
    assert.equal(exit.code, 0);
    assert.match(stderr, / INFO db odoo\.tests\.result: 0 failed, 0 error\(s\) of 3 tests when loading database 'db'\n/);
    assert.doesNotMatch(stderr, /my_tests/);
  });
});
