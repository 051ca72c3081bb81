import * as assert from 'node:assert/strict';
import { OptionCatalog, catalogFor, closestWord, knownSeries, longFlagOf, seriesOf, type OptionType } from '../../src/core/option-catalog';

const optionTypes: readonly OptionType[] = [
  'bool', 'optionalBool', 'int', 'float', 'string', 'choice', 'commaList', 'path', 'pathList', 'regex', 'testTags', 'loggerLevel',
];

describe('seriesOf', () => {
  const cases: Array<[string, string]> = [
    ['17.0', '17.0'],
    ['17.0+e', '17.0'],
    ['saas~17.2', '17.0'],
    ['saas-17.4+e', '17.0'],
    ['17', '17.0'],
    ['18.0-20250101', '18.0'],
    ['Odoo Server 16.0', '16.0'],
    ["[17, 0, 0, 'final', 0, '']", '17.0'],
    ['(15, 0, 0, "final", 0, "")', '15.0'],
    ['14.0', '14.0'],
    ['19.0', '19.0'],
    ['12.0', '14.0'],
    ['8.0', '14.0'],
    ['20.0', '19.0'],
    ['saas~19.1', '19.0'],
    ['master', '19.0'],
    ['', '19.0'],
  ];
  for (const [version, series] of cases) {
    it(`maps ${JSON.stringify(version)} to ${series}`, () => {
      assert.equal(seriesOf(version), series);
    });
  }
});

describe('catalogFor', () => {
  it('knows six series, oldest first', () => {
    assert.deepEqual([...knownSeries], ['14.0', '15.0', '16.0', '17.0', '18.0', '19.0']);
  });

  it('builds each catalog once', () => {
    assert.equal(catalogFor('17.0'), catalogFor('17.0'));
    assert.notEqual(catalogFor('17.0'), catalogFor('18.0'));
  });

  it('accepts a version string for the series', () => {
    assert.equal(catalogFor('17.0+e').series, '17.0');
    assert.equal(catalogFor('saas~18.3').series, '18.0');
    assert.equal(catalogFor('21.0').series, '19.0');
  });

  for (const series of knownSeries) {
    it(`${series}: every option is well formed and every flag is unique`, () => {
      const catalog = catalogFor(series);
      const seen = new Set<string>();
      for (const option of catalog.all) {
        assert.ok(option.dest, JSON.stringify(option));
        assert.ok(optionTypes.includes(option.type), `${option.dest}: ${option.type}`);
        for (const flag of option.flags) {
          assert.match(flag, /^(-[A-Za-z]|--[a-z0-9][a-z0-9_-]*)$/, flag);
          assert.ok(!seen.has(flag), `${flag} twice`);
          seen.add(flag);
          assert.equal(catalog.byFlag(flag), option);
        }
      }
      assert.equal(catalog.byFlag('-d')?.dest, 'db_name');
      assert.equal(catalog.byFlag('--help')?.builtin, true);
      assert.equal(catalog.byFlag('--version')?.builtin, true);
    });
  }
});

