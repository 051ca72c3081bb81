import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli';
import { DapClient } from '../support/dap-client';
import { listenersIn } from '../support/listeners';
import { execIn, httpIn, processesIn, removeTestContainers, startShape, waitFor, type ShapeContainer } from '../support/docker-bed';

/** The stand-in's `/standin/hello` handler line, found by its marker. */
const standinSource = readFileSync(path.resolve(__dirname, '../fixtures/standin/odoo/service/server.py'), 'utf8');
/** Where the stand-in's routes are in its image, as Odoo's are in dist-packages. */
const STANDIN_ROUTES = '/usr/lib/python3/dist-packages/odoo/service/server.py';
const breakpointLine = standinSource.split('\n').findIndex((line) => line.includes('# breakpoint: hello')) + 1;

async function odooMaster(shape: ShapeContainer) {
  const all = await processesIn(shape.container);
  const odoo = all.filter((p) => p.argv.includes('/usr/bin/odoo'));
  const pids = new Set(odoo.map((p) => p.pid));
  const masters = odoo.filter((p) => !pids.has(p.ppid));
  assert.equal(masters.length, 1, `expected one Odoo master, found ${JSON.stringify(masters.map((p) => p.argv))}`);
  return masters[0];
}

/** A request to the breakpoint's route from inside the container; it hangs while the thread is stopped. */
function hello(shape: ShapeContainer) {
  let finished = false;
  const answer = httpIn(shape.container, 'GET', '/standin/hello').then((result) => {
    finished = true;
    return result;
  });
  return { answer, isFinished: () => finished };
}

/** The request stops at the breakpoint: the stack's top frame is the handler's line; continue lets it answer. */
async function hitBreakpoint(client: DapClient, shape: ShapeContainer): Promise<number> {
  const from = client.mark;
  const request = hello(shape);
  const stopped = await client.event('stopped', from, 15_000);
  assert.equal(stopped.body?.reason, 'breakpoint', JSON.stringify(stopped));
  const threadId = stopped.body?.threadId as number;
  const trace = await client.request('stackTrace', { threadId, startFrame: 0, levels: 5 });
  const [top] = trace.body?.stackFrames as Array<{ name: string; line: number; source?: { path?: string } }>;
  assert.equal(top.source?.path, STANDIN_ROUTES);
  assert.equal(top.line, breakpointLine);
  assert.equal(top.name, 'route');
  assert.equal(request.isFinished(), false, 'the request must wait while its thread is stopped');
  await client.request('continue', { threadId });
  const answer = await request.answer;
  assert.equal(answer.status, 200, answer.body);
  const body = JSON.parse(answer.body) as { pid: number };
  return body.pid;
}

