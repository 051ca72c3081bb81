/**
 * Docker multiplexes stdout and stderr of a container without a TTY into frames: an 8-byte
 * header (stream type, three zero bytes, big-endian length) and the payload. This splits a
 * byte stream into frames and the frames of each stream into lines.
 */
import { StringDecoder } from 'node:string_decoder';

export class FrameLineSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private readonly partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  // A character may be cut between two frames.
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  /** `raw`: the stream is not multiplexed (a TTY container), all of it is stdout. */
  constructor(private readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void, private readonly raw = false) {}

  push(chunk: Buffer): void {
    if (this.raw) {
      this.text('stdout', this.decoders.stdout.write(chunk));
      return;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) {
        break;
      }
      const stream = this.pending[0] === 2 ? 'stderr' : 'stdout';
      this.text(stream, this.decoders[stream].write(this.pending.subarray(8, 8 + size)));
      this.pending = this.pending.subarray(8 + size);
    }
  }

  /** Delivers what is left without a final newline. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      this.partial[stream] += this.decoders[stream].end();
      if (this.partial[stream]) {
        this.onLine(stream, this.partial[stream]);
        this.partial[stream] = '';
      }
    }
  }

  private text(stream: 'stdout' | 'stderr', text: string): void {
    const parts = (this.partial[stream] + text).split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const line of parts) {
      this.onLine(stream, line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }
}

/** Splits a multiplexed exec stream into the bytes of each stream, as they come. */
export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onBytes: (stream: 'stdout' | 'stderr', bytes: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) {
        break;
      }
      this.onBytes(this.pending[0] === 2 ? 'stderr' : 'stdout', this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}
