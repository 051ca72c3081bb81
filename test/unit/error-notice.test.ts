import * as assert from 'node:assert/strict';
import { OdooDevError, type OdooErrorCode } from '../../src/core/errors';
import { errorNotice } from '../../src/vscode/error-notice';

function engineError(code: OdooErrorCode, message: string, hint?: string): OdooDevError {
  return new OdooDevError(code, message, hint ? { hint } : {});
}

describe('errorNotice', () => {
  const cases: Array<[string, OdooDevError, { logs: 'odoo' | 'extension'; setting?: string; severity?: 'error' | 'warning' }]> = [
    ['Docker unreachable: the Docker setting', engineError('docker-unreachable', 'Cannot reach Docker at unix:///var/run/docker.sock (ECONNREFUSED).', 'Start Docker, or point odooDev.docker.host or DOCKER_HOST at a running engine.'),
      { logs: 'extension', setting: 'odooDev.docker.host' }],
    ['container not found: the container setting', engineError('container-not-found', 'No container is named "x".'), { logs: 'extension', setting: 'odooDev.container' }],
    ['container ambiguous: the container setting', engineError('container-ambiguous', 'Could not tell which container runs Odoo.'), { logs: 'extension', setting: 'odooDev.container' }],
    ['a crash: the Odoo log, no setting', engineError('crashed', 'Odoo (PID 9) exited with exit code 1.'), { logs: 'odoo' }],
    ['not ready: a warning with the Odoo log and the ready timeout', engineError('not-ready', 'Odoo (PID 9) is running but not ready: timeout.', 'It may still be loading; see the log, or raise the ready timeout.'),
      { logs: 'odoo', setting: 'odooDev.restart.readyTimeout', severity: 'warning' }],
    ['a stop timeout: the restart settings', engineError('stop-timeout', 'Odoo (PID 9) did not stop within 30 s.', 'Raise the stop timeout (--timeout).'), { logs: 'odoo', setting: 'odooDev.restart' }],
    ['a failed launch: the start command', engineError('launch-failed', 'Could not start Odoo: No such file.'), { logs: 'odoo', setting: 'odooDev.start.command' }],
    ['invalid args: nothing to set', engineError('invalid-args', 'The new args are not valid.'), { logs: 'extension' }],
    ['PID 1 refused: nothing to set', engineError('pid1-refused', 'Odoo is PID 1 in this container.'), { logs: 'extension' }],
    ['already running: a warning', engineError('already-running', 'Odoo already runs.'), { logs: 'extension', severity: 'warning' }],
  ];
  for (const [title, error, expected] of cases) {
    it(title, () => {
      const notice = errorNotice(error, 'Restart');
      assert.ok(notice);
      assert.equal(notice.logs, expected.logs);
      assert.equal(notice.setting, expected.setting);
      assert.equal(notice.severity, expected.severity ?? 'error');
    });
  }

  it('keeps the engine message, which says what failed, why and what to do', () => {
    const error = engineError('container-not-found', 'No container is named "x".', 'Check odooDev.container.');
    assert.equal(errorNotice(error, 'Restart')?.message, 'No container is named "x". Check odooDev.container.');
  });

  it('names the settings instead of the command line flags', () => {
    const notice = errorNotice(engineError('stop-timeout', 'Odoo (PID 9) did not stop within 30 s of SIGTERM; it is still running.',
      'Raise the stop timeout (--timeout), or allow forcing the stop after it (--kill-after-timeout).'), 'Restart');
    assert.equal(notice?.message, 'Odoo (PID 9) did not stop within 30 s of SIGTERM; it is still running. Raise odooDev.restart.stopTimeout, or turn on odooDev.restart.killAfterTimeout to force the stop after it.');
    assert.doesNotMatch(notice?.message ?? '', /--timeout/);
  });

  it('offers to make the container restartable when Odoo is PID 1', () => {
    const notice = errorNotice(engineError('pid1-refused', 'Odoo is PID 1 in this container, so stopping it would stop the container.', 'Run odoo-dev keeper.'), 'Restart with args');
    assert.deepEqual(notice?.action, { title: 'Make Restartable', command: 'odooDev.makeRestartable' });
    assert.match(notice?.message ?? '', /Make Restartable/);
    assert.doesNotMatch(notice?.message ?? '', /odoo-dev keeper/);
  });

  it('says nothing for a cancelled command', () => {
    assert.equal(errorNotice(engineError('cancelled', 'No container was selected.'), 'Restart'), undefined);
  });

  it('says which command failed for an unexpected error', () => {
    assert.deepEqual(errorNotice(new TypeError('x is undefined'), 'Restart with args'), {
      message: 'Restart with args failed: x is undefined. The log has the details.',
      severity: 'error',
      logs: 'extension',
    });
    assert.equal(errorNotice('boom.', 'Stop')?.message, 'Stop failed: boom. The log has the details.');
  });
});