describe('Restart and Debug through odoo-dev debug-adapter', function () {
  this.timeout(120_000);
  let shape: ShapeContainer;
  before(async () => {
    assert.ok(breakpointLine > 0, 'the stand-in marks its breakpoint line');
    shape = await startShape('keeper-exec');
  });
  after(() => removeTestContainers());

  it('stops a request at a breakpoint, and again after a restart with new args, in the same session', async () => {
    const debugRun = await runCli(['--container', shape.name, 'restart', '--debug', '--', '-d', 'db', '--workers', '2']);
    assert.equal(debugRun.code, 0, debugRun.stderr);
    assert.match(debugRun.stderr, /under debugpy on 127\.0\.0\.1:5678 inside the container, with --workers 0/);
    const master = await odooMaster(shape);
    assert.deepEqual(master.argv.slice(1, 5), ['-m', 'debugpy', '--listen', '127.0.0.1:5678']);
    assert.ok(!master.argv.includes('2'), `prefork must be off: ${master.argv.join(' ')}`);

    const client = new DapClient(['--container', shape.name, 'debug-adapter']);
    try {
      await client.request('initialize', { clientID: 'odoo-dev-test', adapterID: 'debugpy', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      const attach = client.send('attach', { justMyCode: false });
      await client.event('initialized');
      const set = await client.request('setBreakpoints', { source: { path: STANDIN_ROUTES }, breakpoints: [{ line: breakpointLine }] });
      assert.equal((set.body?.breakpoints as Array<{ verified: boolean }>)[0]?.verified, true, JSON.stringify(set));
      await client.request('configurationDone');
      assert.equal((await client.response(attach)).success, true);

      const firstPid = await hitBreakpoint(client, shape);
      assert.equal(firstPid, master.pid);

      // A restart with new args: the debugpy of the old server goes away with it, and the
      // bridge attaches the new one with the same breakpoints, without a word from the client.
      const from = client.mark;
      const restart = await runCli(['--container', shape.name, 'restart', '--debug', '--', '-d', 'db', '--log-level=debug']);
      assert.equal(restart.code, 0, restart.stderr);
      await client.wait('the bridge to attach again', (m) => m.event === 'output' && /attached again/.test(String(m.body?.output)), from, 30_000);
      assert.equal(client.messages.slice(from).some((m) => m.event === 'terminated'), false, 'the client session must not end');
      const next = await odooMaster(shape);
      assert.notEqual(next.pid, master.pid);
      assert.ok(next.argv.includes('--log-level=debug'), next.argv.join(' '));
      assert.equal(await hitBreakpoint(client, shape), next.pid);

      await client.request('disconnect', { terminateDebuggee: false });
      assert.equal(await client.exited, 0, client.stderr);
      // Odoo goes on after the client left, and answers without stopping.
      assert.equal((await httpIn(shape.container, 'GET', '/standin/hello')).status, 200);
    } finally {
      client.kill();
    }
  });

  it('binds the debug port only on the container loopback, and publishes nothing', async () => {
    const listeners = await listenersIn(shape.container);
    const debug = listeners.filter((l) => l.endsWith(':5678'));
    assert.deepEqual(debug, ['127.0.0.1:5678'], `listeners: ${listeners.join(', ')}`);
    const info = await shape.container.inspect();
    assert.equal(info.HostConfig.NetworkMode, 'none');
    assert.deepEqual(Object.keys(info.HostConfig.PortBindings ?? {}), []);
    assert.deepEqual(Object.values(info.NetworkSettings.Ports ?? {}).filter((binding) => binding !== null), []);
  });

  it('refuses, and stops nothing, where Odoo\'s Python has no debugpy', async () => {
    const before = await odooMaster(shape);
    const hide = await execIn(shape.container, ['mv', '/usr/lib/python3/dist-packages/debugpy', '/usr/lib/python3/dist-packages/debugpy.hidden'], { user: '0:0' });
    assert.equal(hide.exitCode, 0, hide.stderr);
    try {
      const result = await runCli(['--container', shape.name, 'restart', '--debug']);
      assert.equal(result.code, 7, result.stderr);
      assert.match(result.stderr, /Odoo's Python \(\/usr\/bin\/python3\) in container \S+ has no debugpy/);
      assert.equal((await odooMaster(shape)).pid, before.pid, 'the server must not have been stopped');
    } finally {
      await execIn(shape.container, ['mv', '/usr/lib/python3/dist-packages/debugpy.hidden', '/usr/lib/python3/dist-packages/debugpy'], { user: '0:0' });
    }
  });

  it('restart --no-debug drops debugpy and its adapter, and the adapter then says what to run', async () => {
    const plain = await runCli(['--container', shape.name, 'restart', '--no-debug', '--', '-d', 'db']);
    assert.equal(plain.code, 0, plain.stderr);
    const master = await odooMaster(shape);
    assert.equal(master.argv.includes('debugpy'), false, master.argv.join(' '));
    await waitFor('the old debugpy to be gone', async () => {
      const listeners = await listenersIn(shape.container);
      return listeners.some((l) => l.endsWith(':5678')) ? undefined : true;
    });

    const client = new DapClient(['--container', shape.name, 'debug-adapter']);
    try {
      const response = await client.response(client.send('initialize', { adapterID: 'debugpy' }), 15_000);
      assert.equal(response.success, false);
      assert.match(String(response.message), /does not run under debugpy on 127\.0\.0\.1:5678/);
      assert.match(String(response.message), /odoo-dev restart --debug/);
      assert.equal(await client.exited, 1);
    } finally {
      client.kill();
    }
  });
});
