import * as assert from 'node:assert/strict';
import type { ProcessInfo, ProcessSpec } from '../../src/core/agent-protocol';
import { dapFrame, DapReader, type DapMessage } from '../../src/core/dap-messages';
import { DapSessionMemory } from '../../src/core/dap-session-memory';
import { debugEnv, debugHookDir, debugPortOf, defaultClientWaitS, plainEnv, scriptsToResolve, underDebugger, waitsForClient, withoutDebugger } from '../../src/core/debug-launch';
import { OdooDevError } from '../../src/core/errors';
import { OdooCommandLine } from '../../src/core/odoo-command-line';
import { classifyProcesses } from '../../src/core/odoo-processes';
import { planRestart, type PlanContext } from '../../src/core/restart-plan';

const env = ['PATH=/usr/bin:/bin', 'HOME=/var/lib/odoo'];
const keeperArgv = ['/bin/sh', '-c', 'trap "exit 0" 15; exec "$@"; while sleep 1 & wait $!; do :; done', '-'];
const containerLog = ['pipe:[7001]', 'pipe:[7002]'];
const defaults: ProcessSpec = { argv: ['odoo'], env, cwd: '/', uid: 0, gid: 0 };

function proc(pid: number, ppid: number, argv: readonly string[], extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return { pid, ppid, uid: 101, gid: 101, state: 'S', startTime: 5000 + pid, argv, cwd: '/var/lib/odoo', env, stdio: containerLog, ...extra };
}

function besideKeeper(argv: readonly string[]): PlanContext {
  return { processes: classifyProcesses([proc(1, 0, keeperArgv, { uid: 0, gid: 0 }), proc(40, 1, argv)]), series: '17.0', defaults };
}

function launchedArgv(context: PlanContext, request: Parameters<typeof planRestart>[0]): readonly string[] {
  const plan = planRestart(request, context);
  assert.ok(plan.kind === 'in-place' || plan.kind === 'start', `expected a relaunch, got ${plan.kind}`);
  return plan.launch.spec.argv;
}

const debugpy = ['-m', 'debugpy', '--listen', '127.0.0.1:5678', '--configure-subProcess', 'False'];

