import { constants } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { joinArgs } from '../core/argv-text';
import { OdooDevError } from '../core/errors';
import { nextStepCommand, planKeeperFiles, type FileEdit, type KeeperFilesPlan } from '../core/keeper-file-plan';
import { unifiedDiff } from '../core/unified-diff';
import type { OdooContainer } from '../engine/odoo-container';
import type { CliOptions } from './cli-options';

/** Where `keeper --write` talks and works; the terminal by default, a fake one in tests. */
export interface WriteIo {
  readonly out: (text: string) => void;
  /** The folder the command runs in: the workspace, where a devcontainer.json may be. */
  readonly cwd: string;
  /** Asks a question on the terminal and resolves with the answer; absent without a terminal. */
  readonly ask?: (question: string) => Promise<string>;
}

/** The suffix of the copy of each file as it was before we changed it. */
export const backupSuffix = '.before-odoo-dev';

/**
 * `odoo-dev keeper --write`: the keeper written into the compose or devcontainer files that
 * make the container, so that it lasts. Prints the unified diff first and writes only after
 * a yes on the terminal (or `--yes`); keeps a copy of each file it changes, says how to undo,
 * and what to run next.
 */
export async function writeKeeperFiles(container: OdooContainer, options: CliOptions, io: WriteIo = terminalIo()): Promise<number> {
  const plan = await planKeeperFiles({
    facts: await container.commandFacts(),
    ...(options.composeService !== undefined ? { composeService: options.composeService } : {}),
    ...(options.devcontainer ? { devcontainer: true } : {}),
    workspaceFolders: [io.cwd],
  }, readText);
  const shown = (file: string) => {
    const relative = path.relative(io.cwd, file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  };
  const next = nextStepCommand(plan.next);
  const nextLine = `cd ${joinArgs([next.cwd])} && ${joinArgs(next.argv)}`;
  const diff = plan.edits.map((edit) => unifiedDiff(shown(edit.path), edit.before, edit.after)).join('');
  const json = (written: boolean, backups: Record<string, string> = {}) => io.out(`${JSON.stringify({
    container: container.name,
    form: plan.form,
    running: plan.running,
    written,
    edits: plan.edits.map((edit) => ({ path: edit.path, created: edit.before === undefined, ...(backups[edit.path] ? { backup: backups[edit.path] } : {}) })),
    diff,
    notes: plan.notes,
    next: { cwd: next.cwd, argv: next.argv },
  })}\n`);

  if (plan.edits.length === 0) {
    if (options.json) {
      json(false);
    } else {
      io.out(plan.running
        ? `${container.name} runs the odoo-dev keeper as PID 1, and its files keep it: nothing to change.\n`
        : `The files that make ${container.name} have the keeper already; ${applyText(plan)}\n  ${nextLine}\n`);
    }
    return 0;
  }
  if (!options.json) {
    io.out(`${diff}\n${plan.notes.map((note) => `Note: ${note}\n`).join('')}`);
  }
  if (!options.yes) {
    const ask = options.json ? undefined : io.ask;
    if (!ask) {
      if (options.json) {
        json(false);
      } else {
        io.out('Nothing written: there is no terminal to ask on. Run it again with --yes to write these changes.\n');
      }
      return 0;
    }
    const answer = await ask('Write these changes? [y/N] ');
    if (!/^\s*y(es)?\s*$/i.test(answer)) {
      io.out('Nothing written.\n');
      return 1;
    }
  }
  const backups = await writeEdits(plan.edits);
  if (options.json) {
    json(true, backups);
    return 0;
  }
  const lines = plan.edits.map((edit) => (backups[edit.path]
    ? `Wrote ${shown(edit.path)} (as it was: ${shown(backups[edit.path])}).`
    : `Created ${shown(edit.path)}.`));
  const undo = plan.edits.map((edit) => (backups[edit.path]
    ? `mv ${joinArgs([backups[edit.path], edit.path])}`
    : `rm ${joinArgs([edit.path])}`));
  io.out(`${lines.join('\n')}\nTo undo: ${undo.join(' && ')}\n`);
  io.out(`${plan.running ? 'The container runs the keeper already; now its files keep it too. ' : ''}Next, ${applyText(plan)}\n  ${nextLine}\n`);
  return 0;
}

function applyText(plan: KeeperFilesPlan): string {
  return plan.next.kind === 'compose-up'
    ? 'recreate the service so that the keeper becomes PID 1:'
    : 'rebuild the container so that the keeper becomes PID 1 ("Dev Containers: Rebuild Container" in VS Code, or the Dev Containers CLI):';
}

/**
 * Writes every edit after checking that no file changed since it was read; keeps a copy of
 * each existing file first, under a name that is free. Returns the copies by file.
 */
async function writeEdits(edits: readonly FileEdit[]): Promise<Record<string, string>> {
  for (const edit of edits) {
    if (await readText(edit.path) !== edit.before) {
      throw new OdooDevError('cancelled', `${edit.path} changed while the diff was shown, so nothing was written.`, { hint: 'Run it again to see the change against the file as it is now.' });
    }
  }
  const backups: Record<string, string> = {};
  for (const edit of edits) {
    if (edit.before !== undefined) {
      backups[edit.path] = await backUp(edit.path);
      await writeFile(edit.path, edit.after);
    } else {
      await mkdir(path.dirname(edit.path), { recursive: true });
      await writeFile(edit.path, edit.after, { flag: 'wx' });
    }
  }
  return backups;
}

async function backUp(file: string): Promise<string> {
  for (let n = 1; ; n++) {
    const copy = `${file}${backupSuffix}${n === 1 ? '' : `.${n}`}`;
    try {
      await copyFile(file, copy, constants.COPYFILE_EXCL);
      return copy;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

function terminalIo(): WriteIo {
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  return {
    out: (text) => process.stdout.write(text),
    cwd: process.cwd(),
    ...(interactive ? {
      ask: (question: string) => new Promise<string>((resolve) => {
        const prompt = createInterface({ input: process.stdin, output: process.stderr });
        prompt.question(question, (answer) => {
          prompt.close();
          resolve(answer);
        });
        // Ctrl-D: no answer, which is no.
        prompt.once('close', () => resolve(''));
      }),
    } : {}),
  };
}
