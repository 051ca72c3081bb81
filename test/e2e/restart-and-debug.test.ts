/**
 * "Odoo: Restart and Debug" in a real workbench, with the extension installed from its .vsix:
 * a breakpoint set in a workspace addon's file stops a request that the container's Odoo
 * serves, the editor shows the stop, and after a restart the same breakpoint stops the next
 * request in the same session. The debug adapter protocol travels through the Docker API: the
 * container publishes nothing and debugpy listens on its loopback only. Stopping the debug
 * session leaves Odoo running, and the next restart runs it without debugpy.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { runCli } from '../support/cli';
import { httpIn, odooMasters, startShape, waitFor, type ProcessInfo, type ShapeContainer } from '../support/docker-bed';
import { listenersIn } from '../support/listeners';
import { packagedVsix } from './vsix';
import { endOfTest, runCommand, startWorkbench, waitForStatusBar, type Workbench } from './workbench';

const STATUS = 'odooDev.status';
/** Where the workbench runs keep their workspaces; the container sees them at /runs. */
const RUNS = join(process.env.ODOO_DEV_WORK ?? '/tmp/odoo-dev-test', 'e2e', 'runs');

const CONTROLLERS = [
  'def answer():',
  '    greeting = {"from": "the workspace"}',
  '    greeting["pid"] = __import__("os").getpid()  # the breakpoint',
  '    return greeting',
  '',
].join('\n');
const BREAKPOINT_LINE = 3;

async function master(odoo: ShapeContainer): Promise<ProcessInfo> {
  const masters = await odooMasters(odoo.container);
  assert.equal(masters.length, 1, `one Odoo server: ${JSON.stringify(masters.map((p) => p.argv))}`);
  return masters[0]!;
}

