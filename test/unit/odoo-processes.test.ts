import * as assert from 'node:assert/strict';
import type { ProcessInfo } from '../../src/core/agent-protocol';
import { OdooCommandLine } from '../../src/core/odoo-command-line';
import { classifyProcesses, listedFromTop, type ContainerProcesses } from '../../src/core/odoo-processes';

/** A process as the agent reports it; only what a test names differs from a sleeping root process. */
function proc(pid: number, ppid: number, argv: readonly string[], extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return { pid, ppid, uid: 0, gid: 0, state: 'S', startTime: 1000 + pid, argv, ...extra };
}

const officialArgv = ['/usr/bin/python3', '/usr/bin/odoo', '--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo'];
const keeperArgv = ['/bin/sh', '-c', 'echo Container started; trap "exit 0" 15; exec "$@"; while sleep 1 & wait $!; do :; done', '-'];

describe('OdooCommandLine.read', () => {
  /** [title, argv, program, subcommand, args, isModuleLaunch] */
  const cases: Array<[string, string[], string[], string, string[], boolean]> = [
    ['the official image', officialArgv,
      ['/usr/bin/python3', '/usr/bin/odoo'], 'server', officialArgv.slice(2), false],
    ['odoo-bin from a checkout', ['python3', './odoo-bin', '-d', 'x'],
      ['python3', './odoo-bin'], 'server', ['-d', 'x'], false],
    ['a virtualenv', ['/opt/venv/bin/python', '/opt/venv/bin/odoo', '-c', '/etc/odoo.conf'],
      ['/opt/venv/bin/python', '/opt/venv/bin/odoo'], 'server', ['-c', '/etc/odoo.conf'], false],
    ['python3 -m odoo', ['python3', '-m', 'odoo', '-d', 'x', '--dev=xml'],
      ['python3', '-m', 'odoo'], 'server', ['-d', 'x', '--dev=xml'], true],
    ['python3 -m odoo.__main__', ['python3', '-m', 'odoo.__main__', '-d', 'x'],
      ['python3', '-m', 'odoo.__main__'], 'server', ['-d', 'x'], true],
    ['after a HUP re-exec (argv[0] is the bare interpreter name)', ['python3', '/usr/bin/odoo', '--db_host', 'db'],
      ['python3', '/usr/bin/odoo'], 'server', ['--db_host', 'db'], false],
    ['under debugpy', ['python3', '-m', 'debugpy', '--listen', '5678', '/usr/bin/odoo', '-d', 'x', '--workers=0'],
      ['python3', '-m', 'debugpy', '--listen', '5678', '/usr/bin/odoo'], 'server', ['-d', 'x', '--workers=0'], false],
    ['odoo.py of old checkouts', ['python', 'odoo.py', '-d', 'x'],
      ['python', 'odoo.py'], 'server', ['-d', 'x'], false],
    ['an explicit server command', ['python3', '/usr/bin/odoo', 'server', '-d', 'x'],
      ['python3', '/usr/bin/odoo'], 'server', ['-d', 'x'], false],
    ['the shell command', ['python3', '/usr/bin/odoo', 'shell', '-d', 'db'],
      ['python3', '/usr/bin/odoo'], 'shell', ['-d', 'db'], false],
    ['a command after --addons-path=', ['python3', '/usr/bin/odoo', '--addons-path=x', 'shell', '-d', 'db'],
      ['python3', '/usr/bin/odoo'], 'shell', ['--addons-path=x', '-d', 'db'], false],
    ['--addons-path with a separate value is no command prefix', ['python3', '/usr/bin/odoo', '--addons-path', 'x', '-d', 'db'],
      ['python3', '/usr/bin/odoo'], 'server', ['--addons-path', 'x', '-d', 'db'], false],
    ['the gevent process of a prefork server', ['/usr/bin/python3', '/usr/bin/odoo', 'gevent', '--db_host', 'db', '--workers=2'],
      ['/usr/bin/python3', '/usr/bin/odoo'], 'gevent', ['--db_host', 'db', '--workers=2'], false],
    ['a -c option of Odoo after the script', ['python3', '/usr/bin/odoo', '-c', '/etc/odoo/odoo.conf'],
      ['python3', '/usr/bin/odoo'], 'server', ['-c', '/etc/odoo/odoo.conf'], false],
    ['no arguments at all', ['/usr/bin/python3', '/usr/bin/odoo'],
      ['/usr/bin/python3', '/usr/bin/odoo'], 'server', [], false],
  ];
  for (const [title, argv, program, command, args, isModuleLaunch] of cases) {
    it(title, () => {
      const odoo = OdooCommandLine.read(argv);
      assert.ok(odoo, `${JSON.stringify(argv)} should be Odoo`);
      assert.deepEqual(odoo.program, program);
      assert.equal(odoo.subcommand, command);
      assert.deepEqual(odoo.args, args);
      assert.equal(odoo.isModuleLaunch, isModuleLaunch);
    });
  }

  const notOdoo: Array<[string, string[]]> = [
    ['python3 -c with Odoo in its code', ['python3', '-c', 'import odoo; odoo.cli.main()', 'odoo']],
    ['the Dev Containers keeper', keeperArgv],
    ['the keeper with the command it execs', [...keeperArgv, 'odoo']],
    ['a sleep loop', ['/bin/sh', '-c', 'while sleep 1000; do :; done']],
    ['our agent', ['python3', '-u', '-', 'agent']],
    ['postgres with a database named odoo', ['postgres: odoo odoo 127.0.0.1(5432) idle']],
    ['python3 -m something else', ['python3', '-m', 'http.server', '8069']],
    ['a script with odoo in its path', ['python3', '/opt/odoo/setup.py']],
    ['an empty argv (kernel thread)', []],
    // The official image ships postgresql-client and its database user is `odoo`: a token that
    // is only a value of another program is no Odoo script.
    ['psql as the odoo user', ['psql', '-h', 'db', '-U', 'odoo', 'mydb']],
    ['pg_dump of a database named odoo', ['pg_dump', '-h', 'db', '-U', 'postgres', 'odoo']],
    ['tail of a log named odoo', ['tail', '-f', '/var/log/odoo']],
    // A PostgreSQL backend of the user odoo, as `docker top` shows it and `listedFromTop` splits it.
    ['a postgres backend of the odoo user, split at spaces', 'postgres: odoo mydb 127.0.0.3(54321) idle'.split(' ')],
  ];
  for (const [title, argv] of notOdoo) {
    it(`not Odoo: ${title}`, () => {
      assert.equal(OdooCommandLine.read(argv), undefined);
    });
  }
});

