/**
 * Reading a container's `odoo --help` (src/core/option-help.ts): table tests on optparse's
 * output as Odoo prints it, the stand-in's `--help` of every series read back into the
 * bundled catalog unchanged, and listings that add, re-spell or lack options merged over it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { validateArgs } from '../../src/core/arg-validation';
import { catalogFor, knownSeries, type OptionCatalog } from '../../src/core/option-catalog';
import { catalogWithHelp, parseOptionHelp, type HelpOption } from '../../src/core/option-help';
import { STANDIN_PACKAGES, STANDIN_SCRIPT } from '../support/standin-local';

/** The stand-in's `--help`: optparse's own formatter over the series' add_option table. */
function standinHelp(series: string, extra?: readonly object[]): string {
  return execFileSync('python3', [STANDIN_SCRIPT, '--help'], {
    env: { ...process.env, PYTHONPATH: STANDIN_PACKAGES, STANDIN_SERIES: series, ...(extra ? { STANDIN_EXTRA_OPTIONS: JSON.stringify(extra) } : {}) },
    encoding: 'utf8',
  });
}

function visibleFlags(catalog: OptionCatalog): string[] {
  return catalog.all.filter((o) => !o.hidden && !o.builtin).flatMap((o) => o.flags).sort();
}

const odoo17Excerpt = [
  'Usage: odoo-bin [options]',
  '',
  'Options:',
  '  --version             show program\'s version number and exit',
  '  -h, --help            show this help message and exit',
  '',
  '  Common options:',
  '    -c CONFIG, --config=CONFIG',
  '                        specify alternate config file',
  '    -s, --save          save configuration to ~/.odoorc (or to $ODOO_RC if',
  '                        set)',
  '    --addons-path=ADDONS_PATH',
  '                        specify additional addons paths (separated by commas).',
  '    -D DATA_DIR, --data-dir=DATA_DIR',
  '                        Directory where to store Odoo data',
  '',
  '  HTTP Service Configuration:',
  '    -p PORT, --http-port=PORT',
  '                        Listen port for the main HTTP service',
  '    --no-http           Disable the HTTP and Longpolling services entirely',
  '    --proxy-mode        Activate reverse proxy WSGI wrappers (headers',
  '                        rewriting) Only enable this when running behind a',
  '                        trusted web proxy!',
  '',
  '  Logging Configuration:',
  '    --log-handler=PREFIX:LEVEL',
  '                        setup a handler at LEVEL for a given PREFIX. An empty',
  '                        PREFIX indicates the root logger. This option can be',
  '                        repeated. Example: "odoo.orm:DEBUG" or',
  '                        "werkzeug:CRITICAL" (default: ":INFO")',
  '    --log-level=LOG_LEVEL',
  '                        specify the level of the logging. Accepted values:',
  '                        [\'info\', \'debug_rpc\', \'warn\', \'test\', \'critical\',',
  '                        -- a wrapped line that starts with dashes',
  '',
].join('\n');

describe('parseOptionHelp', () => {
  const parsed = parseOptionHelp(odoo17Excerpt);
  const byFlag = (flag: string) => parsed.find((o) => o.flags.includes(flag));
  const cases: Array<[string, Partial<HelpOption>]> = [
    ['--version', { flags: ['--version'], takesValue: false, help: 'show program\'s version number and exit', group: '' }],
    ['-h', { flags: ['-h', '--help'], takesValue: false, group: '' }],
    ['--config', { flags: ['-c', '--config'], takesValue: true, metavar: 'CONFIG', help: 'specify alternate config file', group: 'Common options' }],
    ['--save', { flags: ['-s', '--save'], takesValue: false, help: 'save configuration to ~/.odoorc (or to $ODOO_RC if set)' }],
    ['--addons-path', { flags: ['--addons-path'], takesValue: true, metavar: 'ADDONS_PATH' }],
    ['-D', { flags: ['-D', '--data-dir'], takesValue: true, metavar: 'DATA_DIR', group: 'Common options' }],
    ['--http-port', { flags: ['-p', '--http-port'], metavar: 'PORT', group: 'HTTP Service Configuration' }],
    ['--no-http', { flags: ['--no-http'], takesValue: false, help: 'Disable the HTTP and Longpolling services entirely' }],
    ['--proxy-mode', { help: 'Activate reverse proxy WSGI wrappers (headers rewriting) Only enable this when running behind a trusted web proxy!' }],
    ['--log-handler', { metavar: 'PREFIX:LEVEL', group: 'Logging Configuration' }],
    ['--log-level', { help: 'specify the level of the logging. Accepted values: [\'info\', \'debug_rpc\', \'warn\', \'test\', \'critical\', -- a wrapped line that starts with dashes' }],
  ];
  for (const [flag, expected] of cases) {
    it(`reads ${flag}`, () => {
      const option = byFlag(flag);
      assert.ok(option, `${flag} not found in ${JSON.stringify(parsed.map((o) => o.flags))}`);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(option[key as keyof HelpOption], value, `${flag}.${key}`);
      }
    });
  }

  it('finds every option and nothing else', () => {
    assert.equal(parsed.length, 11);
  });

  it('reads CRLF line ends like LF', () => {
    assert.deepEqual(parseOptionHelp(odoo17Excerpt.replace(/\n/g, '\r\n')), parsed);
  });

  it('takes a line for an option only when its spellings are optparse\'s', () => {
    const lines = [
      '    --without-demo[=WITHOUT_DEMO]  demo data',
      '    -dDB, --database=DB  several letters after one dash',
      '    --db_host HOST       a long flag with a space before its value',
      '    -d DB, --database=DB  the real thing',
    ];
    assert.deepEqual(parseOptionHelp(`  Database:\n${lines.join('\n')}\n`).map((o) => o.flags), [['-d', '--database']]);
  });

  it('is empty for text that is not a help listing', () => {
    assert.deepEqual(parseOptionHelp('odoo: error: no such option: --help\n'), []);
    assert.deepEqual(parseOptionHelp(''), []);
  });
});

