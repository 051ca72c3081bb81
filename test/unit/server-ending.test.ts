import * as assert from 'node:assert/strict';
import { describeExit, signalName } from '../../src/core/exit-status';
import { serverEndingOf } from '../../src/core/server-ending';

const line = (pid: number, level: string, logger: string, message: string) => `2025-01-02 10:00:00,000 ${pid} ${level} ? ${logger}: ${message}`;

describe('serverEndingOf: how a server that went away ended, from its log', () => {
  it('a TERM shows as a shutdown', () => {
    assert.deepEqual(serverEndingOf([
      line(7, 'INFO', 'odoo', 'Odoo version 17.0'),
      line(7, 'INFO', 'odoo.service.server', 'Initiating shutdown'),
    ], 7), { kind: 'shutdown' });
  });

  it('a prefork master stopping gracefully shows as a shutdown', () => {
    assert.equal(serverEndingOf([line(7, 'INFO', 'odoo', 'Odoo version 18.0'), line(7, 'INFO', 'odoo.service.server', 'Stopping gracefully')], 7).kind, 'shutdown');
  });

  it('no shutdown after its start: killed (SIGKILL, out of memory) or died', () => {
    assert.deepEqual(serverEndingOf([
      line(7, 'INFO', 'odoo', 'Odoo version 17.0'),
      line(7, 'INFO', 'werkzeug', '127.0.0.1 - - "GET / HTTP/1.1" 200'),
    ], 7), { kind: 'no-shutdown' });
  });

  it('a shutdown before a HUP re-exec does not count for the run after it', () => {
    assert.deepEqual(serverEndingOf([
      line(7, 'INFO', 'odoo', 'Odoo version 17.0'),
      line(7, 'INFO', 'odoo.service.server', 'Initiating server reload'),
      line(7, 'INFO', 'odoo.service.server', 'Initiating shutdown'),
      line(7, 'INFO', 'odoo', 'Odoo version 17.0'),
      line(7, 'CRITICAL', 'odoo.service.server', 'Failed to initialize database `db`.'),
    ], 7), { kind: 'no-shutdown', lastError: 'CRITICAL odoo.service.server: Failed to initialize database `db`.' });
  });

  it('lines of other PIDs do not count; none of its own is unknown', () => {
    assert.deepEqual(serverEndingOf([line(8, 'INFO', 'odoo.service.server', 'Initiating shutdown')], 7), { kind: 'unknown' });
    assert.deepEqual(serverEndingOf([line(8, 'INFO', 'odoo', 'Odoo version 17.0'), line(7, 'INFO', 'odoo', 'Odoo version 17.0'), line(8, 'INFO', 'odoo.service.server', 'Initiating shutdown')], 7), { kind: 'no-shutdown' });
  });

  it('the plain "Forced shutdown." line of a second TERM counts', () => {
    assert.equal(serverEndingOf([line(7, 'INFO', 'odoo', 'Odoo version 17.0'), 'Forced shutdown.'], 7).kind, 'shutdown');
  });
});

describe('describeExit', () => {
  it('names the exit code, or the signal', () => {
    assert.equal(describeExit(1, null), 'exited with exit code 1');
    assert.equal(describeExit(null, 9), 'was killed by SIGKILL (the out-of-memory killer, or kill -9)');
    assert.equal(describeExit(null, 11), 'was killed by SIGSEGV');
    assert.equal(describeExit(undefined, undefined), 'ended');
    assert.equal(signalName(42), 'signal 42');
  });
});
