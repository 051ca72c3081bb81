import * as assert from 'node:assert/strict';
import { runCli } from '../support/cli';
import type { DapClient } from '../support/dap-client';
import { attachedClient, hitHello } from '../support/debug-session';
import { execIn, onlyOdooMaster, removeTestContainers, startShape, type ShapeContainer } from '../support/docker-bed';

/** The bridge said it attached the client again, after message index `from`. */
function attachedAgain(client: DapClient, from: number) {
  return client.wait('the bridge to attach again', (m) => m.event === 'output' && /attached again/.test(String(m.body?.output)), from, 30_000);
}

describe('Restart and Debug across Odoo\'s own re-exec', function () {
  this.timeout(120_000);
  let shape: ShapeContainer;
  afterEach(() => removeTestContainers());

  it('a HUP re-executes Odoo under debugpy again, and the same session stops at the breakpoint', async () => {
    shape = await startShape('keeper-exec');
    const debugRun = await runCli(['--container', shape.name, 'restart', '--debug', '--', '-d', 'db']);
    assert.equal(debugRun.code, 0, debugRun.stderr);
    const master = await onlyOdooMaster(shape.container);
    const client = await attachedClient(shape);
    try {
      assert.equal(await hitHello(client, shape), master.pid);

      const from = client.mark;
      const hup = await execIn(shape.container, ['bash', '-c', `kill -HUP ${master.pid}`], { user: '0:0' });
      assert.equal(hup.exitCode, 0, hup.stderr);
      await attachedAgain(client, from);
      assert.equal(client.messages.slice(from).some((m) => m.event === 'terminated'), false, 'the client session must not end');
      const after = await onlyOdooMaster(shape.container);
      assert.equal(after.pid, master.pid, 'a HUP keeps the PID');
      assert.deepEqual(after.argv.slice(1, 7), ['-m', 'debugpy', '--listen', '127.0.0.1:5678', '--configure-subProcess', 'False'], after.argv.join(' '));
      assert.equal(await hitHello(client, shape), master.pid);

      // Twice in a row: the adapter of the image before is gone each time.
      const again = client.mark;
      assert.equal((await execIn(shape.container, ['bash', '-c', `kill -HUP ${master.pid}`], { user: '0:0' })).exitCode, 0);
      await attachedAgain(client, again);
      assert.equal(await hitHello(client, shape), master.pid);
    } finally {
      client.kill();
    }
  });

  it('under --dev=reload, a saved Python file re-executes Odoo under debugpy again, and the session stops again', async () => {
    shape = await startShape('keeper-exec');
    const debugRun = await runCli(['--container', shape.name, 'restart', '--debug', '--', '-d', 'db', '--dev=reload']);
    assert.equal(debugRun.code, 0, debugRun.stderr);
    const master = await onlyOdooMaster(shape.container);
    assert.ok(master.argv.includes('--dev=reload'), master.argv.join(' '));
    const client = await attachedClient(shape);
    try {
      assert.equal(await hitHello(client, shape), master.pid);
      const from = client.mark;
      const save = await execIn(shape.container, ['bash', '-c', 'echo "VALUE = 1" >> /mnt/extra-addons/my_module/__init__.py'], { user: '101:101' });
      assert.equal(save.exitCode, 0, save.stderr);
      await attachedAgain(client, from);
      const after = await onlyOdooMaster(shape.container);
      assert.equal(after.pid, master.pid, 'the reload re-executes in place');
      assert.ok(after.argv.includes('--dev=reload') && after.argv.includes('debugpy'), after.argv.join(' '));
      assert.equal(await hitHello(client, shape), master.pid);
    } finally {
      client.kill();
    }
  });
});
