// `npm run package`: the .vsix. The README's relative links and pictures are rewritten to the
// repository named in package.json, so that they also show on the Marketplace page.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { repository } = JSON.parse(readFileSync('package.json', 'utf8'));
const base = String(repository?.url ?? repository ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
if (!/^https:\/\//.test(base)) {
  console.error('package: package.json needs a repository URL (https://...) for the README links in the .vsix.');
  process.exit(2);
}
const args = ['--yes', '@vscode/vsce@3', 'package', '--no-dependencies',
  '--baseContentUrl', `${base}/blob/HEAD`, '--baseImagesUrl', `${base}/raw/HEAD`, ...process.argv.slice(2)];
const result = spawnSync('npx', args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
