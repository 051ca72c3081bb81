/**
 * "Odoo: Restart and Debug" in a container whose Python has no debugpy, in a real workbench
 * with the extension installed from its .vsix: without the Python Debugger extension the editor
 * offers to install it and stops nothing; with it, the editor offers to copy its bundled
 * debugpy into a folder of ours in the container, and only after a yes copies it, runs Odoo
 * under it and attaches. While that session is on, a Run Once waits for a debugger on a port of
 * its own, and the editor attaches to it by itself, in a session that ends with the run.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execIn, onlyOdooMaster, startShape, waitFor, type ShapeContainer } from '../support/docker-bed';
import { pythonDebuggerStandinVsix } from './python-debugger-standin';
import { workbenchOn } from './workbench-bed';
import { clickNotificationButton, runCommand, typeIntoInput, waitForNotification, waitForStatusBar } from './workbench';

const STATUS = 'odooDev.status';
const imageDebugpy = '/usr/lib/python3/dist-packages/debugpy';

/** A stand-in container running Odoo as the keeper's child, with its own debugpy moved away. */
async function containerWithoutDebugpy(): Promise<ShapeContainer> {
  const odoo = await startShape('keeper-exec', { odooArgs: ['-d', 'db'] });
  const hide = await execIn(odoo.container, ['mv', imageDebugpy, `${imageDebugpy}.hidden`], { user: '0:0' });
  assert.equal(hide.exitCode, 0, hide.stderr);
  return odoo;
}

/** The stand-in image's debugpy (Debian's python3-debugpy), copied out to a host folder. */
async function imageDebugpyOnHost(): Promise<{ dir: string; remove: () => void }> {
  const odoo = await startShape('keeper-exec');
  const into = mkdtempSync(join(tmpdir(), 'image-debugpy-'));
  try {
    const archive = await odoo.container.getArchive({ path: imageDebugpy });
    const tar = spawn('tar', ['-x', '-C', into], { stdio: ['pipe', 'ignore', 'inherit'] });
    const ended = new Promise<number | null>((resolve) => tar.once('close', resolve));
    await pipeline(archive, tar.stdin);
    assert.equal(await ended, 0);
  } finally {
    await odoo.remove();
  }
  return { dir: join(into, 'debugpy'), remove: () => rmSync(into, { recursive: true, force: true }) };
}

/** Established TCP connections to `port` on the container's loopback, read from /proc/net/tcp. */
async function connectionsTo(odoo: ShapeContainer, port: number): Promise<number> {
  const script = `n = 0
for row in open('/proc/net/tcp').read().splitlines()[1:]:
    f = row.split()
    if f[3] == '01' and int(f[2].split(':')[1], 16) == ${port}:
        n += 1
print(n)`;
  const result = await execIn(odoo.container, ['python3', '-c', script], { user: '0:0' });
  assert.equal(result.exitCode, 0, result.stderr);
  return Number(result.stdout.trim());
}

describe('Restart and Debug without debugpy in the container, without the Python Debugger extension', function () {
  this.timeout(240000);
  const bed = workbenchOn(containerWithoutDebugpy, (odoo) => ({
    name: 'debugpy-offer-no-extension',
    workspaceSettings: { 'odooDev.container': odoo.name },
  }));

  it('offers to install the extension, stops nothing, and says why the install failed', async function () {
    const { page } = bed.workbench;
    await waitForStatusBar(page, STATUS, /^Odoo .*· db$/, 30000);
    const before = await onlyOdooMaster(bed.odoo.container);
    await runCommand(page, 'Odoo: Restart and Debug');
    const offer = /has no debugpy, and the Python Debugger extension \(ms-python\.debugpy\).* is not installed\. Install it, then copy its debugpy\?/;
    await waitForNotification(page, offer, 30000);
    await bed.workbench.screenshot('offer-extension');
    assert.equal((await onlyOdooMaster(bed.odoo.container)).pid, before.pid, 'nothing may stop before the answer');
    // This machine reaches no extension gallery: the install fails, and says so.
    await clickNotificationButton(page, offer, 'Install Python Debugger');
    await waitForNotification(page, /Installing the Python Debugger extension \(ms-python\.debugpy\) failed .*nothing was copied or stopped/, 60000);
    assert.equal((await onlyOdooMaster(bed.odoo.container)).pid, before.pid, 'Odoo keeps running as it was');
    const copies = await execIn(bed.odoo.container, ['ls', '/tmp/odoo-dev/debugpy']);
    assert.notEqual(copies.exitCode, 0, `nothing may have been copied: ${copies.stdout}`);
  });
});

