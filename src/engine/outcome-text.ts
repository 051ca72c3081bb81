import type { RestartOutcome } from './engine-types';

const serverText = {
  hup: 'the server reloaded in place with SIGHUP',
  'in-place': 'the server restarted to load it',
  untouched: 'the server kept running',
} as const;

/**
 * One sentence for a finished restart, start or stop, the same in the terminal and the editor:
 * "Odoo restarted (PID 35) and ready in 0.84 s, Odoo 17.0, database demo".
 */
export function describeOutcome(outcome: RestartOutcome, digits = 2): string {
  const took = `${((outcome.readyMs ?? outcome.totalMs) / 1000).toFixed(digits)} s`;
  const pid = outcome.pid ? ` (PID ${outcome.pid})` : '';
  const text = {
    hup: `Odoo reloaded in place${pid} and ready in ${took}`,
    'in-place': `Odoo restarted${pid} and ready in ${took}`,
    start: `Odoo started${pid} and ready in ${took}`,
    completed: `Odoo ran once${pid} and exited with code ${outcome.exitCode ?? 0} after ${took}`,
    stopped: outcome.pid ? `Odoo stopped${pid} in ${took}` : 'Odoo was not running',
  }[outcome.plan];
  const tests = outcome.report?.tests ? `, ${outcome.report.tests.total} tests, none failed` : '';
  const server = outcome.server ? `; ${serverText[outcome.server.how]} (PID ${outcome.server.pid})` : '';
  const version = outcome.version ? `, Odoo ${outcome.version.serverVersion}` : '';
  const database = outcome.database ? `, database ${outcome.database}` : '';
  const overlap = `${outcome.warm ? ', warm' : ''}${outcome.overlapped ? '; the previous server answered until then' : ''}`;
  return `${text}${tests}${server}${version}${database}${overlap}`;
}
