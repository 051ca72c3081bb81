/**
 * Odoo's tests in a real VS Code workbench (code-server in Chromium) against a real container
 * running the Odoo stand-in as PID 1: the Testing view lists the fixture addon's tests, a run
 * marks each of them, a failure shows its message at the failing line of the workspace's file,
 * and Cancel stops the run in the container. Needs `bash test/e2e/setup.sh`,
 * `bash test/setup/docker-bed.sh` and a build.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { isAnswering, logsOf, processesIn, startShape, waitFor, type ShapeContainer } from '../support/docker-bed';
import {
  endOfTest,
  runCommand,
  startWorkbench,
  waitForStatusBar,
  type Workbench,
} from './workbench';
import { fixtureFiles, openFile } from './odoo-test-files';

// The callbacks given to page.evaluate run in the browser; the project's types have no DOM.
interface PageElement {
  readonly textContent: string | null;
  readonly style: { top: string; height: string };
}
declare const document: { querySelectorAll(selector: string): ArrayLike<PageElement> };

/** The Odoo server masters of the container (runs beside them left out). */
async function serverPids(odoo: ShapeContainer): Promise<number[]> {
  const all = (await processesIn(odoo.container)).filter((p) => p.argv.includes('/usr/bin/odoo') && !p.argv.includes('--stop-after-init'));
  const pids = new Set(all.map((p) => p.pid));
  return all.filter((p) => !pids.has(p.ppid)).map((p) => p.pid);
}

const rows = (page: Page) => page.locator('.test-explorer .monaco-list-row');

/**
 * The Testing view's rows as "name (state)", the state read from the row's icon as VS Code
 * draws it (`testing-failed-icon`: "failed"; the spinner of a running test: "loading").
 */
function rowLabels(page: Page): Promise<string[]> {
  return rows(page).evaluateAll((items) => items.map((item) => {
    const row = item as unknown as { querySelector(selector: string): { textContent: string | null; className: string } | null };
    const label = row.querySelector('.label');
    const description = row.querySelector('.test-label-description')?.textContent ?? '';
    const name = (label?.textContent ?? '').slice(0, (label?.textContent ?? '').length - description.length).trim();
    const icon = /codicon-testing-([\w-]+?)-icon|codicon-(loading)/.exec(row.querySelector('.computed-state')?.className ?? '');
    return `${name} (${icon ? icon[1] ?? icon[2] : 'unset'})`;
  }));
}

/** Waits until every pattern matches a row's label; says what the rows showed when it does not. */
async function waitForRows(page: Page, patterns: readonly RegExp[], timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const labels = await rowLabels(page);
    if (patterns.every((pattern) => labels.some((label) => pattern.test(label)))) return labels;
    if (Date.now() >= deadline) throw new Error(`the Testing view does not show ${patterns.filter((p) => !labels.some((l) => p.test(l))).join(', ')}; it shows: ${labels.join(' | ')}`);
    // The view re-renders as results come: wait for its next change, or a moment at most.
    await page.locator('.test-explorer').evaluate((view) => new Promise((resolve) => {
      const observer = new (globalThis as unknown as { MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, boolean>): void; disconnect(): void } }).MutationObserver(() => {
        observer.disconnect();
        resolve(undefined);
      });
      observer.observe(view, { subtree: true, childList: true, attributes: true, characterData: true });
      setTimeout(() => { observer.disconnect(); resolve(undefined); }, 1000);
    }));
  }
}

/** Expands every row of the Testing view, one level at a time. */
async function expandAll(page: Page): Promise<void> {
  const collapsed = page.locator('.test-explorer .monaco-list-row[aria-expanded="false"]');
  for (let count = await collapsed.count(); count > 0; count = await collapsed.count()) {
    const before = await rows(page).count();
    await collapsed.first().locator('.monaco-tl-twistie').click();
    await waitFor('the row to expand', async () => ((await rows(page).count()) > before ? true : undefined), 10_000);
  }
}

