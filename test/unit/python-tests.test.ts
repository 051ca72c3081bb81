import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readPythonTestClasses, readTestModuleNames } from '../../src/core/python-tests';

const fixture = (file: string) => readFileSync(path.join(__dirname, '../fixtures/standin/addons/my_tests/tests', file), 'utf8');
const summary = (source: string) => readPythonTestClasses(source).map((c) => ({
  name: c.name,
  line: c.line,
  tags: [...c.tags].sort(),
  methods: c.methods.map((m) => `${m.name}@${m.defLine}${m.definedIn !== c.name ? `<${m.definedIn}` : ''}`),
}));

describe('readPythonTestClasses', () => {
  it('reads the fixture addon as Odoo loads it: classes, test methods, lines and tags', () => {
    assert.deepEqual(summary(fixture('test_my_tests.py')), [
      { name: 'TestMyTests', line: 7, tags: ['post_install', 'standard'], methods: ['test_pass@10', 'test_fail@13', 'test_error@17', 'test_skip@20', 'test_skip_decorated@24'] },
      { name: 'TestAtInstall', line: 28, tags: ['at_install', 'standard'], methods: ['test_at_install@31'] },
    ]);
    assert.deepEqual(summary(fixture('test_slow.py')), [
      { name: 'TestSlow', line: 7, tags: ['post_install', 'slow'], methods: ['test_waits@10'] },
    ]);
  });

  const cases: Array<[string, string, ReturnType<typeof summary>]> = [
    ['a decorator over several lines, a dotted tagged, and a method decorator',
      "@odoo.tests.tagged(\n    'post_install',\n    '-at_install', \"nice\")\nclass TestA(common.TransactionCase):\n    @mute_logger('odoo.sql_db')\n    def test_one(self):\n        pass\n",
      [{ name: 'TestA', line: 3, tags: ['nice', 'post_install', 'standard'], methods: ['test_one@5'] }]],
    ['a docstring or a comment that reads like a test is no test',
      'class TestB(TransactionCase):\n    """\n    def test_fake(self):\n    """\n    # def test_comment(self):\n    def helper(self):\n        return "def test_inside(self):"\n    def test_real(self):\n        pass\n',
      [{ name: 'TestB', line: 0, tags: ['at_install', 'standard'], methods: ['test_real@7'] }]],
    ['a class inherits the test methods and the tags of a class of the same file; its own win',
      "@tagged('-standard', 'external')\nclass Common(TransactionCase):\n    def test_base(self):\n        pass\n    def test_over(self):\n        pass\n\n\n@tagged('standard')\nclass TestChild(Common):\n    def test_over(self):\n        pass\n    def test_own(self):\n        pass\n",
      [
        { name: 'Common', line: 1, tags: ['at_install', 'external'], methods: ['test_base@2', 'test_over@4'] },
        { name: 'TestChild', line: 9, tags: ['at_install', 'external', 'standard'], methods: ['test_over@10', 'test_own@12', 'test_base@2<Common'] },
      ]],
    ['a class without a base, a class without tests, a nested class and a function are left out',
      'class Mixin:\n    def test_mixed(self):\n        pass\n\nclass TestNone(TransactionCase):\n    def helper(self):\n        pass\n\nclass TestOuter(TransactionCase):\n    class Inner(TransactionCase):\n        def test_inner(self):\n            pass\n    def test_outer(self):\n        pass\n\ndef test_function():\n    pass\n',
      [{ name: 'TestOuter', line: 8, tags: ['at_install', 'standard'], methods: ['test_outer@12'] }]],
    ['bases over several lines with a keyword, async tests and a tab-indented body',
      'class TestC(\n    BaseCase,\n    metaclass=Meta,\n):\n\tasync def test_async(self):\n\t\tpass\n\tdef testcamel(self):\n\t\tpass\n',
      [{ name: 'TestC', line: 0, tags: ['at_install', 'standard'], methods: ['test_async@4', 'testcamel@6'] }]],
  ];
  for (const [name, source, expected] of cases) {
    it(name, () => assert.deepEqual(summary(source), expected));
  }

  it('gives each method the range of its decorators and body', () => {
    const [test] = readPythonTestClasses("class TestR(TransactionCase):\n\n    @unittest.skip('x')\n    def test_r(self):\n        a = 1\n\n        b = 2\n\n    def test_s(self):\n        pass\n");
    assert.deepEqual(test.methods.map((m) => [m.name, m.line, m.defLine, m.endLine]), [['test_r', 2, 3, 6], ['test_s', 8, 8, 9]]);
    assert.equal(test.endLine, 9);
  });
});

describe('readTestModuleNames', () => {
  const cases: Array<[string, string, string[]]> = [
    ['the fixture', fixture('__init__.py'), ['test_my_tests', 'test_slow']],
    ['one line with several, parentheses, aliases, and a sub-module import', 'from . import test_a, test_b as b\nfrom . import (\n    test_c,\n    common,\n)\nfrom .test_d import TestD\nimport os\n# from . import test_commented\n', ['test_a', 'test_b', 'test_c', 'test_d']],
    ['nothing imported', '# no tests yet\n', []],
  ];
  for (const [name, source, expected] of cases) {
    it(name, () => assert.deepEqual(readTestModuleNames(source), expected));
  }
});
