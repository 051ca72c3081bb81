import * as assert from 'node:assert/strict';
import { argsContextAt, argsOfProfile, parseArgsDocument, type TextRange } from '../../src/core/args-document';
import { splitArgs } from '../../src/core/argv-text';

/** A range as `line:character-line:character`, which reads better in tables than objects. */
function shown(range: TextRange): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

/** The profiles as `[name, argv]`; the default one has no name. */
function profilesOf(text: string): Array<[string | undefined, string[]]> {
  return parseArgsDocument(text).profiles.map((p) => [p.name, [...p.argv]]);
}

describe('parseArgsDocument', () => {
  describe('profiles and their argv', () => {
    const cases: Array<[string, Array<[string | undefined, string[]]>]> = [
      ['', [[undefined, []]]],
      ['\n\n  \n', [[undefined, []]]],
      ['-d db --dev=xml --log-level=debug', [[undefined, ['-d', 'db', '--dev=xml', '--log-level=debug']]]],
      ['-d db\n--dev all\n', [[undefined, ['-d', 'db', '--dev', 'all']]]],
      ['# a comment\n-d db # the database\n  # indented\n', [[undefined, ['-d', 'db']]]],
      ['a#b --x=#y "#z" \'#w\' \\#v', [[undefined, ['a#b', '--x=#y', '#z', '#w', '#v']]]],
      ['-d dev\n[tests]\n-d test --test-enable\n[ update sale ]  # once\n-u sale', [
        [undefined, ['-d', 'dev']],
        ['tests', ['-d', 'test', '--test-enable']],
        ['update sale', ['-u', 'sale']],
      ]],
      ['[only]\n-d x', [[undefined, []], ['only', ['-d', 'x']]]],
      ['  [indented]  \n-d x', [[undefined, []], ['indented', ['-d', 'x']]]],
      // A continued line is no header: `[x]` is a word there.
      ['-d db \\\n[x]', [[undefined, ['-d', 'db', '[x]']]]],
      ['-d db \\\n  --dev=xml\\\n,qweb', [[undefined, ['-d', 'db', '--dev=xml,qweb']]]],
      ['-d "my\\\ndb"', [[undefined, ['-d', 'mydb']]]],
      ['-d db \\\n\n-u x', [[undefined, ['-d', 'db', '-u', 'x']]]],
      ['-d "my db" --db-filter=\'^%d$\' my\\ x', [[undefined, ['-d', 'my db', '--db-filter=^%d$', 'my x']]]],
      ['"" \'\'', [[undefined, ['', '']]]],
      ['-d db\r\n[p]\r\n-u x\r-i y', [[undefined, ['-d', 'db']], ['p', ['-u', 'x', '-i', 'y']]]],
      ['-d db \\', [[undefined, ['-d', 'db', '\\']]]],
      ['-d db \\\r\n--dev all', [[undefined, ['-d', 'db', '--dev', 'all']]]],
    ];
    for (const [text, expected] of cases) {
      it(JSON.stringify(text), () => {
        assert.deepEqual(profilesOf(text), expected);
        assert.deepEqual(parseArgsDocument(text).errors, []);
      });
    }
  });

  describe('splits a line as splitArgs does', () => {
    const lines = [
      '-d db --dev=xml --log-level=debug',
      '  -u   my_module\t-d db  ',
      '--x="a"\'b\'c',
      '"a\\"b" "a\\\\b" "a\\$b" "a\\`b" "a\\nb"',
      '\'a\\"b\'',
      'it\\\'s',
      '$HOME ~ ~/x *.py `id` $(id) a#b !',
      'héllo 日本 😀',
      'a;b|c&d>e<f',
    ];
    for (const line of lines) {
      it(JSON.stringify(line), () => {
        assert.deepEqual(argsOfProfile(parseArgsDocument(line)), splitArgs(line));
      });
    }
  });

  describe('the range and source text of every word', () => {
    const cases: Array<[string, Array<[string, string, string]>]> = [
      ['-d db', [['-d', '-d', '0:0-0:2'], ['db', 'db', '0:3-0:5']]],
      ['  --dev=xml  # c', [['--dev=xml', '--dev=xml', '0:2-0:11']]],
      ['# c\n\n-d "my db"', [['-d', '-d', '2:0-2:2'], ['my db', '"my db"', '2:3-2:10']]],
      ['x \\\n  --dev=xml\\\n,qweb', [['x', 'x', '0:0-0:1'], ['--dev=xml,qweb', '--dev=xml\\\n,qweb', '1:2-2:5']]],
      ['[p]\r\n-u x', [['-u', '-u', '1:0-1:2'], ['x', 'x', '1:3-1:4']]],
      ['😀 x', [['😀', '😀', '0:0-0:2'], ['x', 'x', '0:3-0:4']]],
    ];
    for (const [text, expected] of cases) {
      it(JSON.stringify(text), () => {
        const words = parseArgsDocument(text).profiles.flatMap((p) => p.words);
        assert.deepEqual(words.map((w) => [w.value, w.text, shown(w.range)]), expected);
      });
    }
  });

  describe('headers and comments', () => {
    it('keeps the range of each header and comment', () => {
      const doc = parseArgsDocument('# top\n-d a\n  [tests] # why\n-d b');
      assert.deepEqual(doc.profiles.map((p) => p.header && shown(p.header)), [undefined, '2:2-2:9']);
      assert.deepEqual(doc.comments.map(shown), ['0:0-0:5', '2:10-2:15']);
    });
  });

  describe('syntax errors, with the rest still read', () => {
    const cases: Array<[string, Array<[string, string]>, Array<[string | undefined, string[]]>]> = [
      ['-d "my db\n-u x', [['Unclosed double quote', '0:3-0:9']], [[undefined, ['-d', 'my db', '-u', 'x']]]],
      ["-d 'my db\n[p]\n-u x", [['Unclosed single quote', '0:3-0:9']], [[undefined, ['-d', 'my db']], ['p', ['-u', 'x']]]],
      ['[tests\n-u x', [['Unclosed profile header', '0:0-0:6']], [[undefined, []], ['tests', ['-u', 'x']]]],
      ['[ ]\n-u x', [['needs a name', '0:0-0:3']], [[undefined, []], ['', ['-u', 'x']]]],
      ['[p] -u x\n-d db', [['Only a comment may follow', '0:4-0:8']], [[undefined, []], ['p', ['-d', 'db']]]],
      ['[p]\n-u x\n[p]\n-i y', [['already defined on line 1', '2:0-2:3']], [[undefined, []], ['p', ['-u', 'x']], ['p', ['-i', 'y']]]],
    ];
    for (const [text, errors, profiles] of cases) {
      it(JSON.stringify(text), () => {
        const doc = parseArgsDocument(text);
        assert.equal(doc.errors.length, errors.length, JSON.stringify(doc.errors));
        doc.errors.forEach((error, i) => {
          assert.ok(error.message.includes(errors[i][0]), `"${error.message}" lacks "${errors[i][0]}"`);
          assert.equal(shown(error.range), errors[i][1]);
        });
        assert.deepEqual(profilesOf(text), profiles);
      });
    }
  });
});

