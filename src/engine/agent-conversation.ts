import type { AgentEvent, AgentEventType, AgentStep, Snapshot } from '../core/agent-protocol';
import { isOdooDevError, OdooDevError } from '../core/errors';
import type { AgentOptions, AgentSession, OdooContainer } from './odoo-container';

type EventOf<T extends AgentEventType> = Extract<AgentEvent, { t: T }>;

/** One exec of the agent, spoken to step by step: each step ends with one of its final events. */
export class AgentConversation {
  /** The event asked for by a wait that was aborted: the next wait takes it, so that no event is lost. */
  private pending: Promise<AgentEvent | undefined> | undefined;

  constructor(private readonly session: AgentSession, private readonly container: OdooContainer) {}

  get snapshot(): Snapshot {
    return this.session.snapshot;
  }

  /** Sends a step and returns its final event; the events before it go to `onEvent`. */
  async step<T extends AgentEventType>(step: AgentStep, finals: readonly T[], onEvent: (event: AgentEvent) => void = () => undefined): Promise<EventOf<T>> {
    this.session.send(step);
    const event = await this.until(finals, undefined, onEvent);
    if (!event) {
      throw await agentEndedError(this.container, 'ended unexpectedly');
    }
    return event;
  }

  /** The next final event, or undefined once the agent has ended or `signal` aborted. */
  async until<T extends AgentEventType>(finals: readonly T[], signal?: AbortSignal, onEvent: (event: AgentEvent) => void = () => undefined): Promise<EventOf<T> | undefined> {
    const aborted = signal && new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    while (!signal?.aborted) {
      const next = this.pending ?? this.session.next();
      this.pending = next;
      const event = aborted ? await Promise.race([next, aborted]) : await next;
      if (signal?.aborted && event === undefined) {
        return undefined;
      }
      this.pending = undefined;
      if (!event) {
        return undefined;
      }
      if (event.t === 'error') {
        throw new OdooDevError('agent-failed', `The agent in container ${this.container.name} failed: ${event.message}.`);
      }
      if ((finals as readonly AgentEventType[]).includes(event.t)) {
        return event as EventOf<T>;
      }
      onEvent(event);
    }
    return undefined;
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

/**
 * Starts the agent in the container. An agent that fails to start because the container
 * stopped or went away says so, rather than what the exec printed.
 */
export async function openConversation(container: OdooContainer, options?: AgentOptions): Promise<AgentConversation> {
  try {
    return new AgentConversation(await container.openAgent(options), container);
  } catch (error) {
    if (isOdooDevError(error, 'agent-failed')) {
      throw await agentEndedError(container, error.message, error);
    }
    throw error;
  }
}

/**
 * Why the agent ended without its answer: mostly the container stopped or went away under it,
 * which Docker may take a moment to record; otherwise `what` says what it did.
 */
async function agentEndedError(container: OdooContainer, what: string, cause?: OdooDevError): Promise<OdooDevError> {
  const deadline = Date.now() + 3000;
  let facts = await container.facts().catch(() => undefined);
  while (facts?.running && Date.now() < deadline && !cause) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    facts = await container.facts().catch(() => undefined);
  }
  if (!facts) {
    return new OdooDevError('container-not-found', `Container ${container.name} disappeared during the restart.`);
  }
  if (!facts.running) {
    return cause
      ? new OdooDevError('container-not-running', `Container ${container.name} is not running (${facts.state}).`, { hint: 'Start the container first.' })
      : new OdooDevError('container-not-running', `Container ${container.name} stopped during the restart (${facts.state}).`, {
        hint: 'Start the container again; nothing of ours is left in it.',
      });
  }
  return cause ?? new OdooDevError('agent-failed', `The agent in container ${container.name} ${what}.`);
}
