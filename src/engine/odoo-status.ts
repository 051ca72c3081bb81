import type { VersionInfo } from '../core/agent-protocol';
import { classifyProcesses, type OdooServer } from '../core/odoo-processes';
import { endsContainer } from '../core/restart-plan';
import { isOlderKeeper } from '../core/restartable-keeper';
import { maskArgv } from '../core/secrets';
import type { AgentConversation } from './agent-conversation';
import type { OdooContainer } from './odoo-container';

export interface OdooStatus {
  readonly container: { readonly id: string; readonly name: string; readonly state: string };
  readonly state: 'running' | 'starting' | 'stopped' | 'container-stopped';
  readonly server?: {
    readonly pid: number;
    readonly uid: number;
    /** The command line, secrets masked. */
    readonly argv: readonly string[];
    readonly workers: number;
    readonly gevent: boolean;
    readonly port: number;
    readonly version?: VersionInfo;
    readonly database?: string;
    readonly isPid1: boolean;
    /**
     * PID 1 is a keeper written before the socket holder: its first Odoo has a socket of its
     * own, so the first restart after each container start stops first.
     */
    readonly olderKeeper?: true;
  };
  /** Other Odoo commands running next to the server (`shell`, one-shot runs), masked. */
  readonly others: ReadonlyArray<{ readonly pid: number; readonly argv: readonly string[] }>;
  /** The command a plain start runs: the last one that was ready (or stopped by us), masked. */
  readonly remembered?: readonly string[];
}

/** Asks a server whether it answers, and which version it is. */
function probeServer(agent: AgentConversation, server: OdooServer) {
  return agent.step({ step: 'probe', http: server.master.command.httpTarget(server.master.info.env ?? []) }, ['probe']);
}

/** One exec: the processes, then a probe of the server when one runs. */
export async function readStatus(container: OdooContainer, openAgent: () => Promise<AgentConversation>): Promise<OdooStatus> {
  const facts = await container.facts();
  const summary = { id: facts.id, name: facts.name, state: facts.state };
  if (!facts.running) {
    return { container: summary, state: 'container-stopped', others: [] };
  }
  const agent = await openAgent();
  try {
    const processes = classifyProcesses(agent.snapshot.processes);
    // Several unrelated servers: the first is shown as the server, the rest next to it.
    const [server, ...moreServers] = processes.servers;
    const others = [...moreServers.map((s) => s.master), ...processes.commands].map((c) => ({ pid: c.info.pid, argv: maskArgv(c.info.argv) }));
    const { remembered } = agent.snapshot;
    if (!server) {
      return { container: summary, state: 'stopped', others, ...(remembered ? { remembered: maskArgv(remembered.argv) } : {}) };
    }
    const probe = await probeServer(agent, server);
    const database = server.master.command.withSeries(probe.version?.serverSerie || undefined).database;
    return {
      container: summary,
      state: probe.healthy ? 'running' : 'starting',
      server: {
        pid: server.master.info.pid,
        uid: server.master.info.uid,
        argv: maskArgv(server.master.info.argv),
        workers: server.workers.length,
        gevent: server.gevent !== undefined,
        port: probe.port,
        ...(probe.version ? { version: probe.version } : {}),
        ...(database ? { database } : {}),
        isPid1: endsContainer(server.master.info, processes.pid1),
        ...(isOlderKeeper(processes.pid1?.argv ?? []) ? { olderKeeper: true } : {}),
      },
      others,
    };
  } finally {
    await agent.close();
  }
}