describe('Restart and Debug without debugpy in the container, with the Python Debugger extension', function () {
  this.timeout(300000);
  let hostDebugpy: { dir: string; remove: () => void } | undefined;
  let otherVsix: string[] = [];
  before(async function () {
    hostDebugpy = await imageDebugpyOnHost();
    otherVsix = [pythonDebuggerStandinVsix(hostDebugpy.dir)];
  });
  after(() => hostDebugpy?.remove());
  const bed = workbenchOn(containerWithoutDebugpy, (odoo) => ({
    name: 'debugpy-offer-copy',
    workspaceSettings: { 'odooDev.container': odoo.name },
    otherVsix,
  }));

  it('copies the extension\'s debugpy after a yes, runs Odoo under it, and attaches', async function () {
    const { page } = bed.workbench;
    await waitForStatusBar(page, STATUS, /^Odoo .*· db$/, 30000);
    const before = await onlyOdooMaster(bed.odoo.container);
    await runCommand(page, 'Odoo: Restart and Debug');
    const offer = /has no debugpy\. Copy debugpy 1\.6\.3\S* of the Python Debugger extension into \/tmp\/odoo-dev\/debugpy\/1\.6\.3\S* there, for debug runs only/;
    await waitForNotification(page, offer, 30000);
    await bed.workbench.screenshot('offer-copy');
    assert.equal((await onlyOdooMaster(bed.odoo.container)).pid, before.pid, 'nothing may stop before the answer');
    await clickNotificationButton(page, offer, 'Copy and Debug');

    await page.locator('.debug-toolbar').first().waitFor({ timeout: 60000 });
    const debugged = await waitFor('Odoo to run under the copied debugpy', async () => {
      const now = await onlyOdooMaster(bed.odoo.container).catch(() => undefined);
      return now && now.pid !== before.pid && now.argv.includes('debugpy') ? now : undefined;
    }, 60000);
    const copy = (debugged.env?.PYTHONPATH ?? '').split(':').find((dir) => dir.startsWith('/tmp/odoo-dev/debugpy/'));
    assert.ok(copy, `the copy is on the server's PYTHONPATH: ${debugged.env?.PYTHONPATH}`);
    assert.equal((await execIn(bed.odoo.container, ['test', '-f', `${copy}/debugpy/__main__.py`])).exitCode, 0);
    assert.notEqual((await execIn(bed.odoo.container, ['test', '-e', imageDebugpy])).exitCode, 0, 'site-packages stay as they were');
    // The session reached the copied debugpy: the relay holds a connection to its port, and the
    // editor's session runs (the Docker test of the copy walks a whole DAP conversation).
    await waitFor('the relay to be connected to debugpy', async () => ((await connectionsTo(bed.odoo, 5678)) > 0 ? true : undefined), 30000);
    assert.match(bed.workbench.extensionLog(), /relaying the debug adapter protocol to 127\.0\.0\.1:5678 in container/);
    await runCommand(page, 'View: Show Run and Debug');
    await bed.workbench.screenshot('attached-to-copy');
  });

  it('a Run Once while the session is on waits on a port of its own, and the editor attaches to it by itself', async function () {
    const { page } = bed.workbench;
    const server = await onlyOdooMaster(bed.odoo.container);
    assert.ok(server.argv.includes('127.0.0.1:5678'), server.argv.join(' '));
    await runCommand(page, 'Odoo: Run Once…');
    await typeIntoInput(page, '-d db --test-enable --test-tags /my_tests:TestMyTests.test_pass', { title: /^Odoo: Run Once/ });
    await page.keyboard.press('Enter');
    const port = await waitFor('the run to wait for a debugger on a port of its own', async () => {
      const match = /waits for a debugger on 127\.0\.0\.1:(\d+) in the container/.exec(bed.workbench.extensionLog());
      return match && match[1] !== '5678' ? match[1] : undefined;
    }, 60000);
    // Nobody answers for the editor: it attaches by itself, the run goes on and ends.
    const text = await waitForNotification(page, /ran once .* tests, none failed; the server kept running/, 90000);
    assert.match(text, /1 tests, none failed/);
    assert.match(bed.workbench.extensionLog(), new RegExp(`A run waits for a debugger on port ${port} in the container: attaching`));
    assert.match(bed.workbench.extensionLog(), new RegExp(`relaying the debug adapter protocol to 127\\.0\\.0\\.1:${port} in container`));
    assert.equal((await onlyOdooMaster(bed.odoo.container)).pid, server.pid, 'the server runs on, untouched');
    // The run's session ended with the run; the server's goes on.
    await runCommand(page, 'View: Show Run and Debug');
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'Odoo: Attach to the run' }).first().waitFor({ state: 'detached', timeout: 30000 });
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'Odoo: Attach in the container' }).first().waitFor({ timeout: 10000 });
    await page.locator('.debug-toolbar').first().waitFor({ timeout: 10000 });
    await bed.workbench.screenshot('run-session-ended');
  });
});
