/**
 * An OdooContainer that delegates to the real Docker one and stamps every round trip: inspect,
 * the agent exec (until its snapshot), each step sent and each event received, the log stream
 * the engine follows for the registry line, and the agent's close. The engine is used as it
 * is; this only watches it.
 */
import type { ContainerCommandFacts } from '../../src/core/restartable-keeper';
import type { AgentEvent, AgentStep } from '../../src/core/agent-protocol';
import { parseOdooLogLine } from '../../src/core/odoo-log';
import type { DockerOdooContainer } from '../../src/docker/docker-odoo-container';
import type {
  AgentOptions,
  AgentSession,
  ContainerEvent,
  ContainerFacts,
  Disposable,
  LogLine,
  OdooContainer,
  TopProcess,
} from '../../src/engine/odoo-container';
import { now } from './bed';

export interface TraceMark {
  /** Monotonic host time. */
  readonly at: number;
  /** `facts>`/`facts<`, `agent>`/`agent<` (snapshot in), `send:STEP`, `recv:EVENT`, `logs>`, `logs:first`, `logs:registry`, `close>`/`close<`. */
  readonly what: string;
  readonly event?: AgentEvent;
  /** For `logs:registry`: whose line it was and Docker's stamp on it (epoch ms). */
  readonly line?: { readonly pid: number; readonly time: number };
}

export class TracingContainer implements OdooContainer {
  marks: TraceMark[] = [];

  constructor(private readonly inner: DockerOdooContainer) {}

  get id(): string {
    return this.inner.id;
  }

  get name(): string {
    return this.inner.name;
  }

  /** Starts a new trace (one per measured restart). */
  reset(): void {
    this.marks = [];
  }

  private mark(what: string, event?: AgentEvent, line?: TraceMark['line']): void {
    this.marks.push({ at: now(), what, ...(event ? { event } : {}), ...(line ? { line } : {}) });
  }

  commandFacts(): Promise<ContainerCommandFacts> {
    return this.inner.commandFacts();
  }

  async facts(): Promise<ContainerFacts> {
    this.mark('facts>');
    const facts = await this.inner.facts();
    this.mark('facts<');
    return facts;
  }

  async openAgent(options?: AgentOptions): Promise<AgentSession> {
    this.mark('agent>');
    const session = await this.inner.openAgent(options);
    this.mark('agent<');
    return {
      snapshot: session.snapshot,
      send: (step: AgentStep) => {
        this.mark(`send:${step.step}`);
        session.send(step);
      },
      next: async () => {
        const event = await session.next();
        this.mark(`recv:${event?.t ?? 'end'}`, event);
        return event;
      },
      close: async () => {
        this.mark('close>');
        await session.close();
        this.mark('close<');
      },
    };
  }

  topProcesses(): Promise<TopProcess[]> {
    return this.inner.topProcesses();
  }

  async *logs(options: { since?: number; tail?: number; follow?: boolean; signal?: AbortSignal }): AsyncIterable<LogLine> {
    this.mark('logs>');
    let first = true;
    for await (const line of this.inner.logs(options)) {
      if (first) {
        this.mark('logs:first');
        first = false;
      }
      const record = / Registry loaded in /.test(line.text) ? parseOdooLogLine(line.text) : undefined;
      if (record) {
        // Every such line the engine is shown, also older ones: the engine picks by PID and time.
        this.mark('logs:registry', undefined, { pid: record.pid, time: line.time });
      }
      yield line;
    }
  }

  events(listener: (event: ContainerEvent) => void, onError: (error: Error) => void): Disposable {
    return this.inner.events(listener, onError);
  }
}

/** The time of the first mark named `what` (at or after `from`), if any. */
export function markAt(marks: readonly TraceMark[], what: string, from = -Infinity): number | undefined {
  return marks.find((m) => m.what === what && m.at >= from)?.at;
}
