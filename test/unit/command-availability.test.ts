import * as assert from 'node:assert/strict';
import { actionsFor, contextKeysOf, ContextKeys, type OdooContextKeys } from '../../src/vscode/command-availability';
import type { StatusModel } from '../../src/vscode/status-model';
import type { StatusState } from '../../src/vscode/status-bar-view';

const model = (state: StatusState, extra: Partial<StatusModel> = {}): StatusModel => ({ state, isVisible: true, container: 'odoo-dev', ...extra });
const running: StatusState = { kind: 'running', pid: 42, argv: ['odoo', '-d', 'db'] };
const pid1: StatusState = { kind: 'running', pid: 1, argv: ['odoo'], isPid1: true };

type Can = 'restart' | 'restartWithArgs' | 'runOnce' | 'start' | 'stop' | 'startContainer' | 'makeRestartable';
const allCan: Can[] = ['restart', 'restartWithArgs', 'runOnce', 'start', 'stop', 'startContainer', 'makeRestartable'];
const can = (keys: OdooContextKeys) => allCan.filter((name) => keys[`odooDev.can${name[0]!.toUpperCase()}${name.slice(1)}` as keyof OdooContextKeys] === true);

describe('contextKeysOf: the palette offers only what applies', () => {
  const rows: Array<[string, StatusModel, Can[]]> = [
    ['running', model(running), ['restart', 'restartWithArgs', 'runOnce', 'stop']],
    ['running as PID 1: no Stop, but Make Restartable', model(pid1), ['restart', 'restartWithArgs', 'runOnce', 'makeRestartable']],
    ['running under an older keeper: Stop, and Make Restartable to put in the current one', model({ ...running, olderKeeper: true }), ['restart', 'restartWithArgs', 'runOnce', 'stop', 'makeRestartable']],
    ['stopped: Start, not Stop or Restart', model({ kind: 'stopped' }), ['restartWithArgs', 'runOnce', 'start']],
    ['crashed: Start (the last working args)', model({ kind: 'crashed', exitCode: 1 }), ['restartWithArgs', 'runOnce', 'start']],
    ['container stopped: only Start Container', model({ kind: 'container-stopped' }), ['startContainer']],
    ['no container: nothing that needs one', model({ kind: 'no-container' }, { container: undefined }), []],
    ['Docker unavailable', model({ kind: 'docker-unavailable', message: 'x' }), []],
    ['busy with our restart: nothing that would queue behind it', model(running, { busy: { action: 'restart' } }), []],
    ['restarting', model({ kind: 'restarting', pid: 4 }), []],
    ['before the first status: what connects', model({ kind: 'connecting' }, { container: undefined, isVisible: false }), ['restart', 'restartWithArgs']],
    ['Restricted Mode: what connects', model({ kind: 'restricted' }), ['restart', 'restartWithArgs']],
  ];
  for (const [title, given, expected] of rows) {
    it(title, () => assert.deepEqual(can(contextKeysOf(given)), expected));
  }

  it('says the state, PID 1, busy and whether there is a container', () => {
    assert.equal(contextKeysOf(model(pid1))['odooDev.isPid1'], true);
    assert.equal(contextKeysOf(model(running))['odooDev.isPid1'], false);
    assert.equal(contextKeysOf(model(running, { busy: { action: 'stop' } }))['odooDev.busy'], true);
    assert.equal(contextKeysOf(model({ kind: 'container-stopped' }))['odooDev.state'], 'container-stopped');
    assert.equal(contextKeysOf(model({ kind: 'container-stopped' }))['odooDev.hasContainer'], true);
    assert.equal(contextKeysOf(model({ kind: 'no-container' }))['odooDev.hasContainer'], false);
  });
});

