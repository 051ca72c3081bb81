import type { OdooEngine, EngineProgress } from '../engine/odoo-engine';
import { updateChangedModules } from '../engine/module-update';
import { describeOutcome } from '../engine/outcome-text';
import type { CliOptions } from './cli-options';
import { findFolderModules } from './folder-modules';
import { defaultTestTimeoutMs, exitCodeOf, printJson, printTable } from './test-command';

/**
 * `odoo-dev update --changed [--test]`: updates the modules of this folder (else of the server's
 * addons paths) whose files changed since their last update in the database, in one run beside
 * the server, which reloads; with --test their tests run in the same run.
 */
export async function updateCommand(engine: OdooEngine, options: CliOptions, progress: (p: EngineProgress) => void): Promise<number> {
  const modules = findFolderModules(process.cwd());
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  const outcome = await updateChangedModules(engine, {
    ...(options.database !== undefined ? { database: options.database } : {}),
    ...(modules.size ? { modules: [...modules.keys()] } : {}),
    ...(options.runTests ? { runTests: true } : {}),
    timeoutMs: options.readyTimeoutMs ?? defaultTestTimeoutMs,
  }, { progress, signal: abort.signal }).finally(() => process.off('SIGINT', interrupt));
  const code = outcome.tests ? exitCodeOf(outcome.tests) : 0;
  if (options.json) {
    const { database, changed, missing } = outcome;
    if (outcome.tests) {
      printJson(outcome.tests, modules, { database, changed, missing, exitCode: code });
    } else {
      process.stdout.write(`${JSON.stringify({ kind: 'update', database, changed, missing, checked: Object.keys(outcome.checksums).length, ...(outcome.run ? { run: outcome.run } : {}) })}\n`);
    }
    return code;
  }
  if (outcome.missing.length) {
    process.stderr.write(`odoo-dev: not in the server's addons paths, so not looked at: ${outcome.missing.join(', ')}\n`);
  }
  if (!outcome.changed.length) {
    process.stdout.write(`No module changed since its last update in database ${outcome.database} (${Object.keys(outcome.checksums).length} checked); nothing was run.\n`);
    return 0;
  }
  process.stdout.write(`Updated ${outcome.changed.join(', ')} in database ${outcome.database}.\n`);
  if (outcome.run) {
    process.stdout.write(`${describeOutcome(outcome.run)}\n`);
  }
  if (outcome.tests) {
    printTable(outcome.tests, modules, outcome.database);
  }
  return code;
}
