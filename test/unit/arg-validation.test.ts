import * as assert from 'node:assert/strict';
import { validateArgs, validateArgsForSeries, type ArgProblem } from '../../src/core/arg-validation';
import { catalogFor, knownSeries } from '../../src/core/option-catalog';

/** A problem as `[severity, start, end, part of the message, fix?]`; the fix is checked exactly. */
type Expected = [ArgProblem['severity'], number, number, string, string[]?];

function check(series: string, argv: readonly string[], expected: readonly Expected[]): void {
  const problems = validateArgs(argv, catalogFor(series));
  const shown = JSON.stringify(problems, null, 1);
  assert.equal(problems.length, expected.length, shown);
  expected.forEach(([severity, start, end, fragment, fix], i) => {
    const problem = problems[i];
    assert.deepEqual([problem.severity, problem.start, problem.end], [severity, start, end], shown);
    assert.ok(problem.message.includes(fragment), `"${problem.message}" lacks "${fragment}"`);
    assert.deepEqual(problem.fix?.replaceWith, fix, shown);
  });
}

function applyFix(argv: readonly string[], problem: ArgProblem): string[] {
  return [...argv.slice(0, problem.start), ...(problem.fix?.replaceWith ?? []), ...argv.slice(problem.end)];
}

describe('validateArgs', () => {
  describe('accepts real Odoo command lines', () => {
    const clean: Array<[string, readonly string[]]> = [
      ['17.0', ['-d', 'db', '--dev=xml', '--log-level=debug']],
      ['17.0', ['-u', 'my_module', '-d', 'db']],
      ['17.0', ['--update=a,b', '-d', 'db']],
      ['17.0', ['-ddb']],
      ['17.0', ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo']],
      ['17.0', ['-d', 'db', '--test-tags', '/my_module:TestX.test_y']],
      ['17.0', ['--dev', 'all']],
      ['17.0', ['--log-handler', 'odoo.sql_db:DEBUG']],
      ['17.0', ['--workers=2']],
      ['17.0', ['-c', '/etc/odoo/odoo.conf']],
      ['17.0', ['--no-http']],
      ['17.0', ['--stop-after-init']],
      ['17.0', ['-d', 'db', '-u', 'base', '--i18n-overwrite']],
      ['17.0', ['--load-language=fr_FR']],
      ['17.0', ['server', '-d', 'db']],
      ['17.0', ['-sd', 'db']],
      ['17.0', ['--limit-time-real-cron', '-1']],
      ['17.0', ['--transient-age-limit', '0.5', '--db_sslmode=require', '--log-level', 'debug_sql']],
      ['17.0', ['--http-port', '0x1F90']],
      ['17.0', ['-d', 'db', '--test-tags', '/my_module/tests/test_x.py,-:TestY[param]']],
      ['14.0', ['--dev', 'pdb,reload', '--longpolling-port', '8072', '--log-request']],
      ['18.0', ['--dev', 'werkzeug', '--gevent-port', '8072']],
      // Odoo 14 to 18 honour the debuggers of SUPPORTED_DEBUGGER (odoo/tools/constants.py).
      ['15.0', ['--dev', 'ipdb,xml']],
      ['16.0', ['--dev=wdb']],
      ['17.0', ['--dev', 'pdb,ipdb,wdb,pudb']],
      ['18.0', ['--dev', 'xml,pdb']],
      ['18.0', ['--dev=pudb']],
      ['19.0', ['--with-demo', '-d', 'db', '-i', 'sale']],
      ['19.0', ['--without-demo', '-d', 'db']],
      ['19.0', ['--without-demo=false']],
      ['19.0', ['--dev', 'access,replica', '--log-handler', 'odoo.sql_db:DEBUG,werkzeug:WARNING']],
      ['19.0', ['--http-port', '08069']],
      ['17.0', []],
    ];
    for (const [series, argv] of clean) {
      it(`${series}: ${argv.join(' ') || '(nothing)'}`, () => check(series, argv, []));
    }
  });

  describe('finds what Odoo refuses or gets wrong', () => {
    const cases: Array<[string, string, readonly string[], Expected[]]> = [
      ['unknown option with a did-you-mean', '17.0', ['--updte', 'x', '-d', 'db'], [
        ['error', 0, 2, 'Odoo 17.0 has no option --updte; did you mean --update?', ['--update', 'x']],
      ]],
      ['unknown option spelled as its config key', '17.0', ['--dev-mode=xml'], [
        ['error', 0, 1, 'did you mean --dev?', ['--dev=xml']],
      ]],
      ['case matters', '17.0', ['--Stop-After-Init'], [
        ['error', 0, 1, 'did you mean --stop-after-init?', ['--stop-after-init']],
      ]],
      ['unknown option without a suggestion takes its word along', '17.0', ['--foo', 'bar'], [
        ['error', 0, 2, 'Odoo 17.0 has no option --foo; remove it'],
      ]],
      ['unknown short option', '17.0', ['-U', 'x', '-d', 'db'], [
        ['error', 0, 1, 'has no option -U; did you mean -u?', ['-u']],
        ['error', 1, 2, 'stray word "x"'],
      ]],
      ['unknown short option in a cluster', '17.0', ['-sx'], [
        ['error', 0, 1, 'has no option -x in -sx'],
      ]],
      ['option of a later series', '17.0', ['--with-demo', '-d', 'db'], [
        ['error', 0, 1, '--with-demo does not exist in Odoo 17.0 (it exists in 19.0); remove it.', []],
      ]],
      ['renamed option', '18.0', ['--longpolling-port', '8072'], [
        ['error', 0, 2, '(it exists in 14.0 to 17.0); use --gevent-port instead.', ['--gevent-port', '8072']],
      ]],
      ['hidden alias gone in 19', '19.0', ['--xmlrpc-port=8070'], [
        ['error', 0, 1, 'use --http-port instead', ['--http-port', '8070']],
      ]],
      ['log shortcut gone', '17.0', ['--log-request'], [
        ['error', 0, 1, '(it exists in 14.0 and 15.0); use --log-handler odoo.http.rpc.request:DEBUG instead.', ['--log-handler', 'odoo.http.rpc.request:DEBUG']],
      ]],
      ['short option gone', '19.0', ['-l', 'fr_FR'], [
        ['error', 0, 2, '-l does not exist in Odoo 19.0 (it exists in 14.0 to 18.0)', []],
      ]],
      ['missing value', '17.0', ['--stop-after-init', '-d'], [
        ['error', 1, 2, '-d needs a database name: add it after -d.'],
      ]],
      ['missing port', '17.0', ['--http-port'], [
        ['error', 0, 1, '--http-port needs a port number'],
      ]],
      ['unexpected value', '17.0', ['--no-http=1'], [
        ['error', 0, 1, '--no-http takes no value; write --no-http alone.', ['--no-http']],
      ]],
      ['ambiguous abbreviation', '17.0', ['--log-d', 'x'], [
        ['error', 0, 2, '--log-d is ambiguous in Odoo 17.0, it could be --log-db, --log-db-level; write the full option.'],
      ]],
      ['abbreviation', '17.0', ['--upd', 'x', '-d', 'db'], [
        ['warning', 0, 2, '--upd is short for --update; write it in full', ['--update', 'x']],
      ]],
      ['abbreviation that means the opposite', '17.0', ['--with'], [
        ['error', 0, 1, '--with needs a value'],
      ]],
      ['bad int', '17.0', ['--workers=two'], [
        ['error', 0, 1, '--workers needs a whole number, not "two".'],
      ]],
      ['leading zero before 19', '17.0', ['-p', '08069'], [
        ['error', 0, 2, 'reads "08069" as an octal number', ['-p', '8069']],
      ]],
      ['octal that parses before 19', '16.0', ['--workers=010'], [
        ['warning', 0, 1, 'reads "010" as the octal number 8', ['--workers=10']],
      ]],
      ['hexadecimal is refused in 19', '19.0', ['--workers', '0x2'], [
        ['error', 0, 2, 'needs a whole number'],
      ]],
      ['port out of range', '17.0', ['--http-port=70000'], [
        ['error', 0, 1, 'needs a port number from 0 to 65535'],
      ]],
      ['bad float', '17.0', ['--transient-age-limit', 'one'], [
        ['error', 0, 2, 'needs a number such as 1.5, not "one"'],
      ]],
      ['enforced choice, other case', '17.0', ['--log-level=DEBUG'], [
        ['error', 0, 1, '--log-level does not accept "DEBUG"; did you mean "debug"?', ['--log-level=debug']],
      ]],
      ['enforced choice, typo', '17.0', ['--db_sslmode', 'requir'], [
        ['error', 0, 2, 'did you mean "require"?', ['--db_sslmode', 'require']],
      ]],
      ['enforced choice, no suggestion', '17.0', ['--log-level', 'verbose'], [
        ['error', 0, 2, 'does not accept "verbose"; use one of info, debug_rpc'],
      ]],
      ['--dev value of an older series', '19.0', ['--dev', 'xml,wdb'], [
        ['warning', 0, 2, 'Odoo 19.0 ignores the --dev value "wdb"; it knows all, access, qweb, reload, replica, werkzeug, xml.', ['--dev', 'xml']],
      ]],
      ['--dev typo', '17.0', ['--dev=realod'], [
        ['warning', 0, 1, 'did you mean "reload"?', ['--dev=reload']],
      ]],
      ['--dev value of a newer series', '18.0', ['--dev', 'access'], [
        ['warning', 0, 2, 'Odoo 18.0 ignores the --dev value "access"', []],
      ]],
      ['lowercase log level', '17.0', ['--log-handler', 'odoo.sql_db:debug'], [
        ['error', 0, 2, 'Odoo fails to start on the lowercase level', ['--log-handler', 'odoo.sql_db:DEBUG']],
      ]],
      ['mixed-case log level', '17.0', ['--log-handler=odoo:Debug'], [
        ['warning', 0, 1, 'uses INFO; write odoo:DEBUG.', ['--log-handler=odoo:DEBUG']],
      ]],
      ['unknown log level', '17.0', ['--log-handler', 'odoo:VERBOSE'], [
        ['warning', 0, 2, 'uses INFO; use DEBUG, INFO'],
      ]],
      ['log handler without a level', '17.0', ['--log-handler', 'odoo.sql_db'], [
        ['error', 0, 2, 'needs LOGGER:LEVEL'],
      ]],
      ['several log handlers in one before 19', '18.0', ['--log-handler', 'a:DEBUG,b:INFO'], [
        ['error', 0, 2, 'repeat the option for each logger', ['--log-handler', 'a:DEBUG', '--log-handler', 'b:INFO']],
      ]],
      ['invalid test tag', '17.0', ['-d', 'db', '--test-tags', 'my-module'], [
        ['warning', 2, 4, 'Odoo ignores the test tag "my-module"'],
      ]],
      ['dotted test path', '14.0', ['-d', 'db', '--test-tags', 'my_module.tests.test_x'], [
        ['warning', 2, 4, 'Odoo ignores the test tag "my_module.tests.test_x"'],
      ]],
      ['-u without -d', '17.0', ['-u', 'my_module'], [
        ['warning', 0, 2, '-u needs a database: add -d NAME, unless the config file sets db_name.'],
      ]],
      ['tests without -d', '17.0', ['--test-enable'], [
        ['warning', 0, 1, 'runs tests only on a database'],
      ]],
      ['-u with several databases', '17.0', ['-d', 'a,b', '-u', 'x'], [
        ['error', 2, 4, 'cannot be used with several databases'],
      ]],
      ['several databases are fine without -u', '17.0', ['-d', 'a,b'], []],
      ['--i18n-overwrite without -u', '17.0', ['--i18n-overwrite', '-d', 'db'], [
        ['error', 0, 1, '--i18n-overwrite only works with -u or --i18n-import'],
      ]],
      ['--i18n-overwrite without -u in 19', '19.0', ['--i18n-overwrite'], [
        ['error', 0, 1, '--i18n-overwrite only works with -u; add -u MODULES'],
      ]],
      ['--i18n-import without -l', '17.0', ['--i18n-import', 'fr.po', '-d', 'db'], [
        ['error', 0, 2, 'needs -l LANGUAGE and -d NAME'],
      ]],
      ['syslog and logfile', '17.0', ['--syslog', '--logfile', '/tmp/odoo.log'], [
        ['error', 1, 3, '--syslog and --logfile exclude each other'],
      ]],
      ['option given twice', '17.0', ['-d', 'a', '--database=b'], [
        ['warning', 0, 2, '-d is overridden by --database later in these args', []],
      ]],
      ['repeatable options are fine', '17.0', ['--log-handler', 'a:DEBUG', '--log-sql', '--log-handler=b:INFO'], []],
      ['value that looks like an option', '17.0', ['-d', '--dev', 'xml'], [
        ['warning', 0, 2, '-d takes the next word "--dev" as its value'],
        ['error', 2, 3, 'stray word "xml"'],
      ]],
      ['value that looks like an option and is refused', '17.0', ['-p', '--dev'], [
        ['error', 0, 2, '-p takes the next word "--dev" as its value'],
      ]],
      ['--without-demo before 19 takes the next word', '17.0', ['--without-demo', '-d', 'db'], [
        ['warning', 0, 2, '--without-demo takes the next word "-d"'],
        ['error', 2, 3, 'stray word "db"'],
      ]],
      ['--without-demo module list in 19', '19.0', ['--without-demo', 'all', '-d', 'db'], [
        ['warning', 0, 2, 'reads --without-demo as true or false, so "all" skips demo data', ['--without-demo']],
      ]],
      ['single-dash long flag', '17.0', ['-update', 'my_module', '-d', 'db'], [
        ['error', 0, 2, '-update has a single dash, so Odoo reads it as -u with the value "pdate"; write --update.', ['--update', 'my_module']],
      ]],
      ['single-dash flag Odoo refuses', '17.0', ['-stop-after-init'], [
        ['error', 0, 1, 'reads it as -s, then the unknown -t', ['--stop-after-init']],
      ]],
      ['single-dash flag that creates a database', '17.0', ['-dev=xml'], [
        ['error', 0, 1, 'reads it as -d with the value "ev=xml"', ['--dev=xml']],
      ]],
      ['= after a short option', '17.0', ['-d=db'], [
        ['error', 0, 1, '-d gets the value "=db" with its =, since short options take no =; write -d db.', ['-d', 'db']],
      ]],
      ['-db with the database after it', '17.0', ['-db', 'mydb'], [
        ['error', 0, 2, '"mydb" is left over because -d already has the value "b" in the same word; write -d mydb.', ['-d', 'mydb']],
      ]],
      ['word after a flag', '17.0', ['--stop-after-init', 'yes'], [
        ['error', 1, 2, '"yes" follows --stop-after-init, which takes no value', []],
      ]],
      ['stray word', '17.0', ['-d', 'db', 'extra'], [
        ['error', 2, 3, 'Odoo refuses the stray word "extra"'],
      ]],
      ['words after --', '17.0', ['-d', 'db', '--', 'x'], [
        ['error', 2, 4, 'Odoo refuses words after --', []],
      ]],
      ['--help', '17.0', ['--help'], [
        ['error', 0, 1, 'makes Odoo print its options and exit', []],
      ]],
      ['--version abbreviated', '17.0', ['--vers'], [
        ['error', 0, 1, 'print its version', []],
      ]],
      ['another command', '17.0', ['shell', '-d', 'db'], [
        ['error', 0, 1, '"shell" makes Odoo run its shell command instead of the HTTP server'],
      ]],
      ['a database where the command goes', '17.0', ['mydb'], [
        ['error', 0, 1, 'Odoo has no command "mydb"'],
      ]],
    ];
    for (const [name, series, argv, expected] of cases) {
      it(`${name}: ${series} ${argv.join(' ')}`, () => check(series, argv, expected));
    }
  });

  it('gives fixes that remove the problem they fix', () => {
    const samples: Array<[string, readonly string[]]> = [
      ['17.0', ['--updte', 'x', '-d', 'db']],
      ['17.0', ['--dev-mode=xml']],
      ['18.0', ['--longpolling-port', '8072']],
      ['17.0', ['--log-request']],
      ['17.0', ['--no-http=1']],
      ['17.0', ['-p', '08069']],
      ['17.0', ['--log-level=DEBUG']],
      ['19.0', ['--dev', 'xml,wdb']],
      ['17.0', ['--log-handler', 'odoo.sql_db:debug']],
      ['18.0', ['--log-handler', 'a:DEBUG,b:INFO']],
      ['17.0', ['-update', 'my_module', '-d', 'db']],
      ['17.0', ['-db', 'mydb']],
      ['17.0', ['-p=8069']],
      ['17.0', ['--upd', 'x', '-d', 'db']],
      ['17.0', ['-U', 'x', '-d', 'db']],
      ['17.0', ['--with-demo', '-d', 'db']],
    ];
    for (const [series, argv] of samples) {
      const catalog = catalogFor(series);
      const problems = validateArgs(argv, catalog);
      const fixable = problems.find((p) => p.fix);
      assert.ok(fixable, `${argv.join(' ')} has no fix`);
      const fixed = applyFix(argv, fixable);
      const after = validateArgs(fixed, catalog);
      assert.ok(after.length < problems.length, `${argv.join(' ')} -> ${fixed.join(' ')}: ${JSON.stringify(after)}`);
    }
  });

  it('keeps passwords out of messages', () => {
    const cases: Array<readonly string[]> = [['-wsecret', 'extra'], ['-w=secret'], ['-w', '-secret'], ['-wsecret', '-d', 'db', 'x']];
    for (const argv of cases) {
      const problems = validateArgs(argv, catalogFor('17.0'));
      assert.ok(problems.length > 0, argv.join(' '));
      for (const problem of problems) {
        assert.ok(!problem.message.includes('secret'), problem.message);
      }
    }
  });

  it('reports problems in argv order, with ranges inside argv', () => {
    const argv = ['--foo', '-d', 'a', '--workers=x', '-d', 'b', 'stray', '--log-level', 'LOUD'];
    for (const series of knownSeries) {
      const problems = validateArgs(argv, catalogFor(series));
      assert.ok(problems.length >= 4, series);
      problems.forEach((problem, i) => {
        assert.ok(problem.start >= 0 && problem.start < problem.end && problem.end <= argv.length, JSON.stringify(problem));
        assert.ok(i === 0 || problems[i - 1].start <= problem.start);
        assert.match(problem.message, /^[^\n]+[.?]$/);
      });
    }
  });
});

describe('validateArgsForSeries', () => {
  it('with a known series, is that series\' validation', () => {
    assert.deepEqual(validateArgsForSeries(['--longpolling-port', '8072'], '19.0'), validateArgs(['--longpolling-port', '8072'], catalogFor('19.0')));
  });

  it('with the series unknown, an option some series knows is only a warning', () => {
    const problems = validateArgsForSeries(['--longpolling-port', '8072'], undefined);
    assert.ok(problems.length > 0);
    assert.ok(problems.every((p) => p.severity === 'warning'), JSON.stringify(problems));
  });

  it('with the series unknown, what every series refuses stays an error', () => {
    const problems = validateArgsForSeries(['--bogus-option'], undefined);
    assert.equal(problems.filter((p) => p.severity === 'error').length, 1);
  });
});
