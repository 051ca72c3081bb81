import * as assert from 'node:assert/strict';
import { ArgsSyntaxError, joinArgs, splitArgs } from '../../src/core/argv-text';

describe('splitArgs', () => {
  const cases: Array<[string, string[]]> = [
    ['', []],
    ['   ', []],
    ['-d db --dev=xml --log-level=debug', ['-d', 'db', '--dev=xml', '--log-level=debug']],
    ['  -u   my_module\t-d db  ', ['-u', 'my_module', '-d', 'db']],
    ['-d db\n--dev all', ['-d', 'db', '--dev', 'all']],
    ['--db-filter=\'^%d$\'', ['--db-filter=^%d$']],
    ['-d "my db"', ['-d', 'my db']],
    ['-d my\\ db', ['-d', 'my db']],
    ['--x="a"\'b\'c', ['--x=abc']],
    ['\'\' ""', ['', '']],
    ['-d \'\'', ['-d', '']],
    ['"a\\"b" "a\\\\b" "a\\$b" "a\\`b" "a\\nb"', ['a"b', 'a\\b', 'a$b', 'a`b', 'a\\nb']],
    ['\'a\\"b\'', ['a\\"b']],
    ['a\\\nb', ['ab']],
    ['"a\\\nb"', ['ab']],
    ['trailing\\', ['trailing\\']],
    ['it\\\'s', ["it's"]],
    // Nothing is expanded: these go to Odoo as typed.
    ['$HOME ~ ~/x *.py `id` $(id) #x a#b !', ['$HOME', '~', '~/x', '*.py', '`id`', '$(id)', '#x', 'a#b', '!']],
    ['"$HOME" "`id`"', ['$HOME', '`id`']],
    ['héllo 日本 😀', ['héllo', '日本', '😀']],
    ['a;b|c&d>e<f', ['a;b|c&d>e<f']],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => {
      assert.deepEqual(splitArgs(text), expected);
    });
  }

  const errors: Array<[string, number]> = [
    ['-d "my db', 3],
    ["--db-filter='^%d$", 12],
    ['"ok" \'', 5],
    ['"it\'s', 0],
  ];
  for (const [text, position] of errors) {
    it(`refuses ${JSON.stringify(text)} at ${position}`, () => {
      assert.throws(() => splitArgs(text), (error: unknown) => {
        assert.ok(error instanceof ArgsSyntaxError);
        assert.equal(error.name, 'ArgsSyntaxError');
        assert.equal(error.position, position);
        assert.match(error.message, /^Unclosed (single|double) quote at column \d+: add the closing/);
        return true;
      });
    });
  }
});

describe('joinArgs', () => {
  const cases: Array<[string[], string]> = [
    [[], ''],
    [['-d', 'db', '--dev=xml', '--log-level=debug'], '-d db --dev=xml --log-level=debug'],
    [['--test-tags', '/my_module:TestX.test_y'], '--test-tags /my_module:TestX.test_y'],
    [['--log-handler', 'odoo.sql_db:DEBUG', '-c', '/etc/odoo/odoo.conf'], '--log-handler odoo.sql_db:DEBUG -c /etc/odoo/odoo.conf'],
    [['-d', 'my db'], "-d 'my db'"],
    [[''], "''"],
    [["it's"], "'it'\\''s'"],
    [['$HOME'], "'$HOME'"],
    [['héllo'], 'héllo'],
    [['--db-filter=^%d$'], "'--db-filter=^%d$'"],
  ];
  for (const [argv, expected] of cases) {
    it(JSON.stringify(argv), () => {
      assert.equal(joinArgs(argv), expected);
    });
  }
});

describe('splitArgs(joinArgs(x)) gives x back', () => {
  const nasty = [
    '', ' ', '  ', 'a b', '\t', '\n', 'a\nb', 'a\r\nb', "'", "''", '"', '""', "it's", 'say "hi"', '\\', '\\\\', 'a\\', '\\n',
    '$', '$HOME', '${HOME}', '$(rm -rf /)', '`id`', '~', '~/x', '*', '*.py', '?', '[a]', '{a,b}', '#', '#x', '!', '!!',
    ';', '&&', '|', '>', '<', '()', '-', '--', '-d', '--db-filter=^%d$', '=', 'a=b c', '%', '^', ',', 'héllo', '日本語',
    '😀', 'e\u0301', '\u00a0', '\u2028', '\u200b', '\u0000', 'x\u0007y', "mix 'single' \"double\" $(sub) `tick` \\back\nline",
  ];
  for (const word of nasty) {
    it(JSON.stringify(word), () => {
      assert.deepEqual(splitArgs(joinArgs([word])), [word]);
    });
  }

  it('for all of them together, and in pairs', () => {
    assert.deepEqual(splitArgs(joinArgs(nasty)), nasty);
    for (const a of nasty) {
      for (const b of nasty) {
        assert.deepEqual(splitArgs(joinArgs([a, b])), [a, b], JSON.stringify([a, b]));
      }
    }
  });

  it('and the other way round for plain lines', () => {
    for (const line of ['-d db -u my_module', '--dev=all --workers=2', '-c /etc/odoo/odoo.conf --no-http']) {
      assert.equal(joinArgs(splitArgs(line)), line);
    }
  });
});

describe('splitArgs line joins', () => {
  const cases: Array<[string, string, string[]]> = [
    ['backslash-newline after a blank starts no word', 'a \\\n  b', ['a', 'b']],
    ['backslash-newline inside a word joins it', '--dev=xml\\\n,qweb', ['--dev=xml,qweb']],
    ['a lone backslash-newline gives nothing', '\\\n', []],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(splitArgs(text), expected));
  }
});
