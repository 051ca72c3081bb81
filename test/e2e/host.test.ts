/**
 * The extension-host tests of test/host in code-server's extension host: the suite that
 * test/host/run-vscode.ts runs in desktop VS Code where VS Code can be downloaded, here with
 * what these machines have. Needs `bash test/e2e/setup.sh` and `npm run build`.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startWorkbench, type Workbench } from './workbench';

describe('the extension-host tests, in code-server\'s extension host', function () {
  this.timeout(120000);
  let workbench: Workbench | undefined;

  after(() => workbench?.stop());

  it('pass', async function () {
    const built = spawnSync(process.execPath, ['scripts/build-host-tests.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    workbench = await startWorkbench({ name: 'host', extensionTests: join(REPO_ROOT, 'dist-test/host/index.js') });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the extension-host tests did not finish within 100 s')), 100000); });
    const result = await Promise.race([workbench.extensionTests!, deadline]).finally(() => clearTimeout(timer));
    writeFileSync(join(workbench.artefacts, 'extension-host-tests.log'), result.output);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /5 passing/, result.output);
  });
});
