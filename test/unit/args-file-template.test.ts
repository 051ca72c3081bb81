import * as assert from 'node:assert/strict';
import { parseArgsDocument } from '../../src/core/args-document';
import { argsFileTemplate } from '../../src/vscode/args-file-template';

describe('argsFileTemplate', () => {
  it('reads back as an args file with only the default profile active', () => {
    const doc = parseArgsDocument(argsFileTemplate(['-d', 'db', '--dev=xml']));
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.profiles.map((p) => [p.name, p.argv]), [[undefined, ['-d', 'db', '--dev=xml']]]);
  });

  it('quotes args that need it', () => {
    const doc = parseArgsDocument(argsFileTemplate(['--log-handler', 'odoo.sql_db:DEBUG', '--test-tags', '/sale:Test A']));
    assert.deepEqual(doc.profiles[0].argv, ['--log-handler', 'odoo.sql_db:DEBUG', '--test-tags', '/sale:Test A']);
  });

  it('comments everything out when nothing runs', () => {
    for (const current of [undefined, []]) {
      const doc = parseArgsDocument(argsFileTemplate(current));
      assert.deepEqual(doc.errors, []);
      assert.deepEqual(doc.profiles.map((p) => p.argv), [[]]);
    }
  });

  it('never writes a masked secret into the file', () => {
    const text = argsFileTemplate(['-d', 'db', '--smtp-password=***']);
    assert.doesNotMatch(text, /\*\*\*/);
    assert.deepEqual(parseArgsDocument(text).profiles[0].argv, []);
  });

  it('shows example profiles to uncomment', () => {
    const text = argsFileTemplate(undefined);
    const uncommented = text.replace(/^# (\[|-)/gm, '$1');
    const names = parseArgsDocument(uncommented).profiles.map((p) => p.name);
    assert.deepEqual(names, [undefined, 'update', 'tests', 'debug']);
  });
});
