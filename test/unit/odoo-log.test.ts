import * as assert from 'node:assert/strict';
import { isRegistryLoaded, logsRegistryLine, parseOdooLogLine, showsRegistryLine } from '../../src/core/odoo-log';

describe('parseOdooLogLine', () => {
  const cases: Array<[string, string, Partial<ReturnType<typeof parseOdooLogLine>> | undefined]> = [
    ['plain record', '2026-11-25 16:01:02,345 42 INFO ? odoo: Odoo version 17.0',
      { pid: 42, level: 'INFO', db: '?', logger: 'odoo', message: 'Odoo version 17.0' }],
    ['with database', '2026-11-25 16:01:02,345 7 INFO db1 odoo.modules.registry: Registry loaded in 0.312s',
      { pid: 7, db: 'db1', logger: 'odoo.modules.registry', message: 'Registry loaded in 0.312s' }],
    ['coloured level', '2026-11-25 16:01:02,345 7 \u001b[1;32m\u001b[1;49mINFO\u001b[0m db1 odoo.http: hello',
      { level: 'INFO', logger: 'odoo.http', message: 'hello' }],
    ['traceback continuation', 'Traceback (most recent call last):', undefined],
    ['optparse error', 'odoo: error: no such option: --bogus', undefined],
  ];
  for (const [name, line, expected] of cases) {
    it(name, () => {
      const parsed = parseOdooLogLine(line);
      if (expected === undefined) {
        assert.equal(parsed, undefined);
      } else {
        assert.ok(parsed);
        for (const [key, value] of Object.entries(expected)) {
          assert.equal(parsed[key as keyof typeof parsed], value, key);
        }
      }
    });
  }
});

describe('isRegistryLoaded', () => {
  const line = (logger: string, message: string) => parseOdooLogLine(`2026-11-25 16:01:02,345 7 INFO db ${logger}: ${message}`)!;
  it('accepts the registry line of 15 to 18 and of 19', () => {
    assert.equal(isRegistryLoaded(line('odoo.modules.registry', 'Registry loaded in 1.002s')), true);
    assert.equal(isRegistryLoaded(line('odoo.registry', 'Registry loaded in 1.002s')), true);
  });
  it('rejects the HTTP line, which comes before any database loads', () => {
    assert.equal(isRegistryLoaded(line('odoo.service.server', 'HTTP service (werkzeug) running on host:8069')), false);
    assert.equal(isRegistryLoaded(line('odoo.modules.loading', 'Modules loaded.')), false);
  });
  it('knows that 14 has no registry line', () => {
    assert.equal(logsRegistryLine('14.0'), false);
    assert.equal(logsRegistryLine('15.0'), true);
    assert.equal(logsRegistryLine('saas~17.2'), true);
    assert.equal(logsRegistryLine(undefined), true);
  });
});

describe('showsRegistryLine', () => {
  const cases: Array<[string, Parameters<typeof showsRegistryLine>[0], boolean]> = [
    ['defaults', { logHandlers: [] }, true],
    ['--log-level=debug', { logLevel: 'debug', logHandlers: [] }, true],
    ['--log-level=warn', { logLevel: 'warn', logHandlers: [] }, false],
    ['--log-level=runbot', { logLevel: 'runbot', logHandlers: [] }, false],
    ['--log-level=error', { logLevel: 'error', logHandlers: [] }, false],
    ['--logfile', { logfile: '/var/log/odoo.log', logHandlers: [] }, false],
    ['--syslog', { syslog: true, logHandlers: [] }, false],
    ['a root handler at WARNING', { logHandlers: [':WARNING'] }, false],
    ['odoo.modules at ERROR', { logHandlers: ['odoo.modules:ERROR'] }, false],
    ['warn, but the registry logger back at INFO', { logLevel: 'warn', logHandlers: ['odoo.modules.registry:INFO', 'odoo.registry:INFO'] }, true],
    ['an unrelated logger silenced', { logHandlers: ['odoo.sql_db:ERROR', 'werkzeug:CRITICAL'] }, true],
    ['the last handler for a logger wins', { logHandlers: ['odoo:ERROR', 'odoo:INFO'] }, true],
  ];
  for (const [name, settings, expected] of cases) {
    it(name, () => assert.equal(showsRegistryLine(settings), expected));
  }
});
