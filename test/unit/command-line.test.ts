import * as assert from 'node:assert/strict';
import {
  connectionDests,
  keepConnectionOptions,
  occurrenceTokens,
  optionValue,
  optionValues,
  parseCommandLine,
  stripLikeReexec,
  stripOneShot,
  type ParsedArg,
} from '../../src/core/command-line';
import { OdooCommandLine } from '../../src/core/odoo-command-line';
import { catalogFor } from '../../src/core/option-catalog';

const c17 = catalogFor('17.0');
const c19 = catalogFor('19.0');

/** An occurrence as `[flag, dest, value, start, end, form, error?]`, easy to write in a table. */
type Row = [string, string | undefined, string | undefined, number, number, ParsedArg['form'], ParsedArg['error']?];

function rows(args: readonly ParsedArg[]): Row[] {
  return args.map((arg) => {
    const row: Row = [arg.flag, arg.option?.dest, arg.value, arg.start, arg.end, arg.form];
    if (arg.error) {
      row.push(arg.error);
    }
    return row;
  });
}

describe('parseCommandLine', () => {
  const cases: Array<[string, readonly string[], Row[]]> = [
    ['-d db --dev=xml --log-level=debug', ['-d', 'db', '--dev=xml', '--log-level=debug'], [
      ['-d', 'db_name', 'db', 0, 2, 'separate'],
      ['--dev', 'dev_mode', 'xml', 2, 3, 'inline'],
      ['--log-level', 'log_level', 'debug', 3, 4, 'inline'],
    ]],
    ['-u my_module -d db', ['-u', 'my_module', '-d', 'db'], [
      ['-u', 'update', 'my_module', 0, 2, 'separate'],
      ['-d', 'db_name', 'db', 2, 4, 'separate'],
    ]],
    ['--update=a,b', ['--update=a,b'], [['--update', 'update', 'a,b', 0, 1, 'inline']]],
    ['-ddb', ['-ddb'], [['-d', 'db_name', 'db', 0, 1, 'inline']]],
    ['--db_host db --db_port 5432', ['--db_host', 'db', '--db_port', '5432'], [
      ['--db_host', 'db_host', 'db', 0, 2, 'separate'],
      ['--db_port', 'db_port', '5432', 2, 4, 'separate'],
    ]],
    ['--test-tags /my_module:TestX.test_y', ['--test-tags', '/my_module:TestX.test_y'], [
      ['--test-tags', 'test_tags', '/my_module:TestX.test_y', 0, 2, 'separate'],
    ]],
    ['--dev all', ['--dev', 'all'], [['--dev', 'dev_mode', 'all', 0, 2, 'separate']]],
    ['--log-handler odoo.sql_db:DEBUG', ['--log-handler', 'odoo.sql_db:DEBUG'], [
      ['--log-handler', 'log_handler', 'odoo.sql_db:DEBUG', 0, 2, 'separate'],
    ]],
    ['--workers=2', ['--workers=2'], [['--workers', 'workers', '2', 0, 1, 'inline']]],
    ['-c /etc/odoo/odoo.conf', ['-c', '/etc/odoo/odoo.conf'], [['-c', 'config', '/etc/odoo/odoo.conf', 0, 2, 'separate']]],
    ['--no-http', ['--no-http'], [['--no-http', 'http_enable', undefined, 0, 1, 'flag']]],
    ['--stop-after-init', ['--stop-after-init'], [['--stop-after-init', 'stop_after_init', undefined, 0, 1, 'flag']]],
    ['--i18n-overwrite', ['--i18n-overwrite'], [['--i18n-overwrite', 'overwrite_existing_translations', undefined, 0, 1, 'flag']]],
    ['--load-language=fr_FR', ['--load-language=fr_FR'], [['--load-language', 'load_language', 'fr_FR', 0, 1, 'inline']]],
    ['a value is taken whatever it looks like', ['-d', '-u', '--dev', '--x'], [
      ['-d', 'db_name', '-u', 0, 2, 'separate'],
      ['--dev', 'dev_mode', '--x', 2, 4, 'separate'],
    ]],
    ['an empty inline value', ['--db-filter='], [['--db-filter', 'dbfilter', '', 0, 1, 'inline']]],
    ['only the first = splits', ['--db-filter=^a=b$'], [['--db-filter', 'dbfilter', '^a=b$', 0, 1, 'inline']]],
    ['an abbreviation', ['--upd', 'x'], [['--upd', 'update', 'x', 0, 2, 'separate']]],
    ['an abbreviation with =', ['--stop'], [['--stop', 'stop_after_init', undefined, 0, 1, 'flag']]],
    ['a missing value', ['--stop-after-init', '-d'], [
      ['--stop-after-init', 'stop_after_init', undefined, 0, 1, 'flag'],
      ['-d', 'db_name', undefined, 1, 2, 'flag', 'missingValue'],
    ]],
    ['a value given to a flag', ['--no-http=1'], [['--no-http', 'http_enable', '1', 0, 1, 'inline', 'unexpectedValue']]],
    ['an unknown long option', ['--foo=bar', '--baz'], [
      ['--foo', undefined, 'bar', 0, 1, 'inline', 'unknown'],
      ['--baz', undefined, undefined, 1, 2, 'flag', 'unknown'],
    ]],
    ['an ambiguous long option', ['--log', 'x'], [['--log', undefined, undefined, 0, 1, 'flag', 'ambiguous']]],
    ['an unknown short option', ['-x', '-d', 'db'], [
      ['-x', undefined, undefined, 0, 1, 'flag', 'unknown'],
      ['-d', 'db_name', 'db', 1, 3, 'separate'],
    ]],
    ['a cluster with a separate value', ['-sd', 'db'], [
      ['-s', 'save', undefined, 0, 1, 'flag'],
      ['-d', 'db_name', 'db', 0, 2, 'separate'],
    ]],
    ['a cluster with an inline value', ['-sdb'], [
      ['-s', 'save', undefined, 0, 1, 'flag'],
      ['-d', 'db_name', 'b', 0, 1, 'inline'],
    ]],
    ['a bool repeated in a cluster', ['-ss'], [
      ['-s', 'save', undefined, 0, 1, 'flag'],
      ['-s', 'save', undefined, 0, 1, 'flag'],
    ]],
    ['a single-dash long flag, as optparse reads it', ['-stop-after-init'], [
      ['-s', 'save', undefined, 0, 1, 'flag'],
      ['-t', undefined, undefined, 0, 1, 'flag', 'unknown'],
    ]],
    ['-- ends the options', ['-d', 'db', '--', '-u', 'x'], [['-d', 'db_name', 'db', 0, 2, 'separate']]],
  ];
  for (const [name, argv, expected] of cases) {
    it(name, () => {
      assert.deepEqual(rows(parseCommandLine(argv, c17).options), expected);
    });
  }

  it('records which characters of a shared token belong to each short option', () => {
    const [save, db] = parseCommandLine(['-sdb'], c17).options;
    assert.deepEqual(save.span, { from: 1, to: 2 });
    assert.deepEqual(db.span, { from: 2, to: 4 });
    assert.equal(parseCommandLine(['-ddb'], c17).options[0].span, undefined);
  });

  it('gives the full flag of an abbreviation and the candidates of an ambiguous one', () => {
    assert.equal(parseCommandLine(['--upd', 'x'], c17).options[0].matched, '--update');
    assert.deepEqual(parseCommandLine(['--log-d', 'x'], c17).options[0].candidates, ['--log-db', '--log-db-level']);
  });

  const commandCases: Array<[readonly string[], string | undefined, number[], boolean]> = [
    [['-d', 'db'], undefined, [], true],
    [['server', '-d', 'db'], 'server', [], true],
    [['shell', '-d', 'db'], 'shell', [], false],
    [['scaffold', 'my_module', '/tmp'], 'scaffold', [1, 2], false],
    [['--addons-path=/x', 'shell', '-d', 'db'], 'shell', [], false],
    [['--addons-path', '/x', 'shell'], undefined, [2], true],
    [['-d', 'db', 'shell'], undefined, [2], true],
    [['mydb'], 'mydb', [], false],
    [['-d', 'db', '-', 'x'], undefined, [2, 3], true],
    [['-d', 'db', '--', '-u', 'x'], undefined, [3, 4], true],
    [[], undefined, [], true],
  ];
  for (const [argv, command, positionals, http] of commandCases) {
    it(`finds the command and stray words of ${JSON.stringify(argv)}`, () => {
      const parsed = parseCommandLine(argv, c17);
      assert.equal(parsed.subcommand?.text, command);
      assert.deepEqual(parsed.positionals.map((p) => p.index), positionals);
      assert.equal(OdooCommandLine.compose(['odoo'], argv, '17.0').isServer, http);
    });
  }

  it('marks where -- ends the options', () => {
    assert.equal(parseCommandLine(['-d', 'db', '--', 'x'], c17).endOfOptions, 2);
    assert.equal(parseCommandLine(['-d', 'db'], c17).endOfOptions, undefined);
  });

  describe('19.0 --without-demo, whose value is optional', () => {
    const cases: Array<[readonly string[], Row[]]> = [
      [['--without-demo'], [['--without-demo', 'with_demo', undefined, 0, 1, 'flag']]],
      [['--without-demo', '-d', 'db'], [
        ['--without-demo', 'with_demo', undefined, 0, 1, 'flag'],
        ['-d', 'db_name', 'db', 1, 3, 'separate'],
      ]],
      [['--without-demo', 'all'], [['--without-demo', 'with_demo', 'all', 0, 2, 'separate']]],
      [['--without-demo=false'], [['--without-demo', 'with_demo', 'false', 0, 1, 'inline']]],
      // Odoo's pre-pass looks for the exact flag only: an abbreviation always takes a value.
      [['--without', '-d'], [['--without', 'with_demo', '-d', 0, 2, 'separate']]],
    ];
    for (const [argv, expected] of cases) {
      it(JSON.stringify(argv), () => {
        assert.deepEqual(rows(parseCommandLine(argv, c19).options), expected);
      });
    }
  });
});

