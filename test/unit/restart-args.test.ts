import * as assert from 'node:assert/strict';
import { checkArgsLine, currentArgs, historyOf, inputLines, pushHistory } from '../../src/vscode/restart-args';
import { catalogFor } from '../../src/core/option-catalog';

describe('currentArgs', () => {
  const entrypoint = ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', '***'];
  const cases: Array<[string, string[] | undefined, string[]]> = [
    ['nothing known', undefined, []],
    ['an empty argv', [], []],
    ['the official image: entrypoint options after the user args', ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db', '--dev=xml', ...entrypoint], ['-d', 'db', '--dev=xml']],
    ['the official image: entrypoint options first, with -c', ['/usr/bin/python3', '/usr/bin/odoo', '-c', '/etc/odoo/odoo.conf', ...entrypoint, '-d', 'x'], ['-d', 'x']],
    ['inline and short forms of connection options', ['python3', 'odoo-bin', '--db_host=db', '-r', 'odoo', '-w***', '--config=/x.conf', '-d', 'x'], ['-d', 'x']],
    ['the server command word and python -m odoo', ['python3', '-m', 'odoo', 'server', '-d', 'x', '-u', 'sale'], ['-d', 'x', '-u', 'sale']],
    ['a script run directly', ['/opt/odoo/odoo-bin', '--workers=2', '--db_port', '5433'], ['--workers=2']],
    ['a debugger wrapper', ['python3', '-m', 'debugpy', '--listen', '5678', '/usr/bin/odoo', '-d', 'x'], ['-d', 'x']],
    ['secret options other than the connection ones stay, masked', ['odoo', '--smtp-password=***', '-d', 'x'], ['--smtp-password=***', '-d', 'x']],
    ['a clustered connection option stays as written', ['odoo', '-sc', '/x.conf', '-d', 'x'], ['-sc', '/x.conf', '-d', 'x']],
    ['not an Odoo command line', ['/bin/sleep', 'infinity'], []],
    ['an Odoo script with no args', ['/usr/bin/odoo'], []],
  ];
  for (const [title, argv, expected] of cases) {
    it(title, () => assert.deepEqual(currentArgs(argv), expected));
  }

  it('reads options of the given series', () => {
    // --longpolling-port is an option of 14.0 to 17.0 only; a connection option after it must still go.
    assert.deepEqual(currentArgs(['odoo', '--longpolling-port', '8072', '--db_host', 'db'], '16.0'), ['--longpolling-port', '8072']);
  });
});

describe('checkArgsLine', () => {
  it('splits and accepts good args', () => {
    assert.deepEqual(checkArgsLine(`-d db --dev=xml,qweb --log-handler='odoo.sql_db:DEBUG'`), {
      argv: ['-d', 'db', '--dev=xml,qweb', '--log-handler=odoo.sql_db:DEBUG'],
      errors: [],
      warnings: [],
      problems: [],
    });
  });

  it('accepts an empty line', () => {
    assert.deepEqual(checkArgsLine('   '), { argv: [], errors: [], warnings: [], problems: [] });
  });

  it('lists every problem, each with the whole line fixed where a fix exists', () => {
    const check = checkArgsLine('-d db --log-level=debg --bogus', '17.0');
    assert.equal(check.problems.length, 2);
    assert.deepEqual(check.problems.map((p) => p.severity), ['error', 'error']);
    assert.equal(check.problems[0]!.fixedLine, '-d db --log-level=debug --bogus');
    assert.equal(check.problems[0]!.fixTitle, 'Change to --log-level=debug');
    assert.match(check.problems[1]!.message, /--bogus/);
    assert.equal(check.problems[1]!.fixedLine, undefined, 'no option is close to --bogus');
  });

  it('checks modules and databases against what the server offers', () => {
    const offer = { modules: ['sale', 'my_module'], databases: ['dev', 'test'] };
    const check = checkArgsLine('-d deb -u my_modul', '17.0', offer);
    assert.deepEqual(check.errors, []);
    assert.equal(check.warnings.length, 2);
    assert.match(check.warnings[0]!, /No database "deb" on the server: Odoo would create it; did you mean "dev"\?/);
    assert.match(check.warnings[1]!, /No module "my_modul" .*did you mean "my_module"\?/);
    assert.equal(check.problems[0]!.fixedLine, '-d dev -u my_modul');
    assert.deepEqual(checkArgsLine('-d dev -u my_module,all', '17.0', offer).problems, []);
  });

  it('keeps shell syntax as words and runs nothing', () => {
    const check = checkArgsLine('-d "$(rm -rf /)" --log-level=debug');
    assert.deepEqual(check.argv, ['-d', '$(rm -rf /)', '--log-level=debug']);
  });

  it('blocks an unclosed quote with the column', () => {
    const check = checkArgsLine('-d "db');
    assert.equal(check.argv, undefined);
    assert.match(check.errors[0], /Unclosed double quote at column 4/);
  });

  it('blocks an unknown option with what to do', () => {
    const check = checkArgsLine('-d db --foo', '17.0');
    assert.equal(check.errors.length, 1);
    assert.match(check.errors[0], /--foo/);
  });

  it('blocks a misspelt option and suggests the right one', () => {
    const check = checkArgsLine('--log-levle=debug', '17.0');
    assert.match(check.errors.join(' '), /--log-level/);
  });

  it('warns but allows -u without -d', () => {
    const check = checkArgsLine('-u sale', '17.0');
    assert.deepEqual(check.errors, []);
    assert.match(check.warnings[0], /-d/);
  });

  it('blocks an option of another series when the series is known', () => {
    assert.notDeepEqual(checkArgsLine('--longpolling-port=8072', '18.0').errors, []);
    assert.deepEqual(checkArgsLine('--longpolling-port=8072', '16.0').errors, []);
  });

  it('with no known series, blocks only what every series refuses', () => {
    const other = checkArgsLine('--longpolling-port=8072');
    assert.deepEqual(other.errors, []);
    assert.match(other.warnings.join(' '), /--longpolling-port/);
    assert.notDeepEqual(checkArgsLine('--no-such-option').errors, []);
  });

  for (const line of ['--smtp-password=***', '-w ***', '-w***', '-sw***', "--db_password '***'", '--db_password=***']) {
    it(`blocks a masked value: ${line}`, () => {
      assert.match(checkArgsLine(line, '17.0').errors[0] ?? '', /secret/);
    });
  }

  it('lets stars through where they are not a masked value', () => {
    assert.deepEqual(checkArgsLine("--test-tags '/sale:Test*'", '17.0').errors, []);
  });
});

describe('pushHistory', () => {
  const cases: Array<[string, string[], string, string[]]> = [
    ['into an empty history', [], '-d db', ['-d db']],
    ['newest first', ['-d a'], '-d b', ['-d b', '-d a']],
    ['moves a repeated entry to the front', ['-d a', '-d b', '-d c'], '-d b', ['-d b', '-d a', '-d c']],
    ['trims blanks', ['-d a'], '  -d a  ', ['-d a']],
    ['ignores an empty entry', ['-d a'], '  ', ['-d a']],
    ['keeps the last 10', Array.from({ length: 10 }, (_, i) => `-d db${i}`), '-d new', ['-d new', ...Array.from({ length: 9 }, (_, i) => `-d db${i}`)]],
  ];
  for (const [title, history, entry, expected] of cases) {
    it(title, () => assert.deepEqual(pushHistory(history, entry), expected));
  }

  it('does not change the history it is given', () => {
    const history = ['-d a'];
    pushHistory(history, '-d b');
    assert.deepEqual(history, ['-d a']);
  });
});

describe('historyOf', () => {
  it('reads only strings out of what was stored', () => {
    assert.deepEqual(historyOf(['-d a', 3, null, '-d b']), ['-d a', '-d b']);
    assert.deepEqual(historyOf(undefined), []);
    assert.deepEqual(historyOf({ 0: '-d a' }), []);
  });
});

describe('inputLines', () => {
  const running = { argv: ['/usr/bin/python3', '/usr/bin/odoo', '-d', 'db', '--db_host', 'pg', '--dev=xml'] };
  const cases: Array<[string, typeof running | undefined, string | undefined, string[], { prefill: string; history: string[] }]> = [
    ['a running server: its args, without the connection options, and not again in the history',
      running, undefined, ['-d db --dev=xml', '-d other'], { prefill: '-d db --dev=xml', history: ['-d other'] }],
    ['after a crash: the last working args, not the line that crashed',
      undefined, '-d db', ['-d db --db_user postgres', '-d db'], { prefill: '-d db', history: ['-d db --db_user postgres'] }],
    ['after a crash with no args remembered: an empty line, the history whole',
      undefined, '', ['-d db --db_user postgres'], { prefill: '', history: ['-d db --db_user postgres'] }],
    ['nothing known: the last line typed, listed once',
      undefined, undefined, ['-d a', '-d b'], { prefill: '-d a', history: ['-d b'] }],
    ['nothing at all', undefined, undefined, [], { prefill: '', history: [] }],
  ];
  for (const [title, server, lastWorking, history, expected] of cases) {
    it(title, () => assert.deepEqual(inputLines(server, '17.0', lastWorking, history), expected));
  }
});

describe('checkArgsLine with the container\'s own option list', () => {
  const container = {
    imageId: 'sha256:test',
    version: 'Odoo Server 18.0',
    options: [
      ...catalogFor('18.0').all.filter((o) => o.flags.length > 0 && !o.hidden && !o.builtin)
        .map((o) => ({ flags: o.flags, takesValue: o.type !== 'bool', help: '', group: o.group })),
      { flags: ['--queue-channels'], takesValue: true, metavar: 'CHANNELS', help: 'Job channels', group: 'Queue Job' },
    ],
  };

  it('accepts an option only the container lists, which the bundled catalog refuses', () => {
    assert.ok(checkArgsLine('-d db --queue-channels root:2', '18.0').errors.length > 0);
    assert.deepEqual(checkArgsLine('-d db --queue-channels root:2', '18.0', {}, container).errors, []);
  });

  it('still refuses what the container does not list', () => {
    assert.ok(checkArgsLine('-d db --queue-channel-typo root:2', '18.0', {}, container).errors.length > 0);
  });
});
