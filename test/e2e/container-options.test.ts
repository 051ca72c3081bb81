/**
 * The container's own option list in the installed extension (from its `.vsix`, in
 * code-server): an option that the container's Odoo lists in `odoo --help` and the bundled
 * catalog lacks (as a patched config.py adds one; here the stand-in's STANDIN_EXTRA_OPTIONS) is
 * completed with Odoo's help text in the args file, not flagged, and accepted by "Restart with
 * args" and the restart itself. Needs `bash test/e2e/setup.sh` and `bash test/setup/docker-bed.sh`.
 * Screenshots: test-results/e2e/container-options/.
 */
import * as assert from 'node:assert/strict';
import { onlyOdooMaster, startShape, waitFor } from '../support/docker-bed';
import { runCommand, typeIntoInput, waitForStatusBar } from './workbench';
import { workbenchOn } from './workbench-bed';

const STATUS = 'odooDev.status';
const help = 'Job channels and their capacity, such as root:2';
const extraOptions = [{ group: 'Queue Job Configuration', flags: ['--queue-channels'], dest: 'queue_channels', metavar: 'CHANNELS', help }];

describe('the container\'s own options, installed from the .vsix', function () {
  this.timeout(120000);
  const bed = workbenchOn(
    () => startShape('keeper-exec', { series: '18.0', odooArgs: ['-d', 'db'], env: { STANDIN_EXTRA_OPTIONS: JSON.stringify(extraOptions) } }),
    (odoo) => ({ name: 'container-options', workspaceSettings: { 'odooDev.container': odoo.name }, files: { '.odoo-args': '-d db\n' } }),
    async ({ workbench }) => {
      await waitForStatusBar(workbench.page, STATUS, /^Odoo 18\.0 · db$/, 30000);
      await waitFor('the extension to read the options of the container\'s odoo --help', async () =>
        (/Read \d+ options from odoo --help of image sha256:/.test(workbench.extensionLog()) ? true : undefined), 20000)
        .catch((error: Error) => { throw new Error(`${error.message}; the log holds:\n${workbench.extensionLog()}`, { cause: error }); });
    },
  );

  it('completes the option in the args file and does not flag it', async function () {
    const { page } = bed.workbench;
    await runCommand(page, 'Odoo: Edit Args');
    const editor = page.locator('.monaco-editor[data-uri$=".odoo-args"]').first();
    await editor.waitFor({ timeout: 15000 });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('--queue');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.editor-widget.suggest-widget');
    await suggest.locator('.monaco-list-row', { hasText: '--queue-channels' }).first().waitFor({ timeout: 20000 });
    await bed.workbench.screenshot('completion-container-option');
    await page.keyboard.press('Enter');
    await page.keyboard.type(' root:2 --queue-chanels root:3');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const problems = page.locator('.markers-panel .monaco-list-row');
    // The misspelt one is flagged with the container's option as the fix: the list is in use.
    await problems.filter({ hasText: 'did you mean --queue-channels?' }).first().waitFor({ timeout: 20000 });
    const texts = (await problems.allTextContents()).join('\n');
    assert.doesNotMatch(texts, /no option --queue-channels/, texts);
    await bed.workbench.screenshot('problems-container-option');
    await runCommand(page, 'View: Close All Editors');
    const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: /Don.t Save/ }).first();
    if (await dontSave.isVisible()) {
      await dontSave.click();
    }
  });

  it('"Restart with args" accepts it and Odoo restarts with it', async function () {
    const { page } = bed.workbench;
    const before = await onlyOdooMaster(bed.odoo.container);
    await runCommand(page, 'Odoo: Restart with args');
    await typeIntoInput(page, '-d db --queue-channels root:2', { title: /^Odoo: Restart with args/ });
    await page.keyboard.press('Enter');
    let argv: string[] = [];
    await waitFor('Odoo to run with --queue-channels root:2', async () => {
      const master = await onlyOdooMaster(bed.odoo.container).catch(() => undefined);
      argv = master?.argv ?? [];
      return master && master.pid !== before.pid && argv.includes('--queue-channels') ? true : undefined;
    }, 30000).catch((error: Error) => { throw new Error(`${error.message}; it runs ${JSON.stringify(argv)}`, { cause: error }); });
    assert.equal(argv[argv.indexOf('--queue-channels') + 1], 'root:2');
    await waitForStatusBar(page, STATUS, /^Odoo 18\.0 · db$/, 30000);
  });
});
