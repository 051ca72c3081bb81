import * as vscode from 'vscode';
import type { DockerAccess } from '../docker/docker-access';
import { pickContainer } from './container-picker';

const selectedKey = 'odooDev.selectedContainer';

/** The container the user chose for this workspace with "Odoo: Select Container". */
export class ContainerSelection {
  constructor(
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get name(): string | undefined {
    return this.state.get<string>(selectedKey);
  }

  /** The chosen container is gone: the next lookup goes on without it. */
  async forget(name: string): Promise<void> {
    this.log.info(`The container selected for this workspace, ${name}, is gone; looking again.`);
    await this.state.update(selectedKey, undefined);
  }

  /**
   * The quick pick of running containers; the pick is kept for this workspace. False when the
   * user dismissed it. `setting`: the odooDev.container value, which still wins over the pick.
   */
  async ask(docker: DockerAccess, current: string | undefined, setting: string | undefined): Promise<boolean> {
    const picked = await pickContainer(docker.listRunning(), docker.address, current);
    if (!picked) {
      return false;
    }
    await this.state.update(selectedKey, picked.name);
    this.log.info(`Selected container ${picked.name} for this workspace.`);
    if (setting && setting !== picked.name) {
      void vscode.window.showWarningMessage(`The odooDev.container setting (${setting}) takes precedence over the selected container; clear it to use ${picked.name}.`);
    }
    return true;
  }
}
