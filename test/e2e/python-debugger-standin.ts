/**
 * A stand-in for the Python Debugger extension (`ms-python.debugpy`), which cannot be downloaded
 * here: an extension of that id with nothing but a debugpy in `bundled/libs/debugpy`, where the
 * real one keeps its own, packaged as a `.vsix` the way the real one is installed.
 */
import { spawnSync } from 'child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';

const WORK = join(process.env.ODOO_DEV_WORK ?? '/tmp/odoo-dev-test', 'e2e', 'vsix');

/** Packages the stand-in with a copy of `debugpyDir` (a debugpy package folder) and returns the `.vsix`. */
export function pythonDebuggerStandinVsix(debugpyDir: string): string {
  mkdirSync(WORK, { recursive: true });
  const dir = mkdtempSync(join(WORK, 'python-debugger-'));
  // Debian's debugpy links its vendored pydevd to the system's copy: links are left out, as the
  // copy into the container leaves them out.
  cpSync(debugpyDir, join(dir, 'bundled', 'libs', 'debugpy'), { recursive: true, filter: (source) => !lstatSync(source).isSymbolicLink() });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'debugpy',
    publisher: 'ms-python',
    displayName: 'Python Debugger (test stand-in)',
    description: 'Only a bundled debugpy, where the Python Debugger extension keeps its own',
    version: '2099.0.0',
    license: 'MIT',
    repository: { type: 'git', url: 'https://example.invalid/python-debugger-standin' },
    engines: { vscode: '^1.80.0' },
  }, null, 2));
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  writeFileSync(join(dir, 'README.md'), '# Python Debugger stand-in\n\nA test fixture: a debugpy in bundled/libs.\n');
  const file = join(dir, 'python-debugger-standin.vsix');
  const result = spawnSync('npx', ['--yes', '@vscode/vsce@3', 'package', '--no-dependencies', '-o', file], { cwd: dir, encoding: 'utf8', timeout: 120000 });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  if (result.status !== 0 || !existsSync(file)) {
    throw new Error(`packaging the Python Debugger stand-in failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  return file;
}
