/**
 * The extension-host tests in desktop VS Code, downloaded by @vscode/test-electron: the oldest
 * VS Code that package.json's `engines.vscode` claims, and stable. Needs a machine that can
 * reach update.code.visualstudio.com (these test machines cannot: there the same suite runs in
 * code-server's extension host, test/e2e/host.test.ts) and a display (`xvfb-run` on Linux).
 *
 *   npm run test:vscode                      # the minimum from engines.vscode, then stable
 *   VSCODE_VERSIONS=1.95.0 npm run test:vscode
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(__dirname, '../..');

async function main(): Promise<void> {
  const { engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  const minimum = engines.vscode.replace(/^[\^~>=\s]+/, '');
  const versions = (process.env.VSCODE_VERSIONS ?? `${minimum},stable`).split(',').map((v) => v.trim()).filter(Boolean);
  for (const version of versions) {
    const workspace = mkdtempSync(join(tmpdir(), 'odoo-dev-host-'));
    try {
      console.log(`extension-host tests in VS Code ${version}`);
      await runTests({
        version,
        extensionDevelopmentPath: root,
        extensionTestsPath: join(root, 'dist-test/host/index.js'),
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      });
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