describe('stripOneShot', () => {
  const cases: Array<[string, readonly string[], string[]]> = [
    ['17.0', ['-d', 'db', '-u', 'my_module'], ['-d', 'db']],
    ['17.0', ['-u', 'my_module', '-d', 'db'], ['-d', 'db']],
    ['17.0', ['--update=a,b', '-ddb'], ['-ddb']],
    ['17.0', ['-ua,b', '-ix', '-d', 'db'], ['-d', 'db']],
    ['17.0', ['--upd', 'x', '--dev', 'all'], ['--dev', 'all']],
    ['17.0', ['-d', 'db', '--test-tags', '/my_module:TestX.test_y', '--stop-after-init'], ['-d', 'db']],
    ['17.0', ['--test-enable', '--test-file=/t.py', '-d', 'db'], ['-d', 'db']],
    ['17.0', ['--load-language=fr_FR', '--i18n-overwrite', '-u', 'm', '-d', 'db'], ['-d', 'db']],
    ['17.0', ['--i18n-import', 'fr.po', '-l', 'fr_FR', '--modules', 'web', '-d', 'db'], ['-d', 'db']],
    ['17.0', ['-s', '-c', '/etc/odoo/odoo.conf'], ['-c', '/etc/odoo/odoo.conf']],
    ['17.0', ['-sd', 'db'], ['-d', 'db']],
    ['17.0', ['-sdb'], ['-db']],
    ['17.0', ['-d', '-u'], ['-d', '-u']],
    ['17.0', ['--dev=xml', '--log-level=debug', '--workers=2', '--no-http'], ['--dev=xml', '--log-level=debug', '--workers=2', '--no-http']],
    ['17.0', ['--foo', '-u', 'x', 'bar'], ['--foo', 'bar']],
    ['17.0', ['server', '-d', 'db', '-u', 'x', '--', '-u'], ['server', '-d', 'db', '--', '-u']],
    ['17.0', ['--help', '-d', 'db'], ['-d', 'db']],
    ['17.0', ['--reinit', 'x'], ['--reinit', 'x']],
    ['19.0', ['--reinit', 'x', '-d', 'db'], ['-d', 'db']],
    ['19.0', ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo'], ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo']],
  ];
  for (const [series, argv, expected] of cases) {
    it(`${series}: ${argv.join(' ')}`, () => {
      assert.deepEqual(stripOneShot(argv, catalogFor(series)), expected);
    });
  }
});