describe('argsOfProfile', () => {
  const doc = parseArgsDocument('-d dev\n[tests]\n-d test --test-enable\n[tests]\n-d other');
  const cases: Array<[string | undefined, string[] | undefined]> = [
    [undefined, ['-d', 'dev']],
    ['tests', ['-d', 'test', '--test-enable']],
    ['missing', undefined],
  ];
  for (const [name, expected] of cases) {
    it(String(name), () => {
      assert.deepEqual(argsOfProfile(doc, name), expected);
    });
  }
  it('gives an empty default profile for a file that starts with a header', () => {
    assert.deepEqual(argsOfProfile(parseArgsDocument('[p]\n-d x')), []);
  });
});

describe('argsContextAt', () => {
  const text = '-d db  --dev=xml # note\n[tests]\n  --test-enable\n';
  const doc = parseArgsDocument(text);
  // [line, character] -> [profile name, index, word value] or undefined for no context.
  const cases: Array<[number, number, [string | undefined, number, string | undefined] | undefined]> = [
    [0, 0, [undefined, 0, '-d']],
    [0, 2, [undefined, 0, '-d']],
    [0, 3, [undefined, 1, 'db']],
    [0, 6, [undefined, 2, undefined]],
    [0, 10, [undefined, 2, '--dev=xml']],
    [0, 17, [undefined, 3, undefined]],
    [0, 18, undefined],
    [0, 23, undefined],
    [1, 3, undefined],
    [2, 0, ['tests', 0, undefined]],
    [2, 5, ['tests', 0, '--test-enable']],
    [3, 0, ['tests', 1, undefined]],
  ];
  for (const [line, character, expected] of cases) {
    it(`${line}:${character}`, () => {
      const context = argsContextAt(doc, { line, character });
      assert.deepEqual(context && [context.profile.name, context.index, context.word?.value], expected);
    });
  }
});
