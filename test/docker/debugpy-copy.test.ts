import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { runCli } from '../support/cli';
import { attachedClient, hitHello } from '../support/debug-session';
import { execIn, onlyOdooMaster, removeTestContainers, startShape, type ShapeContainer } from '../support/docker-bed';

/** The stand-in image's own debugpy (Debian's python3-debugpy): the folder the tests copy in. */
const imageDebugpy = '/usr/lib/python3/dist-packages/debugpy';
const hidden = `${imageDebugpy}.hidden`;

/** A container folder copied to the host, as a folder of the same name under `into`. */
async function copyOut(shape: ShapeContainer, from: string, into: string): Promise<string> {
  const archive = await shape.container.getArchive({ path: from });
  const tar = spawn('tar', ['-x', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const ended = new Promise<number | null>((resolve) => tar.once('close', resolve));
  await pipeline(archive, tar.stdin);
  assert.equal(await ended, 0, stderr);
  return path.join(into, path.basename(from));
}

describe('Restart and Debug in a container without debugpy: a copy from the host', function () {
  this.timeout(120_000);
  let shape: ShapeContainer;
  let hostDir: string;
  let hostDebugpy: string;
  before(async () => {
    shape = await startShape('keeper-exec');
    hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'debugpy-copy-'));
    hostDebugpy = await copyOut(shape, imageDebugpy, hostDir);
    // From here Odoo's Python has no debugpy of its own.
    const hide = await execIn(shape.container, ['mv', imageDebugpy, hidden], { user: '0:0' });
    assert.equal(hide.exitCode, 0, hide.stderr);
  });
  after(async () => {
    fs.rmSync(hostDir, { recursive: true, force: true });
    await removeTestContainers();
  });

  it('refuses a folder that is no debugpy, and stops nothing', async () => {
    const before = await onlyOdooMaster(shape.container);
    const notDebugpy = fs.mkdtempSync(path.join(hostDir, 'empty-'));
    const result = await runCli(['--container', shape.name, 'restart', '--debug', '--debugpy-from', notDebugpy]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /holds no debugpy package .*nothing was copied or stopped/);
    assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid);
    const copies = await execIn(shape.container, ['ls', '/tmp/odoo-dev/debugpy']);
    assert.notEqual(copies.exitCode, 0, `nothing may have been copied: ${copies.stdout}`);
  });

  it('without a copy, says how to give one, and stops nothing', async () => {
    const before = await onlyOdooMaster(shape.container);
    const result = await runCli(['--container', shape.name, 'restart', '--debug']);
    assert.equal(result.code, 7, result.stderr);
    assert.match(result.stderr, /has no debugpy, so nothing was stopped\. Install it there .*--debugpy-from DIR/);
    assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid);
  });

  it('copies debugpy into a folder of ours, and a breakpoint is hit; a later debug restart keeps the copy', async () => {
    const debugRun = await runCli(['--container', shape.name, 'restart', '--debug', '--debugpy-from', hostDebugpy, '--', '-d', 'db']);
    assert.equal(debugRun.code, 0, debugRun.stderr);
    const copyDir = /Copying debugpy (\S+) into (\/tmp\/odoo-dev\/debugpy\/\S+) in the container/.exec(debugRun.stderr);
    assert.ok(copyDir, debugRun.stderr);
    assert.equal(copyDir[1], '1.6.3+git20221103.a2a3328');
    const listing = await execIn(shape.container, ['ls', `${copyDir[2]}/debugpy`]);
    assert.equal(listing.exitCode, 0, listing.stderr);
    assert.match(listing.stdout, /^__main__\.py$/m);
    // The user's site-packages is left as it was: no debugpy there.
    assert.notEqual((await execIn(shape.container, ['test', '-e', imageDebugpy])).exitCode, 0);

    const master = await onlyOdooMaster(shape.container);
    assert.deepEqual(master.argv.slice(1, 5), ['-m', 'debugpy', '--listen', '127.0.0.1:5678']);
    assert.ok(master.env?.PYTHONPATH?.split(':').includes(copyDir[2]!), JSON.stringify(master.env?.PYTHONPATH));

    const client = await attachedClient(shape);
    try {
      assert.equal(await hitHello(client, shape), master.pid);

      // No --debugpy-from this time: the next debug run finds the copy on the server's PYTHONPATH.
      const from = client.mark;
      const again = await runCli(['--container', shape.name, 'restart', '--debug', '--', '-d', 'db', '--log-level=debug']);
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stderr, /Copying debugpy/);
      await client.wait('the bridge to attach again', (m) => m.event === 'output' && /attached again/.test(String(m.body?.output)), from, 30_000);
      const next = await onlyOdooMaster(shape.container);
      assert.notEqual(next.pid, master.pid);
      assert.equal(await hitHello(client, shape), next.pid);
      await client.request('disconnect', { terminateDebuggee: false });
      assert.equal(await client.exited, 0, client.stderr);
    } finally {
      client.kill();
    }

    // Without the debugger, the copy leaves the server's PYTHONPATH too.
    const plain = await runCli(['--container', shape.name, 'restart', '--no-debug', '--', '-d', 'db']);
    assert.equal(plain.code, 0, plain.stderr);
    const last = await onlyOdooMaster(shape.container);
    assert.equal(last.argv.includes('debugpy'), false, last.argv.join(' '));
    assert.equal((last.env?.PYTHONPATH ?? '').includes('/tmp/odoo-dev/debugpy'), false, JSON.stringify(last.env?.PYTHONPATH));
  });
});
