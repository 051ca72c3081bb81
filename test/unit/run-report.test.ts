import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readRunReport } from '../../src/core/run-report';

describe('readRunReport', () => {
  it('reads a real Odoo 18 test run: the summary and the first error with its traceback', () => {
    const lines = readFileSync(path.join(__dirname, '../fixtures/odoo-logs/18.0-test-run.log'), 'utf8').split('\n');
    const report = readRunReport(lines, 1);
    assert.deepEqual(report.tests, { failed: 1, errors: 1, total: 4 });
    assert.ok(report.firstError);
    assert.match(report.firstError[0], /ERROR acc odoo\.addons\.acc_tests\.tests\.test_acc: ERROR: TestAcc\.test_error/);
    assert.match(report.firstError.join('\n'), /RuntimeError: acc: boom/);
    assert.doesNotMatch(report.firstError.join('\n'), /Starting TestAcc\.test_fail/);
  });

  it('adds up the summaries of several databases and ignores other PIDs', () => {
    const lines = [
      '2026-12-02 06:18:30,360 40 ERROR a odoo.tests.result: 1 failed, 0 error(s) of 3 tests when loading database \'a\'',
      '2026-12-02 06:18:30,361 41 ERROR b odoo.tests.result: 5 failed, 5 error(s) of 9 tests when loading database \'b\'',
      '2026-12-02 06:18:30,362 40 INFO b odoo.tests.result: 0 failed, 2 error(s) of 4 tests when loading database \'b\'',
    ];
    assert.deepEqual(readRunReport(lines, 40), { tests: { failed: 1, errors: 2, total: 7 } });
  });

  it('takes the first CRITICAL of a failed load, without the next records', () => {
    const lines = [
      '2026-12-02 06:18:30,100 7 INFO db odoo.modules.loading: loading 1 modules...',
      '2026-12-02 06:18:30,200 7 CRITICAL db odoo.service.server: Failed to initialize database `db`.',
      'Traceback (most recent call last):',
      'psycopg2.OperationalError: boom',
      '2026-12-02 06:18:30,300 7 ERROR db odoo.something: later',
    ];
    assert.deepEqual(readRunReport(lines, 7).firstError, lines.slice(1, 4));
  });

  it('is empty for a run that logged neither tests nor errors', () => {
    assert.deepEqual(readRunReport(['2026-12-02 06:18:30,100 7 INFO db odoo.modules.loading: Modules loaded.'], 7), {});
  });
});