describe('Restart and Debug from the workbench, installed from the .vsix', function () {
  this.timeout(240000);
  let odoo: ShapeContainer | undefined;
  let workbench: Workbench | undefined;
  let addonsPath = '';

  before(async function () {
    const vsix = packagedVsix();
    mkdirSync(RUNS, { recursive: true });
    // Odoo is the keeper's child, so it can run under debugpy; the workspaces are bind-mounted.
    odoo = await startShape('keeper-exec', { binds: [`${RUNS}:/runs`], unlabelled: true });
    workbench = await startWorkbench({
      name: 'restart-and-debug',
      vsix,
      workspaceSettings: { 'odooDev.container': odoo.name },
      files: {
        'addons/debug_addon/__init__.py': '',
        'addons/debug_addon/__manifest__.py': "{'name': 'Debug addon', 'depends': ['base']}\n",
        'addons/debug_addon/controllers.py': CONTROLLERS,
      },
    });
    // Odoo runs as its own user in the container: the run's folder (made private) must let it in.
    chmodSync(dirname(workbench.workspace), 0o755);
    addonsPath = `/runs/${relative(RUNS, join(workbench.workspace, 'addons'))}`;
    const start = await runCli(['--container', odoo.name, 'restart', '--', '-d', 'db', `--addons-path=${addonsPath}`]);
    assert.equal(start.code, 0, start.stderr);
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

  /** A request to the addon's controller from inside the container, and whether it has been answered. */
  function request() {
    let finished = false;
    const answer = httpIn(odoo!.container, 'GET', '/standin/addon/debug_addon').then((result) => {
      finished = true;
      return result;
    });
    return { answer, isFinished: () => finished };
  }

  /** The editor line beside the stopped-line glyph, by position on the page. */
  async function stoppedLine(): Promise<number> {
    const { page } = workbench!;
    const glyph = await page.locator('.monaco-editor .codicon-debug-stackframe').first().boundingBox();
    assert.ok(glyph, 'the stopped-line glyph shows');
    const middle = glyph.y + glyph.height / 2;
    for (const number of await page.locator('.monaco-editor .line-numbers').all()) {
      const box = await number.boundingBox();
      if (box && middle >= box.y && middle <= box.y + box.height) return Number((await number.textContent())?.trim());
    }
    throw new Error('no line number beside the stopped-line glyph');
  }

  /** The request stops at the breakpoint, the editor shows where; continue lets it answer. */
  async function hitBreakpoint(shot: string): Promise<number> {
    const { page } = workbench!;
    const pending = request();
    await page.locator('.debug-call-stack', { hasText: /Paused on breakpoint/i }).first().waitFor({ timeout: 30000 });
    // The editor's stopped-line decoration, on the breakpoint's line.
    await page.locator('.monaco-editor .codicon-debug-stackframe').first().waitFor({ timeout: 10000 });
    assert.equal(await stoppedLine(), BREAKPOINT_LINE);
    await workbench!.screenshot(shot);
    assert.equal(pending.isFinished(), false, 'the request waits while its thread is stopped');
    await runCommand(page, 'Debug: Continue');
    const answer = await pending.answer;
    assert.equal(answer.status, 200, answer.body);
    await page.locator('.monaco-editor .codicon-debug-stackframe').first().waitFor({ state: 'detached', timeout: 10000 });
    return (JSON.parse(answer.body) as { pid: number }).pid;
  }

  it('stops at a breakpoint set in the editor, and again after a restart; nothing is published', async function () {
    const { page } = workbench!;
    await waitForStatusBar(page, STATUS, /^Odoo .*· db$/, 30000);
    const plain = await master(odoo!);
    assert.equal(plain.argv.includes('debugpy'), false);

    // The breakpoint, set in the editor: the file opened, the cursor on the line, Toggle Breakpoint.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill('controllers.py');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'controllers.py' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line', { hasText: 'def answer' }).first().waitFor();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget .quick-input-box input').fill(`:${BREAKPOINT_LINE}`);
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .line-numbers.active-line-number', { hasText: new RegExp(`^${BREAKPOINT_LINE}$`) }).first().waitFor();
    await runCommand(page, 'Debug: Toggle Breakpoint');
    await page.locator('.monaco-editor .codicon-debug-breakpoint, .monaco-editor .codicon-debug-breakpoint-unverified').first().waitFor();

    await runCommand(page, 'Odoo: Restart and Debug');
    await page.locator('.debug-toolbar').first().waitFor({ timeout: 60000 });
    const debugged = await waitFor('Odoo to run under debugpy', async () => {
      const now = await master(odoo!).catch(() => undefined);
      return now && now.pid !== plain.pid && now.argv.includes('debugpy') ? now : undefined;
    }, 60000);
    assert.ok(debugged.argv.includes('--workers') && debugged.argv.includes('0'), debugged.argv.join(' '));
    // Bound by the path mappings: the editor's path is the container's /runs/... path.
    await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 30000 });
    assert.equal(await hitBreakpoint('debug-stopped'), debugged.pid);

    // Nothing is published; debugpy listens on the container's loopback only.
    const info = await odoo!.container.inspect();
    assert.deepEqual(Object.keys(info.HostConfig.PortBindings ?? {}), []);
    assert.deepEqual(Object.values(info.NetworkSettings.Ports ?? {}).filter((binding) => binding !== null), []);
    const listeners = await listenersIn(odoo!.container);
    assert.deepEqual(listeners.filter((l) => l.endsWith(':5678')), ['127.0.0.1:5678'], listeners.join(', '));

    // One restart later, the same session stops at the same breakpoint in the new server.
    await runCommand(page, 'Odoo: Restart');
    const restarted = await waitFor('the restarted server', async () => {
      const now = await master(odoo!).catch(() => undefined);
      return now && now.pid !== debugged.pid && now.argv.includes('debugpy') ? now : undefined;
    }, 60000);
    await waitFor('the debugger to attach again', async () => (/attached again, with the same breakpoints/.test(workbench!.extensionLog()) ? true : undefined), 60000);
    await waitForStatusBar(page, STATUS, /^Odoo .*· db$/, 30000);
    assert.equal(await hitBreakpoint('debug-stopped-after-restart'), restarted.pid);

    // Stopping the debug session leaves Odoo running; the next restart runs it without debugpy.
    await runCommand(page, 'Debug: Disconnect');
    await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 20000 });
    assert.equal((await master(odoo!)).pid, restarted.pid, 'Odoo keeps running');
    assert.equal((await request().answer).status, 200);
    await runCommand(page, 'Odoo: Restart');
    const after = await waitFor('the server without debugpy', async () => {
      const now = await master(odoo!).catch(() => undefined);
      return now && now.pid !== restarted.pid ? now : undefined;
    }, 60000);
    assert.equal(after.argv.includes('debugpy'), false, after.argv.join(' '));
  });
});
