import * as assert from 'node:assert/strict';
import type { ProcessInfo, RememberedCommand } from '../../src/core/agent-protocol';
import { OdooDevError } from '../../src/core/errors';
import { classifyProcesses } from '../../src/core/odoo-processes';
import type { ProcessSpec } from '../../src/core/agent-protocol';
import { envValue, OdooCommandLine } from '../../src/core/odoo-command-line';
import {
  endsContainer,
  planRestart,
  rememberedFor,
  targetServer,
  type PlanContext,
  type RestartPlan,
} from '../../src/core/restart-plan';

/** Where the args would have the server answer HTTP (see `OdooCommandLine.httpTarget`). */
function httpTargetOf(args: readonly string[], env: readonly string[], series = '17.0') {
  return OdooCommandLine.compose(['odoo'], args, series).httpTarget(env);
}


const odooEnv = ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/var/lib/odoo', 'ODOO_RC=/etc/odoo/odoo.conf', 'PGPASSWORD=secret'];
const dbArgs = ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo'];
const officialProgram = ['/usr/bin/python3', '/usr/bin/odoo'];
const keeperArgv = ['/bin/sh', '-c', 'echo Container started; trap "exit 0" 15; exec "$@"; while sleep 1 & wait $!; do :; done', '-'];

function proc(pid: number, ppid: number, argv: readonly string[], extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return { pid, ppid, uid: 101, gid: 102, state: 'S', startTime: 5000 + pid, argv, cwd: '/var/lib/odoo', env: odooEnv, ...extra };
}

const defaults: ProcessSpec = {
  argv: ['python3', '/usr/bin/odoo'],
  env: ['PATH=/usr/bin:/bin', 'HOME=/root'],
  cwd: '/',
  uid: 0,
  gid: 0,
};

/** Odoo as PID 1, as the official image runs it. */
function pid1Context(args: readonly string[], extra: Partial<ProcessInfo> = {}, program = officialProgram): PlanContext {
  return { processes: classifyProcesses([proc(1, 0, [...program, ...args], extra)]), series: '17.0', defaults };
}

/** Where PID 1 writes: what `docker logs` shows. */
const containerLog = ['pipe:[7001]', 'pipe:[7002]'];

/**
 * Odoo beside a keeper PID 1, as a Dev Container with `overrideCommand: true` runs it, writing
 * to the container's log as a server we launched does.
 */
function besideKeeper(args: readonly string[], extra: Partial<ProcessInfo> = {}, program = ['python3', './odoo-bin']): PlanContext {
  return {
    processes: classifyProcesses([proc(1, 0, keeperArgv, { uid: 0, gid: 0, stdio: containerLog }), proc(40, 1, [...program, ...args], { stdio: containerLog, ...extra })]),
    series: '17.0',
    defaults,
  };
}

function keeperOnly(remembered?: RememberedCommand): PlanContext {
  return { processes: classifyProcesses([proc(1, 0, keeperArgv)]), series: '17.0', defaults, ...(remembered ? { remembered } : {}) };
}

function expectKind<K extends RestartPlan['kind']>(plan: RestartPlan, kind: K): Extract<RestartPlan, { kind: K }> {
  assert.equal(plan.kind, kind);
  return plan as Extract<RestartPlan, { kind: K }>;
}

