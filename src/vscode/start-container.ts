import * as vscode from 'vscode';
import { OdooDevError } from '../core/errors';
import type { OdooConnection } from './odoo-connection';

/** How long the container may take to run again before we stop waiting for its first status. */
const startWaitMs = 30_000;

/**
 * "Odoo: Start Container": starts the stopped container of this window, as `docker start` does,
 * and waits until the status shows it running again (Odoo then starts as its command does).
 */
export async function startContainer(connection: OdooConnection, log: vscode.LogOutputChannel): Promise<void> {
  const { container, watcher } = await connection.connect(true);
  if (!container.start) {
    throw new OdooDevError('agent-failed', `Container ${container.name} cannot be started from here.`);
  }
  const start = container.start.bind(container);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Odoo: starting container ${container.name}` }, async () => {
    log.info(`Starting container ${container.name}.`);
    await start();
    await watcher.refresh();
    const deadline = Date.now() + startWaitMs;
    while (connection.status.state.kind === 'container-stopped' && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        const listener = connection.onDidChange(() => {
          clearTimeout(timer);
          listener.dispose();
          resolve();
        });
      });
    }
  });
  vscode.window.setStatusBarMessage(`$(pass) Container ${container.name} started`, 4000);
}
