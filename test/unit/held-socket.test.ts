import * as assert from 'node:assert/strict';
import { underDebugger } from '../../src/core/debug-launch';
import { socketPlan, type SocketPlan } from '../../src/core/held-socket';
import { OdooCommandLine } from '../../src/core/odoo-command-line';

const ODOO = ['python3', '/usr/bin/odoo'];

function command(args: readonly string[], series = '17.0'): OdooCommandLine {
  return OdooCommandLine.compose(ODOO, args, series);
}

interface Row {
  readonly title: string;
  readonly args: readonly string[];
  /** The running server's args; none: nothing runs. */
  readonly previous?: readonly string[];
  readonly series?: string;
  readonly noOverlap?: boolean;
  readonly expected: SocketPlan;
}

const hold8069 = { port: 8069 };

const rows: readonly Row[] = [
  { title: 'a threaded server replacing one on the same port overlaps on the held socket', args: ['-d', 'db', '--dev=xml'], previous: ['-d', 'db'], expected: { hold: { workersFromConfig: true }, overlap: true } },
  { title: 'an explicit port is held as given', args: ['-d', 'db', '--http-port', '8070'], previous: ['-d', 'db', '--http-port', '8070'], expected: { hold: { port: 8070, workersFromConfig: true }, overlap: true } },
  { title: 'explicit --workers 0 before 19: the threaded server, no config to read', args: ['-d', 'db', '--workers', '0'], previous: ['-d', 'db', '--workers', '0'], expected: { hold: {}, overlap: true } },
  { title: 'nothing runs: started on a held socket, no overlap', args: ['-d', 'db'], expected: { hold: { workersFromConfig: true }, overlap: false, why: 'no server runs' } },
  { title: '--no-overlap: held, stops first', args: ['-d', 'db'], previous: ['-d', 'db'], noOverlap: true, expected: { hold: { workersFromConfig: true }, overlap: false, why: 'overlap is turned off' } },
  { title: '-u: the old server must not serve while the schema changes', args: ['-d', 'db', '-u', 'sale'], previous: ['-d', 'db'], expected: { hold: { workersFromConfig: true }, overlap: false, why: 'modules are installed or updated: the old server must not serve meanwhile' } },
  { title: '-i too', args: ['-d', 'db', '-i', 'sale'], previous: ['-d', 'db'], expected: { hold: { workersFromConfig: true }, overlap: false, why: 'modules are installed or updated: the old server must not serve meanwhile' } },
  { title: 'a run that ends by itself', args: ['-d', 'db', '--stop-after-init'], previous: ['-d', 'db'], expected: { hold: { workersFromConfig: true }, overlap: false, why: 'a run that ends by itself' } },
  { title: 'a changed HTTP port stops first (the new port is held)', args: ['-d', 'db', '--http-port', '8070'], previous: ['-d', 'db'], expected: { hold: { port: 8070, workersFromConfig: true }, overlap: false, why: 'the HTTP port changes' } },
  { title: 'a changed interface stops first', args: ['-d', 'db', '--http-interface', '127.0.0.1'], previous: ['-d', 'db'], expected: { hold: { host: '127.0.0.1', workersFromConfig: true }, overlap: false, why: 'the HTTP port changes' } },
  { title: 'prefork up to 18 binds its own socket: not held', args: ['-d', 'db', '--workers', '2'], previous: ['-d', 'db', '--workers', '2'], series: '18.0', expected: { overlap: false, why: 'a prefork server before 19 binds its own socket' } },
  { title: 'prefork in 14 neither', args: ['-d', 'db', '--workers', '4'], previous: ['-d', 'db'], series: '14.0', expected: { overlap: false, why: 'a prefork server before 19 binds its own socket' } },
  { title: 'threaded replacing prefork before 19: held, but the old one has its own socket', args: ['-d', 'db', '--workers', '0'], previous: ['-d', 'db', '--workers', '2'], series: '16.0', expected: { hold: {}, overlap: false, why: 'the running prefork server binds its own socket' } },
  { title: 'prefork 19 takes socket activation: it overlaps', args: ['-d', 'db', '--workers', '2', '--dev=xml'], previous: ['-d', 'db', '--workers', '2'], series: '19.0', expected: { hold: {}, overlap: true } },
  { title: '19 with workers left to the config: held, no config check needed', args: ['-d', 'db'], previous: ['-d', 'db'], series: '19.0', expected: { hold: {}, overlap: true } },
  { title: 'no HTTP: nothing to hold', args: ['-d', 'db', '--no-http'], previous: ['-d', 'db'], expected: { overlap: false, why: 'no HTTP server' } },
  { title: 'not a server (shell): nothing to hold', args: ['shell', '-d', 'db'], previous: ['-d', 'db'], expected: { overlap: false, why: 'no HTTP server' } },
];

describe('socketPlan: where the new server\'s socket comes from, and whether it boots beside the old one', () => {
  for (const row of rows) {
    it(row.title, () => {
      const plan = socketPlan(command(row.args, row.series), {
        ...(row.previous ? { previous: command(row.previous, row.series) } : {}),
        ...(row.noOverlap ? { noOverlap: true } : {}),
      });
      assert.deepEqual(plan, row.expected);
    });
  }

  it('a debugger holds its port: the old server under debugpy stops first', () => {
    const previous = underDebugger(command(['-d', 'db']), { port: 5678 });
    const plan = socketPlan(command(['-d', 'db', '--dev=xml']), { previous });
    assert.equal(plan.overlap, false);
    assert.equal(plan.why, 'a debugger holds its port');
  });

  it('holds the port it will serve on, whatever the overlap', () => {
    assert.deepEqual(socketPlan(command(['-d', 'db', '-p', '8069', '--workers', '0'])).hold, hold8069);
  });
});
