// Tests that run inside VS Code's extension host, with the real `vscode` API: the same suite in
// desktop VS Code (@vscode/test-electron, test/host/run-vscode.ts) and in code-server's
// extension host (test/e2e/host.test.ts). Registered by test/host/index.ts.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const extensionId = 'odoo-dev-container.odoo-dev-container';

/** Waits for `probe` to give a value, asking every 50 ms, for at most `timeoutMs`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

export function registerExtensionTests(): void {
  describe('the extension in the extension host', function () {
    this.timeout(30000);
    let extension: vscode.Extension<unknown>;

    before(async function () {
      const found = vscode.extensions.getExtension(extensionId);
      assert.ok(found, `${extensionId} is not loaded`);
      extension = found;
      await extension.activate();
    });

    it('activates, and every contributed command is registered', async function () {
      assert.equal(extension.isActive, true);
      const contributed = (extension.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map((c) => c.command);
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(contributed.filter((command) => !registered.has(command)), []);
    });

    it('may run in either extension host: a UI one (Docker on the desktop) or a workspace one (browser-hosted VS Code)', function () {
      assert.deepEqual((extension.packageJSON as { extensionKind: string[] }).extensionKind, ['ui', 'workspace']);
      assert.ok([vscode.ExtensionKind.UI, vscode.ExtensionKind.Workspace].includes(extension.extensionKind));
    });

    it('the args language server completes options, common ones first, and hovers without internal type names', async function () {
      const document = await vscode.workspace.openTextDocument({ language: 'odoo-args', content: '--dev=xml\n--lo' });
      await vscode.window.showTextDocument(document);
      const list = await eventually('completions from the args language server', async () => {
        const result = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(1, 4));
        return result.items.some((item) => labelOf(item) === '--log-level') ? result : undefined;
      });
      const sortOf = (label: string) => list.items.find((item) => labelOf(item) === label)?.sortText ?? '';
      assert.ok(sortOf('--log-level') < sortOf('--load'), `--log-level (${sortOf('--log-level')}) must sort before --load (${sortOf('--load')})`);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(0, 3));
      const text = hovers.flatMap((hover) => hover.contents.map((part) => (typeof part === 'string' ? part : part.value))).join('\n');
      assert.match(text, /Takes: values separated by commas/);
      assert.doesNotMatch(text, /commaList/);
    });

    it('flags an unknown option with a diagnostic', async function () {
      const document = await vscode.workspace.openTextDocument({ language: 'odoo-args', content: '-d db --bogus\n' });
      await vscode.window.showTextDocument(document);
      const diagnostics = await eventually('a diagnostic for --bogus', () => {
        const found = vscode.languages.getDiagnostics(document.uri).filter((d) => /--bogus/.test(d.message));
        return found.length ? found : undefined;
      });
      assert.equal(diagnostics[0]!.source, 'odoo-dev');
    });

    // Last: it stops what the tests above use.
    it('deactivate returns the language client\'s stop, and it resolves', async function () {
      // The module VS Code loaded: Node's require cache hands out the same instance.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const main = require(path.join(extension.extensionPath, 'dist', 'extension.js')) as { deactivate(): Promise<void> | undefined };
      const stopping = main.deactivate();
      assert.ok(stopping && typeof stopping.then === 'function', 'deactivate returned no promise to wait for');
      await Promise.race([stopping, new Promise((_, reject) => setTimeout(() => reject(new Error('the client did not stop within 5 s')), 5000))]);
      assert.equal(main.deactivate(), undefined, 'a second deactivate has nothing left to stop');
    });
  });
}
