import type { ModuleInfo } from '../core/agent-protocol';
import { classifyProcesses } from '../core/odoo-processes';
import { targetServer } from '../core/restart-plan';
import { openConversation } from './agent-conversation';
import type { OdooContainer } from './odoo-container';
import { helpSpecFor, readSelfDescription, type SelfDescription } from './self-description';

/** What the running server offers: its modules and its databases, as the container has them. */
export interface ServerInventory {
  /** The server asked, by its PID in the container; undefined when none runs. */
  readonly pid?: number;
  /** The folders that were searched for modules and exist. */
  readonly addonsPaths: readonly string[];
  readonly modules: readonly ModuleInfo[];
  /** Undefined when the server does not list them (no server, `list_db = False`, no HTTP). */
  readonly databases?: readonly string[];
  /** What the server's program printed for `--version` and `--help`, when asked for and it answered. */
  readonly selfDescription?: SelfDescription;
}

export interface InventoryOptions {
  /**
   * Also run the server's program with `--version` and `--help`, as its user, in the same exec.
   * It costs a start of Odoo's interpreter each, so callers ask once per image.
   */
  readonly readHelp?: boolean;
}

/**
 * Asks the container, in one exec without the restart lock, for the modules of the server's
 * addons paths and of Odoo itself, and for the databases the server lists. With no server
 * running, Odoo's own modules and the config file's addons path are still read, as a plain
 * start would find them. With `readHelp` and a server running, its program's own `--version` and
 * `--help` are read in the same exec.
 */
export async function readInventory(container: OdooContainer, options: InventoryOptions = {}): Promise<ServerInventory> {
  const agent = await openConversation(container);
  try {
    const processes = classifyProcesses(agent.snapshot.processes);
    const server = targetServer(processes);
    const remembered = agent.snapshot.remembered;
    const info = server?.master.info;
    const command = server?.master.command;
    const env = info?.env ?? remembered?.env ?? (await container.facts()).env;
    const program = command?.program ?? remembered?.argv.slice(0, 2) ?? [];
    const script = command?.isModuleLaunch ? undefined : program[program.length - 1];
    const addonsPath = command?.value('addons_path');
    const answer = await agent.step({
      step: 'inventory',
      ...(addonsPath !== undefined ? { addonsPath } : {}),
      ...(script ? { script } : {}),
      ...(info?.cwd ?? remembered?.cwd ? { cwd: info?.cwd ?? remembered?.cwd } : {}),
      http: command ? command.httpTarget(env) : { disabled: true, ...(configOf(env) ? { configFile: configOf(env) } : {}) },
    }, ['inventory']);
    const helpSpec = options.readHelp ? helpSpecFor(server, undefined, env) : undefined;
    const described = helpSpec ? await readSelfDescription(agent, helpSpec) : undefined;
    return {
      ...(info ? { pid: info.pid } : {}),
      addonsPaths: answer.addonsPaths,
      modules: answer.modules,
      ...(answer.databases ? { databases: answer.databases } : {}),
      ...(described ? { selfDescription: described } : {}),
    };
  } finally {
    await agent.close();
  }
}

function configOf(env: readonly string[]): string | undefined {
  return env.find((entry) => entry.startsWith('ODOO_RC='))?.slice('ODOO_RC='.length);
}
