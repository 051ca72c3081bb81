/**
 * The extension as a user has it: packaged with `npm run package`, installed from the `.vsix`
 * into code-server (a browser-hosted VS Code, where only a workspace extension host runs), in
 * a real workbench against real Docker containers running the Odoo stand-in. Notification
 * toasts show here (no smoke-test driver). Needs `bash test/e2e/setup.sh` and
 * `bash test/setup/docker-bed.sh`. Screenshots of each state: test-results/e2e/installed*.
 */
import * as assert from 'node:assert/strict';
import { onlyOdooMaster, execIn, startShape, testDocker, waitFor, type ShapeContainer } from '../support/docker-bed';
import { packagedVsix } from './vsix';
import {
  clearNotifications,
  clickNotificationButton,
  closeQuickInput,
  endOfTest,
  paletteTitles,
  runCommand,
  startWorkbench,
  statusBarItem,
  typeIntoInput,
  waitForNotification,
  waitForStatusBar,
  type Workbench,
} from './workbench';

const STATUS = 'odooDev.status';
const runningOn = (database: string) => new RegExp(`^Odoo .*· ${database}$`);
const ABORT = "Using the database user 'postgres' is a security risk, aborting.";

async function signal(odoo: ShapeContainer, pid: number, name: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const result = await execIn(odoo.container, ['python3', '-c', `import os, signal; os.kill(${pid}, signal.${name})`], { user: '0:0' });
  assert.equal(result.exitCode, 0, result.stderr);
}

/** The lines the output panel shows now (the panel draws only what is in view). */
async function panelLines(workbench: Workbench): Promise<string[]> {
  return workbench.page.locator('.part.panel .view-lines .view-line').allTextContents().then((lines) => lines.map((line) => line.replace(/\u00a0/g, ' ')));
}

/** The Odoo commands the palette lists now, once `present` are among them. */
async function odooCommands(workbench: Workbench, present: readonly string[]): Promise<string[]> {
  return (await paletteTitles(workbench.page, 'Odoo:', present, 15000)).filter((title) => title.startsWith('Odoo: '));
}

/** The palette, once it lists `present`, lists none of `absent`: context keys are set a moment after the state. */
async function paletteOffers(workbench: Workbench, present: readonly string[], absent: readonly string[]): Promise<string[]> {
  let listed: string[] = [];
  await waitFor(`the palette to list ${present.join(', ')} and none of ${absent.join(', ')}`, async () => {
    listed = await odooCommands(workbench, present);
    return absent.some((title) => listed.includes(title)) ? undefined : true;
  }, 15000).catch((error: Error) => {
    throw new Error(`${error.message}; it lists ${JSON.stringify(listed)}`, { cause: error });
  });
  return listed;
}

