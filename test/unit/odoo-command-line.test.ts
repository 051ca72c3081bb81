import * as assert from 'node:assert/strict';
import { OdooCommandLine } from '../../src/core/odoo-command-line';

const program = ['/usr/bin/python3', '/usr/bin/odoo'];
const dbArgs = ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo'];

function line(args: readonly string[], series?: string): OdooCommandLine {
  return OdooCommandLine.compose(program, args, series);
}

describe('OdooCommandLine', () => {
  describe('endsByItself', () => {
    /** [args, series, ends by itself] */
    const cases: Array<[string[], string | undefined, boolean]> = [
      [['-d', 'db'], '17.0', false],
      [['-d', 'db', '--stop-after-init'], '14.0', true],
      [['-d', 'db', '--stop-after'], '17.0', true],
      [['-d', 'db', '-u', 'm', '--stop-after-init'], undefined, true],
      [['-d', 'db', '--i18n-export', '/tmp/x.po', '-l', 'fr_FR', '--modules', 'm'], '16.0', true],
      [['-d', 'db', '--i18n-import', '/tmp/x.po', '-l', 'fr_FR'], '17.0', true],
      [['-d', 'db', '--test-enable'], '18.0', false],
      [['-d', 'db', '--test-enable', '--test-tags', '/m'], '19.0', true],
      // While the series is not known, --test-enable alone is read as every series before 19 does.
      [['-d', 'db', '--test-enable'], undefined, false],
      [['-d', 'db', '--test-tags', '/m'], '19.0', false],
    ];
    for (const [args, series, expected] of cases) {
      it(`${expected ? 'ends' : 'keeps serving'}: ${args.join(' ')} (${series ?? 'series unknown'})`, () => {
        assert.equal(line(args, series).endsByItself, expected);
        assert.equal(line(args, series).isLiveServer, !expected);
      });
    }

    it('a shell is no live server, whatever its args', () => {
      const shell = OdooCommandLine.read([...program, 'shell', '-d', 'db'], '17.0');
      assert.ok(shell);
      assert.equal(shell.isServer, false);
      assert.equal(shell.isLiveServer, false);
    });

    it('`odoo --help` and `odoo --version` print and exit: no server, so never a second one beside PID 1', () => {
      for (const flag of ['--help', '-h', '--version']) {
        const printing = OdooCommandLine.read([...program, flag], '17.0');
        assert.ok(printing);
        assert.equal(printing.isServer, false, flag);
      }
      assert.equal(OdooCommandLine.read([...program, '-d', 'db'], '17.0')?.isServer, true);
    });
  });

  describe('values by destination', () => {
    it('reads -d, ports and repeated options however written', () => {
      const command = line(['--database=db1', '-p', '8070', '--log-handler', 'odoo:DEBUG', '--log-handler=werkzeug:WARNING', '--upd', 'm'], '17.0');
      assert.equal(command.database, 'db1');
      assert.equal(command.value('http_port'), '8070');
      assert.deepEqual(command.values('log_handler'), ['odoo:DEBUG', 'werkzeug:WARNING']);
      assert.equal(command.value('update'), 'm');
      assert.equal(command.value('workers'), undefined);
    });

    it('reads options after the subcommand word, which it leaves out of args and argv', () => {
      const command = OdooCommandLine.read([...program, 'server', '-d', 'db'], '17.0');
      assert.ok(command);
      assert.deepEqual(command.args, ['-d', 'db']);
      assert.deepEqual(command.argv, [...program, '-d', 'db']);
      assert.equal(command.database, 'db');
    });

    it('keeps a subcommand other than server in argv', () => {
      const command = OdooCommandLine.read([...program, '--addons-path=/x', 'gevent', '--workers=2'], '17.0');
      assert.ok(command);
      assert.equal(command.subcommand, 'gevent');
      assert.deepEqual(command.args, ['--addons-path=/x', '--workers=2']);
      assert.deepEqual(command.argv, [...program, 'gevent', '--addons-path=/x', '--workers=2']);
    });
  });

  describe('what a restart keeps', () => {
    const running = line(['-d', 'db', '-u', 'm', '--test-enable', '--dev=xml', ...dbArgs], '17.0');

    it('persistentArgs drops the one-shot args with their values', () => {
      assert.deepEqual(running.persistentArgs, ['-d', 'db', '--dev=xml', ...dbArgs]);
    });

    it('reexecArgs is what Odoo keeps on HUP: -u goes, --test-enable stays', () => {
      assert.deepEqual(running.reexecArgs, ['-d', 'db', '--test-enable', '--dev=xml', ...dbArgs]);
    });

    it('withArgs keeps the connection options the new args leave out, and the program', () => {
      const next = running.withArgs(['-d', 'other', '--db_port', '5433']);
      assert.deepEqual(next.program, program);
      assert.deepEqual(next.args, ['-d', 'other', '--db_port', '5433', '--db_host', 'db', '--db_user', 'odoo', '--db_password', 'odoo']);
    });

    it('argsWithoutConnection is what a user types to get the same server back', () => {
      assert.deepEqual(running.argsWithoutConnection, ['-d', 'db', '-u', 'm', '--test-enable', '--dev=xml']);
    });

    it('meansSameAs ignores the order between options, not between values of one option', () => {
      const command = line(['-d', 'db', '--log-handler=a:INFO', '--log-handler=b:INFO', '--dev=xml'], '17.0');
      assert.equal(command.meansSameAs(['--dev=xml', '-d', 'db', '--log-handler=a:INFO', '--log-handler=b:INFO']), true);
      assert.equal(command.meansSameAs(['--dev=xml', '-d', 'db', '--log-handler=b:INFO', '--log-handler=a:INFO']), false);
      assert.equal(command.meansSameAs(['-d', 'db']), false);
    });

    it('withSeries reads the same words as another series reads them', () => {
      const unknown = line(['-d', 'db', '--test-enable']);
      assert.equal(unknown.endsByItself, false);
      assert.equal(unknown.withSeries('19.0').endsByItself, true);
      assert.equal(unknown.withSeries(undefined), unknown);
    });
  });

  describe('httpTarget', () => {
    it('takes the port and interface from the args, the config file from -c, ODOO_RC or HOME', () => {
      assert.deepEqual(line(['-p', '8070', '--http-interface', '127.0.0.1'], '17.0').httpTarget(['HOME=/var/lib/odoo']),
        { port: 8070, host: '127.0.0.1', configFile: '/var/lib/odoo/.odoorc' });
      assert.deepEqual(line(['-c', '/etc/o.conf'], '17.0').httpTarget(['ODOO_RC=/etc/odoo/odoo.conf']), { configFile: '/etc/o.conf' });
      assert.deepEqual(line([], '17.0').httpTarget(['ODOO_RC=/etc/odoo/odoo.conf']), { configFile: '/etc/odoo/odoo.conf' });
      assert.deepEqual(line(['--no-http'], '17.0').httpTarget([]), { disabled: true });
    });
  });
});
