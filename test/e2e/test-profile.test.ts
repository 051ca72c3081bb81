/**
 * A test profile of the args file (`--test-enable --stop-after-init`), run from its CodeLens in
 * the installed extension (from its `.vsix`, in code-server): the run ends by itself and is
 * reported, and the development server is what runs afterwards, never the tests again; where
 * Odoo is PID 1 and the profile updates a module, the server reloads in place to load it. Needs
 * `bash test/e2e/setup.sh` and `bash test/setup/docker-bed.sh`. Screenshots:
 * test-results/e2e/test-profile/ and test-results/e2e/test-profile-pid1/.
 */
import * as assert from 'node:assert/strict';
import { onlyOdooMaster, odooMasters, processesIn, startShape, waitFor, type ShapeContainer } from '../support/docker-bed';
import { workbenchOn } from './workbench-bed';
import { clearNotifications, runCommand, waitForNotification, waitForStatusBar, type Workbench } from './workbench';

const STATUS = 'odooDev.status';
const runningOn = (database: string) => new RegExp(`^Odoo .*· ${database}$`);
const ARGS_FILE = '# The development server runs with -d db, as the container started it.\n[tests]\n-d test --test-enable --stop-after-init\n';

/** Opens the args file and clicks the CodeLens of its only profile, [tests]. */
async function runTestProfile(workbench: Workbench): Promise<void> {
  const { page } = workbench;
  await runCommand(page, 'Odoo: Edit Args');
  await page.locator('.monaco-editor[data-uri$=".odoo-args"]').first().waitFor({ timeout: 15000 });
  await page.locator('.codelens-decoration a', { hasText: 'Restart with these args' }).first().click({ timeout: 15000 });
}

/** No process of the test run is left in the container. */
async function noTestRunLeft(odoo: ShapeContainer): Promise<void> {
  await waitFor('the test run to be gone from the container', async () =>
    ((await processesIn(odoo.container)).some((p) => p.argv.includes('--test-enable')) ? undefined : true), 15000);
}

describe('a test profile of the args file, installed from the .vsix', function () {
  this.timeout(120000);
  const bed = workbenchOn(
    () => startShape('keeper-exec', { odooArgs: ['-d', 'db'], env: { STANDIN_DATABASES: 'db,test' } }),
    (odoo) => ({ name: 'test-profile', workspaceSettings: { 'odooDev.container': odoo.name }, files: { '.odoo-args': ARGS_FILE } }),
    ({ workbench }) => waitForStatusBar(workbench.page, STATUS, runningOn('db'), 30000),
  );

  it('while the dev server runs, the profile runs beside it, its result is reported, and the server keeps serving', async function () {
    const { page } = bed.workbench;
    const before = await onlyOdooMaster(bed.odoo.container);
    await runTestProfile(bed.workbench);
    const text = await waitForNotification(page, /ran once .*3 tests, none failed; the server kept running/, 30000);
    assert.match(text, new RegExp(`the server kept running \\(PID ${before.pid}\\)`));
    await bed.workbench.screenshot('test-profile-beside');
    await noTestRunLeft(bed.odoo);
    await waitForStatusBar(page, STATUS, runningOn('db'), 15000);
    const after = await onlyOdooMaster(bed.odoo.container);
    assert.equal(after.pid, before.pid, 'the dev server was restarted for a run that ends by itself');
    assert.deepEqual(after.argv, before.argv);
    await runCommand(page, 'View: Close All Editors');
  });

  it('while Odoo is stopped, the profile runs and ends, and Start then brings back the dev server, not the tests', async function () {
    const { page } = bed.workbench;
    const dev = await onlyOdooMaster(bed.odoo.container);
    await clearNotifications(page);
    await runCommand(page, 'Odoo: Stop');
    await waitForStatusBar(page, STATUS, /^Odoo stopped$/, 20000);

    await runTestProfile(bed.workbench);
    const text = await waitForNotification(page, /ran once .*3 tests, none failed; no server runs now/, 30000);
    assert.match(text, /exited with code 0/);
    await bed.workbench.screenshot('test-profile-stopped');
    await noTestRunLeft(bed.odoo);
    // A run that ended by itself is no crash and no server.
    await waitForStatusBar(page, STATUS, /^Odoo stopped$/, 15000);
    assert.deepEqual(await odooMasters(bed.odoo.container), []);

    await runCommand(page, 'Odoo: Start');
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    const back = await onlyOdooMaster(bed.odoo.container);
    assert.notEqual(back.pid, dev.pid);
    // The dev server's own command line, byte for byte: not the test profile's.
    assert.deepEqual(back.argv, dev.argv);
    await bed.workbench.screenshot('test-profile-dev-back');
    await runCommand(page, 'View: Close All Editors');
  });
});

describe('a test profile that updates a module where Odoo is PID 1, installed from the .vsix', function () {
  this.timeout(120000);
  const bed = workbenchOn(
    () => startShape('official', { odooArgs: ['-d', 'db'] }),
    (odoo) => ({
      name: 'test-profile-pid1',
      workspaceSettings: { 'odooDev.container': odoo.name },
      files: { '.odoo-args': '# The development server is PID 1, with -d db.\n[tests]\n-d db -u my_module --test-enable --stop-after-init\n' },
    }),
    ({ workbench }) => waitForStatusBar(workbench.page, STATUS, runningOn('db'), 30000),
  );

  it('runs beside PID 1, and the dev server then reloads in place with its own args to load the update', async function () {
    const { page } = bed.workbench;
    const before = await onlyOdooMaster(bed.odoo.container);
    assert.equal(before.pid, 1);
    await runTestProfile(bed.workbench);
    const text = await waitForNotification(page, /ran once .*3 tests, none failed; the server reloaded in place with SIGHUP \(PID 1\)/, 30000);
    assert.match(text, /exited with code 0/);
    await bed.workbench.screenshot('test-profile-pid1-reloaded');
    await noTestRunLeft(bed.odoo);
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    // The same PID 1, with the args it had: the profile's one-shot args applied to the run only.
    // Odoo re-executes itself as `basename(sys.executable)`, so only argv[0] may differ.
    const after = await onlyOdooMaster(bed.odoo.container);
    assert.equal(after.pid, 1);
    assert.deepEqual(after.argv.slice(1), before.argv.slice(1));
    await runCommand(page, 'View: Close All Editors');
  });
});
