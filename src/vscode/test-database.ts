import * as vscode from 'vscode';
import type { OdooEngine } from '../engine/odoo-engine';
import { serverDatabases } from '../engine/odoo-test-run';

const rememberedKey = 'odooDev.tests.database';

/**
 * The database that test runs and updates work in: the running server's `-d` when it names
 * one; when it names several, the user picks one (the last pick first); when it names none,
 * the one remembered for this workspace, else the user types one, which is remembered.
 * Undefined when the user cancels.
 */
export async function chooseDatabase(engine: OdooEngine, state: vscode.Memento, purpose: string): Promise<string | undefined> {
  const databases = serverDatabases(await engine.status());
  const remembered = state.get<string>(rememberedKey);
  if (databases.length === 1) {
    return databases[0];
  }
  if (databases.length > 1) {
    const ordered = remembered && databases.includes(remembered) ? [remembered, ...databases.filter((d) => d !== remembered)] : databases;
    const picked = await vscode.window.showQuickPick(ordered, { title: `Odoo: the database ${purpose}`, placeHolder: 'The server loads several databases' });
    if (picked) {
      await state.update(rememberedKey, picked);
    }
    return picked;
  }
  return remembered ?? askDatabase(state, purpose);
}

/** Asks for the database and remembers it for this workspace ("Odoo: Select Test Database"). */
export async function askDatabase(state: vscode.Memento, purpose = 'to test in'): Promise<string | undefined> {
  const typed = await vscode.window.showInputBox({
    title: `Odoo: the database ${purpose}`,
    prompt: 'The server runs without -d. Name the database; it is remembered for this workspace.',
    value: state.get<string>(rememberedKey) ?? '',
    validateInput: (value) => databaseProblem(value.trim()),
  });
  const name = typed?.trim();
  if (name) {
    await state.update(rememberedKey, name);
  }
  return name || undefined;
}

/** What is wrong with a database name, for the input box; undefined when it can be one. */
export function databaseProblem(name: string): string | undefined {
  if (!name) {
    return 'Name the database.';
  }
  if (/[\s,]/.test(name) || name.startsWith('-')) {
    return 'A database name has no spaces or commas and does not start with "-".';
  }
  return undefined;
}
