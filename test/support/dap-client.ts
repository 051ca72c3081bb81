import { spawn, type ChildProcess } from 'node:child_process';
import { dapFrame, DapReader, type DapMessage } from '../../src/core/dap-messages';
import { cliPath } from './cli';

/**
 * A debug adapter protocol client over the stdio of `odoo-dev debug-adapter`, as an editor
 * would run it: requests with their responses, and the events, each waited for with a deadline.
 */
export class DapClient {
  readonly child: ChildProcess;
  readonly messages: DapMessage[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private seq = 0;
  private readonly listeners = new Set<() => void>();

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [cliPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const reader = new DapReader((message) => {
      this.messages.push(message);
      this.listeners.forEach((listener) => listener());
    });
    this.child.stdout!.on('data', (chunk: Buffer) => reader.push(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString('utf8'); });
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  /** Sends a request; its response is waited for with `response`. */
  send(command: string, args: Record<string, unknown> = {}): number {
    const seq = ++this.seq;
    this.child.stdin!.write(dapFrame({ seq, type: 'request', command, arguments: args }));
    return seq;
  }

  /** Sends a request and waits for its response, which must be a success. */
  async request(command: string, args: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<DapMessage> {
    const response = await this.response(this.send(command, args), timeoutMs);
    if (!response.success) {
      throw new Error(`${command} failed: ${response.message ?? JSON.stringify(response)}\nstderr:\n${this.stderr}`);
    }
    return response;
  }

  response(seq: number, timeoutMs = 10_000): Promise<DapMessage> {
    return this.wait(`the response to request ${seq}`, (m) => m.type === 'response' && m.request_seq === seq, 0, timeoutMs);
  }

  /** The first event named `event` from message index `from` on. */
  event(event: string, from = 0, timeoutMs = 10_000): Promise<DapMessage> {
    return this.wait(`the ${event} event`, (m) => m.type === 'event' && m.event === event, from, timeoutMs);
  }

  /** Where the next message will be, to wait only for what comes after this point. */
  get mark(): number {
    return this.messages.length;
  }

  wait(what: string, match: (message: DapMessage) => boolean, from: number, timeoutMs: number): Promise<DapMessage> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const found = this.messages.slice(from).find(match);
        if (found) {
          this.listeners.delete(attempt);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(attempt);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; messages:\n${this.messages.map((m) => JSON.stringify(m)).join('\n')}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      this.listeners.add(attempt);
      attempt();
    });
  }

  kill(): void {
    this.child.kill('SIGTERM');
  }
}