/** The shape of a classification as PIDs, easy to compare in a table. */
function shape(result: ContainerProcesses): { pid1: number | undefined; servers: Array<[number, number[], number | undefined]>; commands: number[] } {
  return {
    pid1: result.pid1?.pid,
    servers: result.servers.map((s) => [s.master.info.pid, s.workers.map((w) => w.info.pid), s.gevent?.info.pid]),
    commands: result.commands.map((c) => c.info.pid),
  };
}

describe('classifyProcesses', () => {
  const preforkArgv = [...officialArgv, '--workers=2'];
  const geventArgv = ['/usr/bin/python3', '/usr/bin/odoo', 'gevent', ...officialArgv.slice(2), '--workers=2'];

  const cases: Array<[string, ProcessInfo[], ReturnType<typeof shape>]> = [
    ['no processes', [], { pid1: undefined, servers: [], commands: [] }],
    ['the keeper alone', [proc(1, 0, keeperArgv), proc(7, 1, ['sleep', '1'])],
      { pid1: 1, servers: [], commands: [] }],
    ['Odoo as PID 1 (official image)', [proc(1, 0, officialArgv)],
      { pid1: 1, servers: [[1, [], undefined]], commands: [] }],
    ['Odoo beside a keeper', [proc(1, 0, keeperArgv), proc(30, 1, ['python3', './odoo-bin', '-d', 'x'])],
      { pid1: 1, servers: [[30, [], undefined]], commands: [] }],
    ['Odoo started from a shell', [proc(1, 0, keeperArgv), proc(20, 1, ['bash']), proc(30, 20, ['python3', './odoo-bin'])],
      { pid1: 1, servers: [[30, [], undefined]], commands: [] }],
    ['a warm process is no Odoo; the server it forked is the master', [
      proc(1, 0, keeperArgv),
      proc(20, 1, ['/usr/bin/python3', '/tmp/odoo-dev/warm.py', '8069', 'path=/usr/bin/odoo', 'c0ffee', '    ']),
      proc(30, 20, ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'x']),
      proc(31, 1, ['/usr/bin/python3', '/tmp/odoo-dev/warm.py', '8069', 'path=/usr/bin/odoo', 'c0ffee', '    ']),
    ], { pid1: 1, servers: [[30, [], undefined]], commands: [] }],
    ['prefork: master, workers with the same argv, and gevent', [
      proc(1, 0, preforkArgv),
      proc(11, 1, preforkArgv),
      proc(12, 1, preforkArgv),
      proc(13, 1, preforkArgv),
      proc(14, 1, geventArgv),
    ], { pid1: 1, servers: [[1, [11, 12, 13], 14]], commands: [] }],
    ['prefork beside a keeper', [
      proc(1, 0, keeperArgv),
      proc(40, 1, preforkArgv),
      proc(41, 40, preforkArgv),
      proc(42, 40, geventArgv),
    ], { pid1: 1, servers: [[40, [41], 42]], commands: [] }],
    ['zombie workers and a zombie gevent are ignored', [
      proc(1, 0, preforkArgv),
      proc(11, 1, preforkArgv, { state: 'Z' }),
      proc(12, 1, preforkArgv),
      proc(14, 1, geventArgv, { state: 'Z' }),
    ], { pid1: 1, servers: [[1, [12], undefined]], commands: [] }],
    ['a zombie master is no server', [proc(1, 0, keeperArgv), proc(30, 1, ['python3', './odoo-bin'], { state: 'Z' })],
      { pid1: 1, servers: [], commands: [] }],
    ['a dead (X) process is ignored', [proc(1, 0, keeperArgv), proc(30, 1, ['python3', './odoo-bin'], { state: 'X' })],
      { pid1: 1, servers: [], commands: [] }],
    ['a --stop-after-init run next to a live server is a command', [
      proc(1, 0, officialArgv),
      proc(50, 0, ['bash']),
      proc(51, 50, ['python3', '/usr/bin/odoo', '-d', 'db', '-u', 'my_module', '--stop-after-init']),
    ], { pid1: 1, servers: [[1, [], undefined]], commands: [51] }],
    ['odoo shell next to a live server is a command', [
      proc(1, 0, officialArgv),
      proc(60, 0, ['python3', '/usr/bin/odoo', 'shell', '-d', 'db']),
    ], { pid1: 1, servers: [[1, [], undefined]], commands: [60] }],
    ['--addons-path=x shell is a command', [
      proc(1, 0, keeperArgv),
      proc(60, 1, ['python3', './odoo-bin', '--addons-path=x', 'shell']),
    ], { pid1: 1, servers: [], commands: [60] }],
    ['python3 -c code mentioning odoo is not Odoo', [
      proc(1, 0, officialArgv),
      proc(70, 0, ['python3', '-c', 'import odoo', '/usr/bin/odoo']),
    ], { pid1: 1, servers: [[1, [], undefined]], commands: [] }],
    ['a psql session of the odoo user is no second server', [
      proc(1, 0, officialArgv),
      proc(80, 0, ['psql', '-U', 'odoo', '-h', 'db', 'mydb']),
    ], { pid1: 1, servers: [[1, [], undefined]], commands: [] }],
    ['Odoo under runuser (which stays its parent) is the server, runuser is not Odoo', [
      proc(1, 0, keeperArgv),
      proc(20, 1, ['runuser', '-u', 'odoo', '--', '/usr/bin/odoo', '-d', 'db']),
      proc(21, 20, ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db']),
    ], { pid1: 1, servers: [[21, [], undefined]], commands: [] }],
    ['two unrelated masters', [
      proc(1, 0, keeperArgv),
      proc(30, 1, ['python3', './odoo-bin', '-d', 'a', '-p', '8069']),
      proc(31, 1, ['python3', './odoo-bin', '-d', 'b', '-p', '8070']),
    ], { pid1: 1, servers: [[30, [], undefined], [31, [], undefined]], commands: [] }],
    ['two prefork masters keep their own workers', [
      proc(1, 0, keeperArgv),
      proc(30, 1, preforkArgv),
      proc(31, 1, preforkArgv),
      proc(32, 30, preforkArgv),
      proc(33, 31, preforkArgv),
      proc(34, 31, geventArgv),
    ], { pid1: 1, servers: [[30, [32], undefined], [31, [33], 34]], commands: [] }],
    ['a shell started by an Odoo command is not its worker', [
      proc(1, 0, keeperArgv),
      proc(60, 1, ['python3', '/usr/bin/odoo', 'shell', '-d', 'db']),
      proc(61, 60, ['python3', '/usr/bin/odoo', '-d', 'db']),
    ], { pid1: 1, servers: [[61, [], undefined]], commands: [60] }],
  ];
  for (const [title, processes, expected] of cases) {
    it(title, () => {
      assert.deepEqual(shape(classifyProcesses(processes)), expected);
    });
  }

  it('keeps the process info and the parsed program of the master', () => {
    const master = proc(1, 0, preforkArgv, { uid: 101, gid: 101, cwd: '/', env: ['HOME=/var/lib/odoo'] });
    const { servers, pid1 } = classifyProcesses([master, proc(11, 1, preforkArgv), proc(14, 1, geventArgv)]);
    assert.equal(pid1, master);
    assert.equal(servers[0].master.info, master);
    assert.deepEqual(servers[0].master.command.program, ['/usr/bin/python3', '/usr/bin/odoo']);
    assert.deepEqual(servers[0].master.command.args, preforkArgv.slice(2));
    assert.equal(servers[0].gevent?.command.subcommand, 'gevent');
    assert.equal(servers[0].workers[0].command.subcommand, 'server');
  });

  it('reports a zombie PID 1 as no PID 1', () => {
    assert.equal(classifyProcesses([proc(1, 0, keeperArgv, { state: 'Z' })]).pid1, undefined);
  });
});

