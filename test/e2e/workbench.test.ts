/**
 * The extension in a real VS Code workbench (code-server in Chromium), against a real Docker
 * container running the Odoo stand-in: what a person sees in the status bar while they use the
 * commands, and what really runs in the container. Needs `bash test/e2e/setup.sh`,
 * `bash test/setup/docker-bed.sh` and `node scripts/build.mjs` first.
 */
import * as assert from 'node:assert/strict';
import { DB_ARGS, execIn, odooMasters, startShape, waitFor, type ProcessInfo, type ShapeContainer } from '../support/docker-bed';
import {
  endOfTest,
  recordStatusBar,
  runCommand,
  startWorkbench,
  typeIntoInput,
  waitForPaletteCommands,
  waitForStatusBar,
  type Workbench,
} from './workbench';

const STATUS = 'odooDev.status';
/** What the palette offers while Odoo runs; Start is not among them, as only what applies is offered. */
const COMMANDS = [
  'Odoo: Restart with args',
  'Odoo: Restart',
  'Odoo: Stop',
  'Odoo: Show Logs',
  'Odoo: Select Container',
];
/** The running state names the database after a middle dot: "Odoo 17.0 · db". */
const runningOn = (database: string) => new RegExp(`^Odoo .*· ${database}$`);


async function onlyMaster(odoo: ShapeContainer): Promise<ProcessInfo> {
  const masters = await odooMasters(odoo.container);
  assert.equal(masters.length, 1, `expected one Odoo server, found ${JSON.stringify(masters.map((p) => p.argv))}`);
  return masters[0]!;
}

// One workbench session: each test starts from the state the one before left.
describe('the extension in a real workbench', function () {
  this.timeout(60000);
  let odoo: ShapeContainer | undefined;
  let workbench: Workbench | undefined;

  before(async function () {
    // The server lists both databases, so that the line typed below is a plain restart to another one.
    odoo = await startShape('keeper-exec', { odooArgs: ['-d', 'first'], env: { STANDIN_DATABASES: 'first,db' } });
    workbench = await startWorkbench({
      name: 'workbench',
      workspaceSettings: { 'odooDev.container': odoo.name },
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

  it('loads the extension under development: the palette lists its commands', async function () {
    await waitForPaletteCommands(workbench!.page, 'Odoo:', COMMANDS, 20000);
  });

  it('shows the Odoo that runs in the container, with its database', async function () {
    await waitForStatusBar(workbench!.page, STATUS, runningOn('first'), 20000);
  });

  it('restarts with the args typed into "Odoo: Restart with args"', async function () {
    const { page } = workbench!;
    const before = await onlyMaster(odoo!);
    const history = await recordStatusBar(page, STATUS);
    await runCommand(page, 'Odoo: Restart with args');
    await typeIntoInput(page, '-d db --dev=xml', { title: /^Odoo: Restart with args/ });
    // The line is checked as it is typed: the entry that Enter takes shows the new args.
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: '-d db --dev=xml' }).waitFor({ timeout: 10000 });
    await workbench!.screenshot('restart-with-args-input');
    await workbench!.picture('restart-with-args', [page.locator('.quick-input-widget')]);
    await page.keyboard.press('Enter');
    await waitForStatusBar(page, STATUS, runningOn('db'), 20000);

    // Running on "first", then restarting, then running on "db": however briefly each showed.
    const seen = await history();
    const wasRunning = seen.findIndex((text) => runningOn('first').test(text));
    const restarting = seen.findIndex((text, i) => i > wasRunning && /restarting/i.test(text));
    assert.ok(wasRunning >= 0 && restarting > wasRunning, `the status bar showed ${JSON.stringify(seen)}`);
    assert.match(seen[seen.length - 1]!, runningOn('db'));

    const after = await onlyMaster(odoo!);
    assert.notEqual(after.pid, before.pid, 'Odoo was not restarted');
    // Same interpreter and script, the typed args as separate words, the entrypoint's
    // connection options kept.
    assert.deepEqual(after.argv, [...before.argv.slice(0, 2), '-d', 'db', '--dev=xml', ...DB_ARGS]);
    assert.equal(after.uid, before.uid);
  });

  it('"Odoo: Stop" stops Odoo and the status bar says so', async function () {
    const { page } = workbench!;
    await waitForStatusBar(page, STATUS, runningOn('db'));
    await runCommand(page, 'Odoo: Stop');
    await waitForStatusBar(page, STATUS, /^Odoo stopped$/, 20000);
    assert.deepEqual(await odooMasters(odoo!.container), [], 'an Odoo server still runs');
  });

  it('notices within seconds when Odoo is killed from outside', async function () {
    const { page } = workbench!;
    await runCommand(page, 'Odoo: Start');
    await waitForStatusBar(page, STATUS, runningOn('db'), 20000);
    const { pid } = await onlyMaster(odoo!);

    // Someone else ends Odoo: a TERM from inside the container, not through the extension.
    const killed = await execIn(odoo!.container, ['python3', '-c', `import os, signal; os.kill(${pid}, signal.SIGTERM)`], {
      user: '0:0',
    });
    assert.equal(killed.exitCode, 0, killed.stderr);
    await waitFor(`Odoo ${pid} to exit`, async () => ((await odooMasters(odoo!.container)).length === 0 ? true : undefined));
    const gone = Date.now();
    await waitForStatusBar(page, STATUS, /^Odoo stopped$/, 5000);
    console.log(`      (status bar showed "stopped" ${Date.now() - gone} ms after Odoo exited)`);
  });
});
