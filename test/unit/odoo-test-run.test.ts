import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OdooDevError } from '../../src/core/errors';
import type { OdooEngine, OdooStatus } from '../../src/engine/odoo-engine';
import { runOdooTests } from '../../src/engine/odoo-test-run';
import type { RunWatch } from '../../src/engine/run-watch';

const logOf = (name: string) => readFileSync(path.join(__dirname, `../fixtures/odoo-logs/${name}.log`), 'utf8').split('\n');

/** An engine whose server runs with `argv`, and whose run once logs `lines` and exits with `exitCode`. */
function engineThat(argv: readonly string[], lines: readonly string[], exitCode: number) {
  const asked: string[][] = [];
  const status: OdooStatus = {
    container: { id: 'c1', name: 'odoo', state: 'running' },
    state: 'running',
    server: { pid: 1, uid: 101, argv, workers: 2, gevent: true, port: 8069, database: 'db', isPid1: true },
    others: [],
  };
  const engine = {
    status: () => Promise.resolve(status),
    runOnce: (request: { readonly args: readonly string[] }, _progress: unknown, watch?: RunWatch) => {
      asked.push([...request.args]);
      for (const line of lines) watch?.onLog?.(line);
      return exitCode === 0
        ? Promise.resolve({ plan: 'completed' })
        : Promise.reject(new OdooDevError('run-failed', `The run (PID 40) ended with exit code ${exitCode}.`, { details: { pid: 40, exitCode } }));
    },
  };
  return { engine: engine as unknown as OdooEngine, asked };
}

const prefork = ['/usr/bin/python3', '/usr/bin/odoo', '--workers', '2', '--max-cron-threads', '0', '-d', 'db'];
const target = [{ module: 'l10n_cl_hr_payroll' }];

describe('runOdooTests: tests that failed are an outcome, a run that failed is an error', () => {
  it('runs beside a prefork server as one process: --workers=0, the server\'s --workers left out', async () => {
    const { engine, asked } = engineThat(prefork, [], 0);
    await runOdooTests(engine, { targets: target });
    assert.deepEqual(asked, [['--max-cron-threads', '0', '-d', 'db', '-u', 'l10n_cl_hr_payroll', '--test-enable', '--test-tags', '/l10n_cl_hr_payroll', '--workers=0', '--stop-after-init']]);
  });

  it('runs under debugpy when asked (the Debug profile), and only then', async () => {
    const requests: unknown[] = [];
    const status = { container: { id: 'c1', name: 'odoo', state: 'running' }, state: 'running', server: { pid: 40, uid: 101, argv: ['/usr/bin/odoo', '-d', 'db'], port: 8069, database: 'db', isPid1: false }, others: [] };
    const engine = {
      status: () => Promise.resolve(status),
      runOnce: (request: unknown) => {
        requests.push(request);
        return Promise.resolve({ plan: 'completed' });
      },
    } as unknown as OdooEngine;
    await runOdooTests(engine, { targets: target, debug: { port: 5678 } });
    await runOdooTests(engine, { targets: target });
    assert.deepEqual(requests.map((r) => (r as { debug?: unknown }).debug), [{ port: 5678 }, undefined]);
    assert.equal('debug' in (requests[1] as object), false);
  });

  /** [what, log, exit code, a failed run] */
  const cases: Array<[string, readonly string[], number, boolean]> = [
    ['a real 19.0 run in workers mode, which logs no end-of-run count, exit 1: its tests failed', logOf('19.0-workers-run'), 1, false],
    ['a real 18.0 threaded run with its count, exit 1: its tests failed', logOf('18.0-test-run'), 1, false],
    ['the same log, but exit 255 (loading raised): the run failed', logOf('19.0-workers-run'), 255, true],
    ['exit 1 and no test failed in the log: the run failed', logOf('14.0-passed-run'), 1, true],
    ['exit 1 and no log at all: the run failed', [], 1, true],
  ];
  for (const [what, lines, exitCode, runFailed] of cases) {
    it(what, async () => {
      const { engine } = engineThat(prefork, lines, exitCode);
      const outcome = await runOdooTests(engine, { targets: target });
      assert.equal(outcome.exitCode, exitCode);
      assert.equal(outcome.failure !== undefined, runFailed, outcome.failure?.message);
      if (!runFailed) {
        assert.ok(outcome.summary.results.some((r) => r.outcome === 'errored' || r.outcome === 'failed'));
      }
    });
  }

  it('the per-test results of a run without the count: each test of the 19.0 workers run, with its outcome', async () => {
    const { engine } = engineThat(prefork, logOf('19.0-workers-run'), 1);
    const { summary, failure } = await runOdooTests(engine, { targets: target });
    assert.equal(failure, undefined);
    assert.deepEqual(summary.counts, []);
    const tally = (outcome: string) => summary.results.filter((r) => r.outcome === outcome).length;
    assert.deepEqual([tally('passed'), tally('errored'), tally('failed'), tally('skipped')], [27, 10, 1, 0]);
    assert.equal(summary.classProblems.length, 1);
    const failed = summary.results.find((r) => r.outcome === 'failed')!;
    assert.equal(failed.id, 'l10n_cl_hr_payroll/test_sopa_categories:TestSOPACategories.test_05_code_unique_constraint');
    assert.equal(failed.location?.line, 60);
  });
});