describe('Odoo tests in a real workbench', function () {
  this.timeout(120_000);
  let odoo: ShapeContainer | undefined;
  let workbench: Workbench | undefined;

  before(async function () {
    odoo = await startShape('official', { odooArgs: ['-d', 'db'] });
    workbench = await startWorkbench({ name: 'odoo-tests', workspaceSettings: { 'odooDev.container': odoo.name }, files: fixtureFiles() });
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

  it('the Testing view lists the fixture addon: its module, test files, classes with their tags, and methods', async function () {
    const { page } = workbench!;
    // The Testing view shows once the extension has made its test controller, a moment after the workbench.
    await runCommand(page, 'View: Show Testing', 30_000);
    await waitForRows(page, [/^my_tests \(unset\)/]);
    await expandAll(page);
    const labels = (await rowLabels(page)).map((label) => label.replace(/ \([\w-]+\)$/, ''));
    for (const name of ['tests/test_my_tests.py', 'tests/test_slow.py', 'test_pass', 'test_fail', 'test_error', 'test_skip', 'test_skip_decorated', 'test_at_install', 'test_waits']) {
      assert.ok(labels.includes(name), `the view lists ${name}: ${labels.join(' | ')}`);
    }
    const text = (await rows(page).allTextContents()).join(' | ');
    assert.match(text, /TestMyTests\s*post_install/);
    assert.match(text, /TestSlow\s*slow, post_install · not standard/);

    // A test written into a file shows without any command: the tree follows the files.
    fs.appendFileSync(path.join(workbench!.workspace, 'addons/my_tests/tests/test_slow.py'), '\n    def test_added(self):\n        pass\n');
    await waitForRows(page, [/^test_added \(unset\)/]);
  });

  it('a run marks each test, and a failure shows its message at the failing line; the server keeps its PID and answers', async function () {
    const { page } = workbench!;
    const before = await serverPids(odoo!);
    await openFile(page, 'test_my_tests.py');
    await runCommand(page, 'Test: Run All Tests');
    await waitForRows(page, [/^test_pass \(passed\)/, /^test_fail \(failed\)/, /^test_error \(error\)/, /^test_skip \(skipped\)/, /^test_skip_decorated \(skipped\)/, /^test_at_install \(passed\)/]);
    // The standard run of the module leaves out the class that drops the standard tag.
    assert.ok((await rowLabels(page)).some((label) => /^test_waits \(unset\)/.test(label)), (await rowLabels(page)).join(' | '));

    // The message shows next to the line that failed, in the workspace's copy of the file.
    const line = await page.waitForFunction(() => {
      const widget = Array.from(document.querySelectorAll('.test-error-content-widget')).find((w) => (w.textContent ?? '').includes('AssertionError: 4 != 5 : arithmetic is broken'));
      if (!widget) return undefined;
      const top = Number.parseFloat(widget.style.top);
      const lines = Array.from(document.querySelectorAll('.view-lines .view-line'));
      const at = lines.find((l) => Number.parseFloat(l.style.top) <= top && top < Number.parseFloat(l.style.top) + Number.parseFloat(l.style.height));
      return at?.textContent ?? '';
    }, undefined, { timeout: 20_000 });
    // The editor draws spaces as no-break spaces.
    assert.equal(((await line.jsonValue()) as string).replace(/\u00a0/g, ' ').trim(), "self.assertEqual(total, 5, 'arithmetic is broken')");
    await workbench!.screenshot('failure-at-its-line');
    await workbench!.picture('test-explorer', [page.locator('.part.sidebar .composite.title'), page.locator('.test-explorer .monaco-list-row')]);

    assert.deepEqual(await serverPids(odoo!), before);
    assert.equal(await isAnswering(odoo!.container), true);
    assert.doesNotMatch(await logsOf(odoo!.container), /Initiating server reload/);
  });

  it('Debug runs the tests under debugpy beside the server: the run waits, the editor attaches by itself, and the session ends with the run', async function () {
    const { page } = workbench!;
    const before = await serverPids(odoo!);
    await runCommand(page, 'Test: Debug All Tests');
    await waitFor('the editor to attach to the waiting run', async () => (/A run waits for a debugger on port 5678 in the container: attaching/.test(workbench!.extensionLog()) ? true : undefined), 60_000);
    await waitForRows(page, [/^test_pass \(passed\)/, /^test_fail \(failed\)/, /^test_error \(error\)/, /^test_at_install \(passed\)/], 60_000);
    assert.match(workbench!.extensionLog(), /relaying the debug adapter protocol to 127\.0\.0\.1:5678 in container/);
    // The session ended with the run, and nothing of it waits in the container.
    await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });
    assert.equal((await processesIn(odoo!.container)).some((p) => p.argv.includes('--wait-for-client')), false);
    assert.deepEqual(await serverPids(odoo!), before);
    await workbench!.screenshot('debug-run-ended');
  });

  it('a CodeLens runs one test; Cancel stops the run and leaves nothing of it in the container', async function () {
    const { page } = workbench!;
    const before = await serverPids(odoo!);
    await openFile(page, 'test_slow.py');
    await page.locator('.codelens-decoration a', { hasText: /Run Odoo test$/ }).first().click();
    // The test waits forever: it runs once the container's log says it started.
    await waitFor('TestSlow.test_waits to start', async () => (/Starting TestSlow\.test_waits \.\.\./.test(await logsOf(odoo!.container)) ? true : undefined), 30_000);
    await waitForRows(page, [/^test_waits \(loading\)/]);
    // The server goes on serving beside the run, and the status bar says so.
    await waitForStatusBar(page, 'odooDev.status', /^Odoo 17\.0 · db$/, 10_000);
    assert.equal((await processesIn(odoo!.container)).filter((p) => p.argv.includes('--test-enable')).length, 1);

    await runCommand(page, 'Test: Cancel Test Run');
    await waitFor('the run to be gone from the container', async () => ((await processesIn(odoo!.container)).some((p) => p.argv.includes('--test-enable')) ? undefined : true), 20_000);
    const labels = await waitForRows(page, [/^test_waits \((?!loading)/]);
    assert.ok(!labels.some((label) => /\((loading|queued)\)/.test(label)), labels.join(' | '));
    assert.deepEqual(await serverPids(odoo!), before);
    assert.equal(await isAnswering(odoo!.container), true);
  });
});