describe('classifyProcesses by series', () => {
  const testRun = ['python3', '/usr/bin/odoo', '-d', 'db', '--test-enable', '--test-tags', '/my_module'];

  it('Odoo 19: --test-enable ends the run by itself, so it is no server to restart', () => {
    const { servers, commands } = classifyProcesses([proc(1, 0, keeperArgv), proc(9, 1, testRun)], '19.0');
    assert.deepEqual(servers, []);
    assert.deepEqual(commands.map((c) => c.info.pid), [9]);
  });

  it('Odoo 18: --test-enable alone keeps serving after the tests', () => {
    const { servers } = classifyProcesses([proc(1, 0, keeperArgv), proc(9, 1, testRun)], '18.0');
    assert.deepEqual(servers.map((s) => s.master.info.pid), [9]);
  });
});

describe('classifyProcesses of docker top rows', () => {
  it('finds the masters among host PIDs with the same rule as inside the container', () => {
    const rows = [
      { pid: 5001, ppid: 5000, command: '/bin/sh -c echo Container started; trap "exit 0" 15; exec "$@"; while sleep 1 & wait $!; do :; done -' },
      { pid: 5010, ppid: 5001, command: '/usr/bin/python3 /usr/bin/odoo --workers=2 --db_host db' },
      { pid: 5011, ppid: 5010, command: '/usr/bin/python3 /usr/bin/odoo --workers=2 --db_host db' },
      { pid: 5012, ppid: 5010, command: '/usr/bin/python3 /usr/bin/odoo gevent --workers=2 --db_host db' },
      { pid: 5020, ppid: 5001, command: 'python3 /usr/bin/odoo -d db -u my_module --stop-after-init' },
      { pid: 5030, ppid: 5001, command: 'psql -h db -U odoo odoo' },
    ];
    const { servers, commands } = classifyProcesses(listedFromTop(rows));
    assert.deepEqual(servers.map((s) => [s.master.info.pid, s.workers.map((w) => w.info.pid), s.gevent?.info.pid]), [[5010, [5011], 5012]]);
    assert.deepEqual(commands.map((c) => c.info.pid), [5020]);
  });
});
