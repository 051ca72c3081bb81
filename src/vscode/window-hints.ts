import * as vscode from 'vscode';
import { windowContainerOf, type WindowContainer } from '../core/remote-authority';

/** The container behind this window, read from its remote authority (`dev-container+...`). */
export function windowContainer(): WindowContainer | undefined {
  const uri = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.workspace.workspaceFile;
  return windowContainerOf(uri?.scheme === 'vscode-remote' ? uri.authority : undefined);
}

/** The folder of a local window, which Dev Containers and Compose label their containers with. */
export function localFolder(): string | undefined {
  const uri = vscode.workspace.workspaceFolders?.[0]?.uri;
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}
