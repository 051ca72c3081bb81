import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { failedByTests, hasFailedTests, OdooTestLogReader, readTestLog, type TestLogEvent, type TestOutcome } from '../../src/core/odoo-test-log';

/** A fixture of `test/fixtures/odoo-logs/` (see its README.md for where each one comes from). */
const logOf = (name: string) => readFileSync(path.join(__dirname, `../fixtures/odoo-logs/${name}.log`), 'utf8').split('\n');

interface Expected {
  readonly outcome: TestOutcome;
  /** Absent: not asserted; `null`: the log gives none. */
  readonly durationMs?: number | null;
  /** The message, or a pattern it matches. */
  readonly message?: string | RegExp;
  readonly line?: number;
  readonly file?: string;
}

interface ExpectedClassProblem {
  /** `<module>/<file>:<Class>`. */
  readonly of: string;
  readonly phase: string;
  readonly outcome: 'errored' | 'skipped';
  readonly message?: string;
  readonly line: number;
  readonly file: string;
}

interface Case {
  /** The fixture's name. */
  readonly log: string;
  /** What it shows. */
  readonly shows: string;
  readonly tests: Readonly<Record<string, Expected>>;
  readonly classProblems?: readonly ExpectedClassProblem[];
  /** Odoo's count per database: database, failed, errors, total. */
  readonly counts?: ReadonlyArray<readonly [string, number, number, number]>;
  /** Odoo's count per module: module, failures, errors, total. */
  readonly moduleCounts?: ReadonlyArray<readonly [string, number, number, number | undefined]>;
  /** A whole run: every test Odoo counts has a result. */
  readonly whole?: boolean;
}

const passed: Expected = { outcome: 'passed' };
const materialTests = [
  'test_create_material', 'test_create_material_code_unique_effect', 'test_create_material_empty_code',
  'test_create_material_empty_material_type', 'test_create_material_empty_name', 'test_create_material_wrong_buy_price_amount',
  'test_create_material_wrong_buy_price_format', 'test_create_material_wrong_material_type',
  'test_create_material_wrong_supplier_id_format', 'test_create_material_wrong_supplier_id_value',
  'test_delete_material_by_id_not_found', 'test_get_material_by_id', 'test_get_material_by_id_not_found', 'test_get_materials',
  'test_get_materials_by_type', 'test_get_materials_by_type_empty_value', 'test_get_materials_by_type_not_found',
  'test_get_materials_by_type_spaces_effect', 'test_get_materials_by_type_wrong_value', 'test_update_material_by_id',
  'test_update_material_by_id_empty_code', 'test_update_material_by_id_empty_material_type', 'test_update_material_by_id_empty_name',
  'test_update_material_by_id_not_found', 'test_update_material_by_id_wrong_buy_price_format',
  'test_update_material_by_id_wrong_by_price_amount', 'test_update_material_by_id_wrong_material_type',
  'test_update_material_by_id_wrong_supplier_id_format', 'test_update_material_by_id_wrong_supplier_id_value',
];

const payroll = (file: string, className: string, outcome: TestOutcome, methods: readonly string[]) =>
  Object.fromEntries(methods.map((method) => [`l10n_cl_hr_payroll/${file}:${className}.${method}`, { outcome }]));
const taxBrackets = [
  'test_bracket_name_generation', 'test_bracket_validation_range', 'test_bracket_validation_tasa', 'test_bracket_validation_vigencia_day',
  'test_brackets_exist_in_database', 'test_calculate_tax_extreme_zone_50percent_rebaja', 'test_calculate_tax_tramo1_exento',
  'test_calculate_tax_tramo2_4percent', 'test_calculate_tax_tramo3_8percent', 'test_calculate_tax_tramo8_sin_limite', 'test_get_brackets_for_date',
  'test_no_brackets_for_date_raises_error', 'test_no_hardcoded_brackets_in_code', 'test_tax_calculation_deterministic',
];
const ley21735 = 'l10n_cl_hr_payroll/test_ley21735_reforma_pensiones:TestLey21735ReformaPensiones';
const noComputeSheet = "AttributeError: 'hr.payslip' object has no attribute 'compute_sheet'";

