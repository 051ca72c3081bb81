import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OdooTestLogReader, readTestLog, type TestLogEvent, type TestOutcome } from '../../src/core/odoo-test-log';

const logOf = (series: string) => readFileSync(path.join(__dirname, `../fixtures/odoo-logs/${series}-test-run.log`), 'utf8').split('\n');

interface Expected {
  readonly outcome: TestOutcome;
  readonly durationMs?: number;
  /** The message, or a pattern it matches. */
  readonly message?: string | RegExp;
  readonly line?: number;
  readonly file?: string;
}

/** Per series: the tests its log reports, and Odoo's count. */
const cases: Array<[string, Record<string, Expected>, Array<[string, number, number, number]>]> = [
  ['14.0', {
    'sale_ext/test_sale:TestSale.test_confirm': { outcome: 'passed', durationMs: 150 },
    'sale_ext/test_sale:TestSale.test_total': { outcome: 'failed', durationMs: 20, message: 'AssertionError: 90.0 != 100.0', line: 21, file: '/mnt/extra-addons/sale_ext/tests/test_sale.py' },
    // 14.0 logs a skip without its reason.
    'sale_ext/test_sale:TestSale.test_draft': { outcome: 'skipped', durationMs: 2 },
    // A subtest's failure is its method's; the method ends where the module's loading goes on.
    'sale_ext/test_sale:TestSale.test_lines': { outcome: 'failed', durationMs: 28, message: 'AssertionError: 2.0 != 3', line: 30 },
    'sale_ext/test_post:TestPost.test_report': { outcome: 'passed', durationMs: 100 },
  }, [['db', 2, 0, 5]]],
  ['16.0', {
    'stock_ext/test_move:TestMove.test_done': { outcome: 'passed', durationMs: 150 },
    // The frame of the test method, not the model's frame below it.
    'stock_ext/test_move:TestMove.test_cancel': { outcome: 'errored', durationMs: 50, message: 'odoo.exceptions.UserError: You cannot cancel a done move.', line: 40 },
    'stock_ext/test_move:TestMove.test_scrap': { outcome: 'skipped', message: 'needs the scrap feature' },
    'stock_ext/test_tour:TestTour.test_picking_tour': {
      outcome: 'failed',
      durationMs: 2590,
      message: /^AssertionError: The test code "odoo\.startTour\('stock_ext_picking'\)" failed\n\nTour stock_ext_picking failed at step \.o_button_validate$/,
      line: 9,
      file: '/mnt/extra-addons/stock_ext/tests/test_tour.py',
    },
  }, [['db', 1, 1, 4]]],
  ['17.0', {
    'crm_ext/test_stage:TestStage.test_sequence': { outcome: 'failed', durationMs: 100, message: /^AssertionError: Lists differ: \[1, 3, 2\] != \[1, 2, 3\]\n\nFirst differing element 1:\n3\n2\n\n- \[1, 3, 2\]\n\+ \[1, 2, 3\]$/, line: 25 },
    'crm_ext/test_stage:TestStage.test_fold': { outcome: 'passed', durationMs: 60 },
    'crm_ext/test_stage:TestStage.test_legacy': { outcome: 'skipped', message: 'removed in 17.0', durationMs: 40 },
  }, [['db', 1, 1, 3]]],
  ['18.0', {
    'acc_tests/test_acc:TestAcc.test_error': { outcome: 'errored', durationMs: 1, message: 'RuntimeError: acc: boom', line: 15, file: '/mnt/acc-addons/acc_tests/tests/test_acc.py' },
    'acc_tests/test_acc:TestAcc.test_fail': { outcome: 'failed', durationMs: 1, message: 'AssertionError: 2 != 3 : acc: arithmetic is broken', line: 12 },
    'acc_tests/test_acc:TestAcc.test_pass': { outcome: 'passed', durationMs: 1 },
    // The attachment GC logs after the last test: only the server's "post-tests" line ends it.
    'acc_tests/test_acc:TestAcc.test_skip': { outcome: 'skipped', message: 'acc: not today', durationMs: 8 },
  }, [['acc', 1, 1, 4]]],
  ['19.0', {
    'hr_ext/test_employee:TestEmployee.test_badge': { outcome: 'passed', durationMs: 100 },
    // Carets under the frames (Python 3.11 and later) are no part of the message; the frame is the test method's.
    'hr_ext/test_employee:TestEmployee.test_manager': { outcome: 'errored', durationMs: 12, message: "AttributeError: 'bool' object has no attribute 'upper'", line: 31 },
  }, [['db', 0, 1, 2]]],
];

