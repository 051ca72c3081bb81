/**
 * The status-bar states that the other workbench tests do not reach, with the extension installed
 * from its `.vsix` in code-server: a server not ready within the ready timeout, and Docker that
 * cannot be reached. Each state is kept as a screenshot and a picture. Needs
 * `bash test/e2e/setup.sh` and `bash test/setup/docker-bed.sh`. Screenshots:
 * test-results/e2e/states-*.
 */
import * as assert from 'node:assert/strict';
import { onlyOdooMaster, startShape } from '../support/docker-bed';
import { packagedVsix } from './vsix';
import { workbenchOn } from './workbench-bed';
import { hoverShowing, runCommand, startWorkbench, statusBarItem, waitForNotification, waitForStatusBar, type Workbench } from './workbench';

const STATUS = 'odooDev.status';
const runningOn = (database: string) => new RegExp(`^Odoo .*· ${database}$`);

describe('a server not ready in time, installed from the .vsix', function () {
  this.timeout(120000);
  const bed = workbenchOn(
    // Each start loads the database for 8 s, and the extension waits 2 s for ready.
    () => startShape('keeper-exec', { odooArgs: ['-d', 'db'], env: { STANDIN_REGISTRY_DELAY: '8' } }),
    (odoo) => ({
      name: 'states-not-ready',
      workspaceSettings: { 'odooDev.container': odoo.name, 'odooDev.restart.readyTimeout': 2 },
      files: { '.odoo-args': '-d db\n' },
    }),
    ({ workbench }) => waitForStatusBar(workbench.page, STATUS, runningOn('db'), 40000),
  );

  it('shows "not ready" with the reason and the setting to raise, then running once the server is ready', async function () {
    const { page } = bed.workbench;
    const before = await onlyOdooMaster(bed.odoo.container);
    await runCommand(page, 'Odoo: Restart');
    const text = await waitForNotification(page, /is running but not ready: the database registry did not finish loading/, 20000);
    assert.match(text, /odooDev\.restart\.readyTimeout/);
    await waitForStatusBar(page, STATUS, /^Odoo not ready$/, 5000);
    await bed.workbench.screenshot('state-not-ready');
    await bed.workbench.picture('status-not-ready', [statusBarItem(page, STATUS), page.locator('.notification-toast').filter({ hasText: 'not ready' })]);
    // Not ready is not dead: the server goes on loading and is shown running once it answers.
    await waitForStatusBar(page, STATUS, runningOn('db'), 20000);
    const after = await onlyOdooMaster(bed.odoo.container);
    assert.notEqual(after.pid, before.pid, 'Odoo was not restarted');
  });
});

describe('Docker unavailable, installed from the .vsix', function () {
  this.timeout(120000);
  let workbench: Workbench | undefined;

  after(async function () {
    await workbench?.screenshot('docker-unavailable-end').catch(() => undefined);
    await workbench?.stop();
  });

  it('shows "Docker unavailable" on the error background, and the tooltip names the endpoint it tried', async function () {
    workbench = await startWorkbench({
      name: 'states-docker-unavailable',
      vsix: packagedVsix(),
      // Nothing listens on port 9 of the loopback.
      workspaceSettings: { 'odooDev.docker.host': 'tcp://127.0.0.1:9', 'odooDev.container': 'odoo' },
      files: { '.odoo-args': '-d db\n' },
    });
    const { page } = workbench;
    await waitForStatusBar(page, STATUS, /^Odoo: Docker unavailable$/, 30000);
    await page.locator(`.statusbar-item.error-kind[id$="${STATUS}"]`).waitFor({ timeout: 5000 });
    const hover = await hoverShowing(page, statusBarItem(page, STATUS), 'Docker is unavailable', 15000);
    assert.match((await hover.textContent()) ?? '', /127\.0\.0\.1:9/);
    await workbench.screenshot('state-docker-unavailable');
    await workbench.picture('status-docker-unavailable', [statusBarItem(page, STATUS), hover]);
  });
});
