import * as vscode from 'vscode';
import type { ServerOffer } from '../core/inventory-validation';
import { moduleNameOf, readManifestFields } from '../core/manifest-fields';
import { containerOptionsOf, type ContainerOptions } from '../core/option-help';
import { readInventory, type ServerInventory } from '../engine/server-inventory';
import type { OfferedModule, SetServerOfferParams } from '../server/args-protocol';
import type { OdooConnection } from './odoo-connection';
import type { StatusModel } from './status-model';

/** Workspace manifests read at most: a monorepo of addons has a few hundred. */
const maxManifests = 2000;

/**
 * The modules and databases that completion and checks offer: the container's (its server's
 * addons paths and Odoo's own modules, the databases it lists), read through the agent in one
 * exec when a server is first seen running in a container and again after each restart, and
 * the workspace's `__manifest__.py` modules, read from the editor's files and followed as they
 * change. The first read in a container of an image also asks the server's program for its
 * `--version` and `--help` (in the same exec, after a restart, never before one): the options it
 * lists are kept per image and go to the language server, the restart input and the engine.
 * What fails to be read goes to the log; the lists then stay as they were.
 */
export class ServerOfferCache implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SetServerOfferParams>();
  /** Fires with the whole offer whenever a part of it changes. */
  readonly onDidChange = this.changed.event;
  private inventory: ServerInventory | undefined;
  private workspace: OfferedModule[] | undefined;
  /** Per image id: its Odoo's own option list, or null when it gave none. */
  private readonly optionsByImage = new Map<string, ContainerOptions | null>();
  private current: ContainerOptions | undefined;
  /** Which server the inventory is of: `container/pid`, and the state it was read in. */
  private readFor: string | undefined;
  private wasRunning = false;
  private reading: Promise<void> | undefined;
  private readonly cleanup: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly connection: OdooConnection,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.cleanup.push(this.changed, connection.onDidChange((model) => this.follow(model)));
    if (vscode.workspace.isTrusted) {
      this.watchWorkspace();
    } else {
      this.cleanup.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.watchWorkspace()));
    }
  }

  /** The offer as LSP params: the container's modules first, then those only the workspace has. */
  get params(): SetServerOfferParams {
    const fromContainer: OfferedModule[] | undefined = this.inventory?.modules.map((m) => ({
      name: m.name,
      ...(m.summary ?? m.title ? { summary: m.summary ?? m.title } : {}),
      where: 'container',
    }));
    const known = new Set(fromContainer?.map((m) => m.name));
    const onlyWorkspace = (this.workspace ?? []).filter((m) => !known.has(m.name));
    const modules = fromContainer || this.workspace ? [...(fromContainer ?? []), ...onlyWorkspace] : undefined;
    const databases = this.inventory?.databases;
    const listed = this.current;
    return {
      ...(modules ? { modules } : {}),
      ...(databases ? { databases } : {}),
      ...(listed ? { options: { ...(listed.version ? { version: listed.version } : {}), options: listed.options } } : {}),
    };
  }

  /** The option list of the connected container's image, once its Odoo has been asked. */
  get containerOptions(): ContainerOptions | undefined {
    return this.current;
  }

  /** The names only, for checking a typed line. */
  get offer(): ServerOffer {
    const { modules, databases } = this.params;
    return { ...(modules ? { modules: modules.map((m) => m.name) } : {}), ...(databases ? { databases } : {}) };
  }

  /** Reads the container's part again now (after a restart of ours, for one). */
  refresh(): Promise<void> {
    this.readFor = undefined;
    return this.follow(this.connection.status);
  }

  dispose(): void {
    this.disposed = true;
    for (const disposable of this.cleanup.splice(0).reverse()) {
      disposable.dispose();
    }
  }

  /** A server seen running for the first time here, or again after a restart: read what it offers. */
  private follow(model: StatusModel): Promise<void> {
    const { state } = model;
    const isRunning = state.kind === 'running';
    const cameBack = isRunning && !this.wasRunning;
    this.wasRunning = isRunning;
    const connected = this.connection.connected;
    if (!isRunning || !connected) {
      return Promise.resolve();
    }
    // A new engine for the same container (a reconnect) knows the list too; the engine applies
    // it only while the container runs the image it was read from.
    connected.engine.useContainerOptions(this.current);
    const key = `${connected.container.id}/${state.pid}`;
    if (key === this.readFor && !cameBack) {
      return Promise.resolve();
    }
    this.readFor = key;
    this.reading = (this.reading ?? Promise.resolve()).then(async () => {
      const started = Date.now();
      try {
        const { imageId } = await connected.container.facts();
        const learned = connected.engine.knownContainerOptions;
        if (imageId !== undefined && learned?.imageId === imageId && !this.optionsByImage.get(imageId)) {
          // A restart whose args needed the list has read it already.
          this.optionsByImage.set(imageId, learned);
        }
        const readHelp = imageId !== undefined && !this.optionsByImage.has(imageId);
        const inventory = await readInventory(connected.container, { readHelp });
        if (this.disposed || this.readFor !== key) {
          return;
        }
        if (readHelp) {
          const listed = inventory.selfDescription && containerOptionsOf(imageId, inventory.selfDescription);
          this.optionsByImage.set(imageId, listed ?? null);
          this.log.info(listed
            ? `Read ${listed.options.length} options from odoo --help of image ${imageId.slice(0, 19)}${listed.version ? ` (${listed.version})` : ''}.`
            : `The Odoo of image ${imageId.slice(0, 19)} listed no options for --help; checking args by the bundled catalog.`);
        }
        this.current = (imageId !== undefined ? this.optionsByImage.get(imageId) : undefined) ?? undefined;
        connected.engine.useContainerOptions(this.current);
        this.inventory = inventory;
        this.log.info(`Read ${inventory.modules.length} modules from ${inventory.addonsPaths.length} addons paths${inventory.databases ? ` and ${inventory.databases.length} databases` : ''} in container ${connected.container.name} (${Date.now() - started} ms).`);
        this.changed.fire(this.params);
      } catch (error) {
        this.log.warn(`Reading the modules and databases of ${connected.container.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    return this.reading;
  }

  private watchWorkspace(): void {
    if (this.disposed || this.workspace !== undefined) {
      return;
    }
    this.workspace = [];
    const watcher = vscode.workspace.createFileSystemWatcher('**/{__manifest__,__openerp__}.py');
    let timer: NodeJS.Timeout | undefined;
    const again = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.readWorkspace(), 300);
    };
    this.cleanup.push(watcher, watcher.onDidCreate(again), watcher.onDidChange(again), watcher.onDidDelete(again), { dispose: () => clearTimeout(timer) });
    void this.readWorkspace();
  }

  private async readWorkspace(): Promise<void> {
    try {
      const files = await vscode.workspace.findFiles('**/{__manifest__,__openerp__}.py', '**/node_modules/**', maxManifests);
      const modules = new Map<string, OfferedModule>();
      for (const file of files) {
        const name = moduleNameOf(file.path);
        if (!name || modules.has(name)) {
          continue;
        }
        const fields = readManifestFields(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8'));
        const summary = fields.summary ?? fields.title;
        modules.set(name, { name, ...(summary ? { summary } : {}), where: 'workspace' });
      }
      if (this.disposed) {
        return;
      }
      this.workspace = [...modules.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      this.changed.fire(this.params);
    } catch (error) {
      this.log.warn(`Reading the workspace's module manifests: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