describe('readTestLog: per-test results from the log of each series', () => {
  for (const [series, tests, counts] of cases) {
    it(series, () => {
      const summary = readTestLog(logOf(series));
      assert.deepEqual(summary.results.map((r) => r.id).sort(), Object.keys(tests).sort());
      for (const [id, expected] of Object.entries(tests)) {
        const result = summary.results.find((r) => r.id === id)!;
        assert.equal(result.outcome, expected.outcome, id);
        if (expected.durationMs !== undefined) {
          assert.equal(result.durationMs, expected.durationMs, `${id} duration`);
        }
        if (typeof expected.message === 'string') {
          assert.equal(result.message, expected.message, id);
        } else if (expected.message) {
          assert.match(result.message ?? '', expected.message, id);
        } else {
          assert.equal(result.message, undefined, `${id} has no message`);
        }
        assert.equal(result.location?.line, expected.line, `${id} line`);
        if (expected.file) {
          assert.equal(result.location?.path, expected.file);
        }
        if (result.outcome === 'failed' || result.outcome === 'errored') {
          assert.match(result.traceback?.[0] ?? '', /^Traceback \(most recent call last\):$/);
          assert.ok(result.traceback!.every((line) => line === line.trimEnd()), 'trailing blanks trimmed');
        }
      }
      assert.deepEqual(summary.counts.map((c) => [c.database, c.failed, c.errors, c.total]), counts);
    });
  }

  it('17.0: a setUpClass that raised is a problem of the whole class, with its line', () => {
    const { classProblems } = readTestLog(logOf('17.0'));
    assert.equal(classProblems.length, 1);
    const [problem] = classProblems;
    assert.deepEqual([problem.module, problem.file, problem.className, problem.phase, problem.outcome], ['crm_ext', 'test_lead', 'TestLead', 'setUpClass', 'errored']);
    assert.equal(problem.message, 'ValueError: External ID not found in the system: crm_ext.missing_team');
    assert.deepEqual(problem.location, { path: '/mnt/extra-addons/crm_ext/tests/test_lead.py', line: 12, function: 'setUpClass' });
  });

  it('reads colours away, and counts a test that ran twice (at install and post install) by its worst run', () => {
    const at = (ms: number) => `2026-01-01 00:00:00,${String(ms).padStart(3, '0')} 9`;
    const summary = readTestLog([
      `${at(100)} \u001b[1;32m\u001b[1;49mINFO\u001b[0m db odoo.addons.m.tests.test_a: Starting TestA.test_x ...`,
      `${at(110)} INFO db odoo.modules.loading: Module m loaded in 0.01s, 0 queries`,
      `${at(200)} INFO db odoo.addons.m.tests.test_a: Starting TestA.test_x ...`,
      `${at(230)} ERROR db odoo.addons.m.tests.test_a: FAIL: TestA.test_x`,
      'Traceback (most recent call last):',
      '  File "/x/m/tests/test_a.py", line 7, in test_x',
      '    self.fail("no")',
      'AssertionError: no',
      `${at(250)} INFO db odoo.service.server: 1 post-tests in 0.05s, 0 queries`,
    ]);
    assert.equal(summary.results.length, 1);
    assert.equal(summary.results[0].outcome, 'failed');
    assert.equal(summary.results[0].durationMs, 60);
  });

  it('an error in tearDown after a failure makes an error of it; the first message stays', () => {
    const summary = readTestLog([
      '2026-01-01 00:00:00,100 9 INFO db odoo.addons.m.tests.test_a: Starting TestA.test_x ...',
      '2026-01-01 00:00:00,110 9 ERROR db odoo.addons.m.tests.test_a: FAIL: TestA.test_x',
      'Traceback (most recent call last):',
      '  File "/x/m/tests/test_a.py", line 7, in test_x',
      'AssertionError: first',
      '2026-01-01 00:00:00,120 9 ERROR db odoo.addons.m.tests.test_a: ERROR: TestA.test_x',
      'Traceback (most recent call last):',
      '  File "/x/m/tests/test_a.py", line 3, in tearDown',
      'RuntimeError: second',
    ]);
    assert.equal(summary.results[0].outcome, 'errored');
    assert.equal(summary.results[0].message, 'AssertionError: first');
    assert.equal(summary.results[0].durationMs, undefined, 'the log ended while it ran: no end, no duration');
  });
});

describe('OdooTestLogReader: results as the log comes', () => {
  it('says a test started at once, and ended when the next one starts', () => {
    const events: TestLogEvent[] = [];
    const reader = new OdooTestLogReader((event) => events.push(event));
    const lines = logOf('18.0');
    const first = lines.findIndex((line) => line.includes('Starting TestAcc.test_error'));
    lines.slice(0, first + 1).forEach((line) => reader.push(line));
    assert.deepEqual(events.map((e) => e.kind), ['started']);
    // The ERROR record may go on over the next lines: it is read once the next record starts.
    lines.slice(first + 1, first + 3).forEach((line) => reader.push(line));
    assert.deepEqual(events.map((e) => e.kind), ['started']);
    lines.slice(first + 3).forEach((line) => reader.push(line));
    reader.end();
    assert.deepEqual(events.map((e) => e.kind === 'finished' ? `${e.result.test.method}:${e.result.outcome}` : e.kind), [
      'started', 'test_error:errored', 'started', 'test_fail:failed', 'started', 'test_pass:passed', 'started', 'test_skip:skipped', 'count',
    ]);
  });

  it('ignores records of other loggers and lines that are not Odoo\'s', () => {
    assert.deepEqual(readTestLog([
      'Traceback (most recent call last):',
      '2026-01-01 00:00:00,100 9 INFO db odoo.addons.base.models.ir_cron: Starting job `x` ...',
      '2026-01-01 00:00:00,200 9 ERROR db odoo.http: FAIL: not a test',
    ]), { results: [], classProblems: [], counts: [] });
  });
});
