import * as assert from 'node:assert/strict';
import { OdooDevError } from '../../src/core/errors';
import type { WatchState } from '../../src/engine/odoo-watcher';
import type { StatusState } from '../../src/vscode/status-bar-view';
import { initialStatus, nextStatus, runningSeriesOf, seriesChangeOf, type StatusEvent, type StatusModel } from '../../src/vscode/status-model';

const argv = ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db'];
const running = (pid: number, series = '17.0'): WatchState => ({ kind: 'running', pid, version: { serverVersion: series, serverSerie: series }, database: 'db', argv });
const watched = (state: WatchState, now = 1_000): StatusEvent => ({ kind: 'watched', state, now });
const notReadyError = (pid?: number) => new OdooDevError('not-ready', `Odoo (PID ${pid ?? '?'}) is running but not ready: no answer.`, { details: pid === undefined ? {} : { pid } });
const engineFailed = (error: unknown): StatusEvent => ({ kind: 'engine', activity: { kind: 'failed', error } });

/** The model after each event in turn, from `start`. */
function after(events: readonly StatusEvent[], start: StatusModel = { ...initialStatus, isVisible: true }): StatusModel {
  return events.reduce(nextStatus, start);
}

describe('nextStatus', () => {
  describe('a failed connection', () => {
    const cases: Array<[string, unknown, StatusState]> = [
      ['Docker unreachable', new OdooDevError('docker-unreachable', 'Cannot reach Docker at unix:///var/run/docker.sock (ENOENT).'),
        { kind: 'docker-unavailable', message: 'Cannot reach Docker at unix:///var/run/docker.sock (ENOENT).' }],
      ['the container not running', new OdooDevError('container-not-running', 'Container odoo is not running.'), { kind: 'container-stopped' }],
      ['no container found: "no container", with why', new OdooDevError('container-not-found', 'Could not tell which container runs Odoo: none does.'),
        { kind: 'no-container', message: 'Could not tell which container runs Odoo: none does.' }],
      ['several containers: "no container", with why', new OdooDevError('container-ambiguous', 'Could not tell which container runs Odoo: 2 do.'),
        { kind: 'no-container', message: 'Could not tell which container runs Odoo: 2 do.' }],
      ['an unexpected error: "no container", with its message', new Error('socket hang up'), { kind: 'no-container', message: 'socket hang up' }],
      ['something thrown that is not an error', 'odd', { kind: 'no-container', message: 'odd' }],
    ];
    for (const [title, error, state] of cases) {
      it(title, () => {
        const model = after([{ kind: 'connected', container: 'odoo' }, { kind: 'connect-failed', error }]);
        assert.deepEqual(model.state, state);
        assert.equal(model.container, undefined, 'no container is named any more');
      });
    }
  });

  describe('looking for the container', () => {
    const keeps: Array<[string, StatusState]> = [
      ['Docker unavailable', { kind: 'docker-unavailable', message: 'down' }],
      ['no container', { kind: 'no-container', message: 'none' }],
      ['the container stopped', { kind: 'container-stopped' }],
      ['the container gone', { kind: 'container-gone' }],
    ];
    for (const [title, state] of keeps) {
      it(`keeps showing ${title} rather than flicker`, () => {
        const model: StatusModel = { state, isVisible: true };
        assert.equal(nextStatus(model, { kind: 'looking' }), model);
      });
    }

    it('shows "connecting" after any other state', () => {
      assert.deepEqual(after([watched(running(1)), { kind: 'looking' }]).state, { kind: 'connecting' });
      assert.deepEqual(after([{ kind: 'restricted' }, { kind: 'looking' }]).state, { kind: 'connecting' });
    });

    it('shows "connecting" again on a reconnect, whatever it showed', () => {
      assert.deepEqual(after([{ kind: 'connect-failed', error: new Error('x') }, { kind: 'reconnecting' }]).state, { kind: 'connecting' });
    });

    it('names the container once connected', () => {
      assert.equal(after([{ kind: 'connected', container: 'project-web-1' }]).container, 'project-web-1');
    });
  });

  describe('visibility', () => {
    it('starts hidden, connecting', () => {
      assert.deepEqual(initialStatus, { state: { kind: 'connecting' }, isVisible: false });
    });

    it('shows once the window has to do with Odoo', () => {
      assert.equal(nextStatus(initialStatus, { kind: 'shown' }).isVisible, true);
    });

    it('shows Restricted Mode', () => {
      assert.deepEqual(nextStatus(initialStatus, { kind: 'restricted' }), { state: { kind: 'restricted' }, isVisible: true });
    });

    it('keeps the visibility across a reconnect', () => {
      assert.equal(nextStatus(initialStatus, { kind: 'reconnecting' }).isVisible, false);
      assert.equal(after([{ kind: 'reconnecting' }]).isVisible, true);
    });
  });

  describe('busy and progress', () => {
    it('sets and clears what our command does', () => {
      const busy = after([{ kind: 'busy', busy: { action: 'restart' } }]);
      assert.deepEqual(busy.busy, { action: 'restart' });
      assert.equal(nextStatus(busy, { kind: 'busy', busy: undefined }).busy, undefined);
    });

    it('puts the engine\'s progress line on our command', () => {
      const model = after([{ kind: 'busy', busy: { action: 'stop' } }, { kind: 'engine', activity: { kind: 'progress', progress: { step: 'stopping', message: 'Stopping Odoo (PID 42) gracefully' } } }]);
      assert.deepEqual(model.busy, { action: 'stop', message: 'Stopping Odoo (PID 42) gracefully' });
    });

    it('ignores progress while none of our commands runs', () => {
      const model = after([watched(running(1))]);
      assert.equal(nextStatus(model, { kind: 'engine', activity: { kind: 'progress', progress: { step: 'plan', message: 'x' } } }), model);
    });

    it('ignores other failures of the engine: the command reports them', () => {
      const model = after([watched(running(1))]);
      assert.equal(nextStatus(model, engineFailed(new OdooDevError('crashed', 'Odoo crashed.'))), model);
    });
  });

  describe('not ready', () => {
    it('shows our restart\'s not-ready failure', () => {
      assert.deepEqual(after([engineFailed(notReadyError(9))]).state, { kind: 'not-ready', pid: 9, message: notReadyError(9).message });
    });

    it('keeps it while the watcher sees that server still starting', () => {
      const model = after([engineFailed(notReadyError(9)), watched({ kind: 'starting', pid: 9 })]);
      assert.deepEqual(model.state, { kind: 'not-ready', pid: 9, message: notReadyError(9).message });
    });

    it('keeps it for any starting server when the failure named no PID', () => {
      assert.equal(after([engineFailed(notReadyError()), watched({ kind: 'starting', pid: 12 })]).state.kind, 'not-ready');
    });

    it('gives way to another server starting', () => {
      const model = after([engineFailed(notReadyError(9)), watched({ kind: 'starting', pid: 10 })]);
      assert.deepEqual(model.state, { kind: 'starting', pid: 10 });
      assert.equal(model.notReady, undefined);
    });

    it('gives way once the server runs, and is then forgotten', () => {
      const model = after([engineFailed(notReadyError(9)), watched(running(9)), watched({ kind: 'starting', pid: 9 })]);
      assert.deepEqual(model.state, { kind: 'starting', pid: 9 });
    });

    it('is forgotten when the connection is dropped', () => {
      const model = after([engineFailed(notReadyError(9)), { kind: 'disconnected' }, watched({ kind: 'starting', pid: 9 })]);
      assert.deepEqual(model.state, { kind: 'starting', pid: 9 });
    });

    it('leaves a model without one as it is when the connection is dropped', () => {
      const model = after([watched(running(1))]);
      assert.equal(nextStatus(model, { kind: 'disconnected' }), model);
    });
  });

  describe('running since', () => {
    // title, the states the watcher reports before, the time it saw the server run, the uptime start
    const cases: Array<[string, readonly StatusEvent[], number | undefined]> = [
      ['unknown for a server that already ran when we first looked', [watched(running(1), 5_000)], undefined],
      ['from when we saw it start', [watched({ kind: 'starting', pid: 1 }, 1_000), watched(running(1), 5_000)], 5_000],
      ['from when it came back after a restart', [watched({ kind: 'restarting', pid: 1 }, 1_000), watched(running(1), 6_000)], 6_000],
      ['from a start after a stop', [watched({ kind: 'stopped' }, 1_000), watched(running(2), 7_000)], 7_000],
      ['from a start after a crash', [watched({ kind: 'crashed', exitCode: 1 }, 1_000), watched(running(2), 7_000)], 7_000],
      ['from a start after the container started', [watched({ kind: 'container-stopped' }, 1_000), watched(running(2), 7_000)], 7_000],
      ['from a start after not ready', [engineFailed(notReadyError(2)), watched(running(2), 8_000)], 8_000],
      ['kept while the same server runs on', [watched({ kind: 'starting', pid: 1 }, 1_000), watched(running(1), 5_000), watched(running(1), 9_000)], 5_000],
      ['new for another server found running', [watched({ kind: 'starting', pid: 1 }, 1_000), watched(running(1), 5_000), watched(running(2), 9_000)], 9_000],
      ['unknown after connecting anew', [watched({ kind: 'starting', pid: 1 }, 1_000), { kind: 'reconnecting' }, watched(running(1), 5_000)], undefined],
      ['dropped once the server stops', [watched({ kind: 'starting', pid: 1 }, 1_000), watched(running(1), 5_000), watched({ kind: 'stopped' }, 6_000)], undefined],
    ];
    for (const [title, events, since] of cases) {
      it(title, () => {
        assert.equal(after(events).runningSince, since);
      });
    }
  });
});

describe('seriesChangeOf', () => {
  const cases: Array<[string, StatusState, StatusState, string | undefined]> = [
    ['known for the first time', { kind: 'connecting' }, running(1), '17.0'],
    ['changed with a new server', running(1, '16.0'), running(2, '17.0'), '17.0'],
    ['the same series on', running(1), running(2), undefined],
    ['back after a restart', { kind: 'restarting', pid: 1 }, running(1), '17.0'],
    ['unknown version', { kind: 'connecting' }, { kind: 'running', pid: 1, argv }, undefined],
    ['not running', running(1), { kind: 'stopped' }, undefined],
  ];
  for (const [title, previous, next, series] of cases) {
    it(title, () => assert.equal(seriesChangeOf(previous, next), series));
  }

  it('reads the series of a running server only', () => {
    assert.equal(runningSeriesOf(running(1, '18.0')), '18.0');
    assert.equal(runningSeriesOf({ kind: 'starting', pid: 1 }), undefined);
  });
});
