import * as assert from 'node:assert/strict';
import { readTraceback } from '../../src/core/python-traceback';

describe('readTraceback', () => {
  it('takes the frames of the last traceback of a chain, and the exception after them', () => {
    const read = readTraceback([
      'Traceback (most recent call last):',
      '  File "/a.py", line 1, in first',
      '    x()',
      'KeyError: 1',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/b.py", line 5, in second',
      '    y()',
      '    ^^^',
      'ValueError: two',
      'lines',
    ]);
    assert.deepEqual(read.frames, [{ path: '/b.py', line: 5, function: 'second' }]);
    assert.equal(read.exception, 'ValueError: two\nlines');
  });
  it('no frames: the text is the exception', () => {
    assert.deepEqual(readTraceback(['AssertionError: plain']), { frames: [], exception: 'AssertionError: plain' });
  });
});
