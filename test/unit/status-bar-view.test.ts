import * as assert from 'node:assert/strict';
import { duration, statusBarView, type BusyInfo, type StatusState } from '../../src/vscode/status-bar-view';

const argv = ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db', '--dev=xml', '--db_password', '***'];
const running: StatusState = { kind: 'running', pid: 42, version: { serverVersion: '17.0', serverSerie: '17.0' }, database: 'db', argv };

describe('statusBarView', () => {
  const cases: Array<[string, StatusState, BusyInfo | undefined, string, boolean, boolean]> = [
    // title, state, busy, text, isError, isBusy
    ['running with version and database', running, undefined, '$(pass) Odoo 17.0 · db', false, false],
    ['running without a database', { kind: 'running', pid: 42, version: { serverVersion: '18.0+e', serverSerie: '18.0' }, argv }, undefined, '$(pass) Odoo 18.0+e', false, false],
    ['running, version unknown', { kind: 'running', pid: 42, argv }, undefined, '$(pass) Odoo running', false, false],
    ['starting', { kind: 'starting', pid: 7 }, undefined, '$(sync~spin) Odoo starting', false, true],
    ['restarting', { kind: 'restarting', pid: 7 }, undefined, '$(sync~spin) Odoo restarting', false, true],
    ['stopping', { kind: 'stopping', pid: 7 }, undefined, '$(sync~spin) Odoo stopping', false, true],
    ['stopped', { kind: 'stopped' }, undefined, '$(debug-stop) Odoo stopped', false, false],
    ['crashed with an exit code', { kind: 'crashed', exitCode: 2 }, undefined, '$(error) Odoo crashed (2)', true, false],
    ['crashed without an exit code', { kind: 'crashed' }, undefined, '$(error) Odoo crashed', true, false],
    ['not ready', { kind: 'not-ready', pid: 9, message: 'Odoo (PID 9) is running but not ready.' }, undefined, '$(warning) Odoo not ready', false, false],
    ['container stopped', { kind: 'container-stopped', exitCode: 137 }, undefined, '$(debug-stop) Odoo container stopped', false, false],
    ['container gone', { kind: 'container-gone' }, undefined, '$(circle-slash) Odoo: no container', false, false],
    ['no container', { kind: 'no-container', message: 'none runs Odoo' }, undefined, '$(circle-slash) Odoo: no container', false, false],
    ['Docker unavailable', { kind: 'docker-unavailable', message: 'Cannot reach Docker' }, undefined, '$(error) Odoo: Docker unavailable', true, false],
    ['connecting', { kind: 'connecting' }, undefined, '$(sync~spin) Odoo', false, true],
    ['restricted mode', { kind: 'restricted' }, undefined, '$(shield) Odoo', false, false],
    ['our restart before the watcher knows', running, { action: 'restart' }, '$(sync~spin) Odoo restarting', false, true],
    ['our start over a crash hides the error', { kind: 'crashed', exitCode: 1 }, { action: 'start' }, '$(sync~spin) Odoo starting', false, true],
    ['our stop', running, { action: 'stop', message: 'Stopping Odoo (PID 42) gracefully' }, '$(sync~spin) Odoo stopping', false, true],
    ['busy while the watcher already says restarting keeps its text', { kind: 'restarting', pid: 42 }, { action: 'restart' }, '$(sync~spin) Odoo restarting', false, true],
  ];
  for (const [title, state, busy, text, isError, isBusy] of cases) {
    it(title, () => {
      const view = statusBarView(state, busy);
      assert.equal(view.text, text);
      assert.equal(view.isError, isError);
      assert.equal(view.isBusy, isBusy);
      assert.ok(view.tooltipLines.length >= 2, 'a heading and the links at least');
    });
  }

  it('puts the masked command, the PID, the database and the uptime in the tooltip of a running server', () => {
    const view = statusBarView(running, undefined, { container: 'odoo-dev', runningSince: 1_000, now: 1_000 + 5 * 60_000 + 3_000 });
    const tooltip = view.tooltipLines.join('\n\n');
    assert.match(tooltip, /\*\*Odoo 17\\\.0\*\* is running\n\nContainer `odoo-dev`\n/);
    assert.match(tooltip, /PID 42 · database `db` · up 5 min/);
    assert.match(tooltip, /```text\n\/usr\/bin\/python3 \/usr\/bin\/odoo -d db --dev=xml --db_password \*\*\*\n```/);
    assert.doesNotMatch(tooltip, /secret/);
  });

  it('says in the tooltip when an older keeper runs, and what puts in the current one; nothing of it otherwise', () => {
    const older = statusBarView({ ...running, olderKeeper: true }, undefined, {}).tooltipLines.join('\n\n');
    assert.match(older, /Its keeper is an older one: the first restart after each container start stops the server first\. "Odoo: Make Container Restartable" puts in the current one\./);
    assert.doesNotMatch(statusBarView(running, undefined, {}).tooltipLines.join('\n\n'), /keeper/);
  });

  it('says "under a minute" rather than seconds that stand still between redraws', () => {
    const tooltip = statusBarView(running, undefined, { runningSince: 1_000, now: 1_000 + 12_000 }).tooltipLines.join('\n\n');
    assert.match(tooltip, /up under a minute/);
    assert.doesNotMatch(tooltip, /up \d+ s/);
  });

  it('names the container on a line of its own, not as where Odoo is stopped', () => {
    const lines = statusBarView({ kind: 'stopped' }, undefined, { container: 'odoo-dev' }).tooltipLines;
    assert.equal(lines[0], '**Odoo** is stopped');
    assert.equal(lines[1], 'Container `odoo-dev`');
  });

  it('shows a server killed by a signal as crashed, with the signal and the reason', () => {
    const view = statusBarView({ kind: 'crashed', signal: 9 });
    assert.equal(view.text, '$(error) Odoo crashed (SIGKILL)');
    assert.equal(view.isError, true);
    assert.match(view.tooltipLines[0]!, /was killed by SIGKILL/);
    const found = statusBarView({ kind: 'crashed', reason: 'It ended without shutting down.' }).tooltipLines.join('\n');
    assert.match(found, /It ended without shutting down\\\./);
  });

  it('offers Start Container where the container is stopped', () => {
    assert.match(statusBarView({ kind: 'container-stopped' }).tooltipLines.at(-1) ?? '', /\[Start Container\]\(command:odooDev\.startContainer\)/);
  });

  it('leaves the uptime out when it is not known', () => {
    const tooltip = statusBarView(running).tooltipLines.join('\n\n');
    assert.doesNotMatch(tooltip, /\bup\b/);
  });

  it('links the actions of a running server as trusted commands', () => {
    const last = statusBarView(running).tooltipLines.at(-1);
    assert.equal(last, '[Restart](command:odooDev.restart) · [Restart with args](command:odooDev.restartWithArgs) · [Stop](command:odooDev.stop) · [Show Logs](command:odooDev.showLogs)');
  });

  it('offers Start rather than Stop when Odoo is stopped', () => {
    const last = statusBarView({ kind: 'stopped' }).tooltipLines.at(-1) ?? '';
    assert.match(last, /command:odooDev\.start\b/);
    assert.doesNotMatch(last, /command:odooDev\.stop\b/);
  });

  it('shows the progress line while busy', () => {
    const view = statusBarView(running, { action: 'restart', message: 'Stopping Odoo (PID 42) gracefully' });
    assert.ok(view.tooltipLines.includes('_Stopping Odoo \\(PID 42\\) gracefully_'));
  });

  it('fences a command whose words hold backticks', () => {
    const tooltip = statusBarView({ kind: 'running', pid: 1, argv: ['odoo', '--x=```'] }).tooltipLines.join('\n');
    assert.match(tooltip, /````text\nodoo '--x=```'\n````/);
  });

  it('escapes Markdown in messages that come from outside', () => {
    const tooltip = statusBarView({ kind: 'docker-unavailable', message: 'Cannot reach [x](command:evil)' }).tooltipLines.join('\n');
    assert.doesNotMatch(tooltip, /\[x\]\(command:evil\)/);
  });

  it('gives screen readers the text without icons, and the container', () => {
    assert.equal(statusBarView(running, undefined, { container: 'odoo-dev' }).accessibleLabel, 'Odoo 17.0 · db, container odoo-dev');
    assert.equal(statusBarView({ kind: 'crashed', exitCode: 3 }).accessibleLabel, 'Odoo crashed (3)');
  });
});

describe('duration', () => {
  const cases: Array<[number, string]> = [
    [0, '0 s'],
    [59_999, '59 s'],
    [60_000, '1 min'],
    [3_599_000, '59 min'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min'],
    [86_400_000, '1 d'],
    [90_000_000, '1 d 1 h'],
    [-5, '0 s'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms reads ${text}`, () => assert.equal(duration(ms), text));
  }
});
