import * as assert from 'node:assert/strict';
import { parseCliOptions, UsageError, usage, type CliOptions } from '../../src/cli/cli-options';

const plain = { json: false, watch: false, follow: false, killAfterTimeout: false, noOverlap: false, noWarm: false, verbose: false };

describe('parseCliOptions', () => {
  const cases: Array<[string[], CliOptions]> = [
    [['status'], { ...plain, command: 'status' }],
    [['restart'], { ...plain, command: 'restart' }],
    [['stop'], { ...plain, command: 'stop' }],
    [['start'], { ...plain, command: 'start' }],
    [['logs'], { ...plain, command: 'logs' }],
    [['-h'], { ...plain, command: 'help' }],
    [['--help'], { ...plain, command: 'help' }],
    [['restart', '--help'], { ...plain, command: 'help' }],
    [['--help', 'restart'], { ...plain, command: 'help' }],
    [['--version'], { ...plain, command: 'version' }],
    [['status', '--json'], { ...plain, command: 'status', json: true }],
    [['--json', 'status'], { ...plain, command: 'status', json: true }],
    [['status', '--watch'], { ...plain, command: 'status', watch: true }],
    [['status', '-w', '--json'], { ...plain, command: 'status', watch: true, json: true }],
    [['logs', '-f'], { ...plain, command: 'logs', follow: true }],
    [['logs', '--follow', '--tail', '50'], { ...plain, command: 'logs', follow: true, tail: 50 }],
    [['logs', '--tail=0'], { ...plain, command: 'logs', tail: 0 }],
    [['restart', '-v'], { ...plain, command: 'restart', verbose: true }],
    [['restart', '--verbose'], { ...plain, command: 'restart', verbose: true }],
    [['stop', '--kill-after-timeout'], { ...plain, command: 'stop', killAfterTimeout: true }],
    [['restart', '--no-overlap', '--', '-d', 'x'], { ...plain, command: 'restart', noOverlap: true, odooArgs: ['-d', 'x'] }],
    [['restart', '--no-warm', '--', '-d', 'x'], { ...plain, command: 'restart', noWarm: true, odooArgs: ['-d', 'x'] }],
    [['stop', '--container', 'project-web-1'], { ...plain, command: 'stop', container: 'project-web-1' }],
    [['stop', '--container=project-web-1'], { ...plain, command: 'stop', container: 'project-web-1' }],
    [['status', '--docker-host', 'unix:///x.sock'], { ...plain, command: 'status', dockerHost: 'unix:///x.sock' }],
    [['restart', '--debug', '--', '-d', 'db'], { ...plain, command: 'restart', debug: true, odooArgs: ['-d', 'db'] }],
    [['restart', '--debug', '--debug-port', '6000'], { ...plain, command: 'restart', debug: true, debugPort: 6000 }],
    [['restart', '--no-debug'], { ...plain, command: 'restart', debug: false }],
    [['start', '--debug'], { ...plain, command: 'start', debug: true }],
    [['restart', '--debug', '--debugpy-from', '/opt/libs/debugpy'], { ...plain, command: 'restart', debug: true, debugpyFrom: '/opt/libs/debugpy' }],
    [['start', '--debug', '--debugpy-from=libs'], { ...plain, command: 'start', debug: true, debugpyFrom: 'libs' }],
    [['debug-adapter', '--container', 'web'], { ...plain, command: 'debug-adapter', container: 'web' }],
    [['debug-adapter', '--debug-port=6000'], { ...plain, command: 'debug-adapter', debugPort: 6000 }],
    [['status', '--docker-host=tcp://h:2375'], { ...plain, command: 'status', dockerHost: 'tcp://h:2375' }],
    [['restart', '--pid', '42'], { ...plain, command: 'restart', pid: 42 }],
    [['restart', '--pid=42'], { ...plain, command: 'restart', pid: 42 }],
    [['restart', '--timeout', '30'], { ...plain, command: 'restart', stopTimeoutMs: 30000 }],
    [['restart', '--timeout', '2.5'], { ...plain, command: 'restart', stopTimeoutMs: 2500 }],
    [['restart', '--timeout=0.25'], { ...plain, command: 'restart', stopTimeoutMs: 250 }],
    [['restart', '--ready-timeout', '120'], { ...plain, command: 'restart', readyTimeoutMs: 120000 }],
    [['restart', '--ready-timeout=1.5'], { ...plain, command: 'restart', readyTimeoutMs: 1500 }],
    [['restart', '--container', 'c', '--json'], { ...plain, command: 'restart', container: 'c', json: true }],
    [['restart', '--json', '--json'], { ...plain, command: 'restart', json: true }],
    [['restart', '--pid', '1', '--pid', '2'], { ...plain, command: 'restart', pid: 2 }],
    [['restart', '--container', 'status'], { ...plain, command: 'restart', container: 'status' }],
    // Odoo's args after `--` are kept byte for byte, even when they look like ours.
    [['restart', '--'], { ...plain, command: 'restart', odooArgs: [] }],
    [['restart', '--', '-d', 'db', '-u', 'my_module'], { ...plain, command: 'restart', odooArgs: ['-d', 'db', '-u', 'my_module'] }],
    [['restart', '--', '--json', '-v'], { ...plain, command: 'restart', odooArgs: ['--json', '-v'] }],
    [['restart', '--json', '--', '--json'], { ...plain, command: 'restart', json: true, odooArgs: ['--json'] }],
    [['restart', '--', '-w', 'secret', '--help', '--timeout', 'x', 'status'], { ...plain, command: 'restart', odooArgs: ['-w', 'secret', '--help', '--timeout', 'x', 'status'] }],
    [['restart', '--', '-d', 'x', '--', 'y'], { ...plain, command: 'restart', odooArgs: ['-d', 'x', '--', 'y'] }],
    [['restart', '--', '-d', 'my db', '', '--db-filter=^%d$', 'héllo'], { ...plain, command: 'restart', odooArgs: ['-d', 'my db', '', '--db-filter=^%d$', 'héllo'] }],
    [['start', '--', '-d', 'db'], { ...plain, command: 'start', odooArgs: ['-d', 'db'] }],
    [['--container', 'c', 'start', '--', '-i', 'sale'], { ...plain, command: 'start', container: 'c', odooArgs: ['-i', 'sale'] }],
  ];
  for (const [argv, expected] of cases) {
    it(argv.map((a) => JSON.stringify(a)).join(' '), () => {
      assert.deepEqual(parseCliOptions(argv), expected);
    });
  }

  it('does not copy Odoo args it was not given', () => {
    assert.equal('odooArgs' in parseCliOptions(['restart']), false);
  });

  const errors: Array<[string[], RegExp]> = [
    [[], /^Say what to do: status, restart, run, stop, start, logs, keeper, test, update or debug-adapter\.$/],
    [['--json'], /^Say what to do/],
    [['restart', '-d', 'db'], /^Unknown option -d\. Odoo's own args go after "--", as in: odoo-dev restart -- -d mydb -u my_module$/],
    [['restart', '--foo'], /^Unknown option --foo\./],
    [['restart', '--foo=bar'], /^Unknown option --foo=bar\./],
    [['restart', '-vf'], /^Unknown option -vf\./],
    [['restat'], /^Unknown command "restat"; the commands are status, restart, run, stop, start, logs, keeper, test, update, debug-adapter\.$/],
    [['help'], /^Unknown command "help"/],
    [['restart', 'stop'], /^Unexpected "stop" after the command restart\. Odoo's own args go after "--"\.$/],
    [['restart', 'my_module'], /^Unexpected "my_module" after the command restart/],
    [['status', '--', '-d', 'x'], /^Only restart, run and start take Odoo args after "--", not status\.$/],
    [['stop', '--'], /not stop\.$/],
    [['logs', '--', '-f'], /not logs\.$/],
    [['--', 'restart'], /^Say what to do/],
    [['restart', '--container'], /^--container needs a value\.$/],
    [['restart', '--container', '--json'], /^--container needs a value\.$/],
    [['restart', '--container', '--', 'x'], /^--container needs a value\.$/],
    [['restart', '--docker-host'], /^--docker-host needs a value\.$/],
    [['logs', '--tail'], /^--tail needs a value\.$/],
    [['logs', '--tail', '-1'], /^--tail needs a value\.$/],
    [['logs', '--tail=-1'], /^--tail takes a whole number, not "-1"\.$/],
    [['logs', '--tail', 'ten'], /^--tail takes a whole number, not "ten"\.$/],
    [['logs', '--tail', '1.5'], /^--tail takes a whole number, not "1\.5"\.$/],
    [['restart', '--pid', 'abc'], /^--pid takes a whole number, not "abc"\.$/],
    [['restart', '--pid', '0x10'], /^--pid takes a whole number/],
    [['restart', '--timeout'], /^--timeout needs a value\.$/],
    [['restart', '--timeout', '0'], /^--timeout takes a number of seconds greater than zero, not "0"\.$/],
    [['restart', '--timeout', '-5'], /^--timeout needs a value\.$/],
    [['restart', '--timeout=-5'], /^--timeout takes a number of seconds greater than zero, not "-5"\.$/],
    [['restart', '--timeout', 'abc'], /^--timeout takes a number of seconds/],
    [['restart', '--timeout', '1e3'], /^--timeout takes a number of seconds/],
    [['restart', '--timeout', 'Infinity'], /^--timeout takes a number of seconds/],
    [['restart', '--timeout', ''], /^--timeout takes a number of seconds greater than zero, not ""\.$/],
    [['restart', '--timeout='], /^--timeout takes a number of seconds greater than zero, not ""\.$/],
    // Rounds to 0 ms, which is no timeout greater than zero.
    [['restart', '--timeout', '0.0001'], /^--timeout takes a number of seconds greater than zero/],
    [['restart', '--ready-timeout', '0'], /^--ready-timeout takes a number of seconds greater than zero, not "0"\.$/],
    // A flag without a value must not take one: `--kill-after-timeout=false` would otherwise force the stop.
    [['stop', '--kill-after-timeout=false'], /--kill-after-timeout/],
    [['status', '--json=false'], /--json/],
    [['stop', '--debug'], /^--debug and --no-debug go with restart and start, not stop/],
    [['debug-adapter', '--debug'], /^--debug and --no-debug go with restart and start, not debug-adapter/],
    [['restart', '--debug', '--no-debug'], /^Give --debug or --no-debug once\.$/],
    [['restart', '--debug-port', '6000'], /^--debug-port goes with restart --debug/],
    [['restart', '--debugpy-from', 'libs'], /^--debugpy-from goes with restart --debug and start --debug\.$/],
    [['restart', '--no-debug', '--debugpy-from', 'libs'], /^--debugpy-from goes with restart --debug/],
    [['restart', '--debug', '--debugpy-from'], /^--debugpy-from needs a value\.$/],
    [['restart', '--debug', '--debug-port', '70000'], /^--debug-port takes a port from 1 to 65535, not 70000\.$/],
    [['debug-adapter', '--', '-d', 'db'], /^Only restart, run and start take Odoo args/],
  ];
  for (const [argv, message] of errors) {
    it(`refuses ${argv.map((a) => JSON.stringify(a)).join(' ') || 'nothing'}`, () => {
      assert.throws(() => parseCliOptions(argv), (error: unknown) => {
        assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe('usage', () => {
  it('names every command and option the parser knows', () => {
    for (const word of ['status', 'restart', 'stop', 'start', 'logs', '--watch', '-f', '--tail', '--container', '--docker-host',
      '--timeout', '--kill-after-timeout', '--ready-timeout', '--pid', '-v, --verbose', '--json', '-h, --help', '--version']) {
      assert.ok(usage.includes(word), `usage should mention ${word}`);
    }
  });
});
