import { dapFrame, DapReader, type DapMessage } from '../core/dap-messages';
import { DapSessionMemory, type ReplayRequest } from '../core/dap-session-memory';
import { debugHost } from '../core/debug-launch';
import type { OdooContainer, RelayChannel } from './odoo-container';

export interface DebugBridgeOptions {
  /** How long the first connection waits for debugpy to listen (a server that is starting). */
  readonly firstWaitMs: number;
  /**
   * How long to wait for the next server's debugpy after the connection ended (a restart); 0
   * for a run that ends by itself, whose session ends with it.
   */
  readonly reconnectWaitMs: number;
  readonly log: (line: string) => void;
}

/** Seqs of the requests the bridge itself sends, far from any client's own. */
const ownSeqBase = 1_000_000;
/** How long a replayed request may take before the bridge goes on without its answer. */
const replayAnswerMs = 10_000;

/**
 * The debug adapter protocol between a client (an editor, on stdio) and the debugpy that Odoo
 * runs under inside the container, relayed through the container's own loopback, so no port is
 * published. When Odoo restarts, its debugpy goes away with it: the bridge then waits for the
 * next one, attaches it the way the client did, with the client's breakpoints, and the client
 * goes on in the same session.
 */
export class DebugBridge {
  readonly done: Promise<number>;
  private finish!: (code: number) => void;
  private relay: RelayChannel | undefined;
  private readonly memory = new DapSessionMemory();
  /** Client messages that wait for a connection (and for the replay to end). */
  private readonly queued: DapMessage[] = [];
  /** Client requests not answered yet, by seq: answered by the bridge when the connection ends. */
  private readonly unanswered = new Map<number, string>();
  /** The bridge's own requests and what each waits for. */
  private readonly own = new Map<number, (message: DapMessage) => void>();
  private onInitialized: (() => void) | undefined;
  /** `exited` and `terminated` of a debugpy that goes away: passed on only when no other comes. */
  private held: DapMessage[] = [];
  private ownSeq = ownSeqBase;
  private replaying = false;
  private disconnecting = false;
  private ended = false;

  constructor(
    private readonly container: OdooContainer,
    private readonly port: number,
    private readonly toClient: (data: Buffer) => void,
    private readonly options: DebugBridgeOptions,
  ) {
    this.done = new Promise((resolve) => {
      this.finish = (code) => {
        if (!this.ended) {
          this.ended = true;
          this.relay?.close();
          resolve(code);
        }
      };
    });
    void this.connect(options.firstWaitMs, false);
  }

  private readonly clientReader = new DapReader((message) => this.fromClient(message));

  /** Bytes from the client. */
  push(chunk: Buffer): void {
    this.clientReader.push(chunk);
  }

  /** The client went away: the session ends, Odoo goes on. */
  clientEnded(): void {
    this.finish(0);
  }

  private fromClient(message: DapMessage): void {
    this.memory.observe(message);
    if (message.type === 'request') {
      this.unanswered.set(message.seq, message.command ?? '');
      if (message.command === 'disconnect') {
        this.disconnecting = true;
        if (!this.relay) {
          this.answer(message, true);
          this.finish(0);
          return;
        }
      }
    }
    if (this.relay && !this.replaying) {
      this.relay.write(dapFrame(message));
    } else {
      this.queued.push(message);
    }
  }

  private async connect(waitMs: number, isReconnect: boolean): Promise<void> {
    let relay: RelayChannel;
    try {
      if (!this.container.openRelay) {
        throw new Error('this container cannot relay a port');
      }
      relay = await this.container.openRelay(this.port, { waitMs });
    } catch (error) {
      this.gone(`could not reach ${debugHost}:${this.port} in container ${this.container.name}: ${(error as Error).message}`, isReconnect);
      return;
    }
    if (this.ended) {
      relay.close();
      return;
    }
    let connected = false;
    const reader = new DapReader((message) => {
      connected = true;
      this.fromDebugpy(message);
    });
    relay.onData((data) => {
      connected = true;
      reader.push(data);
    });
    this.relay = relay;
    void relay.ended.then(({ error }) => {
      if (this.relay === relay) {
        this.relay = undefined;
      }
      if (this.ended) {
        return;
      }
      if (!connected && error) {
        this.gone(error, isReconnect);
        return;
      }
      this.connectionEnded();
    });
    if (isReconnect) {
      await this.replay(relay);
    } else {
      this.flush(relay);
    }
  }

  /** Nothing listens where debugpy should: tell the client why, and end. */
  private gone(why: string, isReconnect: boolean): void {
    this.options.log(`odoo-dev: ${isReconnect ? 'Odoo did not come back under debugpy' : 'No debugpy to attach to'}: ${why}.`);
    if (!isReconnect) {
      this.options.log('odoo-dev: Run Odoo under the debugger first: odoo-dev restart --debug');
    }
    const message = isReconnect
      ? `Odoo did not come back under debugpy on ${debugHost}:${this.port} in container ${this.container.name}.`
      : `Odoo in container ${this.container.name} does not run under debugpy on ${debugHost}:${this.port} (${why}); run it with odoo-dev restart --debug, or Odoo: Restart and Debug.`;
    for (const request of this.queued.splice(0)) {
      if (request.type === 'request') {
        this.answer(request, request.command === 'disconnect', message);
      }
    }
    this.failUnanswered(message);
    for (const event of this.held.length ? this.held : [{ seq: 0, type: 'event' as const, event: 'terminated' }]) {
      this.toClient(dapFrame(event));
    }
    this.finish(isReconnect ? 0 : 1);
  }

