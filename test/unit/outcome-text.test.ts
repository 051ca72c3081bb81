import * as assert from 'node:assert/strict';
import type { RestartOutcome } from '../../src/engine/engine-types';
import { describeOutcome } from '../../src/engine/outcome-text';

describe('describeOutcome', () => {
  const base = { pid: 35, argv: [], totalMs: 840 };
  const cases: Array<[RestartOutcome, string]> = [
    [{ ...base, plan: 'in-place', version: { serverVersion: '17.0', serverSerie: '17.0' }, database: 'demo' }, 'Odoo restarted (PID 35) and ready in 0.84 s, Odoo 17.0, database demo'],
    [{ ...base, plan: 'in-place', overlapped: true, readyMs: 520, stopMs: 300, database: 'demo' }, 'Odoo restarted (PID 35) and ready in 0.52 s, database demo; the previous server answered until then'],
    [{ ...base, plan: 'hup' }, 'Odoo reloaded in place (PID 35) and ready in 0.84 s'],
    [{ ...base, plan: 'start', database: 'db' }, 'Odoo started (PID 35) and ready in 0.84 s, database db'],
    [{ ...base, plan: 'completed', exitCode: 0 }, 'Odoo ran once (PID 35) and exited with code 0 after 0.84 s'],
    [{ ...base, plan: 'stopped' }, 'Odoo stopped (PID 35) in 0.84 s'],
    [{ ...base, pid: 0, plan: 'stopped' }, 'Odoo was not running'],
  ];
  for (const [outcome, text] of cases) {
    it(`${outcome.plan}: ${text}`, () => {
      assert.equal(describeOutcome(outcome), text);
    });
  }

  it('rounds to the digits asked for', () => {
    assert.equal(describeOutcome({ ...base, plan: 'hup' }, 1), 'Odoo reloaded in place (PID 35) and ready in 0.8 s');
  });
});