describe('the stand-in\'s --help read back', () => {
  for (const series of knownSeries) {
    it(`${series}: lists each visible option of the bundled catalog with its spellings and whether it takes a value`, () => {
      const catalog = catalogFor(series);
      const listed = parseOptionHelp(standinHelp(series));
      for (const option of catalog.all.filter((o) => o.flags.length > 0 && !o.hidden)) {
        const entry = listed.find((e) => e.flags.includes(option.flags[0]));
        assert.ok(entry, `${option.flags.join(', ')} not listed`);
        assert.deepEqual([...entry.flags].sort(), [...option.flags].sort(), option.dest);
        assert.equal(entry.takesValue, catalog.takesValue(option), option.flags.join(', '));
      }
      const merged = catalogWithHelp(catalog, listed);
      assert.deepEqual(visibleFlags(merged), visibleFlags(catalog));
      assert.equal(merged.all.some((o) => o.fromContainer), false);
    });
  }
});

describe('catalogWithHelp', () => {
  const extra = [
    { group: 'Queue Job', flags: ['--queue-channels'], dest: 'queue_channels', metavar: 'CHANNELS', help: 'Channels and their capacity, such as root:2, which optparse wraps over several lines of the listing as it does for Odoo\'s own' },
    { group: 'Common options', flags: ['--dev-tools'], action: 'store_true', help: 'Turn on the patched developer tools' },
  ];
  const base = catalogFor('18.0');
  const merged = catalogWithHelp(base, parseOptionHelp(standinHelp('18.0', extra)));

  it('adds an option only the container lists, with its help text and the catalog group of its section', () => {
    const queue = merged.byFlag('--queue-channels');
    assert.ok(queue);
    assert.equal(queue.fromContainer, true);
    assert.equal(queue.type, 'string');
    assert.equal(queue.valueHint, 'CHANNELS');
    assert.equal(queue.group, 'Queue Job');
    assert.equal(queue.summary, extra[0].help);
    const flag = merged.byFlag('--dev-tools');
    assert.equal(flag?.type, 'bool');
    assert.equal(flag?.group, base.byFlag('--addons-path')?.group);
  });

  it('accepts the container\'s options where the bundled catalog refuses them', () => {
    const args = ['--queue-channels', 'root:2', '--dev-tools', '-d', 'db'];
    assert.ok(validateArgs(args, base).some((p) => p.severity === 'error'));
    assert.deepEqual(validateArgs(args, merged).filter((p) => p.severity === 'error'), []);
  });

  it('takes the container\'s word on spellings and on whether a known option takes a value', () => {
    const listed = parseOptionHelp(standinHelp('18.0'))
      .map((e) => (e.flags.includes('--addons-path') ? { ...e, flags: [...e.flags, '--addons'] } : e))
      .map((e) => (e.flags.includes('--proxy-mode') ? { ...e, takesValue: true } : e));
    const changed = catalogWithHelp(base, listed);
    assert.equal(changed.byFlag('--addons')?.dest, 'addons_path');
    assert.equal(changed.takesValue(changed.byFlag('--proxy-mode')!), true);
    assert.equal(base.takesValue(base.byFlag('--proxy-mode')!), false);
  });

  it('leaves out a listed option of the catalog that the container\'s Odoo lacks (an earlier patch level)', () => {
    assert.ok(base.byFlag('--pre-upgrade-scripts'));
    const listed = parseOptionHelp(standinHelp('18.0')).filter((e) => !e.flags.includes('--pre-upgrade-scripts'));
    const earlier = catalogWithHelp(base, listed);
    assert.equal(earlier.byFlag('--pre-upgrade-scripts'), undefined);
    assert.ok(validateArgs(['--pre-upgrade-scripts', '/tmp/x.py'], earlier).some((p) => p.severity === 'error'));
    assert.ok(earlier.byFlag('--xmlrpc-port'), 'hidden options stay');
    assert.ok(earlier.byFlag('--version'), 'optparse\'s own stay');
  });

  it('changes nothing for a listing that is not Odoo\'s --help', () => {
    const wrapper = parseOptionHelp('Usage: start-odoo [options]\n\nOptions:\n  -h, --help  show this help\n  --wait      wait for the database\n');
    assert.equal(catalogWithHelp(base, wrapper), base);
  });
});