/** Real logs of each series, and one put together from the 19.0 source for what the real 19.0 one lacks. */
const cases: readonly Case[] = [
  {
    log: '14.0-passed-run',
    shows: 'a whole run of two modules at install, every test passed; tests log lines of their own between the Starting lines',
    tests: {
      'supplier/test_controllers:SupplierTest.test_create_supplier': { outcome: 'passed', durationMs: 981 },
      'supplier/test_controllers:SupplierTest.test_create_supplier_empty_name': { outcome: 'passed', durationMs: 28 },
      // The last test of a module ends where the module's loading goes on.
      'supplier/test_controllers:SupplierTest.test_get_suppliers': { outcome: 'passed', durationMs: 54 },
      ...Object.fromEntries(materialTests.map((method) => [`material/test_controllers:MaterialTest.${method}`, passed])),
      'material/test_controllers:MaterialTest.test_create_material': { outcome: 'passed', durationMs: 62 },
      // A test that logs a traceback of its own, inside an INFO record, still passed.
      'material/test_controllers:MaterialTest.test_create_material_code_unique_effect': { outcome: 'passed', durationMs: 36 },
      'material/test_controllers:MaterialTest.test_update_material_by_id_wrong_supplier_id_value': { outcome: 'passed', durationMs: 72 },
    },
    counts: [['odoo14', 0, 0, 32]],
    whole: true,
  },
  {
    log: '14.0-setupclass-error',
    shows: 'a setUpClass that raised, on the logger of unittest\'s suite, below a frame of Odoo\'s own tests/common.py',
    tests: {},
    classProblems: [{
      of: 'project_administrator_restricted_visibility/test_project_administrator_restricted_visibility:TestProjectAdministratorRestrictedVisibility',
      phase: 'setUpClass',
      outcome: 'errored',
      message: "AttributeError: type object 'TestProjectAdministratorRestrictedVisibility' has no attribute 'env'",
      line: 10,
      file: '/__w/project/project/project_administrator_restricted_visibility/tests/test_project_administrator_restricted_visibility.py',
    }],
  },
  {
    log: '15.0-setupclass-error',
    shows: 'a setUpClass that raised in the setUpClass of another module\'s tests, and the module\'s count',
    tests: {},
    classProblems: [{
      of: 'edi_account_oca/test_edi:EDIBackendTestCase',
      phase: 'setUpClass',
      outcome: 'errored',
      message: 'AssertionError: This test requires a CoA to be installed, it should be tagged "post_install"',
      // The module's own setUpClass, not account/tests/common.py's below it.
      line: 18,
      file: '/__w/edi/edi/edi_account_oca/tests/test_edi.py',
    }],
    moduleCounts: [['edi_account_oca', 0, 1, 0]],
  },
  {
    log: '15.0-error',
    shows: 'a test that raised; the traceback as posted holds no frame of the test',
    tests: {
      // No frame in the module's tests: the last frame is all there is. The log ends while it runs: no duration.
      'base_external_dbsource/test_base_external_dbsource:TestBaseExternalDbsource.test_conn_open': {
        outcome: 'errored',
        durationMs: null,
        message: "AttributeError: 'base.external.dbsource' object attribute 'connection_open' is read-only",
        line: 1511,
        file: '/opt/odoo-venv/lib/python3.8/site-packages/mock/mock.py',
      },
    },
  },
  {
    log: '15.0-fail',
    shows: 'a failed assertion, its record pasted with a blank before the timestamp, with no Starting line',
    tests: {
      'test_base_import_pdf_by_template/test_base_import_pdf_by_template:TestBaseImportPdfByTemplate.test_account_invoice_tecnativa': {
        outcome: 'failed',
        durationMs: null,
        message: 'AssertionError: 6.0 != 665',
        line: 102,
        file: '/__w/edi/edi/test_base_import_pdf_by_template/tests/test_base_import_pdf_by_template.py',
      },
    },
  },
  {
    log: '16.0-tour-fail',
    shows: 'a tour that failed: the browser\'s error and stack follow the assertion',
    tests: {
      'pos_customer_comment/test_module:TestUi.test_pos_customer_comment': {
        outcome: 'failed',
        durationMs: null,
        message: /^AssertionError: The test code "odoo\.startTour\('PosCustomerCommentTour'\)" failed\n\nTypeError: Cannot read properties of null \(reading 'name'\)\n {4}at Chrome\.template /,
        // The test method's frame, not those of odoo/tests/common.py below it.
        line: 17,
        file: '/__w/pos/pos/pos_customer_comment/tests/test_module.py',
      },
    },
  },
  {
    log: '17.0-fail',
    shows: 'a failed assertion whose call spans lines',
    tests: {
      'ddmrp/test_ddmrp:TestDdmrp.test_44_resupply_from_another_warehouse': {
        outcome: 'failed',
        durationMs: null,
        message: 'AssertionError: stock.location() != stock.location(8,)',
        line: 1158,
        file: '/__w/ddmrp/ddmrp/ddmrp/tests/test_ddmrp.py',
      },
    },
  },
  {
    log: '17.0-setupclass-error',
    shows: 'a setUpClass that raised, on odoo.tests.suite, with the ~ and ^ markers of Python 3.13; the excerpt ends inside the traceback',
    tests: {},
    classProblems: [{
      of: 'l10n_br_account_payment_order/test_payment_order_outbound_pix:TestPaymentOrderOutboundPIX',
      phase: 'setUpClass',
      outcome: 'errored',
      line: 16,
      file: '/home/odoo/app/external-src/l10n-brazil-MIG-payment_order-04_02_2026/l10n_br_account_payment_order/tests/test_payment_order_outbound_pix.py',
    }],
  },
  {
    log: '18.0-test-run',
    shows: 'a whole run: passed, failed, errored and skipped',
    tests: {
      'acc_tests/test_acc:TestAcc.test_error': { outcome: 'errored', durationMs: 1, message: 'RuntimeError: acc: boom', line: 15, file: '/mnt/acc-addons/acc_tests/tests/test_acc.py' },
      'acc_tests/test_acc:TestAcc.test_fail': { outcome: 'failed', durationMs: 1, message: 'AssertionError: 2 != 3 : acc: arithmetic is broken', line: 12 },
      'acc_tests/test_acc:TestAcc.test_pass': { outcome: 'passed', durationMs: 1 },
      // The attachment GC logs after the last test: only the server's "post-tests" line ends it.
      'acc_tests/test_acc:TestAcc.test_skip': { outcome: 'skipped', message: 'acc: not today', durationMs: 8 },
    },
    counts: [['acc', 1, 1, 4]],
    whole: true,
  },
  {
    log: '18.0-no-tests',
    shows: 'the count of a run that ran no test, at WARNING',
    tests: {},
    counts: [['odoo', 0, 0, 0]],
    whole: true,
  },
  {
    log: '19.0-workers-run',
    shows: 'a run in workers mode: at install and post install, errors, subtests, a failure, a setUpClass on odoo.tests.suite, and no end-of-run count',
    tests: {
      ...payroll('test_company_currency_id_fields', 'TestCompanyCurrencyIdFields', 'passed', ['test_company_currency_id_functional', 'test_payslip_has_company_currency_id']),
      ...payroll('test_hr_contract_stub_ce', 'TestHrContractStubCE', 'passed', [
        'test_contract_actions', 'test_contract_create_basic', 'test_contract_dates_coherence', 'test_contract_overlap_prevention',
      ]),
      // Records of other loggers (the attachment GC here) come between the Starting lines: a test ends at the next one.
      'l10n_cl_hr_payroll/test_hr_contract_stub_ce:TestHrContractStubCE.test_contract_wage_positive_constraint': { outcome: 'passed', durationMs: 82 },
      [`${ley21735}.test_01_no_aplica_antes_agosto_2025`]: { outcome: 'errored', durationMs: 56, message: noComputeSheet, line: 65 },
      [`${ley21735}.test_02_aplica_desde_agosto_2025`]: { outcome: 'errored', message: noComputeSheet, line: 106 },
      [`${ley21735}.test_03_calculo_cuenta_individual_01_percent`]: { outcome: 'errored', message: noComputeSheet, line: 142 },
      [`${ley21735}.test_04_calculo_seguro_social_09_percent`]: { outcome: 'errored', message: noComputeSheet, line: 174 },
      [`${ley21735}.test_05_total_es_suma_01_mas_09`]: { outcome: 'errored', message: noComputeSheet, line: 206 },
      // The frame of the test method, not those of the module's models below it.
      [`${ley21735}.test_06_validation_blocks_missing_aporte`]: {
        outcome: 'errored', message: "AttributeError: 'hr.payslip' object has no attribute 'employer_reforma_2025'", line: 257,
      },
      // Its subtests errored (the excerpt keeps two of the four): the test is reported with the first one's error and line.
      [`${ley21735}.test_07_multiples_salarios_precision`]: { outcome: 'errored', durationMs: 45, message: noComputeSheet, line: 293 },
      [`${ley21735}.test_08_contratos_anteriores_agosto_vigentes_post_agosto`]: { outcome: 'errored', message: noComputeSheet, line: 330 },
      [`${ley21735}.test_09_wage_cero_no_genera_aporte`]: {
        outcome: 'errored', message: 'odoo.exceptions.ValidationError: El sueldo base debe ser mayor a cero.', line: 348,
        file: '/mnt/extra-addons/localization/l10n_cl_hr_payroll/tests/test_ley21735_reforma_pensiones.py',
      },
      // The last test at install ends at the module's count.
      [`${ley21735}.test_10_periodos_futuros_2026_aplican`]: { outcome: 'errored', durationMs: 92, message: noComputeSheet, line: 394 },
      ...payroll('test_sopa_categories', 'TestSOPACategories', 'passed', [
        'test_01_categories_exist', 'test_02_category_base_exists', 'test_03_category_hierarchy', 'test_04_imponible_flags',
        'test_06_descuentos_legales_exist', 'test_07_totalizadores_exist',
      ]),
      // The frame of the test method, not those of contextlib and odoo/tests/common.py below it.
      'l10n_cl_hr_payroll/test_sopa_categories:TestSOPACategories.test_05_code_unique_constraint': {
        outcome: 'failed', durationMs: 3, message: 'AssertionError: Exception not raised', line: 60,
        file: '/mnt/extra-addons/localization/l10n_cl_hr_payroll/tests/test_sopa_categories.py',
      },
      ...payroll('test_tax_brackets', 'TestTaxBrackets', 'passed', taxBrackets),
      // The last test ends at the server's "post-tests" line.
      'l10n_cl_hr_payroll/test_tax_brackets:TestTaxBrackets.test_tax_calculation_deterministic': { outcome: 'passed', durationMs: 5 },
    },
    classProblems: [{
      of: 'l10n_cl_hr_payroll/test_lre_generation:TestLREGeneration',
      phase: 'setUpClass',
      outcome: 'errored',
      message: "ValueError: Invalid field 'month' in 'hr.economic.indicators'",
      line: 35,
      file: '/mnt/extra-addons/localization/l10n_cl_hr_payroll/tests/test_lre_generation.py',
    }],
    // Each subtest that errored counts: 13 errors for the 10 tests that errored. The prefork server
    // logs no "when loading database" count at all.
    moduleCounts: [['l10n_cl_hr_payroll', 0, 13, 17]],
  },
  {
    log: '19.0-test-run',
    shows: 'put together from the 19.0 source: an error, the suite halted at the maximum of failed tests, the end-of-run count',
    tests: {
      'hr_ext/test_employee:TestEmployee.test_badge': { outcome: 'passed', durationMs: 100 },
      // Carets under the frames (Python 3.11 and later) are no part of the message; the frame is the test method's.
      'hr_ext/test_employee:TestEmployee.test_manager': { outcome: 'errored', durationMs: 12, message: "AttributeError: 'bool' object has no attribute 'upper'", line: 31 },
    },
    counts: [['db', 0, 1, 2]],
    whole: true,
  },
];

