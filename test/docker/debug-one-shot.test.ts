import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliPath, runCli } from '../support/cli';
import { DapClient } from '../support/dap-client';
import { attachedClient, hitHello } from '../support/debug-session';
import { listenersIn } from '../support/listeners';
import { onlyOdooMaster, processesIn, removeTestContainers, startShape, waitFor, type ShapeContainer } from '../support/docker-bed';

const testFile = '/mnt/extra-addons/my_tests/tests/test_my_tests.py';
/** `self.assertEqual(1 + 1, 2)` in test_pass. */
const testLine = 12;

/** `odoo-dev ARGS` running, its stderr as it comes, and how it ends. */
function startCli(args: readonly string[]) {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { stderr: '', stdout: '' };
  child.stderr.on('data', (chunk: Buffer) => { state.stderr += chunk.toString('utf8'); });
  child.stdout.on('data', (chunk: Buffer) => { state.stdout += chunk.toString('utf8'); });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { state, exited, kill: () => child.kill('SIGTERM') };
}

describe('Restart and Debug of runs that end by themselves', function () {
  this.timeout(120_000);
  let shape: ShapeContainer;
  before(async () => {
    shape = await startShape('keeper-exec');
  });
  after(() => removeTestContainers());

  it('a test run beside the server waits for the debugger, stops at a breakpoint in the test, then ends', async () => {
    const server = await onlyOdooMaster(shape.container);
    const run = startCli(['--container', shape.name, 'restart', '--debug', '--', '-d', 'db', '--test-enable', '--test-tags', '/my_tests:TestMyTests.test_pass', '--stop-after-init']);
    try {
      await waitFor('the run to wait for a debugger', async () => (/waits for a debugger on 127\.0\.0\.1:5678/.test(run.state.stderr) ? true : undefined), 30_000);
      assert.match(run.state.stderr, /it waits up to 120 s for a debugger before it starts/);
      const waiting = (await processesIn(shape.container)).filter((p) => p.argv.includes('--wait-for-client'));
      assert.equal(waiting.length, 1, JSON.stringify(waiting.map((p) => p.argv)));
      // Nothing of the run happened yet: it waits before Odoo starts.
      assert.doesNotMatch(run.state.stderr, /ended with exit code/);

      const client = new DapClient(['--container', shape.name, 'debug-adapter']);
      try {
        await client.request('initialize', { clientID: 'odoo-dev-test', adapterID: 'debugpy', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
        const attach = client.send('attach', { justMyCode: false });
        await client.event('initialized');
        const set = await client.request('setBreakpoints', { source: { path: testFile }, breakpoints: [{ line: testLine }] });
        assert.equal((set.body?.breakpoints as Array<{ verified: boolean }>)[0]?.verified, true, JSON.stringify(set));
        const from = client.mark;
        await client.request('configurationDone');
        assert.equal((await client.response(attach)).success, true);

        const stopped = await client.event('stopped', from, 30_000);
        assert.equal(stopped.body?.reason, 'breakpoint', JSON.stringify(stopped));
        const threadId = stopped.body?.threadId as number;
        const trace = await client.request('stackTrace', { threadId, startFrame: 0, levels: 3 });
        const [top] = trace.body?.stackFrames as Array<{ name: string; line: number; source?: { path?: string } }>;
        assert.equal(top?.source?.path, testFile);
        assert.equal(top?.line, testLine);
        assert.equal(top?.name, 'test_pass');
        await client.request('continue', { threadId });
        assert.equal(await run.exited, 0, run.state.stderr);
        assert.match(run.state.stderr, /1 tests?/);
      } finally {
        client.kill();
      }
      assert.equal((await onlyOdooMaster(shape.container)).pid, server.pid, 'the server runs on, untouched');
    } finally {
      run.kill();
    }
  });

  it('a run no debugger attaches to ends after the wait, and says so', async () => {
    const run = startCli(['--container', shape.name, 'restart', '--debug', '--debug-wait', '2', '--', '-d', 'db', '-u', 'my_module', '--stop-after-init']);
    const started = Date.now();
    try {
      const code = await run.exited;
      assert.notEqual(code, 0, run.state.stderr);
      assert.match(run.state.stderr, /it waits up to 2 s for a debugger/);
      assert.match(run.state.stderr, /ended with exit code 3 after [\d.]+ s: odoo-dev: no debugger attached to debugpy on 127\.0\.0\.1:5678 within 2 s, so this run did not start/);
      assert.ok(Date.now() - started < 60_000, 'the wait is bounded');
      assert.equal((await processesIn(shape.container)).some((p) => p.argv.includes('--wait-for-client')), false, 'nothing is left waiting');
    } finally {
      run.kill();
    }
  });
  it('a run beside a server under debugpy waits on a free port of its own, and both sessions are on at once', async () => {
    const debugRun = await runCli(['--container', shape.name, 'restart', '--debug', '--', '-d', 'db']);
    assert.equal(debugRun.code, 0, debugRun.stderr);
    const server = await onlyOdooMaster(shape.container);
    const serverSession = await attachedClient(shape);
    const run = startCli(['--container', shape.name, 'restart', '--debug', '--', '-d', 'db', '--test-enable', '--test-tags', '/my_tests:TestMyTests.test_pass', '--stop-after-init']);
    try {
      const waiting = await waitFor('the run to wait for a debugger', async () => /waits for a debugger on 127\.0\.0\.1:(\d+) in the container: attach with odoo-dev debug-adapter --debug-port (\d+)/.exec(run.state.stderr) ?? undefined, 30_000);
      const port = Number(waiting[1]);
      assert.notEqual(port, 5678, 'the server\'s debugpy holds 5678');
      assert.equal(Number(waiting[2]), port);
      assert.match(run.state.stderr, new RegExp(`under debugpy on 127\\.0\\.0\\.1:${port} inside the container`));
      // Both debugpys listen on the container's loopback only, each on its own port.
      const listeners = await waitFor('the run\'s debugpy to listen', async () => {
        const now = await listenersIn(shape.container);
        return now.some((l) => l.endsWith(`:${port}`)) ? now : undefined;
      }, 15_000);
      assert.deepEqual(listeners.filter((l) => l.endsWith(':5678') || l.endsWith(`:${port}`)).sort(), [`127.0.0.1:${port}`, '127.0.0.1:5678'].sort(), listeners.join(', '));

      const client = new DapClient(['--container', shape.name, 'debug-adapter', '--debug-port', String(port)]);
      try {
        await client.request('initialize', { clientID: 'odoo-dev-test', adapterID: 'debugpy', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
        const attach = client.send('attach', { justMyCode: false });
        await client.event('initialized');
        await client.request('setBreakpoints', { source: { path: testFile }, breakpoints: [{ line: testLine }] });
        const from = client.mark;
        await client.request('configurationDone');
        assert.equal((await client.response(attach)).success, true);
        const stopped = await client.event('stopped', from, 30_000);
        const threadId = stopped.body?.threadId as number;
        const trace = await client.request('stackTrace', { threadId, startFrame: 0, levels: 1 });
        assert.equal((trace.body?.stackFrames as Array<{ line: number }>)[0]?.line, testLine);
        // Meanwhile the server's own session still stops its requests.
        assert.equal(await hitHello(serverSession, shape), server.pid);
        await client.request('continue', { threadId });
        assert.equal(await run.exited, 0, run.state.stderr);
      } finally {
        client.kill();
      }
      assert.equal((await onlyOdooMaster(shape.container)).pid, server.pid, 'the server runs on, untouched');
      assert.equal(await hitHello(serverSession, shape), server.pid);
      await serverSession.request('disconnect', { terminateDebuggee: false });
    } finally {
      run.kill();
      serverSession.kill();
    }
  });

  it('a run once beside a server under debugpy, not asked to debug, goes without it', async () => {
    const server = await onlyOdooMaster(shape.container);
    assert.ok(server.argv.includes('debugpy'), server.argv.join(' '));
    const result = await runCli(['--container', shape.name, 'run', '--', '-d', 'db', '--test-enable', '--test-tags', '/my_tests:TestMyTests.test_pass']);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /waits for a debugger/);
    assert.match(result.stdout, /Odoo ran once \(PID \d+\) and exited with code 0 .*1 tests, none failed/);
    // The command line of the run, as printed: no debugpy in front.
    assert.match(result.stdout, /^command: \/usr\/bin\/python3 \/usr\/bin\/odoo /m);
  });
});
