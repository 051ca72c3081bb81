import * as assert from 'node:assert/strict';
import { RunLogLines } from '../../src/core/run-log-lines';

describe('RunLogLines', () => {
  it('keeps one process\'s records and the lines that continue them, per stream', () => {
    const lines = new RunLogLines(40);
    const log: Array<[string, string]> = [
      ['2026-01-01 00:00:00,000 1 INFO db werkzeug: GET /web/health', 'stderr'],
      ['2026-01-01 00:00:00,001 40 ERROR db odoo.addons.m.tests.t: FAIL: T.test', 'stderr'],
      ['plain output of the run', 'stdout'],
      ['Traceback (most recent call last):', 'stderr'],
      ['2026-01-01 00:00:00,002 1 ERROR db odoo.http: boom', 'stderr'],
      ['  File "x", line 1', 'stderr'],
      ['2026-01-01 00:00:00,003 40 INFO db odoo.service.server: Initiating shutdown', 'stderr'],
    ];
    assert.deepEqual(log.filter(([text, stream]) => lines.accepts(text, stream)).map(([text]) => text), [
      log[1][0], log[3][0], log[6][0],
    ]);
  });
});
