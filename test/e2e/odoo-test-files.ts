/**
 * The fixture addon with Odoo tests (test/fixtures/standin/addons/my_tests) as a workspace holds
 * it, and opening one of its files as a person does: for the workbench tests of test runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

const FIXTURE = path.resolve(__dirname, '../fixtures/standin/addons/my_tests');

/** The fixture addon's files, by their path under addons/my_tests in the workspace. */
export function fixtureFiles(dir = FIXTURE, prefix = 'addons/my_tests/'): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '__pycache__') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, fixtureFiles(full, `${prefix}${entry.name}/`));
    else files[`${prefix}${entry.name}`] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

/** Opens a workspace file with Quick Open, as a person does. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
  await input.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
}
