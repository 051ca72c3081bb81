import * as vscode from 'vscode';
import { nextStepCommand, planKeeperFiles, type KeeperFilesPlan } from '../core/keeper-file-plan';
import { keeperAdvice } from '../core/restartable-keeper';
import { shortEntrypoint } from '../core/replacement-summary';
import type { DockerAccess, KeeperRecreatePlan } from '../docker/docker-access';
import type { OdooContainer } from '../engine/odoo-container';
import { loadDocker } from './docker-loader';
import type { OdooConnection } from './odoo-connection';
import { readSettings } from './settings';
import { windowContainer } from './window-hints';

export interface MakeRestartableDeps {
  readonly connection: OdooConnection;
  readonly log: vscode.LogOutputChannel;
  /** Once the container runs the keeper: what to do next (restart with the args that were refused). */
  readonly then?: () => Promise<void>;
}

type Way = 'recreate' | 'files' | 'show';

interface WayItem extends vscode.QuickPickItem {
  readonly way: Way;
}

/**
 * "Odoo: Make Container Restartable": puts the odoo-dev keeper in front of the image's
 * entrypoint, so that Odoo restarts in the container with new args. Three ways, each shown
 * before anything changes: recreate the container once now (not the one this window runs
 * in), write the keeper into the compose or devcontainer files so that it lasts (a diff in
 * the editor, applied as one undoable edit), or only show the change.
 */
export async function makeRestartable(deps: MakeRestartableDeps): Promise<void> {
  const { container } = await deps.connection.connect(true);
  const advice = keeperAdvice(await container.commandFacts());
  if (advice.already) {
    void vscode.window.showInformationMessage(`Container ${container.name} already runs the odoo-dev keeper as PID 1: Odoo restarts there with new args.`);
    return;
  }
  const inWindow = windowContainer() !== undefined;
  const items: WayItem[] = [
    ...(inWindow ? [] : [{
      way: 'recreate' as const,
      label: '$(debug-restart) Recreate the Container Now',
      description: 'once; image, volumes, networks, ports and settings kept',
      detail: `Replaces ${container.name} by the same container with the ${advice.outdated ? 'current ' : ''}keeper as PID 1, after showing what is kept and what would be lost.`,
    }]),
    {
      way: 'files',
      label: '$(file-code) Write It into the Files',
      description: 'compose or devcontainer.json; lasts across rebuilds',
      detail: 'Shows the change as a diff first; then recreate the service or rebuild the Dev Container.',
    },
    { way: 'show', label: '$(book) Show the Change Only', description: 'to make it by hand' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Make ${container.name} Restartable`,
    placeHolder: advice.outdated
      ? 'The current keeper starts the image\'s entrypoint on a listening socket that outlives it, so that every restart overlaps'
      : 'A keeper as PID 1 runs the image\'s entrypoint as its child, so that Odoo can restart with new args',
  });
  if (!picked) {
    return;
  }
  if (picked.way === 'show') {
    const document = await vscode.workspace.openTextDocument({ content: advice.text, language: 'markdown' });
    await vscode.window.showTextDocument(document, { preview: false });
    return;
  }
  if (picked.way === 'recreate') {
    const docker = await loadDocker(readSettings().dockerHost);
    try {
      await recreate(container, docker, deps);
    } finally {
      docker.close();
    }
  } else {
    await writeFiles(container);
  }
}

async function recreate(container: OdooContainer, docker: DockerAccess, deps: MakeRestartableDeps): Promise<void> {
  const plan = await docker.planKeeperRecreate(container.id, { isWindowContainer: windowContainer() !== undefined });
  if (plan.already || plan.notNeeded) {
    void vscode.window.showInformationMessage(plan.already ? `${plan.name} already runs the odoo-dev keeper as PID 1.` : plan.notNeeded!);
    return;
  }
  const go = 'Recreate Container';
  const answer = await vscode.window.showWarningMessage(`Recreate container ${plan.name} with the odoo-dev keeper as PID 1?`, { modal: true, detail: planDetail(plan) }, go);
  if (answer !== go) {
    return;
  }
  const { readyTimeoutMs } = readSettings().engine;
  // The old container goes away: the connection lets go of it first, and finds the new one by its name.
  deps.connection.reset();
  const result = await Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Odoo: Recreating ${plan.name}` },
    (progress) => docker.recreateWithKeeper(plan, {
      readyTimeoutMs,
      onStep: (message) => {
        deps.log.info(message);
        progress.report({ message });
      },
    }),
  )).finally(() => deps.connection.connect(false).catch((error: unknown) => deps.log.warn(`Connecting after the recreate: ${String(error)}`)));
  deps.log.info(`${result.name} now runs the odoo-dev keeper as PID 1 (new ID ${result.id.slice(0, 12)}); Odoo runs as its child, PID ${result.odoo.pid}.`);
  for (const warning of result.warnings) {
    deps.log.warn(warning);
  }
  if (deps.then) {
    await deps.then();
  } else {
    void vscode.window.showInformationMessage(`${result.name} now runs the odoo-dev keeper as PID 1: "Restart with args" applies new args in place.`);
  }
}

