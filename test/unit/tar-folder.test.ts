import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tarFolder } from '../../src/docker/tar-folder';

describe('tarFolder: a host folder as a tar archive for put-archive', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-folder-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds the parent folders, the files with their bytes, root-owned and readable by all, without bytecode caches', () => {
    const src = path.join(dir, 'debugpy');
    const deep = path.join(src, '_vendored', 'pydevd', 'a-rather-long-folder-name-of-forty-chars', 'and-another-long-folder-name-of-forty', 'x');
    fs.mkdirSync(deep, { recursive: true });
    fs.mkdirSync(path.join(src, '__pycache__'));
    fs.writeFileSync(path.join(src, '__init__.py'), 'é = 1\n');
    fs.writeFileSync(path.join(src, '__pycache__', '__init__.cpython-311.pyc'), 'x');
    fs.writeFileSync(path.join(deep, 'module_with_a_long_name.py'), 'print(1)\n');
    fs.chmodSync(path.join(src, '__init__.py'), 0o600);
    const archive = path.join(dir, 'a.tar');
    fs.writeFileSync(archive, tarFolder(src, 'odoo-dev/debugpy/1.8.0/debugpy'));

    const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' }).trim().split('\n');
    const names = listing.map((line) => line.split(/\s+/).pop());
    assert.deepEqual(names.slice(0, 5), ['odoo-dev/', 'odoo-dev/debugpy/', 'odoo-dev/debugpy/1.8.0/', 'odoo-dev/debugpy/1.8.0/debugpy/', 'odoo-dev/debugpy/1.8.0/debugpy/__init__.py']);
    assert.ok(names.includes(`odoo-dev/debugpy/1.8.0/debugpy/${path.relative(src, deep)}/module_with_a_long_name.py`), names.join('\n'));
    assert.equal(names.some((n) => n?.includes('__pycache__')), false);
    for (const line of listing) {
      assert.match(line, /^(drwxr-xr-x|-rw-r--r--) root\/root /, line);
    }
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    execFileSync('tar', ['-xf', archive, '-C', out]);
    assert.equal(fs.readFileSync(path.join(out, 'odoo-dev/debugpy/1.8.0/debugpy/__init__.py'), 'utf8'), 'é = 1\n');
  });
});
