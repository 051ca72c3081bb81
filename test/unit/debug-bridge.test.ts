import * as assert from 'node:assert/strict';
import { dapFrame, DapReader, type DapMessage } from '../../src/core/dap-messages';
import { DebugBridge } from '../../src/engine/debug-bridge';
import type { OdooContainer, RelayChannel } from '../../src/engine/odoo-container';

/** A debugpy behind a relay, scripted: answers the attach handshake, and ends when told. */
class ScriptedDebugpy implements RelayChannel {
  private listener: ((data: Buffer) => void) | undefined;
  private end!: (how: { error?: string }) => void;
  readonly ended = new Promise<{ error?: string }>((resolve) => { this.end = resolve; });
  private seq = 0;
  private attachSeq: number | undefined;
  private readonly reader = new DapReader((message) => this.fromBridge(message));

  write(data: Buffer): void {
    this.reader.push(data);
  }

  onData(listener: (data: Buffer) => void): void {
    this.listener = listener;
  }

  close(): void {
    this.end({});
  }

  /** The debugged process ends: debugpy says so, and its side of the relay closes (unless kept open, as its adapter may). */
  exit(how: { keepOpen?: boolean } = {}): void {
    this.send({ type: 'event', event: 'exited', body: { exitCode: 0 } });
    this.send({ type: 'event', event: 'terminated' });
    if (!how.keepOpen) {
      this.end({});
    }
  }

  private fromBridge(message: DapMessage): void {
    if (message.type !== 'request') return;
    if (message.command === 'attach') {
      this.attachSeq = message.seq;
      this.send({ type: 'event', event: 'initialized' });
      return;
    }
    this.answer(message);
    if (message.command === 'configurationDone' && this.attachSeq !== undefined) {
      this.answer({ seq: this.attachSeq, type: 'request', command: 'attach' });
    }
  }

  private answer(request: DapMessage): void {
    this.send({ type: 'response', request_seq: request.seq, command: request.command, success: true });
  }

  private send(message: Omit<DapMessage, 'seq'>): void {
    this.listener?.(dapFrame({ seq: ++this.seq, ...message } as DapMessage));
  }
}

/** A container whose relays are scripted debugpys, one per connection; later ones find nothing. */
function containerWith(relays: ScriptedDebugpy[]): { container: OdooContainer; opened: number[] } {
  const opened: number[] = [];
  const container = {
    name: 'web',
    openRelay: (port: number) => {
      opened.push(port);
      const next = relays.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error('nothing listens there'));
    },
  } as unknown as OdooContainer;
  return { container, opened };
}

/** A client of the bridge that attaches as an editor does, and keeps what it is told. */
async function attach(bridge: DebugBridge, messages: DapMessage[]): Promise<void> {
  let seq = 0;
  const request = (command: string) => {
    bridge.push(dapFrame({ seq: ++seq, type: 'request', command, arguments: {} }));
    return seq;
  };
  request('initialize');
  const attachSeq = request('attach');
  await until(() => messages.some((m) => m.event === 'initialized'));
  request('configurationDone');
  await until(() => messages.some((m) => m.type === 'response' && m.request_seq === attachSeq));
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check();) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('DebugBridge: the end of the debugged process', () => {
  it('a session on a run that ends by itself (no reconnect wait) ends with the run, told exited and terminated', async () => {
    const debugpy = new ScriptedDebugpy();
    const { container, opened } = containerWith([debugpy]);
    const messages: DapMessage[] = [];
    const reader = new DapReader((m) => messages.push(m));
    const bridge = new DebugBridge(container, 40123, (data) => reader.push(data), { firstWaitMs: 1000, reconnectWaitMs: 0, log: () => undefined });
    await attach(bridge, messages);
    debugpy.exit();
    assert.equal(await bridge.done, 0);
    const events = messages.filter((m) => m.type === 'event').map((m) => m.event);
    assert.deepEqual(events.slice(-2), ['exited', 'terminated']);
    assert.deepEqual(opened, [40123], 'no second connection is tried');
    assert.equal(messages.some((m) => m.event === 'output' && /waiting for it to run under debugpy again/.test(String(m.body?.output))), false);
  });

  it('a session on a run ends at debugpy\'s terminated, even while its adapter keeps the connection open', async () => {
    const debugpy = new ScriptedDebugpy();
    const { container } = containerWith([debugpy]);
    const messages: DapMessage[] = [];
    const reader = new DapReader((m) => messages.push(m));
    const bridge = new DebugBridge(container, 40123, (data) => reader.push(data), { firstWaitMs: 1000, reconnectWaitMs: 0, log: () => undefined });
    await attach(bridge, messages);
    debugpy.exit({ keepOpen: true });
    assert.equal(await bridge.done, 0);
    assert.deepEqual(messages.filter((m) => m.type === 'event').map((m) => m.event).slice(-2), ['exited', 'terminated']);
  });

  it('a session on a server waits for the next one after its debugpy went away', async () => {
    const debugpy = new ScriptedDebugpy();
    const { container, opened } = containerWith([debugpy]);
    const messages: DapMessage[] = [];
    const reader = new DapReader((m) => messages.push(m));
    const bridge = new DebugBridge(container, 5678, (data) => reader.push(data), { firstWaitMs: 1000, reconnectWaitMs: 5000, log: () => undefined });
    await attach(bridge, messages);
    debugpy.exit();
    // No second server comes here: the relay is refused, and only then does the session end.
    assert.equal(await bridge.done, 0);
    assert.deepEqual(opened, [5678, 5678]);
    assert.ok(messages.some((m) => m.event === 'output' && /waiting for it to run under debugpy again/.test(String(m.body?.output))));
    assert.equal(messages.at(-1)?.event, 'terminated');
  });
});
