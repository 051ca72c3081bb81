import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledDebugpyDir, debugpyCopyDir, debugpySourceIn, debugpyVersionIn, missingDebugpyChoice } from '../../src/core/debugpy-copy';
import { OdooDevError } from '../../src/core/errors';
import { readDebugpySource } from '../../src/engine/debugpy-source';

/** debugpy's `_version.py` as versioneer writes it. */
const versionFile = (version: string) => `import json\n\nversion_json = '''\n{\n "date": "2024-01-01",\n "version": "${version}"\n}\n'''  # END VERSION_JSON\n`;

/** A reader over an in-memory tree of host files. */
const readerOf = (files: Record<string, string>) => (file: string) => files[file];

describe('debugpy copied into the container: the host side', () => {
  describe('debugpyVersionIn', () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['versioneer JSON', versionFile('1.8.11'), '1.8.11'],
      ['a local version', versionFile('1.6.3+git20221103.a2a3328'), '1.6.3+git20221103.a2a3328'],
      ['__version__ in an old __init__.py', "__all__ = []\n__version__ = '1.0.0'\n", '1.0.0'],
      ['no version at all', 'import sys\n', undefined],
    ];
    for (const [name, source, want] of cases) {
      it(name, () => assert.equal(debugpyVersionIn(source), want));
    }
  });

  describe('debugpyCopyDir: one folder per version, a safe name whatever the version says', () => {
    const cases: Array<[string, string]> = [
      ['1.8.11', '/tmp/odoo-dev/debugpy/1.8.11'],
      ['1.6.3+git20221103.a2a3328', '/tmp/odoo-dev/debugpy/1.6.3+git20221103.a2a3328'],
      ['../../etc', '/tmp/odoo-dev/debugpy/_.._etc'],
      ['1.0 beta/2', '/tmp/odoo-dev/debugpy/1.0_beta_2'],
      ['', '/tmp/odoo-dev/debugpy/unknown'],
      ['...', '/tmp/odoo-dev/debugpy/unknown'],
    ];
    for (const [version, want] of cases) {
      it(JSON.stringify(version), () => assert.equal(debugpyCopyDir(version), want));
    }
  });

  describe('debugpySourceIn', () => {
    const join = path.posix.join;
    const pkg = { '/x/libs/debugpy/__init__.py': '', '/x/libs/debugpy/__main__.py': '', '/x/libs/debugpy/_version.py': versionFile('1.8.11') };
    const cases: Array<{ name: string; given: string; files: Record<string, string>; want: { hostDir: string; version: string } | RegExp }> = [
      { name: 'the package folder itself', given: '/x/libs/debugpy', files: pkg, want: { hostDir: '/x/libs/debugpy', version: '1.8.11' } },
      { name: 'the folder that holds debugpy/', given: '/x/libs', files: pkg, want: { hostDir: '/x/libs/debugpy', version: '1.8.11' } },
      {
        name: 'an old release with its version in __init__.py',
        given: '/old/debugpy',
        files: { '/old/debugpy/__init__.py': "__version__ = '1.0.0'\n", '/old/debugpy/__main__.py': '' },
        want: { hostDir: '/old/debugpy', version: '1.0.0' },
      },
      { name: 'a folder with no debugpy', given: '/x', files: pkg, want: /^\/x holds no debugpy package .*nothing was copied or stopped\. Give the debugpy folder/ },
      { name: 'a package that is not runnable as debugpy', given: '/y', files: { '/y/__init__.py': '' }, want: /^\/y holds no debugpy package/ },
      {
        name: 'a package with no version',
        given: '/z/debugpy',
        files: { '/z/debugpy/__init__.py': 'import sys\n', '/z/debugpy/__main__.py': '' },
        want: /^\/z\/debugpy has no debugpy version .*nothing was copied or stopped/,
      },
    ];
    for (const { name, given, files, want } of cases) {
      it(name, () => {
        if (want instanceof RegExp) {
          assert.throws(() => debugpySourceIn(given, readerOf(files), join), (error: unknown) => error instanceof OdooDevError && error.code === 'invalid-args' && want.test(error.message));
        } else {
          assert.deepEqual(debugpySourceIn(given, readerOf(files), join), want);
        }
      });
    }
  });

  it('bundledDebugpyDir: bundled/libs/debugpy under the extension', () => {
    assert.equal(bundledDebugpyDir('/home/u/.vscode/extensions/ms-python.debugpy-2025.10.0-linux-x64', path.posix.join), '/home/u/.vscode/extensions/ms-python.debugpy-2025.10.0-linux-x64/bundled/libs/debugpy');
  });

  describe('missingDebugpyChoice', () => {
    const source = { hostDir: '/e/bundled/libs/debugpy', version: '1.8.11' };
    const cases: Array<[string, Parameters<typeof missingDebugpyChoice>[0], ReturnType<typeof missingDebugpyChoice>]> = [
      ['the extension and its debugpy: offer the copy', { extensionInstalled: true, source }, { kind: 'offer-copy', source }],
      ['no extension: offer it', { extensionInstalled: false }, { kind: 'offer-extension' }],
      ['the extension without its debugpy: say what to install', { extensionInstalled: true }, { kind: 'install-in-container' }],
    ];
    for (const [name, host, want] of cases) {
      it(name, () => assert.deepEqual(missingDebugpyChoice(host), want));
    }
  });

  describe('readDebugpySource: a real host folder', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'debugpy-source-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('finds the package under a relative folder and reads its version', () => {
      const pkg = path.join(dir, 'libs', 'debugpy');
      fs.mkdirSync(pkg, { recursive: true });
      for (const file of ['__init__.py', '__main__.py']) {
        fs.writeFileSync(path.join(pkg, file), '');
      }
      fs.writeFileSync(path.join(pkg, '_version.py'), versionFile('1.8.11'));
      const relative = path.relative(process.cwd(), path.join(dir, 'libs'));
      assert.deepEqual(readDebugpySource(relative), { hostDir: pkg, version: '1.8.11' });
    });

    it('refuses a folder that does not exist', () => {
      assert.throws(() => readDebugpySource(path.join(dir, 'missing')), /missing holds no debugpy package/);
    });
  });
});
