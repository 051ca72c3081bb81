/**
 * What the installed extension (from its `.vsix`, in code-server) offers and shows in states the
 * other workbench tests do not reach: Odoo as PID 1, a restart under way, a server that has run
 * for a minute, and a start refused before it began. Needs `bash test/e2e/setup.sh` and
 * `bash test/setup/docker-bed.sh`. Screenshots: test-results/e2e/applicable-*.
 */
import * as assert from 'node:assert/strict';
import { KEEPER_NAME, OLDER_KEEPER_SCRIPT } from '../../src/core/restartable-keeper';
import { execIn, onlyOdooMaster, startShape, waitFor } from '../support/docker-bed';
import { workbenchOn } from './workbench-bed';
import {
  closeQuickInput,
  hoverShowing,
  paletteTitles,
  runCommand,
  statusBarItem,
  statusBarText,
  typeIntoInput,
  waitForNotification,
  waitForStatusBar,
  type Workbench,
} from './workbench';

const STATUS = 'odooDev.status';
const runningOn = (database: string) => new RegExp(`^Odoo .*· ${database}$`);
/** Every command that acts on Odoo or its container. */
const acting = ['Odoo: Start', 'Odoo: Stop', 'Odoo: Restart', 'Odoo: Restart with args', 'Odoo: Run Once…', 'Odoo: Restart and Debug', 'Odoo: Start Container', 'Odoo: Make Container Restartable', 'Odoo: Update Changed Modules'];

/** The palette, once it lists `present`, lists none of `absent`: context keys are set a moment after the state. */
async function paletteOffers(workbench: Workbench, present: readonly string[], absent: readonly string[], timeoutMs = 15000): Promise<string[]> {
  let listed: string[] = [];
  await waitFor(`the palette to list ${present.join(', ')} and none of ${absent.join(', ')}`, async () => {
    listed = (await paletteTitles(workbench.page, 'Odoo:', present, timeoutMs)).filter((title) => title.startsWith('Odoo: '));
    return absent.some((title) => listed.includes(title)) ? undefined : true;
  }, timeoutMs).catch((error: Error) => {
    throw new Error(`${error.message}; it lists ${JSON.stringify(listed)}`, { cause: error });
  });
  return listed;
}

