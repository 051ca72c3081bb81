import * as vscode from 'vscode';
import { parseArgsDocument, type ArgsProfile } from '../core/args-document';
import { argsFileTemplate } from './args-file-template';

/** The args file of this workspace: `odooDev.argsFile` in the first folder, or that absolute path. */
export function argsFileUri(argsFile: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    return undefined;
  }
  if (/^[A-Za-z]:[\\/]/.test(argsFile) && folder.uri.scheme === 'file') {
    return vscode.Uri.file(argsFile);
  }
  return argsFile.startsWith('/') ? folder.uri.with({ path: argsFile }) : vscode.Uri.joinPath(folder.uri, argsFile);
}

export async function argsFileExists(uri: vscode.Uri | undefined): Promise<boolean> {
  if (!uri) {
    return false;
  }
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The profiles of the args file with args in them; none when there is no file. */
export async function readProfiles(uri: vscode.Uri | undefined): Promise<ArgsProfile[]> {
  if (!uri) {
    return [];
  }
  // An open editor may hold changes not saved yet: those are what the user sees.
  const open = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === uri.toString());
  let text: string;
  if (open) {
    text = open.getText();
  } else {
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return [];
    }
  }
  return parseArgsDocument(text).profiles.filter((profile) => profile.argv.length > 0);
}

/** Opens the args file, first creating it from a commented template when it does not exist. */
export async function openArgsFile(uri: vscode.Uri | undefined, current: readonly string[] | undefined): Promise<void> {
  if (!uri) {
    throw new Error('No folder is open, and the args file lives in the workspace folder. Open a folder first');
  }
  if (!(await argsFileExists(uri))) {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(argsFileTemplate(current)));
  }
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
}
