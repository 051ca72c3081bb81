import * as assert from 'node:assert/strict';
import { moduleNameOf, readManifestFields } from '../../src/core/manifest-fields';

describe('readManifestFields', () => {
  it('reads name and summary from a dict literal, in either quote style', () => {
    assert.deepEqual(readManifestFields(`{\n  'name': "Sale Extension",\n  "summary": 'Extra fields on orders',\n  'depends': ['sale'],\n}`), {
      title: 'Sale Extension',
      summary: 'Extra fields on orders',
    });
  });

  it('joins adjacent and triple-quoted strings and flattens their blanks', () => {
    assert.deepEqual(readManifestFields(`{'name': 'X', 'summary': """\n    Start PyDev\n    debugging """ 'here'}`), { title: 'X', summary: 'Start PyDev debugging here' });
  });

  it('sees installable False, and leaves out what is not a plain string', () => {
    assert.deepEqual(readManifestFields(`{'name': _('x'), 'installable': False}`), { isUninstallable: true });
  });

  it('does not take a key that only ends with the name', () => {
    assert.deepEqual(readManifestFields(`{'website_name': 'no'}`), {});
  });
});

describe('moduleNameOf', () => {
  it('is the folder of the manifest', () => {
    assert.equal(moduleNameOf('/ws/addons/my_module/__manifest__.py'), 'my_module');
    assert.equal(moduleNameOf('C:\\ws\\old_mod\\__openerp__.py'), 'old_mod');
    assert.equal(moduleNameOf('/ws/addons/my_module/models.py'), undefined);
    assert.equal(moduleNameOf('/ws/not a module/__manifest__.py'), undefined);
  });
});