describe('stripLikeReexec', () => {
  const cases: Array<[readonly string[], string[]]> = [
    [['-d', 'db', '-u', 'my_module'], ['-d', 'db']],
    [['-d', 'db', '--update', 'a', '--init=b', '-ic', '-s', '--save', '--i18n-overwrite'], ['-d', 'db']],
    [['-d', 'db', '--stop-after-init', '--test-enable', '--load-language=fr_FR'], ['-d', 'db', '--stop-after-init', '--test-enable', '--load-language=fr_FR']],
    // Odoo works on text: an abbreviation survives, and a cluster starting with -s loses its value's flag.
    [['--upd', 'x', '-d', 'db'], ['--upd', 'x', '-d', 'db']],
    [['-sd', 'db'], ['db']],
    [['--db_host', 'db', '--db_port', '5432', '-u', 'all'], ['--db_host', 'db', '--db_port', '5432']],
    [['--dev=all', '--update=sale'], ['--dev=all']],
  ];
  for (const [argv, expected] of cases) {
    it(argv.join(' '), () => {
      assert.deepEqual(stripLikeReexec(argv, c17), expected);
    });
  }

  it('agrees with stripOneShot on plain -u/-i/-s/--i18n-overwrite command lines', () => {
    const argv = ['-c', '/etc/odoo/odoo.conf', '-d', 'db', '-u', 'a', '--init', 'b', '-s', '--i18n-overwrite', '--dev=xml'];
    assert.deepEqual(stripLikeReexec(argv, c17), stripOneShot(argv, c17));
  });
});