/** The status-bar item's tooltip, as its hover shows it now. */
async function tooltipText(workbench: Workbench): Promise<string> {
  const hover = await hoverShowing(workbench.page, statusBarItem(workbench.page, STATUS), 'PID');
  return ((await hover.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

describe('the palette where Odoo is PID 1, installed from the .vsix', function () {
  this.timeout(120000);
  const bed = workbenchOn(
    () => startShape('official', { odooArgs: ['-d', 'db'] }),
    (odoo) => ({ name: 'applicable-pid1', workspaceSettings: { 'odooDev.container': odoo.name }, files: { '.odoo-args': '-d db\n' } }),
  );

  it('offers Restart, Restart with args and Make Container Restartable, and neither Stop nor Restart and Debug', async function () {
    await waitForStatusBar(bed.workbench.page, STATUS, runningOn('db'), 30000);
    await bed.workbench.screenshot('state-running-pid1');
    await paletteOffers(bed.workbench, ['Odoo: Restart', 'Odoo: Restart with args', 'Odoo: Run Once…', 'Odoo: Make Container Restartable'],
      ['Odoo: Stop', 'Odoo: Restart and Debug', 'Odoo: Start', 'Odoo: Start Container']);
    await bed.workbench.screenshot('palette-pid1');
  });
});

describe('a container made restartable by an older keeper, installed from the .vsix', function () {
  this.timeout(120000);
  const bed = workbenchOn(
    () => startShape('keeper', { entrypoint: ['/bin/sh', '-c', OLDER_KEEPER_SCRIPT, KEEPER_NAME, '/entrypoint.sh'], cmd: ['odoo', '-d', 'db'], wait: true }),
    (odoo) => ({ name: 'applicable-older-keeper', workspaceSettings: { 'odooDev.container': odoo.name }, files: { '.odoo-args': '-d db\n' } }),
  );

  it('says so in the tooltip, and offers Make Container Restartable beside Stop to put in the current keeper', async function () {
    await waitForStatusBar(bed.workbench.page, STATUS, runningOn('db'), 30000);
    assert.match(await tooltipText(bed.workbench), /Its keeper is an older one: the first restart after each container start stops the server first/);
    await paletteOffers(bed.workbench, ['Odoo: Restart', 'Odoo: Restart with args', 'Odoo: Stop', 'Odoo: Make Container Restartable'], ['Odoo: Start', 'Odoo: Start Container']);
    await closeQuickInput(bed.workbench.page);
  });
});

describe('a busy restart, the uptime and a refused start, installed from the .vsix', function () {
  this.timeout(180000);
  const bed = workbenchOn(
    // Each graceful stop takes 8 s: long enough to look at the palette while a restart runs.
    () => startShape('keeper-exec', { odooArgs: ['-d', 'db'], env: { STANDIN_STOP_DELAY: '8' } }),
    (odoo) => ({ name: 'applicable-busy', workspaceSettings: { 'odooDev.container': odoo.name }, files: { '.odoo-args': '-d db\n' } }),
    ({ workbench }) => waitForStatusBar(workbench.page, STATUS, runningOn('db'), 30000),
  );

  it('while a restart runs, the palette offers nothing that acts on Odoo, and all of it again once it is done', async function () {
    const { page } = bed.workbench;
    await runCommand(page, 'Odoo: Restart');
    await waitForStatusBar(page, STATUS, /^Odoo restarting$/, 10000);
    await paletteOffers(bed.workbench, ['Odoo: Show Logs', 'Odoo: Edit Args'], acting, 6000);
    // The palette was read while the restart still ran, not after it.
    assert.equal(await statusBarText(page, STATUS), 'Odoo restarting');
    await bed.workbench.screenshot('palette-busy');
    await closeQuickInput(page);
    // The README's picture of a restart under way: the progress toast with it where it shows
    // in time (on a loaded machine the workbench may draw it late), else the status bar alone.
    const progress = page.locator('.notification-toast').filter({ hasText: 'Odoo: restarting' });
    const toast = await progress.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
    await bed.workbench.picture('status-restarting', toast ? [statusBarItem(page, STATUS), progress] : [statusBarItem(page, STATUS)]);
    // The picture shows the restart under way only if it still ran once the picture was taken.
    assert.equal(await statusBarText(page, STATUS), 'Odoo restarting');
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    await paletteOffers(bed.workbench, ['Odoo: Restart', 'Odoo: Stop', 'Odoo: Restart with args'], ['Odoo: Start']);
    await closeQuickInput(page);
  });

  it('the tooltip\'s uptime counts on by itself: under a minute after the restart, then 1 min', async function () {
    await waitForStatusBar(bed.workbench.page, STATUS, runningOn('db'), 30000);
    assert.match(await tooltipText(bed.workbench), /up under a minute/);
    let text = '';
    // The server was seen starting in the previous test, so its first minute ends within 60 s.
    await waitFor('the tooltip to say "up 1 min"', async () => {
      text = await tooltipText(bed.workbench);
      return /up 1 min/.test(text) ? true : undefined;
    }, 75000).catch((error: Error) => { throw new Error(`${error.message}; it says ${JSON.stringify(text)}`, { cause: error }); });
    await bed.workbench.screenshot('tooltip-uptime');
    await bed.workbench.picture('status-running', [statusBarItem(bed.workbench.page, STATUS), bed.workbench.page.locator('.monaco-hover, .workbench-hover', { hasText: 'PID' }).first()]);
    await bed.workbench.page.mouse.move(0, 0);
  });

  it('a start refused before it began (an addons path gone since the server stopped) writes no "start" marker in the log view', async function () {
    const { page } = bed.workbench;
    const made = await execIn(bed.odoo.container, ['sh', '-c', 'mkdir -p /tmp/extra/x_mod && touch /tmp/extra/x_mod/__init__.py && echo "{}" > /tmp/extra/x_mod/__manifest__.py && chmod -R a+rwX /tmp/extra'], { user: '0:0' });
    assert.equal(made.exitCode, 0, made.stderr);
    await runCommand(page, 'Odoo: Restart with args');
    await typeIntoInput(page, '-d db --addons-path=/tmp/extra,/mnt/extra-addons', { title: /^Odoo: Restart with args/ });
    await page.keyboard.press('Enter');
    await waitFor('Odoo to run with the extra addons path', async () => {
      const master = await onlyOdooMaster(bed.odoo.container).catch(() => undefined);
      return master?.argv.includes('--addons-path=/tmp/extra,/mnt/extra-addons') ? true : undefined;
    }, 30000);
    await waitForStatusBar(page, STATUS, runningOn('db'), 30000);
    await runCommand(page, 'Odoo: Stop');
    await waitForStatusBar(page, STATUS, /^Odoo stopped$/, 30000);
    const removed = await execIn(bed.odoo.container, ['rm', '-rf', '/tmp/extra'], { user: '0:0' });
    assert.equal(removed.exitCode, 0, removed.stderr);

    await runCommand(page, 'Odoo: Start');
    await waitForNotification(page, /\/tmp\/extra/, 30000);
    await bed.workbench.screenshot('start-refused');
    await waitForStatusBar(page, STATUS, /^Odoo stopped$/, 10000);
    const bench = bed.workbench;
    // The log view has the stop's marker; the refused start must add none after it.
    let log = '';
    await waitFor('the stop marker in the log view', async () => {
      log = bench.channelLog('Odoo');
      return /──── stop \d\d:\d\d:\d\d ────/.test(log) ? true : undefined;
    }, 10000).catch((error: Error) => { throw new Error(`${error.message}; it holds:\n${log}`, { cause: error }); });
    const afterStop = log.slice(log.lastIndexOf('──── stop '));
    assert.doesNotMatch(afterStop, /──── start /, `a marker of a start that never began:\n${afterStop}`);
  });
});
