/**
 * The `.vsix` the workbench tests install, packaged as `npm run package` packages it, from a
 * copy of the repository's files in the test work folder: so that the production build it
 * makes does not overwrite `dist/` of the working tree, which other test runs may be using.
 * Built once per test process.
 */
import { spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'fs';
import { join } from 'path';
import { REPO_ROOT } from './workbench';

const WORK = join(process.env.ODOO_DEV_WORK ?? '/tmp/odoo-dev-test', 'e2e');
const PACKAGED = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'tsconfig.json', 'media', 'scripts', 'src'];

let built: string | undefined;

/** Packages the extension and returns the path of the `.vsix`. */
export function packagedVsix(): string {
  if (built && existsSync(built)) return built;
  mkdirSync(join(WORK, 'vsix'), { recursive: true });
  const dir = mkdtempSync(join(WORK, 'vsix', 'build-'));
  for (const entry of PACKAGED) {
    cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const file = join(dir, 'odoo-dev-container.vsix');
  const result = spawnSync(process.execPath, ['scripts/package.mjs', '-o', file], { cwd: dir, encoding: 'utf8', timeout: 180000 });
  if (result.status !== 0 || !existsSync(file)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`npm run package failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  built = file;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return file;
}