describe('keepConnectionOptions', () => {
  const entrypointArgs = ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo'];
  const cases: Array<[string, readonly string[], readonly string[], string[]]> = [
    ['keeps the entrypoint connection args', ['-d', 'old', ...entrypointArgs], ['-d', 'new', '--dev=xml'],
      ['-d', 'new', '--dev=xml', ...entrypointArgs]],
    ['lets the new args override a setting', entrypointArgs, ['--db_port=5433', '-r', 'me'],
      ['--db_port=5433', '-r', 'me', '--db_host', 'db', '--db_password', 'odoo']],
    ['copies tokens as written, config included', ['-c', '/etc/odoo/odoo.conf', '-wsecret', '--db_h=db', '-u', 'x'], ['-d', 'db'],
      ['-d', 'db', '-c', '/etc/odoo/odoo.conf', '-wsecret', '--db_h=db']],
    ['unclusters short options', ['-sw', 'pw'], [], ['-w', 'pw']],
    ['keeps nothing else', ['-d', 'db', '--workers', '2', '--dev', 'all'], ['--no-http'], ['--no-http']],
    ['keeps nothing when there is nothing', [], ['-d', 'db'], ['-d', 'db']],
  ];
  for (const [name, oldArgs, newArgs, expected] of cases) {
    it(name, () => {
      assert.deepEqual(keepConnectionOptions(oldArgs, newArgs, c17), expected);
    });
  }

  it('covers the config file and the database connection', () => {
    assert.deepEqual([...connectionDests], ['config', 'db_host', 'db_port', 'db_user', 'db_password']);
  });
});

describe('occurrenceTokens', () => {
  it('gives an occurrence as a stand-alone argv part', () => {
    const argv = ['-sd', 'db', '--dev=xml'];
    const [save, db, dev] = parseCommandLine(argv, c17).options;
    assert.deepEqual(occurrenceTokens(argv, save), ['-s']);
    assert.deepEqual(occurrenceTokens(argv, db), ['-d', 'db']);
    assert.deepEqual(occurrenceTokens(argv, dev), ['--dev=xml']);
  });
});

describe('optionValue', () => {
  const cases: Array<[string, readonly string[], string, string | undefined]> = [
    ['17.0', ['-d', 'db', '--dev=xml'], 'db_name', 'db'],
    ['17.0', ['-ddb'], 'db_name', 'db'],
    ['17.0', ['--database=a', '-d', 'b'], 'db_name', 'b'],
    ['17.0', ['--datab', 'x'], 'db_name', 'x'],
    ['17.0', ['--dat', 'x'], 'db_name', undefined],
    ['17.0', ['-p', '8069', '--http-port=8070'], 'http_port', '8070'],
    ['17.0', ['--xmlrpc-port', '8071'], 'http_port', '8071'],
    ['17.0', ['--workers=2'], 'workers', '2'],
    ['17.0', ['-c', '/etc/odoo/odoo.conf'], 'config', '/etc/odoo/odoo.conf'],
    ['17.0', ['--no-http'], 'http_enable', 'false'],
    ['17.0', ['--proxy-mode'], 'proxy_mode', 'true'],
    ['17.0', ['--log-sql'], 'log_handler', 'odoo.sql_db:DEBUG'],
    ['17.0', ['-d'], 'db_name', undefined],
    ['17.0', ['--http-port'], 'http_port', undefined],
    ['17.0', ['--dev', 'all'], 'db_name', undefined],
    ['17.0', ['shell', '-d', 'db'], 'db_name', 'db'],
    ['19.0', ['--without-demo'], 'with_demo', 'True'],
    ['19.0', ['--with-demo'], 'with_demo', 'true'],
  ];
  for (const [series, argv, dest, expected] of cases) {
    it(`${series}: ${dest} of ${argv.join(' ')}`, () => {
      assert.equal(optionValue(argv, dest, catalogFor(series)), expected);
    });
  }

  it('lists every value of a repeatable option', () => {
    const argv = ['--log-handler', 'odoo.sql_db:DEBUG', '--log-web', '--log-handler=werkzeug:WARNING'];
    assert.deepEqual(optionValues(argv, 'log_handler', c17), ['odoo.sql_db:DEBUG', 'odoo.http:DEBUG', 'werkzeug:WARNING']);
  });
});