function planDetail(plan: KeeperRecreatePlan): string {
  const lost = plan.summary.lost.length > 0 ? plan.summary.lost.map((line) => `• ${line.trim()}`).join('\n') : '• nothing';
  return [
    `Entrypoint then: ${shortEntrypoint(plan.replacement.keeper.entrypoint)}`,
    '',
    'Kept:',
    ...plan.summary.kept.map((line) => `• ${line}`),
    '',
    'Lost:',
    lost,
    '',
    `Odoo gets ${plan.replacement.stopTimeoutSeconds} s to stop gracefully. If a step fails, the replacement is removed and ${plan.name} runs again as before.`,
  ].join('\n');
}

async function writeFiles(container: OdooContainer): Promise<void> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
  const plan = await planKeeperFiles({ facts: await container.commandFacts(), workspaceFolders: folders }, readText);
  if (plan.edits.length === 0) {
    void vscode.window.showInformationMessage(`The files that make ${container.name} have the odoo-dev keeper already: ${nextStepText(plan)}`);
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  const label = `Make ${container.name} restartable (odoo-dev keeper)`;
  const metadata: vscode.WorkspaceEditEntryMetadata = { label, needsConfirmation: true, description: plan.notes.join(' ') };
  for (const change of plan.edits) {
    const uri = vscode.Uri.file(change.path);
    if (change.before === undefined) {
      edit.createFile(uri, { ignoreIfExists: false, contents: Buffer.from(change.after, 'utf8') }, metadata);
    } else {
      const document = await vscode.workspace.openTextDocument(uri);
      const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
      edit.replace(uri, whole, change.after, metadata);
    }
  }
  // With needsConfirmation, VS Code shows the edit in its Refactor Preview as a diff of each
  // file; applying it is one step of Undo.
  const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  if (!applied) {
    return;
  }
  await vscode.workspace.saveAll(false);
  const next = nextStepCommand(plan.next);
  const action = plan.next.kind === 'devcontainer-rebuild' ? 'Rebuild Container' : 'Recreate the Service';
  const answer = await vscode.window.showInformationMessage(`The keeper is in the files. ${nextStepText(plan)}`, action);
  if (answer !== action) {
    return;
  }
  if (plan.next.kind === 'devcontainer-rebuild' && inDevContainersWindow()) {
    await vscode.commands.executeCommand('remote-containers.rebuildContainer');
    return;
  }
  const [program, ...args] = next.argv;
  if (!program) {
    throw new Error('There is no command that applies the change.');
  }
  // The program and its args as a process: nothing goes through a shell.
  const task = new vscode.Task({ type: 'process' }, vscode.TaskScope.Workspace, action, 'Odoo', new vscode.ProcessExecution(program, args, { cwd: next.cwd }));
  await vscode.tasks.executeTask(task);
}

function nextStepText(plan: KeeperFilesPlan): string {
  const next = nextStepCommand(plan.next);
  return plan.next.kind === 'devcontainer-rebuild'
    ? 'Rebuild the Dev Container to apply it.'
    : `Recreate the service to apply it (${next.argv.join(' ')} in ${next.cwd}).`;
}

function inDevContainersWindow(): boolean {
  return vscode.env.remoteName === 'dev-container' || vscode.env.remoteName === 'attached-container';
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(path))).toString('utf8');
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
      return undefined;
    }
    throw error;
  }
}