function throwsCode(run: () => unknown, code: OdooDevError['code'], message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OdooDevError, `expected an OdooDevError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message) {
      assert.match(error.message, message);
    }
    return true;
  });
}

describe('planRestart', () => {
  describe('Odoo is PID 1', () => {
    const hups: Array<[string, string[], string[] | undefined, string[]]> = [
      ['no args', ['-d', 'db', ...dbArgs], undefined, ['-d', 'db', ...dbArgs]],
      ['no args, only the entrypoint options', dbArgs, undefined, dbArgs],
      ['no args while -u ran: Odoo strips -u itself', ['-d', 'db', '-u', 'my_module', ...dbArgs], undefined, ['-d', 'db', ...dbArgs]],
      ['the current args minus -u', ['-d', 'db', '-u', 'my_module', ...dbArgs], ['-d', 'db'], ['-d', 'db', ...dbArgs]],
      ['the current args minus -i, written --init=', ['-d', 'db', '--init=sale', ...dbArgs], ['-d', 'db'], ['-d', 'db', ...dbArgs]],
      ['the same args, entrypoint options included', ['-d', 'db', ...dbArgs], ['-d', 'db', ...dbArgs], ['-d', 'db', ...dbArgs]],
      ['the same args with -c first, as a compose command writes them', ['-c', '/etc/odoo/odoo.conf', '-d', 'db', '-u', 'm', ...dbArgs], ['-c', '/etc/odoo/odoo.conf', '-d', 'db'], ['-c', '/etc/odoo/odoo.conf', '-d', 'db', ...dbArgs]],
      // The kept -c goes after the new args, but the command line means the same as the current one.
      ['the current args minus -u and the connection options, -c first', ['-c', '/etc/odoo/odoo.conf', '-d', 'db', '-u', 'm', ...dbArgs], ['-d', 'db'], ['-c', '/etc/odoo/odoo.conf', '-d', 'db', ...dbArgs]],
    ];
    for (const [title, current, args, expectedArgs] of hups) {
      it(`HUP: ${title}`, () => {
        const context = pid1Context(current);
        const plan = expectKind(planRestart(args === undefined ? {} : { args }, context), 'hup');
        assert.equal(plan.server.master.info.pid, 1);
        assert.deepEqual(plan.command.args, expectedArgs);
        assert.deepEqual(plan.http, { configFile: '/etc/odoo/odoo.conf' });
        assert.equal(plan.relaunch, undefined, 'PID 1 is never stopped: no relaunch beside it');
      });
    }

    it('HUP with no relaunch for Odoo as the only child of tini, which exits with it', () => {
      const processes = classifyProcesses([proc(1, 0, ['/sbin/docker-init', '--', '/entrypoint.sh', 'odoo']), proc(7, 1, [...officialProgram, '-d', 'db'])]);
      const plan = expectKind(planRestart({}, { processes, series: '17.0', defaults }), 'hup');
      assert.equal(plan.server.master.info.pid, 7);
      assert.equal(plan.relaunch, undefined);
    });

    const refusals: Array<[string, string[], string[]]> = [
      ['a new database', ['-d', 'db', ...dbArgs], ['-d', 'other']],
      ['a new -u with another database', ['-d', 'db', ...dbArgs], ['-d', 'other', '-u', 'my_module']],
      ['--dev', dbArgs, ['--dev=xml']],
      ['an overridden connection option', ['-d', 'db', ...dbArgs], ['-d', 'db', '--db_host', 'other']],
      ['empty args where there were some', ['-d', 'db', ...dbArgs], []],
    ];
    for (const [title, current, args] of refusals) {
      it(`refuses new args: ${title}`, () => {
        throwsCode(() => planRestart({ args }, pid1Context(current)), 'pid1-refused', /PID 1/);
      });
    }

    it('runs its args plus -u as an update beside it, then reloads it with HUP', () => {
      const plan = expectKind(planRestart({ args: ['-d', 'db', '-u', 'my_module'] }, pid1Context(['-d', 'db', ...dbArgs])), 'run-beside');
      assert.deepEqual(plan.run.args, ['-d', 'db', '-u', 'my_module', ...dbArgs]);
      assert.deepEqual(plan.run.program, officialProgram);
      assert.deepEqual(plan.spec, { argv: [...officialProgram, '-d', 'db', ...dbArgs], env: odooEnv, cwd: '/var/lib/odoo', uid: 101, gid: 102 });
      assert.equal(plan.reload?.kind, 'hup');
      assert.deepEqual(plan.reload?.kind === 'hup' ? plan.reload.command.args : undefined, ['-d', 'db', ...dbArgs]);
    });

    it('runs a load of languages beside it and reloads nothing, as no module changed', () => {
      const plan = expectKind(planRestart({ args: ['-d', 'db', '--load-language', 'fr_FR'] }, pid1Context(['-d', 'db', ...dbArgs])), 'run-beside');
      assert.equal(plan.reload, undefined);
    });

    it('runs a test run that ends by itself beside it without reloading', () => {
      const plan = expectKind(planRestart({ args: ['-d', 'db', '--test-enable', '--stop-after-init'] }, pid1Context(['-d', 'db', ...dbArgs])), 'run-beside');
      assert.equal(plan.reload, undefined);
    });

    it('refuses an update beside a server started as python3 -m odoo, which a HUP would kill', () => {
      throwsCode(() => planRestart({ args: ['-d', 'db', '-u', 'm'] }, pid1Context(['-d', 'db'], {}, ['python3', '-m', 'odoo'])), 'unsafe-hup');
    });

    it('says which args it refused, secrets masked', () => {
      assert.throws(() => planRestart({ args: ['-d', 'other'] }, pid1Context(['-d', 'db', ...dbArgs])), (error: unknown) => {
        assert.ok(error instanceof OdooDevError);
        assert.match(error.message, /stopping it would stop the container/);
        assert.ok(error.hint);
        assert.deepEqual(error.details.requestedArgs, ['-d', 'other', '--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', '***']);
        assert.deepEqual(error.details.currentArgs, ['-d', 'db', '--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', '***']);
        return true;
      });
    });

    it('refuses HUP to a server started as python3 -m odoo', () => {
      throwsCode(() => planRestart({}, pid1Context(['-d', 'db'], {}, ['python3', '-m', 'odoo'])), 'unsafe-hup', /python -m odoo/);
    });

    it('sends HUP after an earlier HUP re-exec (argv[0] is bare python3)', () => {
      const plan = expectKind(planRestart({}, pid1Context(['-d', 'db'], {}, ['python3', '/usr/bin/odoo'])), 'hup');
      assert.deepEqual(plan.command.args, ['-d', 'db']);
    });

    it('sends HUP to a prefork master and keeps its workers in the plan', () => {
      const argv = [...officialProgram, '--workers=2', ...dbArgs];
      const processes = classifyProcesses([
        proc(1, 0, argv),
        proc(7, 1, argv),
        proc(8, 1, argv),
        proc(9, 1, [...officialProgram, 'gevent', '--workers=2', ...dbArgs]),
      ]);
      const plan = expectKind(planRestart({}, { processes, series: '17.0', defaults }), 'hup');
      assert.deepEqual(plan.server.workers.map((w) => w.info.pid), [7, 8]);
      assert.equal(plan.server.gevent?.info.pid, 9);
    });

    it('refuses a plain restart when the current args hold one-shot args that Odoo keeps on HUP', () => {
      // HUP would run the tests again; a new command line is needed, which PID 1 cannot get.
      throwsCode(() => planRestart({}, pid1Context(['-d', 'db', '--test-enable', ...dbArgs])), 'pid1-refused');
    });
  });

  describe('Odoo is not PID 1', () => {
    it('relaunches in place with the new args and the kept connection options', () => {
      const current = ['-c', '/etc/odoo/odoo.conf', '-d', 'db', ...dbArgs];
      const plan = expectKind(planRestart({ args: ['-d', 'other', '-u', 'my_module', '--dev=xml'] }, besideKeeper(current)), 'in-place');
      const args = ['-d', 'other', '-u', 'my_module', '--dev=xml', '-c', '/etc/odoo/odoo.conf', ...dbArgs];
      assert.equal(plan.server.master.info.pid, 40);
      assert.deepEqual(plan.launch.command.args, args);
      assert.deepEqual(plan.launch.spec.argv, ['python3', './odoo-bin', ...args]);
      assert.deepEqual(plan.launch.spec.env, odooEnv);
      assert.equal(plan.launch.spec.cwd, '/var/lib/odoo');
      assert.equal(plan.launch.spec.uid, 101);
      assert.equal(plan.launch.spec.gid, 102);
      assert.deepEqual(plan.launch.remember, {
        argv: ['python3', './odoo-bin', '-d', 'other', '--dev=xml', '-c', '/etc/odoo/odoo.conf', ...dbArgs],
        env: odooEnv,
        cwd: '/var/lib/odoo',
        uid: 101,
        gid: 102,
      });
      assert.deepEqual(plan.launch.http, { configFile: '/etc/odoo/odoo.conf' });
    });

    const kept: Array<[string, string[], string[], string[]]> = [
      ['overridden --db_host is not kept twice', dbArgs, ['--db_host', 'other'],
        ['--db_host', 'other', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo']],
      ['-r and -w override --db_user and --db_password', dbArgs, ['-r', 'me', '-w', 'pw'],
        ['-r', 'me', '-w', 'pw', '--db_host', 'db', '--db_port', '5432']],
      ['--config= overrides -c', ['-c', '/a.conf', '-d', 'db'], ['--config=/b.conf'], ['--config=/b.conf']],
      ['-c is kept as written', ['-c', '/a.conf', '-d', 'db'], ['-d', 'x'], ['-d', 'x', '-c', '/a.conf']],
      ['no connection options, nothing kept', ['-d', 'db', '--dev=all'], ['-d', 'x'], ['-d', 'x']],
      ['other options of the old command line are dropped', ['-d', 'db', '--workers=2', '--log-level=debug'], ['--dev=xml'], ['--dev=xml']],
      ['args are passed byte for byte', ['-d', 'db'], ['--db-filter=^%d$', '-d', 'my db', '--log-handler', 'odoo.sql_db:DEBUG'],
        ['--db-filter=^%d$', '-d', 'my db', '--log-handler', 'odoo.sql_db:DEBUG']],
    ];
    for (const [title, current, args, expected] of kept) {
      it(`in place: ${title}`, () => {
        const plan = expectKind(planRestart({ args }, besideKeeper(current)), 'in-place');
        assert.deepEqual(plan.launch.command.args, expected);
        assert.deepEqual(plan.launch.spec.argv, ['python3', './odoo-bin', ...expected]);
      });
    }

    it('keeps the program of a virtualenv and of debugpy', () => {
      const venv = expectKind(planRestart({ args: ['-d', 'x'] }, besideKeeper(['-d', 'db'], {}, ['/opt/venv/bin/python', '/opt/venv/bin/odoo'])), 'in-place');
      assert.deepEqual(venv.launch.spec.argv, ['/opt/venv/bin/python', '/opt/venv/bin/odoo', '-d', 'x']);
      const debug = ['python3', '-m', 'debugpy', '--listen', '5678', '/usr/bin/odoo'];
      const debugged = expectKind(planRestart({ args: ['-d', 'x'] }, besideKeeper(['-d', 'db'], {}, debug)), 'in-place');
      assert.deepEqual(debugged.launch.spec.argv, [...debug, '-d', 'x']);
    });

    it('HUPs a plain restart after -u, or relaunches what the HUP re-executes: Odoo strips -u itself', () => {
      const plan = expectKind(planRestart({}, besideKeeper(['-d', 'db', '-u', 'x', ...dbArgs])), 'hup');
      assert.equal(plan.server.master.info.pid, 40);
      assert.deepEqual(plan.command.args, ['-d', 'db', ...dbArgs]);
      assert.deepEqual(plan.relaunch?.spec.argv, ['python3', './odoo-bin', '-d', 'db', ...dbArgs]);
      assert.deepEqual(plan.relaunch?.remember.argv, ['python3', './odoo-bin', '-d', 'db', ...dbArgs]);
    });

    it('HUPs a restart with the same args, or relaunches them with the server\'s user, directory and environment', () => {
      const plan = expectKind(planRestart({ args: ['-d', 'db', '-p', '8070'] }, besideKeeper(['-d', 'db', '-p', '8070'])), 'hup');
      assert.deepEqual(plan.http, { port: 8070, configFile: '/etc/odoo/odoo.conf' });
      const spec = { argv: ['python3', './odoo-bin', '-d', 'db', '-p', '8070'], env: odooEnv, cwd: '/var/lib/odoo', uid: 101, gid: 102 };
      assert.deepEqual(plan.relaunch?.spec, spec);
      assert.deepEqual(plan.relaunch?.remember, spec);
      assert.deepEqual(plan.relaunch?.http, plan.http);
      assert.deepEqual(plan.relaunch?.command.args, plan.command.args, 'the same command line as the HUP');
    });

    it('relaunches the program a HUP re-exec left (argv[0] bare python3), as the HUP would run it', () => {
      const plan = expectKind(planRestart({}, besideKeeper(['-d', 'db'], {}, ['python3', '/usr/bin/odoo'])), 'hup');
      assert.deepEqual(plan.relaunch?.spec.argv, ['python3', '/usr/bin/odoo', '-d', 'db']);
    });

    it('a same-args restart under the debugger it runs under: the relaunch keeps debugpy in front', () => {
      const debug = ['python3', '-m', 'debugpy', '--listen', '5678', '/usr/bin/odoo'];
      const plan = expectKind(planRestart({}, besideKeeper(['-d', 'db'], {}, debug)), 'hup');
      assert.deepEqual(plan.relaunch?.spec.argv, [...debug, '-d', 'db']);
    });

    const oneShotsOdooKeeps: Array<[string, string[], string[]]> = [
      ['--test-enable', ['-d', 'db', '--test-enable', ...dbArgs], ['-d', 'db', ...dbArgs]],
      ['--test-tags', ['-d', 'db', '--test-tags', '/my_module'], ['-d', 'db']],
      ['-u and --test-enable together', ['-d', 'db', '-u', 'm', '--test-enable'], ['-d', 'db']],
      ['--load-language', ['-d', 'db', '--load-language=fr_FR'], ['-d', 'db']],
    ];
    for (const [title, current, expected] of oneShotsOdooKeeps) {
      it(`relaunches a plain restart in place without ${title}`, () => {
        const plan = expectKind(planRestart({}, besideKeeper(current)), 'in-place');
        assert.deepEqual(plan.launch.command.args, expected);
        assert.deepEqual(plan.launch.spec.argv, ['python3', './odoo-bin', ...expected]);
      });
    }

    it('relaunches a server started by docker exec instead of HUP, so that its output reaches docker logs', () => {
      const plan = expectKind(planRestart({}, besideKeeper(['-d', 'db'], { stdio: ['pipe:[9001]', 'pipe:[9002]'] })), 'in-place');
      assert.deepEqual(plan.launch.command.args, ['-d', 'db']);
    });

    it('relaunches a server whose output could not be read instead of HUP', () => {
      expectKind(planRestart({}, besideKeeper(['-d', 'db'], { stdio: undefined })), 'in-place');
    });

    it('relaunches a python3 -m odoo server in place instead of HUP', () => {
      const plan = expectKind(planRestart({}, besideKeeper(['-d', 'db', '-u', 'x'], {}, ['python3', '-m', 'odoo'])), 'in-place');
      assert.deepEqual(plan.launch.spec.argv, ['python3', '-m', 'odoo', '-d', 'db']);
      assert.deepEqual(plan.launch.remember.argv, ['python3', '-m', 'odoo', '-d', 'db']);
    });

    const missing: Array<[string, Partial<ProcessInfo>]> = [
      ['environment', { env: undefined }],
      ['working directory', { cwd: undefined }],
    ];
    for (const [title, extra] of missing) {
      it(`fails with agent-failed when the ${title} could not be read`, () => {
        throwsCode(() => planRestart({ args: ['-d', 'x'] }, besideKeeper(['-d', 'db'], extra)), 'agent-failed', /PID 40/);
      });
    }

    it('does not need the environment for a HUP, and offers no relaunch without it', () => {
      const plan = expectKind(planRestart({}, besideKeeper(['-d', 'db', '-p', '8070'], { env: undefined, cwd: undefined })), 'hup');
      assert.deepEqual(plan.http, { port: 8070 });
      assert.equal(plan.relaunch, undefined);
    });
  });

  describe('no Odoo server runs', () => {
    const remembered: RememberedCommand = {
      argv: ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db', ...dbArgs],
      env: odooEnv,
      cwd: '/var/lib/odoo',
      uid: 101,
      gid: 102,
    };

    it('starts the remembered command', () => {
      const plan = expectKind(planRestart({}, keeperOnly(remembered)), 'start');
      assert.deepEqual(plan.launch.spec.argv, remembered.argv);
      assert.deepEqual(plan.launch.command.args, ['-d', 'db', ...dbArgs]);
      assert.deepEqual(plan.launch.spec.env, odooEnv);
      assert.equal(plan.launch.spec.cwd, '/var/lib/odoo');
      assert.equal(plan.launch.spec.uid, 101);
      assert.equal(plan.launch.spec.gid, 102);
      assert.deepEqual(plan.launch.remember, remembered);
    });

    it('starts the remembered program with new args, keeping its connection options', () => {
      const plan = expectKind(planRestart({ args: ['-d', 'other', '-i', 'sale', '--db_port', '5433'] }, keeperOnly(remembered)), 'start');
      const args = ['-d', 'other', '-i', 'sale', '--db_port', '5433', '--db_host', 'db', '--db_user', 'odoo', '--db_password', 'odoo'];
      assert.deepEqual(plan.launch.command.args, args);
      assert.deepEqual(plan.launch.spec.argv, ['/usr/bin/python3', '/usr/bin/odoo', ...args]);
      assert.equal(plan.launch.spec.uid, 101);
      assert.deepEqual(plan.launch.remember.argv, ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'other', '--db_port', '5433', '--db_host', 'db', '--db_user', 'odoo', '--db_password', 'odoo']);
    });

    const programs: Array<[string, string[]]> = [
      ['python3 -m odoo', ['python3', '-m', 'odoo']],
      ['odoo-bin', ['python3', './odoo-bin']],
      ['debugpy', ['python3', '-m', 'debugpy', '--listen', '5678', '/usr/bin/odoo']],
      // What `OdooCommandLine.read` accepts and `rememberedFor` therefore may store.
      ['python3 -m odoo.__main__', ['python3', '-m', 'odoo.__main__']],
    ];
    for (const [title, program] of programs) {
      it(`splits a remembered ${title} command into program and args`, () => {
        const plan = expectKind(planRestart({ args: ['-d', 'x'] }, keeperOnly({ ...remembered, argv: [...program, '-d', 'db', '--db_user', 'odoo'] })), 'start');
        assert.deepEqual(plan.launch.command.args, ['-d', 'x', '--db_user', 'odoo']);
        assert.deepEqual(plan.launch.spec.argv, [...program, '-d', 'x', '--db_user', 'odoo']);
      });
    }

    it('starts the defaults when nothing is remembered', () => {
      const plan = expectKind(planRestart({}, keeperOnly()), 'start');
      assert.deepEqual(plan.launch.spec.argv, defaults.argv);
      assert.deepEqual(plan.launch.command.args, []);
      assert.deepEqual(plan.launch.spec.env, defaults.env);
      assert.equal(plan.launch.spec.cwd, '/');
      assert.equal(plan.launch.spec.uid, 0);
      assert.deepEqual(plan.launch.http, { configFile: '/root/.odoorc' });
    });

    it('starts the defaults with the new args, one-shot ones not remembered', () => {
      const plan = expectKind(planRestart({ args: ['-d', 'x', '-u', 'm', '-p', '8070'] }, keeperOnly()), 'start');
      assert.deepEqual(plan.launch.spec.argv, ['python3', '/usr/bin/odoo', '-d', 'x', '-u', 'm', '-p', '8070']);
      assert.deepEqual(plan.launch.remember.argv, ['python3', '/usr/bin/odoo', '-d', 'x', '-p', '8070']);
      assert.equal(plan.launch.http.port, 8070);
    });

    it('starts when the only Odoo process is a one-shot command', () => {
      const processes = classifyProcesses([proc(1, 0, keeperArgv), proc(9, 1, ['python3', '/usr/bin/odoo', '-d', 'db', '-u', 'm', '--stop-after-init'])]);
      expectKind(planRestart({}, { processes, series: '17.0', defaults }), 'start');
    });
  });

  describe('several servers', () => {
    const processes = classifyProcesses([
      proc(1, 0, keeperArgv),
      proc(30, 1, ['python3', './odoo-bin', '-d', 'a', '-p', '8069']),
      proc(31, 1, ['python3', './odoo-bin', '-d', 'b', '-p', '8070', '-w', 'hunter2']),
    ]);
    const context: PlanContext = { processes, series: '17.0', defaults };

    it('refuses to choose', () => {
      assert.throws(() => planRestart({ args: ['-d', 'x'] }, context), (error: unknown) => {
        assert.ok(error instanceof OdooDevError);
        assert.equal(error.code, 'odoo-ambiguous');
        assert.match(error.message, /2 unrelated Odoo servers/);
        assert.match(error.message, /PID 30 \(-d a -p 8069\)/);
        assert.match(error.message, /--pid/);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      });
    });

    it('acts on the one --pid names', () => {
      const plan = expectKind(planRestart({ args: ['-d', 'x'], pid: 31 }, context), 'in-place');
      assert.equal(plan.server.master.info.pid, 31);
      assert.deepEqual(plan.launch.spec.argv, ['python3', './odoo-bin', '-d', 'x', '-w', 'hunter2']);
    });

    it('refuses an unknown PID, naming the running servers', () => {
      throwsCode(() => planRestart({ pid: 99 }, context), 'odoo-not-found', /PID 99.*PID 30 .*PID 31 /);
    });
  });
});

describe('targetServer', () => {
  it('is undefined without a server', () => {
    assert.equal(targetServer(classifyProcesses([proc(1, 0, keeperArgv)])), undefined);
  });

  it('is the only server', () => {
    assert.equal(targetServer(classifyProcesses([proc(1, 0, [...officialProgram, ...dbArgs])]))?.master.info.pid, 1);
  });

  it('accepts the PID of the only server', () => {
    assert.equal(targetServer(classifyProcesses([proc(1, 0, [...officialProgram, ...dbArgs])]), 1)?.master.info.pid, 1);
  });

  it('refuses a PID when nothing runs, saying so', () => {
    throwsCode(() => targetServer(classifyProcesses([proc(1, 0, keeperArgv)]), 5), 'odoo-not-found', /Running servers: none\./);
  });

  it('refuses the PID of a worker', () => {
    const argv = [...officialProgram, '--workers=2'];
    throwsCode(() => targetServer(classifyProcesses([proc(1, 0, argv), proc(7, 1, argv)]), 7), 'odoo-not-found');
  });
});

describe('planRestart: runs that end by themselves beside a server that is not PID 1', () => {
  it('runs --stop-after-init -u beside the server, then reloads it with HUP where it writes to the container log', () => {
    const plan = expectKind(planRestart({ args: ['-d', 'db', '-u', 'm', '--stop-after-init'] }, besideKeeper(['-d', 'db'])), 'run-beside');
    assert.deepEqual(plan.run.args, ['-d', 'db', '-u', 'm', '--stop-after-init']);
    assert.equal(plan.reload?.kind, 'hup');
    assert.deepEqual(plan.reload?.kind === 'hup' ? plan.reload.relaunch?.spec.argv : undefined, ['python3', './odoo-bin', '-d', 'db']);
  });

  it('relaunches the server with its own args after the update where a HUP would keep its output out of the log', () => {
    const plan = expectKind(planRestart({ args: ['-d', 'db', '-u', 'm', '--stop-after-init'] }, besideKeeper(['-d', 'db'], { stdio: ['/dev/null', '/dev/null'] })), 'run-beside');
    assert.equal(plan.reload?.kind, 'in-place');
    assert.deepEqual(plan.reload?.kind === 'in-place' ? plan.reload.launch.command.args : undefined, ['-d', 'db']);
  });

  it('leaves the server alone after an export', () => {
    const plan = expectKind(planRestart({ args: ['-d', 'db', '--i18n-export', '/tmp/m.po', '--modules', 'm', '-l', 'fr_FR'] }, besideKeeper(['-d', 'db'])), 'run-beside');
    assert.equal(plan.reload, undefined);
  });

  it('runs Odoo 19 --test-enable beside the server: it ends by itself in 19', () => {
    const context = { ...besideKeeper(['-d', 'db']), series: '19.0' };
    expectKind(planRestart({ args: ['-d', 'db', '--test-enable'] }, context), 'run-beside');
  });

  it('relaunches in place for --test-enable before 19, which keeps serving', () => {
    expectKind(planRestart({ args: ['-d', 'db', '--test-enable'] }, besideKeeper(['-d', 'db'])), 'in-place');
  });
});

describe('rememberedFor', () => {
  it('is the program and the args without one-shot ones, with env, cwd and user', () => {
    const { servers } = classifyProcesses([proc(40, 1, ['python3', './odoo-bin', '-d', 'db', '-u', 'x', '--test-enable', '--dev=xml'])]);
    assert.deepEqual(rememberedFor(servers[0]), {
      argv: ['python3', './odoo-bin', '-d', 'db', '--dev=xml'],
      env: odooEnv,
      cwd: '/var/lib/odoo',
      uid: 101,
      gid: 102,
    });
  });

  it('is undefined when the environment or the directory is unknown', () => {
    for (const extra of [{ env: undefined }, { cwd: undefined }]) {
      const { servers } = classifyProcesses([proc(40, 1, ['python3', './odoo-bin'], extra)]);
      assert.equal(rememberedFor(servers[0]), undefined);
    }
  });
});

describe('httpTargetOf', () => {
  const cases: Array<[string, string[], string[], ReturnType<typeof httpTargetOf>]> = [
    ['nothing', [], [], {}],
    ['-p 8070', ['-p', '8070'], [], { port: 8070 }],
    ['-p8070', ['-p8070'], [], { port: 8070 }],
    ['--http-port=9000', ['--http-port=9000'], [], { port: 9000 }],
    ['--xmlrpc-port 8071 (old spelling)', ['--xmlrpc-port', '8071'], [], { port: 8071 }],
    ['the last port wins', ['-p', '8070', '--http-port=9000'], [], { port: 9000 }],
    ['a port that is no number is left to the agent', ['-p', 'abc'], [], {}],
    ['--http-interface 127.0.0.1', ['--http-interface', '127.0.0.1'], [], { host: '127.0.0.1' }],
    ['--no-http', ['--no-http'], [], { disabled: true }],
    ['-c', ['-c', '/etc/odoo/odoo.conf'], [], { configFile: '/etc/odoo/odoo.conf' }],
    ['--config=', ['--config=/x.conf'], [], { configFile: '/x.conf' }],
    ['ODOO_RC', [], ['ODOO_RC=/etc/odoo/odoo.conf'], { configFile: '/etc/odoo/odoo.conf' }],
    ['$HOME/.odoorc', [], ['HOME=/var/lib/odoo'], { configFile: '/var/lib/odoo/.odoorc' }],
    ['$HOME with a trailing slash', [], ['HOME=/root/'], { configFile: '/root/.odoorc' }],
    ['-c before ODOO_RC before HOME', ['-c', '/a.conf'], ['HOME=/h', 'ODOO_RC=/b.conf'], { configFile: '/a.conf' }],
    ['ODOO_RC before HOME', [], ['HOME=/h', 'ODOO_RC=/b.conf'], { configFile: '/b.conf' }],
    ['all together', ['-p', '8070', '--http-interface=0.0.0.0', '-c', '/c'], [], { port: 8070, host: '0.0.0.0', configFile: '/c' }],
    ['args of the shell command are still read', ['-d', 'db', '-p', '8070'], [], { port: 8070 }],
  ];
  for (const [title, args, env, expected] of cases) {
    it(title, () => {
      assert.deepEqual(httpTargetOf(args, env), expected);
    });
  }
});

describe('envValue', () => {
  const env = ['HOME=/root', 'HOMEDIR=/nope', 'EMPTY=', 'EQ=a=b', 'HOME=/var/lib/odoo'];
  const cases: Array<[string, string | undefined]> = [
    ['HOME', '/var/lib/odoo'],
    ['HOMEDIR', '/nope'],
    ['EMPTY', ''],
    ['EQ', 'a=b'],
    ['HOM', undefined],
    ['MISSING', undefined],
  ];
  for (const [key, expected] of cases) {
    it(`${key} → ${JSON.stringify(expected)}`, () => {
      assert.equal(envValue(env, key), expected);
    });
  }

  it('does not reorder the environment it reads', () => {
    const copy = [...env];
    envValue(env, 'HOME');
    assert.deepEqual(env, copy);
  });
});

describe('endsContainer', () => {
  const proc = (pid: number, ppid: number, argv: string[]) => ({ pid, ppid, uid: 101, gid: 101, state: 'S', startTime: 1, argv });
  const odooArgv = ['/usr/bin/python3', '/usr/bin/odoo'];
  const cases: Array<[string, ReturnType<typeof proc>, ReturnType<typeof proc> | undefined, boolean]> = [
    ['Odoo as PID 1', proc(1, 0, odooArgv), proc(1, 0, odooArgv), true],
    ['Odoo under docker-init (init: true)', proc(7, 1, odooArgv), proc(1, 0, ['/sbin/docker-init', '--', '/entrypoint.sh', 'odoo']), true],
    ['Odoo under tini', proc(7, 1, odooArgv), proc(1, 0, ['tini', '--', 'odoo']), true],
    ['Odoo under dumb-init', proc(7, 1, odooArgv), proc(1, 0, ['/usr/bin/dumb-init', 'odoo']), true],
    ['Odoo beside the Dev Containers keeper', proc(7, 1, odooArgv), proc(1, 0, ['/bin/sh', '-c', 'echo Container started; ...', '-']), false],
    ['Odoo started by docker exec (parent outside)', proc(7, 0, odooArgv), proc(1, 0, ['tini', '--', 'sleep', 'infinity']), false],
    ['Odoo as a grandchild of tini', proc(9, 7, odooArgv), proc(1, 0, ['tini', '--', 'bash']), false],
  ];
  for (const [name, odoo, pid1, expected] of cases) {
    it(name, () => assert.equal(endsContainer(odoo, pid1), expected));
  }
});
