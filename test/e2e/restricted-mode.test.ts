/**
 * Restricted Mode, with the extension installed from its `.vsix` in code-server: in an untrusted
 * folder whose settings name another Docker host, another container and a start command, nothing
 * runs by itself and those settings are ignored; commands run with the user's settings; what
 * VS Code itself allows only in a trusted folder (a debug session, a test run) is not offered or
 * says that the folder must be trusted, and runs nothing. Needs `bash test/e2e/setup.sh` and
 * `bash test/setup/docker-bed.sh`. Screenshots: test-results/e2e/restricted/.
 */
import * as assert from 'node:assert/strict';
import { odooMasters, startShape, testDocker, waitFor } from '../support/docker-bed';
import { fixtureFiles, openFile } from './odoo-test-files';
import { workbenchOn } from './workbench-bed';
import { closeQuickInput, paletteTitles, runCommand, statusBarText, typeIntoInput, waitForNotification, waitForStatusBar, type Workbench } from './workbench';

const STATUS = 'odooDev.status';
const runningOn = (database: string) => new RegExp(`^Odoo .*· ${database}$`);

/** The palette, once it lists `present`, lists none of `absent`: context keys are set a moment after the state. */
async function paletteOffers(workbench: Workbench, present: readonly string[], absent: readonly string[]): Promise<string[]> {
  let listed: string[] = [];
  await waitFor(`the palette to list ${present.join(', ')} and none of ${absent.join(', ')}`, async () => {
    listed = (await paletteTitles(workbench.page, 'Odoo:', present, 15000)).filter((title) => title.startsWith('Odoo: '));
    return absent.some((title) => listed.includes(title)) ? undefined : true;
  }, 15000).catch((error: Error) => {
    throw new Error(`${error.message}; it lists ${JSON.stringify(listed)}`, { cause: error });
  });
  return listed;
}

/** The execs the container has run, from its inspect data. */
async function execsIn(id: string): Promise<string[]> {
  return (await testDocker().getContainer(id).inspect()).ExecIDs ?? [];
}

describe('Restricted Mode, installed from the .vsix', function () {
  this.timeout(120000);
  const bed = workbenchOn(
    // A keeper with no Odoo: a start runs odooDev.start.command, the workspace's if it counted.
    () => startShape('keeper'),
    (odoo) => ({
      name: 'restricted',
      untrusted: true,
      userSettings: { 'odooDev.container': odoo.name },
      workspaceSettings: {
        'odooDev.container': 'no-such-container',
        'odooDev.docker.host': 'tcp://127.0.0.1:9',
        'odooDev.start.command': ['/bin/false'],
      },
      files: { '.odoo-args': '-d db\n', ...fixtureFiles() },
    }),
  );

  it('nothing runs by itself, and the palette offers what connects but not Restart and Debug', async function () {
    const { workbench, odoo } = bed;
    const { page } = workbench;
    await waitForStatusBar(page, STATUS, /^Odoo$/, 30000);
    await page.locator(`.statusbar-item[id$="${STATUS}"] .codicon-shield`).waitFor({ timeout: 15000 });
    // The output channel's file is written a moment after the line is logged.
    await waitFor('the extension to log that it runs in Restricted Mode', async () =>
      (/activated in Restricted Mode/.test(workbench.extensionLog()) && /Restricted Mode: nothing starts by itself/.test(workbench.extensionLog()) ? true : undefined), 15000)
      .catch((error: Error) => { throw new Error(`${error.message}; the log holds:\n${workbench.extensionLog()}`, { cause: error }); });
    await workbench.screenshot('state-restricted');
    assert.deepEqual(await execsIn(odoo.id), [], 'an exec ran in the container by itself');
    await paletteOffers(workbench, ['Odoo: Restart with args', 'Odoo: Restart', 'Odoo: Show Logs', 'Odoo: Select Container'],
      ['Odoo: Restart and Debug', 'Odoo: Start', 'Odoo: Stop', 'Odoo: Start Container']);
  });

  it('a "Run Odoo test" CodeLens says the folder must be trusted, and runs nothing', async function () {
    const { workbench, odoo } = bed;
    const { page } = workbench;
    await openFile(page, 'test_my_tests.py');
    await page.locator('.codelens-decoration a', { hasText: /Run Odoo test$/ }).first().click({ timeout: 20000 });
    const text = await waitForNotification(page, /Running Odoo tests needs a trusted folder: in Restricted Mode VS Code runs no tests of the workspace\. Trust this folder, then try again\./, 15000);
    assert.match(text, /Manage Workspace Trust/);
    await workbench.screenshot('restricted-test-refused');
    // Nothing connected: the status bar still shows Restricted Mode, and the container ran no exec.
    assert.equal(await statusBarText(page, STATUS), 'Odoo');
    assert.deepEqual(await execsIn(odoo.id), [], 'the test run reached the container');
    await runCommand(page, 'View: Close All Editors');
  });

  it('commands use the user settings, not the folder\'s Docker host and start command; the menu has no Restart and Debug', async function () {
    const { workbench, odoo } = bed;
    const { page } = workbench;
    await runCommand(page, 'Odoo: Restart with args');
    await typeIntoInput(page, '-d db', { title: /^Odoo: Restart with args/ });
    await page.keyboard.press('Enter');
    // The user's container setting, the default Docker socket and `odoo` on the PATH: running.
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    const [master] = await odooMasters(odoo.container);
    assert.ok(master, 'Odoo does not run');
    assert.deepEqual(master.argv.slice(0, 2), ['/usr/bin/python3', '/usr/bin/odoo']);

    // Odoo runs and is not PID 1: in a trusted folder Restart and Debug would be offered here.
    await paletteOffers(workbench, ['Odoo: Stop', 'Odoo: Restart', 'Odoo: Run Once…'], ['Odoo: Restart and Debug', 'Odoo: Start']);
    await page.locator(`.statusbar-item[id$="${STATUS}"]`).click();
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.filter({ hasText: 'Stop' }).first().waitFor({ timeout: 5000 });
    const menu = (await rows.allTextContents()).join(' | ');
    assert.doesNotMatch(menu, /Restart and Debug/);
    assert.match(menu, /Restart with args/);
    await workbench.screenshot('restricted-menu-running');
    await closeQuickInput(page);
  });
});
