import type { DapMessage } from './dap-messages';

/** A request the relay sends on the client's behalf. */
export interface ReplayRequest {
  readonly command: string;
  readonly arguments?: Record<string, unknown>;
}

/** The configuration requests that belong between debugpy's `initialized` event and `configurationDone`. */
const configurationCommands = new Set(['setBreakpoints', 'setFunctionBreakpoints', 'setExceptionBreakpoints']);

/**
 * What a DAP client set up in its session: its `initialize` and `attach`, and the latest
 * breakpoints of each kind (those of each source file). When Odoo restarts, its debugpy is a new
 * one; replaying this to it is what keeps the client's session and breakpoints across restarts.
 */
export class DapSessionMemory {
  private initialize: ReplayRequest | undefined;
  private attach: ReplayRequest | undefined;
  /** Keyed by command, and by source for `setBreakpoints`; insertion order is the client's. */
  private readonly configuration = new Map<string, ReplayRequest>();

  /** Notes a message the client sent. */
  observe(message: DapMessage): void {
    if (message.type !== 'request' || !message.command) {
      return;
    }
    const request: ReplayRequest = { command: message.command, ...(message.arguments ? { arguments: message.arguments } : {}) };
    if (message.command === 'initialize') {
      this.initialize = request;
    } else if (message.command === 'attach') {
      this.attach = request;
    } else if (configurationCommands.has(message.command)) {
      const key = message.command === 'setBreakpoints' ? `setBreakpoints ${sourceKey(message.arguments)}` : message.command;
      // Re-inserted, so the replay keeps the order of the latest settings.
      this.configuration.delete(key);
      this.configuration.set(key, request);
    }
  }

  /** Whether the client has attached, so a new debugpy can be attached on its behalf. */
  get hasAttached(): boolean {
    return this.initialize !== undefined && this.attach !== undefined;
  }

  /** The session's set-up, in the order debugpy expects it: initialize, attach, configuration. */
  replay(): { initialize: ReplayRequest; attach: ReplayRequest; configuration: ReplayRequest[] } | undefined {
    if (!this.initialize || !this.attach) {
      return undefined;
    }
    return { initialize: this.initialize, attach: this.attach, configuration: [...this.configuration.values(), { command: 'configurationDone' }] };
  }
}

function sourceKey(args: Record<string, unknown> | undefined): string {
  const source = (args?.source ?? {}) as { path?: unknown; name?: unknown; sourceReference?: unknown };
  return String(source.path ?? source.sourceReference ?? source.name ?? '');
}