  private fromDebugpy(message: DapMessage): void {
    if (message.type === 'response' && message.request_seq !== undefined && this.own.has(message.request_seq)) {
      this.own.get(message.request_seq)?.(message);
      this.own.delete(message.request_seq);
      return;
    }
    if (message.type === 'event' && message.event === 'initialized' && this.replaying) {
      this.onInitialized?.();
      return;
    }
    if (message.type === 'event' && (message.event === 'exited' || message.event === 'terminated') && !this.disconnecting) {
      if (this.options.reconnectWaitMs <= 0) {
        // A run that ends by itself: its end is the session's, even while debugpy's adapter
        // still holds the connection open.
        this.toClient(dapFrame(message));
        if (message.event === 'terminated') {
          this.failUnanswered('The run ended.');
          this.finish(0);
        }
        return;
      }
      this.held.push(message);
      return;
    }
    if (message.type === 'response' && message.request_seq !== undefined) {
      this.unanswered.delete(message.request_seq);
    }
    this.toClient(dapFrame(message));
    // debugpy keeps its side open for the next client: the session ends with the answer.
    if (message.type === 'response' && message.command === 'disconnect') {
      this.finish(0);
    }
  }

  /** The debugpy went away: the client asked for it, or Odoo stopped (a restart). */
  private connectionEnded(): void {
    if (this.disconnecting) {
      this.finish(0);
      return;
    }
    if (!this.memory.hasAttached) {
      this.gone('the connection to debugpy ended before the client attached', false);
      return;
    }
    if (this.options.reconnectWaitMs <= 0) {
      // A run that ended by itself: no other debugpy comes, so the session ends with it.
      this.failUnanswered('The run ended.');
      for (const event of this.held.length ? this.held : [{ seq: 0, type: 'event' as const, event: 'terminated' }]) {
        this.toClient(dapFrame(event));
      }
      this.finish(0);
      return;
    }
    this.failUnanswered('Odoo restarted; the debugger attaches to the new server.');
    this.output(`Odoo stopped; waiting for it to run under debugpy again on ${debugHost}:${this.port} in the container.\n`);
    void this.connect(this.options.reconnectWaitMs, true);
  }

  /** Attaches a new debugpy the way the client attached the last one, then lets the client go on. */
  private async replay(relay: RelayChannel): Promise<void> {
    const plan = this.memory.replay();
    if (!plan) {
      this.flush(relay);
      return;
    }
    this.replaying = true;
    this.held = [];
    const initialized = new Promise<void>((resolve) => {
      this.onInitialized = resolve;
    });
    await this.ask(relay, plan.initialize);
    // debugpy answers `attach` only after `configurationDone`: it says `initialized` first.
    const attached = this.ask(relay, plan.attach);
    await within(initialized, replayAnswerMs);
    for (const request of plan.configuration) {
      await this.ask(relay, request);
    }
    await within(attached, replayAnswerMs);
    this.onInitialized = undefined;
    this.replaying = false;
    this.output('Odoo restarted; the debugger is attached again, with the same breakpoints.\n');
    this.flush(relay);
  }

  /** Sends one of the bridge's own requests; resolves with its answer, or after a deadline. */
  private ask(relay: RelayChannel, request: ReplayRequest): Promise<DapMessage | undefined> {
    const seq = ++this.ownSeq;
    const answer = new Promise<DapMessage>((resolve) => this.own.set(seq, resolve));
    relay.write(dapFrame({ seq, type: 'request', ...request }));
    return within(answer, replayAnswerMs).then((message) => {
      if (message && message.success === false) {
        this.options.log(`odoo-dev: debugpy refused the replayed ${request.command}: ${message.message ?? ''}`);
      }
      return message;
    });
  }

  private flush(relay: RelayChannel): void {
    for (const message of this.queued.splice(0)) {
      relay.write(dapFrame(message));
    }
  }

  private failUnanswered(why: string): void {
    for (const [seq, command] of this.unanswered) {
      this.answer({ seq, type: 'request', command }, command === 'disconnect', why);
    }
    this.unanswered.clear();
  }

  private answer(request: DapMessage, success: boolean, message?: string): void {
    this.unanswered.delete(request.seq);
    this.toClient(dapFrame({
      seq: 0,
      type: 'response',
      request_seq: request.seq,
      command: request.command,
      success,
      ...(message && !success ? { message } : {}),
    }));
  }

  private output(text: string): void {
    this.toClient(dapFrame({ seq: 0, type: 'event', event: 'output', body: { category: 'console', output: text } }));
  }
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