describe('readTestLog: per-test results from the logs of each series', () => {
  for (const { log, shows, tests, classProblems = [], counts = [], moduleCounts = [], whole } of cases) {
    it(`${log}: ${shows}`, () => {
      const summary = readTestLog(logOf(log));
      assert.deepEqual(summary.results.map((r) => r.id).sort(), Object.keys(tests).sort());
      for (const [id, expected] of Object.entries(tests)) {
        const result = summary.results.find((r) => r.id === id)!;
        assert.equal(result.outcome, expected.outcome, id);
        if (expected.durationMs !== undefined) {
          assert.equal(result.durationMs, expected.durationMs ?? undefined, `${id} duration`);
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
      assert.deepEqual(summary.classProblems.map((p) => ({
        of: `${p.module}/${p.file}:${p.className}`,
        phase: p.phase,
        outcome: p.outcome,
        ...(p.message !== undefined ? { message: p.message } : {}),
        line: p.location?.line,
        file: p.location?.path,
      })), classProblems);
      assert.deepEqual(summary.counts.map((c) => [c.database, c.failed, c.errors, c.total]), counts);
      assert.deepEqual(summary.moduleCounts.map((c) => [c.module, c.failed, c.errors, c.total]), moduleCounts);
      if (whole) {
        assert.equal(summary.results.length, summary.counts.reduce((sum, c) => sum + c.total, 0), 'one result per test Odoo counts');
      }
    });
  }

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

  // As odoo/tests/runner.py words them (14.0 and 15.0): no real log of a FAIL of a subtest, nor of a skip without its reason, was found.
  it('a subtest\'s failure is its method\'s; a skip may come without its reason', () => {
    const summary = readTestLog([
      '2021-06-01 10:00:00,372 42 INFO db odoo.addons.m.tests.test_a: Starting TestA.test_lines ...',
      '2021-06-01 10:00:00,381 42 ERROR db odoo.addons.m.tests.test_a: FAIL: Subtest TestA.test_lines (qty=3)',
      'Traceback (most recent call last):',
      '  File "/x/m/tests/test_a.py", line 30, in test_lines',
      'AssertionError: 2.0 != 3',
      '2021-06-01 10:00:00,390 42 INFO db odoo.addons.m.tests.test_a: Starting TestA.test_draft ...',
      '2021-06-01 10:00:00,391 42 INFO db odoo.addons.m.tests.test_a: skipped TestA.test_draft',
      '2021-06-01 10:00:00,400 42 ERROR db odoo.modules.loading: Module m: 1 failures, 0 errors of 2 tests',
    ]);
    assert.deepEqual(summary.results.map((r) => [r.test.method, r.outcome, r.message, r.location?.line, r.durationMs]), [
      ['test_lines', 'failed', 'AssertionError: 2.0 != 3', 30, 18],
      ['test_draft', 'skipped', undefined, undefined, 10],
    ]);
    assert.deepEqual(summary.moduleCounts, [{ module: 'm', failed: 1, errors: 0, total: 2 }]);
  });
});

describe('OdooTestLogReader: results as the log comes', () => {
  it('says a test started at once, and ended when the next one starts', () => {
    const events: TestLogEvent[] = [];
    const reader = new OdooTestLogReader((event) => events.push(event));
    const lines = logOf('18.0-test-run');
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
    ]), { results: [], classProblems: [], counts: [], moduleCounts: [] });
  });
});

