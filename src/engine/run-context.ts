import type { VersionInfo } from '../core/agent-protocol';
import { classifyProcesses, type ContainerProcesses, type OdooServer } from '../core/odoo-processes';
import { OdooDevError } from '../core/errors';
import { openConversation, type AgentConversation } from './agent-conversation';
import type { EngineSettings, Progress } from './engine-types';
import type { ContainerFacts, OdooContainer } from './odoo-container';

/**
 * Everything one restart, start or stop works with, gathered once at its start: the agent in
 * the container, the processes it saw, the series of the running Odoo and its option catalog,
 * the deadline and where progress goes.
 */
export interface RunContext {
  readonly container: OdooContainer;
  readonly facts: ContainerFacts;
  readonly agent: AgentConversation;
  readonly processes: ContainerProcesses;
  /** The running server's series, when one runs and answered; else undefined. */
  readonly series: string | undefined;
  /**
   * What the running server answered of its version: the server that replaces it runs the same
   * Odoo, so its readiness need not wait for its own answer.
   */
  readonly version?: VersionInfo;
  /** When a server started by this run must be ready, in ms since the epoch. */
  readonly deadline: number;
  readonly settings: EngineSettings;
  readonly progress: Progress;
  readonly log: (line: string) => void;
}

export interface RunOptions {
  readonly settings: EngineSettings;
  readonly progress: Progress;
  readonly log: (line: string) => void;
  /** Ask the running server its version (one HTTP request): restarts validate args by it. */
  readonly probeSeries: boolean;
  /** Which server, when a container runs several unrelated ones. */
  readonly pid?: number;
}

/**
 * Opens the agent holding the container's restart lock, and reads what the run needs. The
 * caller closes `agent` when done.
 */
export async function openRun(container: OdooContainer, options: RunOptions, target: (processes: ContainerProcesses, pid?: number) => OdooServer | undefined): Promise<RunContext & { readonly server: OdooServer | undefined }> {
  const facts = await container.facts();
  if (!facts.running) {
    throw new OdooDevError('container-not-running', `Container ${facts.name} is not running (${facts.state}).`, {
      hint: 'Start the container first.',
    });
  }
  const agent = await openConversation(container, { lock: true, user: facts.user || 'root' });
  try {
    let processes = classifyProcesses(agent.snapshot.processes);
    let server = target(processes, options.pid);
    let series: string | undefined;
    let version: VersionInfo | undefined;
    if (server && options.probeSeries) {
      const probe = await agent.step({ step: 'probe', http: server.master.command.httpTarget(server.master.info.env ?? []) }, ['probe']);
      version = probe.version;
      series = version?.serverSerie || undefined;
    }
    if (series !== undefined) {
      // Read again as the series reads it: it decides, for one, whether a run ends by itself.
      processes = classifyProcesses(agent.snapshot.processes, series);
      server = target(processes, options.pid);
    }
    return {
      container,
      facts,
      agent,
      processes,
      server,
      series,
      ...(version ? { version } : {}),
      deadline: Date.now() + options.settings.readyTimeoutMs,
      settings: options.settings,
      progress: options.progress,
      log: options.log,
    };
  } catch (error) {
    await agent.close();
    throw error;
  }
}
