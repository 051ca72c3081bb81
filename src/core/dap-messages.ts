/**
 * The debug adapter protocol's framing: each message is a `Content-Length: N` header block, an
 * empty line, and N bytes of JSON. This reads messages off a byte stream and writes them back.
 */

/** A DAP message as far as a relay needs to read it. */
export interface DapMessage {
  readonly seq: number;
  readonly type: 'request' | 'response' | 'event';
  readonly command?: string;
  readonly event?: string;
  readonly request_seq?: number;
  readonly success?: boolean;
  readonly message?: string;
  readonly arguments?: Record<string, unknown>;
  readonly body?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

const headerEnd = Buffer.from('\r\n\r\n');

/** Cuts a byte stream into DAP messages, whatever the chunks. */
export class DapReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onMessage: (message: DapMessage) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const end = this.pending.indexOf(headerEnd);
      if (end < 0) {
        return;
      }
      const header = this.pending.subarray(0, end).toString('ascii');
      const length = /content-length:\s*(\d+)/i.exec(header);
      if (!length) {
        throw new Error(`A debug adapter message has no Content-Length header: ${JSON.stringify(header.slice(0, 80))}`);
      }
      const start = end + headerEnd.length;
      const size = Number(length[1]);
      if (this.pending.length < start + size) {
        return;
      }
      const body = this.pending.subarray(start, start + size).toString('utf8');
      this.pending = this.pending.subarray(start + size);
      this.onMessage(JSON.parse(body) as DapMessage);
    }
  }
}

/** One message in DAP framing. */
export function dapFrame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}
