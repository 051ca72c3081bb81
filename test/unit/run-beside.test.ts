import * as assert from 'node:assert/strict';
import { OdooCommandLine } from '../../src/core/odoo-command-line';
import { besideCommand, besideSpec, changesModules, needsOwnHttp } from '../../src/core/run-beside';

const program = ['/usr/bin/python3', '/usr/bin/odoo'];
const line = (args: string[], series = '17.0') => OdooCommandLine.compose(program, args, series);

describe('runs beside the live server', () => {
  /** [args, series, added] */
  const cases: Array<[string[], string, string[]]> = [
    // No workers on the command line: the config file may still set them.
    [['-d', 'db', '-u', 'm'], '17.0', ['--stop-after-init', '--workers=0', '--no-http']],
    [['-d', 'db', '-u', 'm', '--stop-after-init'], '17.0', ['--workers=0', '--no-http']],
    [['-d', 'db', '-u', 'm', '--workers', '4'], '17.0', ['--stop-after-init', '--workers=0', '--no-http']],
    // The last one wins: a --workers=0 before a --workers 2 is no single process.
    [['-d', 'db', '--workers=0', '-u', 'm', '--workers', '2'], '16.0', ['--stop-after-init', '--workers=0', '--no-http']],
    // Already a single process: nothing to add for it.
    [['-d', 'db', '--workers', '2', '-u', 'm', '--workers=0', '--stop-after-init'], '18.0', ['--no-http']],
    [['-d', 'db', '--test-enable'], '19.0', ['--workers=0', '--http-port=40123', '--http-interface=127.0.0.1']],
  ];
  for (const [args, series, added] of cases) {
    it(`keeps ${args.join(' ')} (${series}) off the server's port: adds ${added.join(' ')}`, () => {
      const command = line(args, series);
      const port = needsOwnHttp(command) ? 40123 : undefined;
      const beside = besideCommand(command, port);
      assert.deepEqual(beside.args, [...args, ...added]);
      assert.equal(beside.endsByItself, true);
      assert.equal(beside.value('workers'), '0');
    });
  }

  it('tells the runs that change modules', () => {
    assert.equal(changesModules(line(['-d', 'db', '-i', 'm'])), true);
    assert.equal(changesModules(line(['-d', 'db', '--update=m'])), true);
    assert.equal(changesModules(line(['-d', 'db', '--reinit', 'm'], '19.0')), true);
    assert.equal(changesModules(line(['-d', 'db', '--test-enable', '--stop-after-init'])), false);
  });

  it('runs with the user, directory and environment of the server', () => {
    const server = { argv: [...program, '-d', 'db'], env: ['HOME=/var/lib/odoo'], cwd: '/var/lib/odoo', uid: 101, gid: 101 };
    const command = besideCommand(line(['-d', 'db', '-u', 'm']));
    assert.deepEqual(besideSpec(command, server), { ...server, argv: [...program, '-d', 'db', '-u', 'm', '--stop-after-init', '--workers=0', '--no-http'] });
  });
});