describe('OptionCatalog', () => {
  const c17 = catalogFor('17.0');
  const c19 = catalogFor('19.0');

  it('reads flags case-sensitively, as Odoo does', () => {
    assert.equal(c17.byFlag('-d')?.dest, 'db_name');
    assert.equal(c17.byFlag('-D')?.dest, 'data_dir');
    assert.equal(c17.byFlag('--Update'), undefined);
    assert.equal(c17.byFlag('update'), undefined);
  });

  describe('resolveLong', () => {
    const cases: Array<[string, string, { flag?: string; ambiguous?: string[] }]> = [
      ['17.0', '--update', { flag: '--update' }],
      ['17.0', '--upd', { flag: '--update' }],
      ['17.0', 'stop-after', { flag: '--stop-after-init' }],
      ['17.0', '--smtp', { flag: '--smtp' }],
      ['17.0', '--load', { flag: '--load' }],
      ['17.0', '--load-', { flag: '--load-language' }],
      ['17.0', '--ver', { flag: '--version' }],
      ['17.0', '--he', { flag: '--help' }],
      ['17.0', '--h', { ambiguous: ['--help', '--http-interface', '--http-port'] }],
      ['17.0', '--geoip', { ambiguous: ['--geoip-city-db', '--geoip-country-db', '--geoip-db'] }],
      ['17.0', '--log-d', { ambiguous: ['--log-db', '--log-db-level'] }],
      // Before 19 --with is a unique prefix of --without-demo: optparse reads the opposite.
      ['17.0', '--with', { flag: '--without-demo' }],
      ['19.0', '--with', { ambiguous: ['--with-demo', '--without-demo'] }],
      ['19.0', '--without', { flag: '--without-demo' }],
      ['17.0', '--nope', {}],
      ['17.0', '--Update', {}],
    ];
    for (const [series, name, expected] of cases) {
      it(`${series}: ${name}`, () => {
        const match = catalogFor(series).resolveLong(name);
        assert.equal(match.flag, expected.flag);
        assert.deepEqual(match.ambiguous, expected.ambiguous);
        assert.equal(match.option, expected.flag ? catalogFor(series).byFlag(expected.flag) : undefined);
      });
    }
  });

  it('says which options take a value', () => {
    const cases: Array<[OptionCatalog, string, boolean]> = [
      [c17, '--stop-after-init', false],
      [c17, '--no-http', false],
      [c17, '--log-sql', false],
      [c17, '-s', false],
      [c17, '-d', true],
      [c17, '--workers', true],
      [c17, '--dev', true],
      [c17, '--without-demo', true],
      [c19, '--without-demo', true],
      [c19, '--with-demo', false],
    ];
    for (const [catalog, flag, expected] of cases) {
      const option = catalog.byFlag(flag);
      assert.ok(option, flag);
      assert.equal(catalog.takesValue(option), expected, `${catalog.series} ${flag}`);
    }
    assert.equal(c19.byFlag('--without-demo')?.type, 'optionalBool');
  });

  describe('suggest', () => {
    const cases: Array<[string, string | undefined]> = [
      ['--dev-mode', '--dev'],
      ['--dev_mode', '--dev'],
      ['--updte', '--update'],
      ['--upd', '--update'],
      ['--Update', '--update'],
      ['--DEV', '--dev'],
      ['--http_port', '--http-port'],
      ['--addons_path', '--addons-path'],
      ['--db-host', '--db_host'],
      ['--db-name', '--database'],
      ['--databse', '--database'],
      ['--stop-after-int', '--stop-after-init'],
      ['--stopafterinit', '--stop-after-init'],
      ['--log-levle', '--log-level'],
      ['--workes', '--workers'],
      ['--log-level-debug', '--log-level'],
      ['-db', '-d'],
      ['-dev', '--dev'],
      ['-update', '--update'],
      ['-U', '-u'],
      ['-I', '-i'],
      ['-x', undefined],
      ['--foo', undefined],
      ['--with-demo', undefined],
      ['--update', undefined],
      ['-d', undefined],
      ['--', undefined],
    ];
    for (const [flag, expected] of cases) {
      it(`${flag} -> ${expected ?? 'nothing'}`, () => {
        assert.equal(c17.suggest(flag), expected);
      });
    }
  });

  describe('seriesHaving', () => {
    const cases: Array<[string, string[]]> = [
      ['--with-demo', ['19.0']],
      ['--longpolling-port', ['14.0', '15.0', '16.0', '17.0']],
      ['--log-request', ['14.0', '15.0']],
      ['--reinit', ['19.0']],
      ['-l', ['14.0', '15.0', '16.0', '17.0', '18.0']],
      ['-d', [...knownSeries]],
      ['--upd', []],
      ['--nope', []],
    ];
    for (const [flag, expected] of cases) {
      it(`${flag} is in ${expected.join(', ') || 'no series'}`, () => {
        assert.deepEqual(c17.seriesHaving(flag), expected);
      });
    }
  });

  it('names an option by its long flag', () => {
    assert.equal(longFlagOf(c17.byFlag('-d')!), '--database');
    assert.equal(longFlagOf(c17.byFlag('--dev')!), '--dev');
  });
});

describe('closestWord', () => {
  const cases: Array<[string, string[], string | undefined]> = [
    ['debg', ['info', 'debug', 'warn'], 'debug'],
    ['reqiure', ['require', 'prefer'], 'require'],
    ['xlm', ['xml', 'qweb'], 'xml'],
    ['wdb', ['all', 'reload', 'qweb', 'xml'], undefined],
    ['ab', ['a', 'b'], undefined],
    ['', ['x'], undefined],
  ];
  for (const [word, candidates, expected] of cases) {
    it(`${word} -> ${expected ?? 'nothing'}`, () => {
      assert.equal(closestWord(word, candidates), expected);
    });
  }
});
