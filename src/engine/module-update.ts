import { besideRunArgs } from '../core/beside-run-args';
import { envValue, OdooCommandLine } from '../core/odoo-command-line';
import { isOdooDevError, OdooDevError } from '../core/errors';
import { afterUpdate, changedModules, checksumExclude, checksumsKey, readRecordedChecksums, type RecordedChecksums } from '../core/module-checksums';
import { failedByTests, OdooTestLogReader, type TestLogSummary } from '../core/odoo-test-log';
import { classifyProcesses } from '../core/odoo-processes';
import { testTagsFor } from '../core/test-selection';
import { openConversation } from './agent-conversation';
import type { Progress, RestartOutcome } from './engine-types';
import type { OdooEngine } from './odoo-engine';
import { serverDatabases } from './odoo-test-run';
import type { RunWatch } from './run-watch';

export interface ModuleUpdateRequest {
  /** The database; default: the running server's `-d`, when it names one. */
  readonly database?: string;
  /** The modules to look at (a workspace's); default: every module of the server's addons paths but Odoo's own. */
  readonly modules?: readonly string[];
  /** Also run the tests of the updated modules, in the same run (their at-install tests run while they update). */
  readonly runTests?: boolean;
  readonly timeoutMs?: number;
}

/** The modules of one database and what they look like now against their last update. */
export interface ModuleChanges {
  readonly database: string;
  /** Module name to the checksum of its files now. */
  readonly checksums: Readonly<Record<string, string>>;
  readonly recorded: RecordedChecksums | undefined;
  /** Changed since their last update, or never updated this way. */
  readonly changed: readonly string[];
  /** Asked-for modules that are in none of the server's addons paths. */
  readonly missing: readonly string[];
}

export interface ModuleUpdateOutcome extends ModuleChanges {
  /** The run that updated them; absent when none had changed. */
  readonly run?: RestartOutcome;
  /** With `runTests`: the tests of the updated modules. */
  readonly tests?: TestLogSummary;
  /** With `runTests`: tests failed (the update itself went through, and the server reloaded). */
  readonly testsFailed?: boolean;
}

/**
 * Reads the checksums of the modules as the server would load them, inside the container (the
 * files Odoo reads, whether they are mounted from the workspace or part of the image), and the
 * record of their last update for the database, which the agent keeps in the container under
 * `/tmp/odoo-dev/state/`, so that the editor and the command line share it.
 */
export async function findChangedModules(engine: OdooEngine, request: Pick<ModuleUpdateRequest, 'database' | 'modules'>): Promise<ModuleChanges> {
  const status = await engine.status();
  const database = request.database ?? onlyDatabase(serverDatabases(status), status.container.name);
  const agent = await openConversation(engine.container);
  try {
    const facts = await engine.container.facts();
    const { servers } = classifyProcesses(agent.snapshot.processes);
    const server = servers.find((s) => s.master.info.pid === status.server?.pid) ?? servers[0];
    const remembered = agent.snapshot.remembered;
    const command = server?.master.command ?? (remembered ? OdooCommandLine.read(remembered.argv) : undefined);
    const env = server?.master.info.env ?? remembered?.env ?? facts.env;
    const addonsPath = command?.value('addons_path');
    const configFile = command?.httpTarget(env).configFile ?? envValue(facts.env, 'ODOO_RC');
    const cwd = server?.master.info.cwd ?? remembered?.cwd;
    const found = await agent.step({
      step: 'checksums',
      ...(addonsPath ? { addonsPath } : {}),
      ...(configFile ? { configFile } : {}),
      ...(cwd ? { cwd } : {}),
      ...(request.modules ? { modules: request.modules } : {}),
      exclude: checksumExclude,
    }, ['checksums']);
    const state = await agent.step({ step: 'state', key: checksumsKey(database) }, ['state']);
    const checksums = Object.fromEntries(Object.entries(found.modules).map(([name, module]) => [name, module.checksum]));
    const recorded = readRecordedChecksums(state.value, database);
    return { database, checksums, recorded, changed: changedModules(checksums, recorded), missing: found.missing };
  } finally {
    await agent.close();
  }
}

/**
 * Updates the modules whose files changed since their last update, and only those, in one run
 * beside the server (`-u`, so that a PID 1 Odoo is updated beside itself too), which then
 * reloads to load their code; then records their checksums. Nothing runs when none changed. A
 * failed update records nothing, so that the modules still count as changed.
 */
export async function updateChangedModules(
  engine: OdooEngine,
  request: ModuleUpdateRequest,
  hooks: { readonly progress?: Progress; readonly onLog?: (line: string) => void; readonly signal?: AbortSignal } = {},
): Promise<ModuleUpdateOutcome> {
  const changes = await findChangedModules(engine, request);
  if (!changes.changed.length) {
    return changes;
  }
  const status = await engine.status();
  const args = besideRunArgs(status.server?.argv, status.server?.version?.serverSerie, {
    database: changes.database,
    update: changes.changed,
    ...(request.runTests ? { testTags: testTagsFor(changes.changed.map((module) => ({ module }))) } : {}),
  });
  const reader = new OdooTestLogReader();
  const watch: RunWatch = {
    onLog: (line) => {
      hooks.onLog?.(line);
      reader.push(line);
    },
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
  };
  const record = () => writeRecord(engine, afterUpdate(changes.checksums, changes.changed, changes.recorded, changes.database, new Date()));
  try {
    const run = await engine.runOnce({ args }, hooks.progress, watch);
    await record();
    return { ...changes, run, ...(request.runTests ? { tests: reader.end(), testsFailed: false } : {}) };
  } catch (error) {
    const tests = reader.end();
    const exitCode = isOdooDevError(error, 'run-failed') ? error.details.exitCode : undefined;
    if (!request.runTests || !failedByTests(tests, typeof exitCode === 'number' ? exitCode : undefined)) {
      throw error;
    }
    // The modules were updated; only their tests failed. The server loads their code as it
    // would have after a run that passed.
    await record();
    const run = await engine.restart({}, hooks.progress, 'the update of changed modules');
    return { ...changes, run, tests, testsFailed: true };
  }
}

async function writeRecord(engine: OdooEngine, record: RecordedChecksums): Promise<void> {
  const agent = await openConversation(engine.container);
  try {
    await agent.step({ step: 'state', key: checksumsKey(record.database), value: record }, ['state']);
  } finally {
    await agent.close();
  }
}

function onlyDatabase(databases: readonly string[], container: string): string {
  if (databases.length === 1) {
    return databases[0];
  }
  throw new OdooDevError('invalid-args', databases.length
    ? `The server loads several databases (${databases.join(', ')}): say which one to update.`
    : `Odoo in container ${container} runs without -d (or not at all), so there is no database to update.`, {
    hint: 'Name the database (odoo-dev update --changed --db NAME).',
  });
}