describe('Restart and Debug: the command line under debugpy', () => {
  const cases: Array<{ name: string; argv: string[]; want: string[] }> = [
    { name: 'interpreter and script', argv: ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db'], want: ['/usr/bin/python3', ...debugpy, '/usr/bin/odoo', '-d', 'db', '--workers', '0'] },
    { name: 'the script alone gets python3', argv: ['odoo', '-d', 'db'], want: ['python3', ...debugpy, 'odoo', '-d', 'db', '--workers', '0'] },
    { name: 'python -m odoo', argv: ['python3', '-m', 'odoo', '-d', 'db'], want: ['python3', ...debugpy, '-m', 'odoo', '-d', 'db', '--workers', '0'] },
    { name: 'prefork is turned off', argv: ['python3', 'odoo-bin', '--workers', '4', '--workers=2', '-d', 'db'], want: ['python3', ...debugpy, 'odoo-bin', '-d', 'db', '--workers', '0'] },
    {
      name: 'an earlier wrapper is replaced',
      argv: ['python3', '-m', 'debugpy', '--listen', '127.0.0.1:6000', '--wait-for-client', '--configure-subProcess', 'false', '/usr/bin/odoo', '--workers', '0'],
      want: ['python3', ...debugpy, '/usr/bin/odoo', '--workers', '0'],
    },
  ];
  for (const { name, argv, want } of cases) {
    it(name, () => {
      const command = OdooCommandLine.read(argv, '17.0');
      assert.ok(command);
      assert.deepEqual(underDebugger(command, { port: 5678 }).argv, want);
    });
  }

  it('reads the port of a wrapper and takes it off', () => {
    const command = OdooCommandLine.read(['python3', '-m', 'debugpy', '--listen', '127.0.0.1:6000', '/usr/bin/odoo', '-d', 'db'], '17.0');
    assert.ok(command);
    assert.equal(debugPortOf(command), 6000);
    assert.deepEqual(withoutDebugger(command).argv, ['python3', '/usr/bin/odoo', '-d', 'db']);
    assert.equal(debugPortOf(withoutDebugger(command)), undefined);
  });

  it('has a bare script found on the PATH, since debugpy reads it as a file', () => {
    assert.deepEqual(scriptsToResolve(['python3', ...debugpy, 'odoo', '-d', 'db']), [7]);
    assert.deepEqual(scriptsToResolve(['python3', ...debugpy, '/usr/bin/odoo']), []);
    assert.deepEqual(scriptsToResolve(['python3', ...debugpy, '-m', 'odoo']), []);
    assert.deepEqual(scriptsToResolve(['python3', 'odoo']), []);
  });

  it('refuses a port out of range before anything stops', () => {
    const command = OdooCommandLine.read(['python3', '/usr/bin/odoo'], '17.0');
    assert.ok(command);
    assert.throws(() => underDebugger(command, { port: 70000 }), (e: unknown) => e instanceof OdooDevError && e.code === 'invalid-args');
  });

  it('relaunches in place under debugpy, never by HUP, even with the same args', () => {
    const argv = launchedArgv(besideKeeper(['python3', '/usr/bin/odoo', '-d', 'db']), { debug: { port: 5678 } });
    assert.deepEqual(argv, ['python3', ...debugpy, '/usr/bin/odoo', '-d', 'db', '--workers', '0']);
  });

  it('without the debugger, a server under debugpy is relaunched plain, never by HUP', () => {
    const context = besideKeeper(['python3', ...debugpy, '/usr/bin/odoo', '-d', 'db', '--workers', '0']);
    assert.deepEqual(launchedArgv(context, { debug: false }), ['python3', '/usr/bin/odoo', '-d', 'db', '--workers', '0']);
    assert.deepEqual(launchedArgv(context, { args: ['-d', 'other'], debug: false }), ['python3', '/usr/bin/odoo', '-d', 'other']);
    // Without a word about the debugger the program stays as it runs.
    assert.deepEqual(launchedArgv(context, { args: ['-d', 'other'] }), ['python3', ...debugpy, '/usr/bin/odoo', '-d', 'other']);
    // Dropping a debugger that is not there is a plain restart.
    assert.equal(planRestart({ debug: false }, besideKeeper(['python3', '/usr/bin/odoo', '-d', 'db'])).kind, 'hup');
  });

  it('starts under debugpy where nothing runs', () => {
    const context: PlanContext = { processes: classifyProcesses([proc(1, 0, keeperArgv, { uid: 0, gid: 0 })]), series: '17.0', defaults };
    assert.deepEqual(launchedArgv(context, { debug: { port: 5678 } }), ['python3', ...debugpy, 'odoo', '--workers', '0']);
  });

  it('refuses where Odoo is PID 1', () => {
    const pid1: PlanContext = { processes: classifyProcesses([proc(1, 0, ['/usr/bin/python3', '/usr/bin/odoo'])]), series: '17.0', defaults };
    assert.throws(() => planRestart({ debug: { port: 5678 } }, pid1), (e: unknown) => e instanceof OdooDevError && e.code === 'pid1-refused' && /debugger/.test(e.message));
  });

  it('runs a run that ends by itself beside the server, under debugpy, waiting for a client', () => {
    const plan = planRestart({ args: ['-d', 'db', '-u', 'm', '--stop-after-init'], debug: { port: 5679, clientWaitS: 7 } }, besideKeeper(['python3', '/usr/bin/odoo', '-d', 'db']));
    assert.equal(plan.kind, 'run-beside');
    assert.ok(plan.kind === 'run-beside');
    assert.deepEqual(plan.run.program, ['python3', '-m', 'debugpy', '--listen', '127.0.0.1:5679', '--configure-subProcess', 'False', '--wait-for-client', '/usr/bin/odoo']);
    assert.ok(plan.spec.env.includes('ODOO_DEV_DEBUGPY=127.0.0.1:5679'), plan.spec.env.join(' '));
    assert.ok(plan.spec.env.includes('ODOO_DEV_DEBUGPY_WAIT=7'), plan.spec.env.join(' '));
    assert.ok(plan.spec.env.includes(`PYTHONPATH=${debugHookDir}`), plan.spec.env.join(' '));
    // Beside PID 1 too: the run is its own process, and the server is not stopped for it.
    const pid1: PlanContext = { processes: classifyProcesses([proc(1, 0, ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db'])]), series: '17.0', defaults };
    assert.equal(planRestart({ args: ['-d', 'db', '--test-enable', '--stop-after-init'], debug: { port: 5678 } }, pid1).kind, 'run-beside');
  });

  it('refuses a run beside a server whose debugpy holds the port', () => {
    const context = besideKeeper(['python3', ...debugpy, '/usr/bin/odoo', '-d', 'db', '--workers', '0']);
    assert.throws(() => planRestart({ args: ['-d', 'db', '--stop-after-init'], debug: { port: 5678 } }, context), (e: unknown) => e instanceof OdooDevError && e.code === 'invalid-args' && /--debug-port/.test(e.hint ?? ''));
    assert.equal(planRestart({ args: ['-d', 'db', '--stop-after-init'], debug: { port: 5679 } }, context).kind, 'run-beside');
    assert.throws(() => planRestart({ args: ['-d', 'db', '--stop-after-init'], debug: { port: 5678, besidePort: 5678 } }, context), /cannot listen there/);
  });

  it('puts the run beside on the free port found for it, where the server\'s debugpy holds the one asked for', () => {
    const context = besideKeeper(['python3', ...debugpy, '/usr/bin/odoo', '-d', 'db', '--workers', '0']);
    const plan = expectRunBeside(planRestart({ args: ['-d', 'db', '-u', 'm', '--stop-after-init'], debug: { port: 5678, besidePort: 40123 } }, context));
    assert.deepEqual(plan.run.program, ['python3', '-m', 'debugpy', '--listen', '127.0.0.1:40123', '--configure-subProcess', 'False', '--wait-for-client', '/usr/bin/odoo']);
    assert.ok(plan.spec.env.includes('ODOO_DEV_DEBUGPY=127.0.0.1:40123'), plan.spec.env.join(' '));
    // The server keeps its own port: the reload after the update is planned from it.
    assert.equal(plan.reload?.kind, 'hup');
    // A server not under debugpy on that port: the port asked for, the free one unused.
    const plain = expectRunBeside(planRestart({ args: ['-d', 'db', '--stop-after-init'], debug: { port: 5678, besidePort: 40123 } }, besideKeeper(['python3', '/usr/bin/odoo', '-d', 'db'])));
    assert.ok(plain.run.program.includes('127.0.0.1:5678'), plain.run.program.join(' '));
  });
});

describe('Restart and Debug: a run beside a server under debugpy, not asked to debug', () => {
  it('goes without the server\'s debugpy and its variables, so it neither takes the port nor waits', () => {
    const serverEnv = [...env, `PYTHONPATH=${debugHookDir}`, 'ODOO_DEV_DEBUGPY=127.0.0.1:5678'];
    const server = proc(40, 1, ['python3', ...debugpy, '/usr/bin/odoo', '-d', 'db', '--workers', '0'], { env: serverEnv });
    const context: PlanContext = { processes: classifyProcesses([proc(1, 0, keeperArgv, { uid: 0, gid: 0 }), server]), series: '17.0', defaults };
    const plan = expectRunBeside(planRestart({ args: ['-d', 'db', '-u', 'm', '--stop-after-init'] }, context));
    assert.deepEqual(plan.run.program, ['python3', '/usr/bin/odoo']);
    assert.deepEqual(plan.spec.env, env);
    // The server itself stays under debugpy: its reload is a HUP that keeps the wrapper.
    assert.equal(plan.reload?.kind, 'hup');
  });
});

function expectRunBeside(plan: ReturnType<typeof planRestart>): Extract<ReturnType<typeof planRestart>, { kind: 'run-beside' }> {
  assert.equal(plan.kind, 'run-beside');
  return plan as Extract<ReturnType<typeof planRestart>, { kind: 'run-beside' }>;
}

describe('Restart and Debug: which runs wait for a client', () => {
  const cases: Array<[string, string[], boolean]> = [
    ['a server', ['-d', 'db'], false],
    ['a server in dev mode', ['-d', 'db', '--dev=reload,xml'], false],
    ['--stop-after-init', ['-d', 'db', '--stop-after-init'], true],
    ['a test run', ['-d', 'db', '--test-enable', '--stop-after-init'], true],
    ['tests on a server (at-install tests run while it loads)', ['-d', 'db', '--test-tags', '/my_module'], true],
    ['an update on a server (its code runs while it loads)', ['-d', 'db', '-u', 'my_module'], true],
    ['an install', ['-d', 'db', '-i', 'my_module'], true],
    ['a translation export', ['-d', 'db', '--i18n-export', '/tmp/x.po', '--language', 'fr_FR', '--modules', 'my_module'], true],
  ];
  for (const [name, args, want] of cases) {
    it(`${name}: ${want ? 'waits' : 'does not wait'}`, () => {
      const command = OdooCommandLine.compose(['python3', '/usr/bin/odoo'], args, '17.0');
      assert.equal(waitsForClient(command), want);
      assert.equal(underDebugger(command, { port: 5678 }).program.includes('--wait-for-client'), want);
    });
  }
});

describe('Restart and Debug: the environment of a debug run', () => {
  const server = OdooCommandLine.compose(['python3', '/usr/bin/odoo'], ['-d', 'db'], '17.0');
  const debugged = underDebugger(server, { port: 5678 });

  it('puts the hook first on PYTHONPATH, names the address, and keeps the rest', () => {
    assert.deepEqual(debugEnv(['PATH=/usr/bin', 'PYTHONPATH=/opt/lib'], debugged, { port: 5678 }), [
      'PATH=/usr/bin',
      `PYTHONPATH=${debugHookDir}:/opt/lib`,
      'ODOO_DEV_DEBUGPY=127.0.0.1:5678',
    ]);
    assert.deepEqual(debugEnv(['PATH=/usr/bin'], debugged, { port: 5678 }, ['/tmp/odoo-dev/debugpy/1.8.0']), [
      'PATH=/usr/bin',
      `PYTHONPATH=${debugHookDir}:/tmp/odoo-dev/debugpy/1.8.0`,
      'ODOO_DEV_DEBUGPY=127.0.0.1:5678',
    ]);
  });

  it('bounds the wait of a run that waits, with the default or the asked time', () => {
    const ending = underDebugger(server.withArgs(['-d', 'db', '--stop-after-init']), { port: 5678 });
    assert.ok(debugEnv([], ending, { port: 5678 }).includes(`ODOO_DEV_DEBUGPY_WAIT=${defaultClientWaitS}`));
    assert.ok(debugEnv([], ending, { port: 5678, clientWaitS: 3 }).includes('ODOO_DEV_DEBUGPY_WAIT=3'));
  });

  it('turns on debugpy\'s gevent mode for Odoo\'s gevent process only, and never overrides the user\'s', () => {
    const gevent = underDebugger(OdooCommandLine.compose(['python3', '/usr/bin/odoo'], ['gevent', '-d', 'db'], '17.0'), { port: 5678 });
    assert.ok(debugEnv([], gevent, { port: 5678 }).includes('GEVENT_SUPPORT=True'));
    assert.ok(debugEnv(['GEVENT_SUPPORT=False'], gevent, { port: 5678 }).includes('GEVENT_SUPPORT=False'));
    assert.equal(debugEnv([], debugged, { port: 5678 }).some((e) => e.startsWith('GEVENT_SUPPORT=')), false);
  });

  it('is replaced by a new debug run, and taken off by a plain one', () => {
    const once = debugEnv(['PYTHONPATH=/opt/lib', 'HOME=/x'], debugged, { port: 5678 });
    const twice = debugEnv(once, debugged, { port: 6000 });
    assert.deepEqual(twice, ['HOME=/x', `PYTHONPATH=${debugHookDir}:/opt/lib`, 'ODOO_DEV_DEBUGPY=127.0.0.1:6000']);
    assert.deepEqual(plainEnv(twice), ['HOME=/x', 'PYTHONPATH=/opt/lib']);
    assert.deepEqual(plainEnv(debugEnv(['HOME=/x'], debugged, { port: 5678 }, ['/tmp/odoo-dev/debugpy/1.8.0'])), ['HOME=/x']);
  });

  it('reaches the launch: under debugpy with it, and without it once the debugger is dropped', () => {
    const context = besideKeeper(['python3', '/usr/bin/odoo', '-d', 'db']);
    const plan = planRestart({ debug: { port: 5678 } }, context);
    assert.ok(plan.kind === 'in-place');
    assert.ok(plan.launch.spec.env.includes('ODOO_DEV_DEBUGPY=127.0.0.1:5678'));
    const underIt: PlanContext = {
      processes: classifyProcesses([proc(1, 0, keeperArgv, { uid: 0, gid: 0 }), proc(40, 1, plan.launch.spec.argv, { env: plan.launch.spec.env })]),
      series: '17.0',
      defaults,
    };
    const dropped = planRestart({ debug: false }, underIt);
    assert.ok(dropped.kind === 'in-place');
    assert.deepEqual(dropped.launch.spec.env, env);
  });
});

describe('Restart and Debug: the DAP relay', () => {
  it('reads messages whatever the chunks', () => {
    const got: DapMessage[] = [];
    const reader = new DapReader((m) => got.push(m));
    const bytes = Buffer.concat([dapFrame({ seq: 1, type: 'request', command: 'initialize', arguments: { text: 'é' } }), dapFrame({ seq: 2, type: 'event', event: 'initialized' })]);
    for (let i = 0; i < bytes.length; i += 7) {
      reader.push(bytes.subarray(i, i + 7));
    }
    assert.deepEqual(got.map((m) => m.seq), [1, 2]);
    assert.equal((got[0]?.arguments as { text: string }).text, 'é');
  });

  it('remembers the session set-up with the latest breakpoints of each file, in order', () => {
    const memory = new DapSessionMemory();
    const request = (seq: number, command: string, args: Record<string, unknown> = {}): DapMessage => ({ seq, type: 'request', command, arguments: args });
    memory.observe(request(1, 'initialize', { adapterID: 'debugpy' }));
    assert.equal(memory.hasAttached, false);
    memory.observe(request(2, 'attach', { justMyCode: false }));
    memory.observe(request(3, 'setBreakpoints', { source: { path: '/a.py' }, breakpoints: [{ line: 1 }] }));
    memory.observe(request(4, 'setBreakpoints', { source: { path: '/b.py' }, breakpoints: [{ line: 2 }] }));
    memory.observe(request(5, 'setExceptionBreakpoints', { filters: [] }));
    memory.observe(request(6, 'configurationDone'));
    memory.observe(request(7, 'setBreakpoints', { source: { path: '/a.py' }, breakpoints: [{ line: 9 }] }));
    memory.observe(request(8, 'stackTrace', { threadId: 1 }));
    const replay = memory.replay();
    assert.ok(replay);
    assert.deepEqual(replay.initialize, { command: 'initialize', arguments: { adapterID: 'debugpy' } });
    assert.deepEqual(replay.attach, { command: 'attach', arguments: { justMyCode: false } });
    assert.deepEqual(replay.configuration.map((r) => [r.command, (r.arguments?.source as { path?: string } | undefined)?.path]), [
      ['setBreakpoints', '/b.py'],
      ['setExceptionBreakpoints', undefined],
      ['setBreakpoints', '/a.py'],
      ['configurationDone', undefined],
    ]);
  });
});
