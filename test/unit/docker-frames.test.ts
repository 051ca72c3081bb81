import * as assert from 'node:assert/strict';
import { FrameLineSplitter } from '../../src/docker/docker-frames';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('FrameLineSplitter', () => {
  it('splits frames cut at any byte into lines per stream', () => {
    const bytes = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err é\n'), frame(1, 'o\nthree')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const lines: string[] = [];
      const splitter = new FrameLineSplitter((stream, line) => lines.push(`${stream}:${line}`));
      splitter.push(bytes.subarray(0, cut));
      splitter.push(bytes.subarray(cut));
      splitter.end();
      assert.deepEqual(lines, ['stdout:one', 'stderr:err é', 'stdout:two', 'stdout:three'], `cut at ${cut}`);
    }
  });

  it('treats a TTY stream as raw stdout', () => {
    const lines: string[] = [];
    const splitter = new FrameLineSplitter((stream, line) => lines.push(`${stream}:${line}`), true);
    splitter.push(Buffer.from('a\r\nb'));
    splitter.end();
    assert.deepEqual(lines, ['stdout:a', 'stdout:b']);
  });
});
