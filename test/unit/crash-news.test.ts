import * as assert from 'node:assert/strict';
import { crashNewsOf } from '../../src/vscode/crash-news';
import type { StatusModel } from '../../src/vscode/status-model';
import type { StatusState } from '../../src/vscode/status-bar-view';

const model = (state: StatusState, extra: Partial<StatusModel> = {}): StatusModel => ({ state, isVisible: true, container: 'odoo-dev', ...extra });
const running = model({ kind: 'running', pid: 42, argv: ['odoo'] });

describe('crashNewsOf: a crash by itself is news, once', () => {
  it('a running server that crashes while we do nothing', () => {
    assert.equal(crashNewsOf(running, model({ kind: 'crashed', signal: 9 })), 'Odoo (PID 42) was killed by SIGKILL (the out-of-memory killer, or kill -9) in container odoo-dev.');
    assert.equal(crashNewsOf(running, model({ kind: 'crashed', reason: 'It ended without shutting down.' })), 'Odoo (PID 42) crashed in container odoo-dev. It ended without shutting down.');
  });

  it('not when our own command fails: that command reports it', () => {
    assert.equal(crashNewsOf(model(running.state, { busy: { action: 'restart' } }), model({ kind: 'crashed', exitCode: 1 }, { busy: { action: 'restart' } })), undefined);
  });

  it('not twice, and not for a stop', () => {
    const crashed = model({ kind: 'crashed', exitCode: 1 });
    assert.equal(crashNewsOf(crashed, crashed), undefined);
    assert.equal(crashNewsOf(running, model({ kind: 'stopped' })), undefined);
  });
});
