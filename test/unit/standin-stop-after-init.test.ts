/**
 * The Odoo stand-in's --stop-after-init and test runs, as a local python3 process (no
 * Docker): the exit status counts databases, not tests; 19.0's --test-enable implies
 * --stop-after-init. Contract: test/fixtures/README.md.
 */
import * as assert from 'node:assert/strict';
import { FAST, LocalStandins, freePort, request } from '../support/standin-local';

describe('Odoo stand-in --stop-after-init (local process)', function () {
  this.timeout(30000);
  const bed = new LocalStandins();
  afterEach(() => bed.killAll());
  after(() => bed.dispose());
  const run = (args: string[], env: Record<string, string> = {}) => bed.run(args, { env: { ...FAST, ...env } });

  it('exits 0 after loading, without binding HTTP', async () => {
    const ok = await run(['-d', 'db1', '-i', 'my_module', '--stop-after-init']);
    assert.equal(ok.exit.code, 0);
    assert.match(ok.stderr, / db1 odoo\.modules\.loading: loading my_module\n/);
    assert.match(ok.stderr, / db1 odoo\.modules\.loading: Modules loaded\.\n/);
    assert.doesNotMatch(ok.stderr, /HTTP service/);
    assert.match(ok.stderr, /odoo\.service\.server: Initiating shutdown\n/);
  });

  it('exits with the number of databases whose tests failed, not the number of tests', async () => {
    const failures = { STANDIN_TEST_FAILURES: '3' };
    const [one, two, none, passing] = await Promise.all([
      run(['-d', 'db1', '--test-enable', '--stop-after-init', '--no-http'], failures),
      run(['-d', 'db1,db2', '--test-enable', '--stop-after-init', '--no-http'], failures),
      run(['--test-enable', '--stop-after-init', '--no-http'], failures),
      run(['-d', 'db1,db2', '--test-enable', '--stop-after-init', '--no-http']),
    ]);
    assert.equal(one.exit.code, 1, one.stderr);
    assert.equal(one.stderr.match(/ ERROR db1 odoo\.addons\.my_module\.tests\.test_standin: FAIL: /g)?.length, 3);
    assert.match(one.stderr, / ERROR db1 odoo\.tests\.result: 3 failed, 0 error\(s\) of 6 tests when loading database 'db1'\n/);
    assert.doesNotMatch(one.stderr, /Modules loaded\./);
    assert.equal(two.exit.code, 2, two.stderr);
    assert.match(two.stderr, / ERROR db2 odoo\.tests\.result: 3 failed/);
    assert.equal(none.exit.code, 0, 'no database, no failed database');
    assert.equal(passing.exit.code, 0);
    assert.match(passing.stderr, / INFO db2 odoo\.tests\.result: 0 failed, 0 error\(s\) of 3 tests when loading database 'db2'\n/);
  });

  it('exits 255 when loading raises, and loads no database after that one', async () => {
    const broken = await run(['-d', 'db1,db2', '--stop-after-init'], { STANDIN_LOAD_ERROR: '1' });
    assert.equal(broken.exit.code, 255);
    assert.match(broken.stderr, / CRITICAL db1 odoo\.service\.server: Failed to initialize database `db1`\.\nTraceback/);
    assert.doesNotMatch(broken.stderr, / db2 /);
  });

  it('exits 255 when updating a module of STANDIN_FAIL_MODULES, and only then', async () => {
    const env = { STANDIN_FAIL_MODULES: 'broken_module' };
    const [broken, fine] = await Promise.all([
      run(['-d', 'db1', '-u', 'broken_module', '--stop-after-init'], env),
      run(['-d', 'db1', '-u', 'my_module', '--stop-after-init'], env),
    ]);
    assert.equal(broken.exit.code, 255);
    assert.match(broken.stderr, / CRITICAL db1 odoo\.service\.server: Failed to initialize database `db1`\.\nTraceback[^]*ParseError/);
    assert.equal(fine.exit.code, 0);
  });

  it('logs the test summary on odoo.tests.runner up to 16.0, odoo.tests.result from 17.0', async () => {
    const args = ['-d', 'db1', '--test-enable', '--stop-after-init', '--no-http'];
    const [v16, v17] = await Promise.all([run(args, { STANDIN_SERIES: '16.0' }), run(args)]);
    assert.match(v16.stderr, / INFO db1 odoo\.tests\.runner: 0 failed, 0 error\(s\) of 3 tests when loading database 'db1'\n/);
    assert.match(v17.stderr, / INFO db1 odoo\.tests\.result: 0 failed, 0 error\(s\) of 3 tests when loading database 'db1'\n/);
  });

  it('17.0 and later refuse -i/-u with several databases; 16.0 does not', async () => {
    const args = ['-d', 'db1,db2', '-u', 'my_module', '--stop-after-init'];
    const [v16, v17, v19] = await Promise.all([run(args, { STANDIN_SERIES: '16.0' }), run(args), run(args, { STANDIN_SERIES: '19.0' })]);
    assert.equal(v16.exit.code, 0, v16.stderr);
    for (const refused of [v17, v19]) {
      assert.equal(refused.exit.code, 2);
      assert.match(refused.stderr, /odoo: error: Cannot use -i\/--init or -u\/--update with multiple databases in the -d\/--database\/db_name\n$/);
    }
  });

  describe('19.0: --test-enable and --test-tags imply --stop-after-init', () => {
    it('runs the tests and exits, serving HTTP meanwhile (test mode)', async () => {
      const port = await freePort();
      const standin = bed.start(['-d', 'db1', '--test-enable', '-p', String(port), '--http-interface', '127.0.0.1'], {
        series: '19.0',
        env: { ...FAST, STANDIN_TEST_FAILURES: '1' },
      });
      const exit = await standin.waitForExit();
      assert.equal(exit.code, 1, standin.stderr);
      assert.match(standin.stderr, /odoo\.service\.server: HTTP service \(werkzeug\) running on /);
      assert.match(standin.stderr, / db1 odoo\.service\.server: Starting post tests\n/);
      assert.match(standin.stderr, /odoo\.service\.server: Initiating shutdown\n/);
    });

    it('--test-tags alone does too; without -d it warns that no test runs', async () => {
      const [tags, noDb] = await Promise.all([
        run(['-d', 'db1', '--test-tags', '/my_module', '--no-http'], { STANDIN_SERIES: '19.0' }),
        run(['--test-enable', '--no-http'], { STANDIN_SERIES: '19.0' }),
      ]);
      assert.equal(tags.exit.code, 0, tags.stderr);
      assert.match(tags.stderr, / db1 odoo\.service\.server: Starting post tests\n/);
      assert.equal(noDb.exit.code, 0, noDb.stderr);
      assert.match(noDb.stderr, / WARNING \? odoo\.tools\.config: Empty -d\/--database\/db_name, tests won't run\n/);
    });

    it('17.0 --test-enable alone runs the tests and keeps serving', async () => {
      const port = await freePort();
      const standin = bed.start(['-d', 'db1', '--test-enable', '-p', String(port), '--http-interface', '127.0.0.1'], { env: FAST });
      await standin.waitForLog(/ db1 odoo\.modules\.registry: Registry loaded in /);
      assert.match(standin.stderr, / db1 odoo\.service\.server: Starting post tests\n/);
      // Odoo stops right after loading when it stops at all: an answer after that means it serves on.
      assert.equal((await request(port, 'GET', '/web/health')).status, 200);
      assert.equal(standin.ended, undefined);
      assert.doesNotMatch(standin.stderr, /Initiating shutdown/);
    });
  });
});