describe('actionsFor: the status-bar menu', () => {
  const commands = (m: StatusModel) => actionsFor(m, '.odoo-args', true).map((item) => item.command);

  it('puts Start Container first where the container is stopped, and no Start or Restart', () => {
    const listed = commands(model({ kind: 'container-stopped' }));
    assert.equal(listed[0], 'odooDev.startContainer');
    assert.ok(!listed.includes('odooDev.start') && !listed.includes('odooDev.restartWithArgs'), listed.join(' '));
  });

  it('puts Select Container first with no container', () => {
    assert.deepEqual(commands(model({ kind: 'no-container' }, { container: undefined })), ['odooDev.selectContainer', 'odooDev.showLogs']);
  });

  it('says what Make Container Restartable does: a keeper where Odoo is PID 1, the current keeper where an older one runs', () => {
    const described = (m: StatusModel) => actionsFor(m, '.odoo-args', true).find((item) => item.command === 'odooDev.makeRestartable')?.detail;
    assert.match(described(model(pid1)) ?? '', /A keeper as PID 1/);
    assert.match(described(model({ ...running, olderKeeper: true })) ?? '', /The current keeper/);
    assert.equal(described(model(running)), undefined);
  });

  it('offers the last working args first after a crash', () => {
    const [first] = actionsFor(model({ kind: 'crashed', exitCode: 1 }), '.odoo-args', true);
    assert.equal(first?.command, 'odooDev.start');
    assert.equal(first?.label, '$(debug-restart) Restart with last working args');
  });

  it('describes Start as what it does: the last args that worked', () => {
    const start = actionsFor(model({ kind: 'stopped' }), '.odoo-args', true).find((item) => item.command === 'odooDev.start');
    assert.match(start?.detail ?? '', /last args that worked/);
  });

  it('never offers Stop where Odoo is PID 1, and says Restart reloads in place', () => {
    const items = actionsFor(model(pid1), '.odoo-args', true);
    assert.ok(!items.some((item) => item.command === 'odooDev.stop'));
    assert.ok(!items.some((item) => item.command === 'odooDev.restartAndDebug'), 'a reload cannot run Odoo under debugpy');
    assert.ok(actionsFor(model(running), '.odoo-args', true).some((item) => item.command === 'odooDev.restartAndDebug'));
    assert.match(items.find((item) => item.command === 'odooDev.restart')?.detail ?? '', /SIGHUP/);
  });

  it('leaves Restart and Debug out in an untrusted workspace, where VS Code starts no debug session', () => {
    for (const state of [running, { kind: 'stopped' }, { kind: 'restricted' }] as StatusState[]) {
      assert.ok(actionsFor(model(state), '.odoo-args', true).some((item) => item.command === 'odooDev.restartAndDebug'), state.kind);
      const untrusted = actionsFor(model(state), '.odoo-args', false).map((item) => item.command);
      assert.ok(!untrusted.includes('odooDev.restartAndDebug'), `${state.kind}: ${untrusted.join(' ')}`);
      assert.ok(untrusted.includes('odooDev.restartWithArgs'), `${state.kind}: ${untrusted.join(' ')}`);
    }
  });

  it('lists exactly the commands the context keys allow, plus the ones always there', () => {
    const always = new Set(['odooDev.showLogs', 'odooDev.editArgs', 'odooDev.selectContainer']);
    for (const state of [running, pid1, { kind: 'stopped' }, { kind: 'crashed' }, { kind: 'container-stopped' }, { kind: 'no-container' }] as StatusState[]) {
      const keys = contextKeysOf(model(state));
      for (const command of commands(model(state)).filter((c) => !always.has(c))) {
        const key = `odooDev.can${command.slice('odooDev.'.length)[0]!.toUpperCase()}${command.slice('odooDev.'.length + 1)}` as keyof OdooContextKeys;
        assert.equal(keys[key], true, `${state.kind}: ${command} is listed but ${key} is false`);
      }
    }
  });
});

describe('ContextKeys', () => {
  it('sets every key once, then only the ones that changed', () => {
    const set: Array<[string, unknown]> = [];
    const keys = new ContextKeys((key, value) => set.push([key, value]));
    keys.update(model(running));
    const first = set.length;
    assert.ok(first >= 10);
    set.length = 0;
    keys.update(model(running));
    assert.deepEqual(set, []);
    keys.update(model({ kind: 'stopped' }));
    assert.deepEqual(Object.fromEntries(set), {
      'odooDev.state': 'stopped',
      'odooDev.canRestart': false,
      'odooDev.canStart': true,
      'odooDev.canStop': false,
    });
  });
});
