/**
 * Where Odoo is PID 1, "Restart with args" with new args becomes a choice; choosing to make the
 * container restartable by recreating it ends with the server running the new args, in a real
 * workbench with the extension installed from its .vsix.
 */
import * as assert from 'node:assert/strict';
import { odooMasters, startShape, testDocker, waitFor, type ProcessInfo, type ShapeContainer } from '../support/docker-bed';
import { packagedVsix } from './vsix';
import {
  clearNotifications,
  clickNotificationButton,
  endOfTest,
  runCommand,
  startWorkbench,
  typeIntoInput,
  waitForNotification,
  waitForStatusBar,
  type Workbench,
} from './workbench';

const STATUS = 'odooDev.status';

describe('making a PID-1 container restartable from the workbench, installed from the .vsix', function () {
  this.timeout(180000);
  let odoo: ShapeContainer | undefined;
  let workbench: Workbench | undefined;

  before(async function () {
    const vsix = packagedVsix();
    // The official image's shape: Odoo is PID 1, started by the image's entrypoint.
    odoo = await startShape('official', { odooArgs: ['-d', 'db'] });
    workbench = await startWorkbench({
      name: 'make-restartable',
      vsix,
      workspaceSettings: { 'odooDev.container': odoo.name },
      files: { '.odoo-args': '[dev]\n-d db\n' },
    });
  });

  afterEach(async function () {
    await endOfTest(workbench, this.currentTest?.title);
  });

  after(async function () {
    try {
      await workbench?.stop();
    } finally {
      // The replacement has the same name and labels, and another ID.
      await testDocker().getContainer(odoo!.name).remove({ force: true, v: true }).catch(() => undefined);
      await odoo?.remove();
    }
  });

  it('new args on a PID-1 Odoo offer the ways out; recreating ends with the server running the new args', async function () {
    const { page } = workbench!;
    await waitForStatusBar(page, STATUS, /^Odoo .*· db$/, 30000);
    const before = await testDocker().getContainer(odoo!.name).inspect();
    assert.deepEqual((await odooMasters(odoo!.container)).map((p) => p.pid), [1], 'Odoo is PID 1 to begin with');

    await clearNotifications(page);
    await runCommand(page, 'Odoo: Restart with args');
    await typeIntoInput(page, '-d db --log-level=debug', { title: /^Odoo: Restart with args/ });
    await page.keyboard.press('Enter');
    const choice = await waitForNotification(page, /cannot be applied in place/, 30000);
    assert.match(choice, /Make Container Restartable/);
    assert.match(choice, /Restart With Same Args/);
    await page.locator('.notification-toast .monaco-button', { hasText: 'Make Container Restartable' }).first().waitFor({ state: 'visible' });
    await workbench!.screenshot('pid1-choice');
    // Nothing changed yet: the same container, Odoo still PID 1 with its args.
    assert.equal((await testDocker().getContainer(odoo!.name).inspect()).Id, before.Id);

    await clickNotificationButton(page, /cannot be applied in place/, 'Make Container Restartable');
    const way = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Recreate the Container Now' }).first();
    await way.waitFor({ timeout: 10000 });
    await workbench!.screenshot('make-restartable-ways');
    await way.click();

    // What is kept and lost is shown before anything changes; the dialog asks.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20000 });
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, /Recreate container .* with the odoo-dev keeper as PID 1\?/);
    assert.match(text, /Kept:/);
    assert.match(text, /Lost:/);
    await workbench!.screenshot('make-restartable-confirm');
    assert.equal((await testDocker().getContainer(odoo!.name).inspect()).Id, before.Id, 'nothing is recreated before the answer');
    await dialog.locator('.monaco-button', { hasText: /^Recreate Container$/ }).click();

    // The replacement runs the keeper as PID 1, and the refused args are applied in it.
    let masters: ProcessInfo[] = [];
    await waitFor('the new args to run in the replacement', async () => {
      const now = await testDocker().getContainer(odoo!.name).inspect().catch(() => undefined);
      if (!now || now.Id === before.Id || !now.State.Running) return undefined;
      masters = await odooMasters(testDocker().getContainer(now.Id)).catch(() => []);
      return masters.length === 1 && masters[0]!.argv.includes('--log-level=debug') ? true : undefined;
    }, 90000).catch((error: Error) => { throw new Error(`${error.message}; Odoo servers: ${JSON.stringify(masters.map((p) => p.argv))}`, { cause: error }); });
    const after = await testDocker().getContainer(odoo!.name).inspect();
    assert.equal(after.Config.Image, before.Config.Image);
    assert.notEqual(masters[0]!.pid, 1, 'Odoo runs as the keeper\'s child');
    assert.ok(masters[0]!.argv.includes('db'), `the database args are kept: ${masters[0]!.argv.join(' ')}`);
    await waitForStatusBar(page, STATUS, /^Odoo .*· db$/, 30000);
    await workbench!.screenshot('make-restartable-done');
  });
});