describe('hasFailedTests and failedByTests: did tests fail, with or without Odoo\'s end-of-run count', () => {
  const stamp = '2026-01-01 00:00:00';
  const at = (ms: number, level: string, logger: string, message: string) => `${stamp},${String(ms).padStart(3, '0')} 7 ${level} db ${logger}: ${message}`;
  const own = 'odoo.addons.my_tests.tests.test_my_tests';
  const passing = [at(100, 'INFO', own, 'Starting TestMyTests.test_pass ...'), at(200, 'INFO', 'odoo.service.server', '1 post-tests in 0.10s, 0 queries')];
  const count = (failed: number, errors: number, total: number) => at(900, failed + errors ? 'ERROR' : 'INFO', 'odoo.tests.result', `${failed} failed, ${errors} error(s) of ${total} tests when loading database 'db'`);
  /** [what, log lines, tests failed] */
  const cases: Array<[string, readonly string[], boolean]> = [
    ['a real 19.0 run in workers mode: no end-of-run count, its ERROR records say so', logOf('19.0-workers-run'), true],
    ['a real 18.0 threaded run: the count says 1 failed, 1 error', logOf('18.0-test-run'), true],
    ['a real 14.0 run that passed: the count says 0 of 32', logOf('14.0-passed-run'), false],
    ['a real 18.0 run of no test: 0 of 0, at WARNING', logOf('18.0-no-tests'), false],
    ['no count, every test passed', passing, false],
    ['no count, a FAIL record', [passing[0], at(150, 'ERROR', own, 'FAIL: TestMyTests.test_pass\nTraceback (most recent call last):\nAssertionError: no'), passing[1]], true],
    ['no count, only a module\'s count of its failures (a test that never started)', [...passing, at(300, 'ERROR', 'odoo.modules.loading', 'Module my_tests: 0 failures, 1 errors of 0 tests')], true],
    ['no count, a class that errored as a whole', [at(100, 'ERROR', 'odoo.tests.suite', 'ERROR: setUpClass (odoo.addons.my_tests.tests.test_my_tests.TestMyTests)\nTraceback (most recent call last):\nValueError: x')], true],
    ['no count, a class that was skipped as a whole', [at(100, 'INFO', 'odoo.tests.suite', 'skipped setUpClass (odoo.addons.my_tests.tests.test_my_tests.TestMyTests) : later')], false],
    ['the count decides where there is one', [...passing, count(0, 0, 1)], false],
    ['the count decides where there is one, also against passing records', [...passing, count(1, 0, 1)], true],
  ];
  for (const [what, lines, failed] of cases) {
    it(`${what}: ${failed ? 'failed' : 'none failed'}`, () => {
      const summary = readTestLog(lines.flatMap((line) => line.split('\n')));
      assert.equal(hasFailedTests(summary), failed);
      // Odoo's exit code counts the databases whose tests failed; 255 is a load that raised, 0 no failure.
      assert.equal(failedByTests(summary, 1), failed);
      assert.equal(failedByTests(summary, 255), false);
      assert.equal(failedByTests(summary, 0), false);
      assert.equal(failedByTests(summary, undefined), false);
    });
  }
});
