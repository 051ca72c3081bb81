import * as assert from 'node:assert/strict';
import { besideRunArgs } from '../../src/core/beside-run-args';

const official = ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db', '--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', '***'];

describe('besideRunArgs', () => {
  const cases: Array<[string, readonly string[] | undefined, string | undefined, Parameters<typeof besideRunArgs>[2], string[]]> = [
    ['the official image: its database goes, the connection options are the engine\'s to add back', official, '17.0',
      { database: 'db', update: ['my_tests'], testTags: '/my_tests' },
      ['-d', 'db', '-u', 'my_tests', '--test-enable', '--test-tags', '/my_tests', '--workers=0', '--stop-after-init']],
    ['the server\'s own options stay; its one-shot ones, log file and pid file go',
      ['python3', './odoo-bin', '--addons-path=/a,/b', '-d', 'dev', '--dev=xml', '-u', 'sale', '--logfile', '/var/log/odoo.log', '--pidfile=/run/odoo.pid', '--limit-time-real', '600'], '16.0',
      { database: 'test' },
      ['--addons-path=/a,/b', '--dev=xml', '--limit-time-real', '600', '-d', 'test', '--workers=0', '--stop-after-init']],
    ['a quiet log level would hide the test records: the run logs at info',
      ['odoo', '--log-level=warn', '-d', 'db', '--log-level', 'error'], '18.0',
      { database: 'db', testTags: '/m' },
      ['--log-level=info', '-d', 'db', '--test-enable', '--test-tags', '/m', '--workers=0', '--stop-after-init']],
    ['a debug level stays',
      ['odoo', '--log-level=debug'], '18.0', { database: 'db' },
      ['--log-level=debug', '-d', 'db', '--workers=0', '--stop-after-init']],
    ['a masked secret is left out rather than passed on as stars',
      ['odoo', '--smtp-password=***', '--smtp-server', 'mail', '-d', 'db'], '17.0', { database: 'db' },
      ['--smtp-server', 'mail', '-d', 'db', '--workers=0', '--stop-after-init']],
    ['a prefork server\'s workers go in every spelling: a test run is one process, which logs Odoo\'s end-of-run count',
      ['odoo', '--workers', '4', '--max-cron-threads=1', '-d', 'db', '--workers=2', '--limit-memory-hard', '2684354560'], '19.0',
      { database: 'db', update: ['my_tests'], testTags: '/my_tests' },
      ['--max-cron-threads=1', '--limit-memory-hard', '2684354560', '-d', 'db', '-u', 'my_tests', '--test-enable', '--test-tags', '/my_tests', '--workers=0', '--stop-after-init']],
    ['a threaded server: --workers=0 all the same, since the config file may set workers', ['odoo', '--workers=0', '-d', 'db'], '14.0',
      { database: 'db', update: ['m'] },
      ['-d', 'db', '-u', 'm', '--workers=0', '--stop-after-init']],
    ['no server: only the run\'s own', undefined, undefined, { database: 'db', update: ['a', 'b'] },
      ['-d', 'db', '-u', 'a,b', '--workers=0', '--stop-after-init']],
  ];
  for (const [name, argv, series, run, expected] of cases) {
    it(name, () => assert.deepEqual(besideRunArgs(argv, series, run), expected));
  }
});
