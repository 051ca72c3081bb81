import * as vscode from 'vscode';

export interface TestSettings {
  /** `-u` the modules of the tests first: Odoo runs at-install tests only while it updates their module. */
  readonly updateModules: boolean;
  /** How long one test run may take before it is stopped. */
  readonly timeoutMs: number;
}

/** The `odooDev.tests.*` settings. */
export function readTestSettings(): TestSettings {
  const config = vscode.workspace.getConfiguration('odooDev.tests');
  const timeout = config.get<unknown>('timeout');
  return {
    updateModules: config.get<unknown>('updateModules') !== false,
    timeoutMs: (typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0 ? timeout : 3600) * 1000,
  };
}
