/**
 * The Odoo stand-in's command line, run as a local python3 process (no Docker): optparse
 * errors as Odoo prints them, per-series options, the config file, 19.0's environment and
 * --without-demo. Contract: test/fixtures/README.md.
 */
import * as assert from 'node:assert/strict';
import { FAST, LocalStandins, freePort, request } from '../support/standin-local';

const USAGE = 'Usage: odoo [options]\n\n';

describe('Odoo stand-in command line (local process)', function () {
  this.timeout(20000);
  const bed = new LocalStandins();
  afterEach(() => bed.killAll());
  after(() => bed.dispose());
  const run = (args: string[], env: Record<string, string> = {}, config: string[] = []) =>
    bed.run(args, { env: { ...FAST, ...env }, config });

  it('reports optparse errors like Odoo, exit 2 (unknown command: exit 1)', async () => {
    const [bogus, missing, ambiguous, unknownCommand, leftover, badInt, oldSeries] = await Promise.all([
      run(['--bogus']),
      run(['-d']),
      run(['--d', 'x']),
      run(['extra']),
      run(['--no-http', 'extra']),
      run(['-p', 'abc']),
      run(['--gevent-port', '8072'], { STANDIN_SERIES: '14.0' }),
    ]);
    assert.deepEqual([bogus.exit.code, bogus.stderr], [2, `${USAGE}odoo: error: no such option: --bogus\n`]);
    assert.deepEqual([missing.exit.code, missing.stdout, missing.stderr], [2, '', `${USAGE}odoo: error: -d option requires 1 argument\n`]);
    assert.equal(ambiguous.exit.code, 2);
    assert.match(ambiguous.stderr, /odoo: error: ambiguous option: --d \(--data-dir, --database, /);
    assert.deepEqual([unknownCommand.exit.code, unknownCommand.stderr], [1, "Unknown command 'extra'\n"]);
    assert.equal(leftover.exit.code, 2);
    assert.match(leftover.stderr, /odoo: error: unrecognized parameters: 'extra'\n$/);
    assert.equal(badInt.exit.code, 2);
    assert.match(badInt.stderr, /odoo: error: option -p: invalid integer value: 'abc'\n$/);
    assert.equal(oldSeries.exit.code, 2);
    assert.match(oldSeries.stderr, /no such option: --gevent-port/);
  });

  it('19.0: leftovers without quotes; a bad number is a ValueError, not a usage error', async () => {
    const [leftover, badInt] = await Promise.all([
      run(['--no-http', 'extra', 'words'], { STANDIN_SERIES: '19.0' }),
      run(['-p', 'abc'], { STANDIN_SERIES: '19.0' }),
    ]);
    assert.equal(leftover.exit.code, 2);
    assert.match(leftover.stderr, /odoo: error: unrecognized parameters: extra words\n$/);
    // Odoo 19 checks int options with a bare int(): optparse lets the ValueError through.
    assert.equal(badInt.exit.code, 1);
    assert.match(badInt.stderr, /^Traceback \(most recent call last\):\n[\s\S]*\nValueError: invalid literal for int\(\) with base 10: 'abc'\n$/);
  });

  it('accepts unique prefixes and attached values', async () => {
    const [prefix, attached] = await Promise.all([
      run(['--stop-after-init', '--datab=db1']),
      run(['--stop-after-init', '-ddb2', '--db_host', 'pg']),
    ]);
    assert.equal(prefix.exit.code, 0);
    assert.match(prefix.stderr, / INFO db1 odoo\.modules\.loading: Modules loaded\.\n/);
    assert.match(prefix.stderr, / INFO db1 odoo\.modules\.registry: Registry loaded in \d+\.\d{3}s\n/);
    assert.equal(attached.exit.code, 0);
    assert.match(attached.stderr, /odoo: database: default@pg:default\n/);
    assert.match(attached.stderr, / db2 odoo\.modules\.loading: Modules loaded\./);
  });

  it('-c with a file that does not exist is a usage error, as in Odoo', async () => {
    const [v17, v19, viaEnv] = await Promise.all([
      run(['-c', '/nonexistent', '--stop-after-init']),
      run(['-c', '/nonexistent', '--stop-after-init'], { STANDIN_SERIES: '19.0' }),
      // Only -c is checked; a missing $ODOO_RC is simply no config file.
      run(['--stop-after-init'], { ODOO_RC: '/nonexistent' }),
    ]);
    assert.deepEqual([v17.exit.code, v17.stderr], [
      2,
      `${USAGE}odoo: error: The config file '/nonexistent' selected with -c/--config doesn't exist or is not readable, use -s/--save if you want to generate it\n`,
    ]);
    assert.deepEqual([v19.exit.code, v19.stderr], [
      2,
      `${USAGE}odoo: error: the config file '/nonexistent' selected with -c/--config doesn't exist or is not readable, use -s/--save if you want to generate it\n`,
    ]);
    assert.equal(viaEnv.exit.code, 0);
    assert.doesNotMatch(viaEnv.stderr, /Using configuration file/);
  });

  describe('19.0 --without-demo and --with-demo', () => {
    const v19 = { STANDIN_SERIES: '19.0' };

    it('takes no value when an option follows or when it is last', async () => {
      const [before, last] = await Promise.all([
        run(['--without-demo', '-d', 'db1', '--stop-after-init'], v19),
        run(['-d', 'db1', '--stop-after-init', '--without-demo'], v19),
      ]);
      for (const result of [before, last]) {
        assert.equal(result.exit.code, 0, result.stderr);
        assert.match(result.stderr, / INFO db1 odoo\.modules\.loading: Modules loaded\.\n/);
        assert.doesNotMatch(result.stderr, /without-demo/);
      }
    });

    it('takes the next word otherwise, warning when it is not a boolean', async () => {
      const [word, bool] = await Promise.all([
        run(['--without-demo', 'all', '-d', 'db1', '--stop-after-init'], v19),
        run(['--without-demo', 'false', '-d', 'db1', '--stop-after-init'], v19),
      ]);
      assert.equal(word.exit.code, 0, word.stderr);
      assert.match(word.stderr, / WARNING \? odoo\.tools\.config: option --without-demo: since 19\.0, invalid boolean value: 'all', assume True\n/);
      assert.match(word.stderr, / db1 odoo\.modules\.loading: Modules loaded\./);
      assert.equal(bool.exit.code, 0, bool.stderr);
      assert.doesNotMatch(bool.stderr, /invalid boolean/);
    });

    it('18.0 --without-demo always takes the next word, even an option', async () => {
      const result = await run(['--without-demo', '-d', 'db1', '--stop-after-init'], { STANDIN_SERIES: '18.0' });
      assert.equal(result.exit.code, 2);
      assert.match(result.stderr, /odoo: error: unrecognized parameters: 'db1'\n$/);
    });

    it('--with-demo exists in 19.0 only', async () => {
      const [v19run, v18run] = await Promise.all([
        run(['--with-demo', '--stop-after-init'], v19),
        run(['--with-demo', '--stop-after-init'], { STANDIN_SERIES: '18.0' }),
      ]);
      assert.equal(v19run.exit.code, 0, v19run.stderr);
      assert.deepEqual([v18run.exit.code, v18run.stderr], [2, `${USAGE}odoo: error: no such option: --with-demo\n`]);
    });
  });

  it('19.0 layers config file < environment (ODOO_*, PG*) < command line; 18.0 has no environment layer', async () => {
    const file = ['db_host = filehost', 'db_user = fileuser'];
    const env = { PGHOST: 'envhost', ODOO_DB_MAXCONN: 'x' };
    const [v19env, v19cli, v18] = await Promise.all([
      run(['--stop-after-init'], { STANDIN_SERIES: '19.0', PGHOST: 'envhost' }, file),
      run(['--stop-after-init', '--db_host', 'clihost'], { STANDIN_SERIES: '19.0', PGHOST: 'envhost' }, file),
      run(['--stop-after-init'], { STANDIN_SERIES: '18.0', ...env }, file),
    ]);
    assert.match(v19env.stderr, /odoo: database: fileuser@envhost:default\n/);
    assert.match(v19cli.stderr, /odoo: database: fileuser@clihost:default\n/);
    // 18.0 reads no ODOO_* variables (ODOO_DB_MAXCONN=x would not parse) and PG* only
    // where the configuration leaves the value empty.
    assert.equal(v18.exit.code, 0, v18.stderr);
    assert.match(v18.stderr, /odoo: database: fileuser@filehost:default\n/);

    const port = await freePort();
    const server = bed.start(['--http-interface', '127.0.0.1'], { series: '19.0', env: { ...FAST, ODOO_HTTP_PORT: String(port) } });
    await server.waitForLog(`odoo.service.server: HTTP service (werkzeug) running on `);
    assert.match(server.stderr, new RegExp(`HTTP service \\(werkzeug\\) running on \\S+:${port}\\n`));
    assert.equal((await request(port, 'GET', '/web/health')).status, 200);
  });

  it('--addons-path: up to 18.0 a missing directory is an error, 19.0 warns and skips it', async () => {
    const [v17, v19] = await Promise.all([
      run(['--addons-path', '/nonexistent/addons', '--stop-after-init']),
      run(['--addons-path', '/nonexistent/addons', '--stop-after-init'], { STANDIN_SERIES: '19.0' }),
    ]);
    assert.deepEqual([v17.exit.code, v17.stderr], [2, `${USAGE}odoo: error: option --addons-path: no such directory: '/nonexistent/addons'\n`]);
    assert.equal(v19.exit.code, 0, v19.stderr);
    assert.match(v19.stderr, / WARNING \? odoo\.tools\.config: option --addons-path, no such directory '\/nonexistent\/addons', skipped\n/);
    assert.match(v19.stderr, /odoo: addons paths: \[[^\]]*\]\n/);
    assert.doesNotMatch(v19.stderr, /addons paths: .*nonexistent/);
  });

  it('--help and --version print what optparse prints for the series', async () => {
    const [help17, help19, version] = await Promise.all([run(['--help']), run(['--help'], { STANDIN_SERIES: '19.0' }), run(['--version'])]);
    assert.equal(help17.exit.code, 0);
    assert.match(help17.stdout, /^Usage: odoo \[options\]\n\nOptions:\n  --version +show program's version number and exit\n/);
    assert.match(help17.stdout, /\n  HTTP Service Configuration:\n/);
    assert.match(help17.stdout, /--gevent-port=PORT/);
    assert.match(help17.stdout, /-d DB_NAME, --database=DB_NAME/);
    assert.doesNotMatch(help17.stdout, /--xmlrpc-port/, 'hidden options stay hidden');
    assert.match(help19.stdout, /--without-demo=BOOL/);
    assert.match(help19.stdout, /-d DATABASE,\.\.\., --database=DATABASE,\.\.\./);
    assert.deepEqual([version.exit.code, version.stdout], [0, 'Odoo Server 17.0\n']);
  });

  it('series 14.0 has no /web/health but answers version_info', async () => {
    const port = await freePort();
    const server = bed.start(['-p', String(port), '--http-interface', '127.0.0.1'], { series: '14.0', env: FAST });
    await server.waitForLog('HTTP service (werkzeug) running on');
    assert.equal((await request(port, 'GET', '/web/health')).status, 404);
    const info = await request(port, 'POST', '/web/webclient/version_info', { jsonrpc: '2.0', method: 'call', params: {} });
    assert.equal(info.status, 200);
    assert.equal(JSON.parse(info.body).result.server_version, '14.0');
  });
});
