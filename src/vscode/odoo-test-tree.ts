import * as vscode from 'vscode';
import { parseTestId, testIdOf } from '../core/odoo-test-id';
import { readPythonTestClasses, readTestModuleNames, type PythonTestClass } from '../core/python-tests';

/** What the tree knows of an item beyond VS Code's: its place in Odoo's naming. */
export interface OdooTestInfo {
  readonly kind: 'module' | 'file' | 'class' | 'method';
  readonly module: string;
  readonly file?: string;
  readonly className?: string;
  readonly method?: string;
  /** Odoo's tags of its class (classes and methods). */
  readonly tags?: readonly string[];
}

const excluded = '**/{node_modules,.git,__pycache__}/**';
/** How long a burst of file changes is let settle before the module is read again. */
const settleMs = 300;

/**
 * The workspace's Odoo tests as test items: modules (folders with a `__manifest__.py` and a
 * `tests` package), their test files (the ones `tests/__init__.py` imports), test classes and
 * test methods, read from the files (`readPythonTestClasses`), and read again as they change.
 * Classes carry Odoo's tags as test tags.
 */
export class OdooTestTree implements vscode.Disposable {
  private readonly infos = new WeakMap<vscode.TestItem, OdooTestInfo>();
  /** Module name to its folder, for every module of the workspace, with tests or not. */
  private readonly folders = new Map<string, vscode.Uri>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** The items changed: CodeLenses follow. */
  readonly onDidChange = this.changed.event;
  private discovered: Promise<void> | undefined;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly controller: vscode.TestController, private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{__manifest__.py,tests/**/*.py}');
    const onFile = (uri: vscode.Uri) => this.fileChanged(uri);
    this.disposables.push(watcher, watcher.onDidChange(onFile), watcher.onDidCreate(onFile), watcher.onDidDelete(onFile), this.changed);
  }

  /** Reads every module of the workspace, once; later calls wait for that reading. */
  discover(): Promise<void> {
    this.discovered ??= this.readAll().catch((error: unknown) => this.log.warn(`Reading the workspace's Odoo tests: ${String(error)}`));
    return this.discovered;
  }

  /** The module folders of the workspace by name. */
  get moduleFolders(): ReadonlyMap<string, vscode.Uri> {
    return this.folders;
  }

  infoOf(item: vscode.TestItem): OdooTestInfo | undefined {
    return this.infos.get(item);
  }

  /** The item of a test id (`module/file:Class.method`), when the tree has it. */
  itemOf(id: string): vscode.TestItem | undefined {
    const ref = parseTestId(id);
    if (!ref) {
      return undefined;
    }
    const { module, file, className } = ref;
    const moduleItem = this.controller.items.get(module);
    if (file === undefined) {
      return className === undefined ? moduleItem : undefined;
    }
    const fileItem = moduleItem?.children.get(testIdOf({ module, file }));
    if (className === undefined) {
      return fileItem;
    }
    const classItem = fileItem?.children.get(testIdOf({ module, file, className }));
    return ref.method === undefined ? classItem : classItem?.children.get(id);
  }

  /** The class and method items of one file, for its CodeLenses. */
  itemsOfFile(uri: vscode.Uri): vscode.TestItem[] {
    const items: vscode.TestItem[] = [];
    this.controller.items.forEach((module) => module.children.forEach((file) => {
      if (file.uri?.toString() === uri.toString()) {
        file.children.forEach((klass) => {
          items.push(klass);
          klass.children.forEach((method) => items.push(method));
        });
      }
    }));
    return items;
  }

  /** The test methods under an item, the item itself when it is one. */
  leavesOf(item: vscode.TestItem): vscode.TestItem[] {
    if (this.infos.get(item)?.kind === 'method') {
      return [item];
    }
    const leaves: vscode.TestItem[] = [];
    item.children.forEach((child) => leaves.push(...this.leavesOf(child)));
    return leaves;
  }

  /** Reads one module again (after a change of its files, or to have a file's items). */
  async refreshModule(folder: vscode.Uri): Promise<void> {
    const name = folder.path.split('/').pop() ?? '';
    if (!(await exists(vscode.Uri.joinPath(folder, '__manifest__.py')))) {
      this.folders.delete(name);
      this.controller.items.delete(name);
      this.changed.fire();
      return;
    }
    this.folders.set(name, folder);
    const item = await this.readModule(name, folder);
    if (item) {
      this.controller.items.add(item);
    } else {
      this.controller.items.delete(name);
    }
    this.changed.fire();
  }

  /** The module folder a workspace file is in, when it is in one. */
  moduleFolderOf(uri: vscode.Uri): vscode.Uri | undefined {
    const path = uri.path;
    let best: vscode.Uri | undefined;
    for (const folder of this.folders.values()) {
      if (uri.scheme === folder.scheme && uri.authority === folder.authority && path.startsWith(`${folder.path}/`)
        && (!best || folder.path.length > best.path.length)) {
        best = folder;
      }
    }
    return best;
  }

  dispose(): void {
    for (const timer of this.pending.values()) {
      clearTimeout(timer);
    }
    this.pending.clear();
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
  }

  private async readAll(): Promise<void> {
    const manifests = await vscode.workspace.findFiles('**/__manifest__.py', excluded);
    const folders = manifests.map((manifest) => vscode.Uri.joinPath(manifest, '..'))
      // A module holds no module; the one nearest the workspace root counts for a name.
      .sort((a, b) => a.path.length - b.path.length);
    const items: vscode.TestItem[] = [];
    for (const folder of folders) {
      const name = folder.path.split('/').pop() ?? '';
      if (this.folders.has(name) || [...this.folders.values()].some((other) => folder.path.startsWith(`${other.path}/`))) {
        continue;
      }
      this.folders.set(name, folder);
      const item = await this.readModule(name, folder);
      if (item) {
        items.push(item);
      }
    }
    this.controller.items.replace(items.sort((a, b) => a.id.localeCompare(b.id)));
    this.log.info(`Found ${items.length} Odoo module${items.length === 1 ? '' : 's'} with tests in the workspace.`);
    this.changed.fire();
  }

  /** A module's item with its test files, classes and methods; undefined when it has no tests. */
  private async readModule(name: string, folder: vscode.Uri): Promise<vscode.TestItem | undefined> {
    const tests = vscode.Uri.joinPath(folder, 'tests');
    const init = await readText(vscode.Uri.joinPath(tests, '__init__.py'));
    if (init === undefined) {
      return undefined;
    }
    const module = this.controller.createTestItem(name, name, folder);
    this.infos.set(module, { kind: 'module', module: name });
    for (const file of readTestModuleNames(init)) {
      const uri = vscode.Uri.joinPath(tests, `${file}.py`);
      const source = await readText(uri);
      if (source === undefined) {
        continue;
      }
      const fileItem = this.controller.createTestItem(testIdOf({ module: name, file }), `tests/${file}.py`, uri);
      this.infos.set(fileItem, { kind: 'file', module: name, file });
      for (const klass of readPythonTestClasses(source)) {
        fileItem.children.add(this.classItem(name, file, uri, klass));
      }
      if (fileItem.children.size) {
        module.children.add(fileItem);
      }
    }
    return module.children.size ? module : undefined;
  }

  private classItem(module: string, file: string, uri: vscode.Uri, klass: PythonTestClass): vscode.TestItem {
    const item = this.controller.createTestItem(testIdOf({ module, file, className: klass.name }), klass.name, uri);
    item.range = new vscode.Range(klass.line, 0, klass.endLine, 0);
    item.tags = klass.tags.map((tag) => new vscode.TestTag(tag));
    const standard = klass.tags.includes('standard');
    // Odoo's own `/module` leaves out what drops `standard`: such a class runs only by name.
    item.description = standard ? klass.tags.filter((t) => t !== 'standard').join(', ') : `${klass.tags.join(', ')} · not standard: runs only by name`;
    this.infos.set(item, { kind: 'class', module, file, className: klass.name, tags: klass.tags });
    for (const method of klass.methods) {
      const child = this.controller.createTestItem(testIdOf({ module, file, className: klass.name, method: method.name }), method.name, uri);
      child.range = new vscode.Range(method.line, 0, method.endLine, 0);
      child.tags = item.tags;
      if (method.definedIn !== klass.name) {
        child.description = `from ${method.definedIn}`;
      }
      this.infos.set(child, { kind: 'method', module, file, className: klass.name, method: method.name, tags: klass.tags });
      item.children.add(child);
    }
    return item;
  }

  private fileChanged(uri: vscode.Uri): void {
    if (!this.discovered) {
      // Nothing was read yet: whatever changed is read when the tree is first asked for.
      return;
    }
    const isManifest = uri.path.endsWith('/__manifest__.py');
    const folder = isManifest ? vscode.Uri.joinPath(uri, '..') : this.moduleFolderOf(uri);
    if (!folder) {
      return;
    }
    const key = folder.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.refreshModule(folder).catch((error: unknown) => this.log.warn(`Reading the tests of ${folder.fsPath}: ${String(error)}`));
    }, settleMs));
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
