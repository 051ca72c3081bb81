import * as path from 'node:path';
import * as vscode from 'vscode';
import { bundledDebugpyDir, debugpyCopyDir, missingDebugpyChoice, pythonDebuggerExtension, type DebugpySource } from '../core/debugpy-copy';
import { isOdooDevError, OdooDevError } from '../core/errors';
import { readDebugpySource } from '../engine/debugpy-source';

const copyButton = 'Copy and Debug';
const installButton = 'Install Python Debugger';
/** How long an extension just installed may take to show in this window. */
const installedWaitMs = 15_000;

/** The engine's refusal of a debug run: Odoo's Python in the container has no debugpy. */
export function isMissingDebugpy(error: unknown): error is OdooDevError {
  return isOdooDevError(error, 'launch-failed') && error.details.missing === 'debugpy';
}

/**
 * Where the container has no debugpy: asks whether to copy in the one the Python Debugger
 * extension bundles, and where that extension is missing, whether to install it first. Returns
 * the debugpy to copy once the user agreed, undefined when the user said no; nothing is copied
 * or installed without a yes. Where the extension is there without its debugpy, the engine's
 * own refusal (what to install in the container) is thrown again.
 */
export async function askForDebugpy(refusal: OdooDevError, container: string, log: vscode.LogOutputChannel): Promise<DebugpySource | undefined> {
  let choice = missingDebugpyChoice(pythonDebuggerDebugpy(log));
  if (choice.kind === 'offer-extension') {
    const picked = await vscode.window.showWarningMessage(
      `Odoo's Python in container ${container} has no debugpy, and the Python Debugger extension (${pythonDebuggerExtension}), whose debugpy could be copied in for debug runs, is not installed. Install it, then copy its debugpy?`,
      installButton,
    );
    if (picked !== installButton) {
      return undefined;
    }
    await installPythonDebugger(log);
    choice = missingDebugpyChoice(pythonDebuggerDebugpy(log));
    if (choice.kind === 'offer-extension') {
      throw new OdooDevError('launch-failed', `The Python Debugger extension was installed but is not loaded in this window yet, so nothing was copied or stopped.`, {
        hint: 'Reload the window, then Restart and Debug again.',
      });
    }
  }
  if (choice.kind === 'install-in-container') {
    throw refusal;
  }
  const { source } = choice;
  const picked = await vscode.window.showWarningMessage(
    `Odoo's Python in container ${container} has no debugpy. Copy debugpy ${source.version} of the Python Debugger extension into ${debugpyCopyDir(source.version)} there, for debug runs only (site-packages stay as they are)?`,
    copyButton,
  );
  return picked === copyButton ? source : undefined;
}

/** The Python Debugger extension of this window and the debugpy it bundles, where it has one. */
function pythonDebuggerDebugpy(log: vscode.LogOutputChannel): { extensionInstalled: boolean; source?: DebugpySource } {
  const extension = vscode.extensions.getExtension(pythonDebuggerExtension);
  if (!extension) {
    return { extensionInstalled: false };
  }
  const dir = bundledDebugpyDir(extension.extensionPath, path.join);
  try {
    return { extensionInstalled: true, source: readDebugpySource(dir) };
  } catch (error) {
    log.warn(`The Python Debugger extension has no debugpy to copy at ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    return { extensionInstalled: true };
  }
}

/** Installs the Python Debugger extension, then waits until this window sees it (or a deadline). */
async function installPythonDebugger(log: vscode.LogOutputChannel): Promise<void> {
  log.info(`Installing ${pythonDebuggerExtension}, as the user asked.`);
  try {
    await vscode.commands.executeCommand('workbench.extensions.installExtension', pythonDebuggerExtension);
  } catch (error) {
    throw new OdooDevError('launch-failed', `Installing the Python Debugger extension (${pythonDebuggerExtension}) failed (${error instanceof Error ? error.message : String(error)}), so nothing was copied or stopped.`, {
      hint: 'Install it from the Extensions view, or install debugpy in the container, then Restart and Debug again.',
      cause: error,
    });
  }
  if (vscode.extensions.getExtension(pythonDebuggerExtension)) {
    return;
  }
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    };
    const timer = setTimeout(done, installedWaitMs);
    const listener = vscode.extensions.onDidChange(() => {
      if (vscode.extensions.getExtension(pythonDebuggerExtension)) {
        done();
      }
    });
  });
}