describe('the extension installed from its .vsix, in code-server', function () {
  this.timeout(120000);
  let odoo: ShapeContainer | undefined;
  let workbench: Workbench | undefined;

  before(async function () {
    const vsix = packagedVsix();
    odoo = await startShape('keeper-exec', { odooArgs: ['-d', 'db'], env: { STANDIN_DATABASES: 'dev,test' } });
    workbench = await startWorkbench({
      name: 'installed',
      vsix,
      workspaceSettings: { 'odooDev.container': odoo.name },
      files: {
        '.odoo-args': '# Profiles of this workspace\n[dev]\n-d db\n',
        'addons/workspace_module/__manifest__.py': "{'name': 'Workspace Module', 'summary': 'Only in the workspace', 'depends': ['base']}\n",
      },
    });
  });

  afterEach(async function () {
    await endOfTest(workbench, this.currentTest?.title);
  });

  after(async function () {
    try {
      await workbench?.stop();
    } finally {
      await odoo?.remove();
    }
  });

  it('runs installed in a browser-hosted VS Code: its commands are there and it shows the Odoo that runs', async function () {
    await waitForStatusBar(workbench!.page, STATUS, runningOn('db'), 30000);
    await workbench!.screenshot('state-running');
  });

  it('while Odoo runs, the palette offers Stop, Restart and Run Once, and neither Start nor Start Container', async function () {
    const listed = await paletteOffers(workbench!, ['Odoo: Stop', 'Odoo: Restart', 'Odoo: Restart with args', 'Odoo: Run Once…'], ['Odoo: Start', 'Odoo: Start Container']);
    assert.ok(listed.includes('Odoo: Show Logs'), listed.join(', '));
  });

  it('completes module names (with their summaries) and database names from the container in the args file', async function () {
    const { page } = workbench!;
    await runCommand(page, 'Odoo: Edit Args');
    const editor = page.locator('.monaco-editor[data-uri$=".odoo-args"]').first();
    await editor.waitFor({ timeout: 15000 });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n-u my_');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.editor-widget.suggest-widget');
    // The module, with its manifest's summary: from the container's addons path, not the editor's words.
    await suggest.locator('.monaco-list-row', { hasText: 'my_module' }).filter({ hasText: 'A fake addon of the Odoo stand-in' }).first().waitFor({ timeout: 20000 });
    await workbench!.screenshot('completion-modules');
    await workbench!.picture('args-completion', [page.locator('.tabs-container .tab.active'), suggest]);
    await page.keyboard.press('Escape');
    await page.keyboard.type('module -d de');
    await page.keyboard.press('Control+Space');
    await suggest.locator('.monaco-list-row', { hasText: 'dev' }).first().waitFor({ timeout: 20000 });
    await workbench!.screenshot('completion-databases');
    await page.keyboard.press('Escape');
    // A typo in a database name would create a new database: flagged with the one meant.
    await page.keyboard.type('b');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'No database "deb" on the server: Odoo would create it; did you mean "dev"?' })
      .first().waitFor({ timeout: 20000 });
    await workbench!.screenshot('diagnostic-database');
    await runCommand(page, 'View: Close All Editors');
  });

  it('a test run ends by itself beside the dev server, which keeps serving, and its result is reported', async function () {
    const { page } = workbench!;
    const before = await onlyOdooMaster(odoo!.container);
    await runCommand(page, 'Odoo: Run Once…');
    await typeIntoInput(page, '-d test --test-enable', { title: /^Odoo: Run Once/ });
    await page.keyboard.press('Enter');
    const text = await waitForNotification(page, /ran once .* tests, none failed; the server kept running/, 30000);
    assert.match(text, /3 tests, none failed/);
    await workbench!.screenshot('run-once-reported');
    assert.equal((await onlyOdooMaster(odoo!.container)).pid, before.pid, 'the dev server was restarted');
    await waitForStatusBar(page, STATUS, runningOn('db'));
  });

  it('"Restart with args": Enter on errors says why and lists each one, a "did you mean" applies from the list, and nothing restarts', async function () {
    const { page } = workbench!;
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    const before = await onlyOdooMaster(odoo!.container);
    await runCommand(page, 'Odoo: Restart with args');
    await typeIntoInput(page, '-d db --log-levl=debug --workrs=2', { title: /^Odoo: Restart with args/ });
    const input = page.locator('.quick-input-widget .quick-input-box input');
    const title = page.locator('.quick-input-widget .quick-input-title');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    // Both problems are listed under the line, each with its fix.
    await rows.filter({ hasText: 'Change to --log-level=debug: Odoo 17.0 has no option --log-levl; did you mean --log-level?' }).first().waitFor({ timeout: 10000 });
    await rows.filter({ hasText: 'Change to --workers=2: Odoo 17.0 has no option --workrs; did you mean --workers?' }).first().waitFor({ timeout: 10000 });
    await input.press('Enter');
    // Enter is refused with the reason in the title, and the input stays open.
    await waitFor('the title to say why Enter did nothing', async () => (/fix the 2 errors first$/.test((await title.textContent()) ?? '') ? true : undefined), 10000)
      .catch(async (error: Error) => { throw new Error(`${error.message}; the title reads ${JSON.stringify(await title.textContent())}`, { cause: error }); });
    await workbench!.screenshot('restart-input-errors');
    await workbench!.picture('restart-input-errors', [page.locator('.quick-input-widget')]);
    // The first problem is now the active entry: Enter applies its fix to the line.
    await input.press('Enter');
    await waitFor('the first fix in the input', async () => ((await input.inputValue()) === '-d db --log-level=debug --workrs=2' ? true : undefined), 10000)
      .catch(async (error: Error) => { throw new Error(`${error.message}; the input holds ${JSON.stringify(await input.inputValue())}`, { cause: error }); });
    await input.press('Enter');
    await waitFor('the title to say one error is left', async () => (/fix the error first$/.test((await title.textContent()) ?? '') ? true : undefined), 10000);
    await input.press('Enter');
    await waitFor('the second fix in the input', async () => ((await input.inputValue()) === '-d db --log-level=debug --workers=2' ? true : undefined), 10000)
      .catch(async (error: Error) => { throw new Error(`${error.message}; the input holds ${JSON.stringify(await input.inputValue())}`, { cause: error }); });
    await page.keyboard.press('Escape');
    assert.equal((await onlyOdooMaster(odoo!.container)).pid, before.pid, 'a line with errors restarted Odoo');
  });

  it('a crash whose last line has no newline: its reason in the notification and under its own marker, and the last working args one click away', async function () {
    const { page } = workbench!;
    await clearNotifications(page);
    await runCommand(page, 'Odoo: Restart with args');
    await typeIntoInput(page, '-d db --db_user postgres', { title: /^Odoo: Restart with args/ });
    await page.keyboard.press('Enter');
    const text = await waitForNotification(page, /security risk, aborting/, 30000);
    assert.match(text, /Odoo \(PID \d+\) exited with exit code 1, \d+\.\d s after it started: Using the database user 'postgres' is a security risk, aborting\./);
    assert.match(text, /Restart with Last Working Args/);
    await waitForStatusBar(page, STATUS, /^Odoo crashed \(1\)$/);
    // The toast slides in: its button shows once it is in place.
    await page.locator('.notification-toast .monaco-button', { hasText: 'Restart with Last Working Args' }).first().waitFor({ state: 'visible' });
    await workbench!.screenshot('state-crashed');
    await workbench!.picture('status-crashed', [statusBarItem(page, STATUS), page.locator('.notification-toast').filter({ hasText: 'security risk' })]);

    await clickNotificationButton(page, /security risk, aborting/, 'Restart with Last Working Args');
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    const master = await onlyOdooMaster(odoo!.container);
    assert.ok(master.argv.includes('odoo') && !master.argv.includes('postgres'), `started ${JSON.stringify(master.argv)}`);

    // The log view: the restart's marker, the abort line as a line of its own, then the start's marker.
    await runCommand(page, 'Odoo: Show Logs');
    // The panel draws only the lines in view: a maximized one, at its end, shows the crash and the start after it.
    const maximize = page.locator('.part.panel .action-label[aria-label="Maximize Panel"]').first();
    await maximize.click();
    await page.locator('.part.panel .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    let lines: string[] = [];
    await waitFor('the log view to show the crash and the start after it', async () => {
      lines = await panelLines(workbench!);
      const restart = lines.findIndex((line) => /^──── restart \d\d:\d\d:\d\d: -d db --db_user postgres ────$/.test(line));
      const abort = lines.findIndex((line, i) => i > restart && line === ABORT);
      const start = lines.findIndex((line, i) => i > abort && /^──── start \d\d:\d\d:\d\d ────$/.test(line));
      return restart >= 0 && abort > restart && start > abort ? true : undefined;
    }, 15000).catch((error: Error) => {
      throw new Error(`${error.message}; the panel shows:\n${lines.join('\n')}`, { cause: error });
    });
    await workbench!.screenshot('log-crash-under-its-marker');
    // The start was probed until ready; Odoo logged those requests, the view leaves them out.
    const probes = lines.filter((line) => /GET \/web\/health|version_info|\/web\/database\/list/.test(line));
    assert.deepEqual(probes, [], 'our readiness probes are in the user\'s log view');
    await page.locator('.part.panel .action-label[aria-label="Restore Panel"]').first().click();
  });

  it('after a crash, "Restart with args" offers the last working args first, not the ones that crashed', async function () {
    const { page } = workbench!;
    const { pid } = await onlyOdooMaster(odoo!.container);
    await signal(odoo!, pid, 'SIGKILL');
    await waitForStatusBar(page, STATUS, /^Odoo crashed/, 15000);
    await runCommand(page, 'Odoo: Restart with args');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await waitFor('the prefilled last working args', async () => ((await input.inputValue()) === '-d db' ? true : undefined), 10000)
      .catch(async (error: Error) => { throw new Error(`${error.message}; prefilled ${JSON.stringify(await input.inputValue())}`, { cause: error }); });
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Last working args' }).first().waitFor({ timeout: 5000 });
    await workbench!.screenshot('restart-input-last-working');
    await page.keyboard.press('Escape');
  });

  it('after a crash, the status-bar menu\'s first entry restarts with the last working args', async function () {
    const { page } = workbench!;
    await closeQuickInput(page);
    await waitForStatusBar(page, STATUS, /^Odoo crashed/, 15000);
    await page.locator(`.statusbar-item[id$="${STATUS}"]`).click();
    const first = page.locator('.quick-input-widget .monaco-list-row').first();
    await first.waitFor({ timeout: 5000 });
    let firstText = '';
    await waitFor('the status-bar menu to open', async () => {
      firstText = (await first.textContent()) ?? '';
      // An empty row is one still being drawn; the palette's rows say "recently used".
      return firstText && !/recently used|other commands/.test(firstText) ? true : undefined;
    }, 5000).catch((error: Error) => { throw new Error(`${error.message}; its first row reads ${JSON.stringify(firstText)}`, { cause: error }); });
    assert.match(firstText, /Restart with last working args/);
    await workbench!.screenshot('menu-crashed');
    await page.keyboard.press('Enter');
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    const master = await onlyOdooMaster(odoo!.container);
    assert.deepEqual(master.argv.slice(2, 4), ['-d', 'db'], `started ${JSON.stringify(master.argv)}`);
  });

  it('a server killed with SIGKILL shows as crashed, with a notification, not as a normal stop', async function () {
    const { page } = workbench!;
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    const { pid } = await onlyOdooMaster(odoo!.container);
    await signal(odoo!, pid, 'SIGKILL');
    await waitForStatusBar(page, STATUS, /^Odoo crashed$/, 15000);
    await waitForNotification(page, /crashed in container .*without shutting down/, 15000);
    await workbench!.screenshot('state-killed');
  });

  it('while Odoo is stopped, the palette offers Start and not Stop or Restart', async function () {
    const { page } = workbench!;
    await runCommand(page, 'Odoo: Start');
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    await runCommand(page, 'Odoo: Stop');
    await waitForStatusBar(page, STATUS, /^Odoo stopped$/, 20000);
    await workbench!.screenshot('state-stopped');
    await paletteOffers(workbench!, ['Odoo: Start', 'Odoo: Restart with args', 'Odoo: Run Once…'], ['Odoo: Stop', 'Odoo: Restart', 'Odoo: Start Container']);
  });

  it('a stopped container: only "Start Container" is offered, first in the menu, and it brings the container back', async function () {
    const { page } = workbench!;
    await testDocker().getContainer(odoo!.id).stop({ t: 5 });
    await waitForStatusBar(page, STATUS, /^Odoo container stopped$/, 20000);
    await workbench!.screenshot('state-container-stopped');
    await paletteOffers(workbench!, ['Odoo: Start Container'], ['Odoo: Start', 'Odoo: Stop', 'Odoo: Restart', 'Odoo: Restart with args', 'Odoo: Run Once…']);
    // The palette's listing must be gone, or its rows would be read as the menu's.
    await closeQuickInput(page);
    await page.locator(`.statusbar-item[id$="${STATUS}"]`).click();
    const first = page.locator('.quick-input-widget .monaco-list-row').first();
    await first.waitFor({ timeout: 5000 });
    let firstText = '';
    await waitFor('the status-bar menu to open', async () => {
      firstText = (await first.textContent()) ?? '';
      // An empty row is one still being drawn; the palette's rows say "recently used".
      return firstText && !/recently used|other commands/.test(firstText) ? true : undefined;
    }, 5000).catch((error: Error) => { throw new Error(`${error.message}; its first row reads ${JSON.stringify(firstText)}`, { cause: error }); });
    assert.match(firstText, /Start Container/);
    await workbench!.screenshot('menu-container-stopped');
    await page.keyboard.press('Enter');
    // The keeper comes back; Odoo, started by an exec before, does not.
    await waitForStatusBar(page, STATUS, /^Odoo stopped$/, 30000);
  });
});

describe('no container, installed from the .vsix', function () {
  this.timeout(120000);
  let workbench: Workbench | undefined;

  after(async function () {
    await workbench?.screenshot('no-container-end').catch(() => undefined);
    await workbench?.stop();
  });

  it('the palette offers Select Container and Show Logs, and nothing that needs a container', async function () {
    workbench = await startWorkbench({
      name: 'installed-no-container',
      vsix: packagedVsix(),
      workspaceSettings: { 'odooDev.container': 'odoo-dev-test-no-such-container' },
      files: { '.odoo-args': '-d db\n' },
    });
    await waitForStatusBar(workbench.page, STATUS, /^Odoo: no container$/, 30000);
    await workbench.screenshot('state-no-container');
    await paletteOffers(workbench, ['Odoo: Select Container', 'Odoo: Show Logs'],
      ['Odoo: Start', 'Odoo: Stop', 'Odoo: Restart', 'Odoo: Restart with args', 'Odoo: Run Once…', 'Odoo: Start Container', 'Odoo: Make Container Restartable']);
  });
});
