import type { ProcessSpec, RememberedCommand } from '../core/agent-protocol';
import { OdooCommandLine } from '../core/odoo-command-line';
import type { OdooServer } from '../core/odoo-processes';
import type { AgentConversation } from './agent-conversation';

/** What an Odoo program printed for `--version` and `--help`. */
export interface SelfDescription {
  readonly version?: string;
  readonly help?: string;
}

/**
 * The program to ask for its `--version` and `--help` (interpreter and script, no args), run as
 * the running server runs, else as the remembered command would; undefined when there is neither.
 */
export function helpSpecFor(server: OdooServer | undefined, remembered: RememberedCommand | undefined, fallbackEnv: readonly string[]): ProcessSpec | undefined {
  if (server) {
    const { info, command } = server.master;
    return { argv: command.program, env: info.env ?? fallbackEnv, cwd: info.cwd ?? '/', uid: info.uid, gid: info.gid };
  }
  const program = remembered && OdooCommandLine.read(remembered.argv)?.program;
  return remembered && program ? { ...remembered, argv: program } : undefined;
}

/** Runs the program with `--version` and `--help` through the open agent (no exec of its own). */
export async function readSelfDescription(agent: AgentConversation, spec: ProcessSpec): Promise<SelfDescription | undefined> {
  const answer = await agent.step({ step: 'help', ...spec }, ['help']);
  if (answer.help === undefined && answer.version === undefined) {
    return undefined;
  }
  return { ...(answer.version !== undefined ? { version: answer.version.trim() } : {}), ...(answer.help !== undefined ? { help: answer.help } : {}) };
}
