import * as vscode from 'vscode';
import type { ArgsProfile } from '../core/args-document';
import { joinArgs } from '../core/argv-text';
import type { ServerOffer } from '../core/inventory-validation';
import type { ContainerOptions } from '../core/option-help';
import { maskArgv } from '../core/secrets';
import { checkArgsLine, type ArgsCheck } from './restart-args';

export interface RestartInputOptions {
  /** The current args, as a line to edit. */
  readonly prefill: string;
  /** Earlier lines, newest first. */
  readonly history: readonly string[];
  /** The args file's profiles that have args. */
  readonly profiles: readonly ArgsProfile[];
  readonly argsFileName: string;
  /** The running Odoo series, for checking; undefined accepts what any series accepts. */
  readonly series: string | undefined;
  /** `run`: "Run Once", a run beside the server that ends by itself; default `restart`. */
  readonly mode?: 'restart' | 'run';
  /** The args of the last command that worked (after a crash, the way back). */
  readonly lastWorking?: string;
  /** The container's modules and databases: `-u`, `-i` and `-d` are checked against them. */
  readonly offer?: ServerOffer;
  /** The options the container's own Odoo lists, when it has been asked. */
  readonly containerOptions?: ContainerOptions;
}

interface ArgsItem extends vscode.QuickPickItem {
  /** The line this item restarts with, or for a fix, the line it puts in the input. */
  readonly line: string;
  readonly isTyped: boolean;
  /** A problem of the typed line: accepting its entry applies its fix, or does nothing. */
  readonly isProblem?: boolean;
}

/**
 * Asks for the args: a line prefilled with the current ones, checked as it is typed (errors
 * block Enter and say why; warnings only show), above the args file's profiles and the recent
 * lines. The words go to Odoo as argv entries; nothing reaches a shell. Undefined when dismissed.
 */
export function askRestartArgs(options: RestartInputOptions): Promise<{ argv: string[]; line: string } | undefined> {
  const editButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Edit these args before restarting' };
  const pick = vscode.window.createQuickPick<ArgsItem>();
  const isRun = options.mode === 'run';
  const verb = isRun ? 'Run once with' : 'Restart with';
  pick.title = `Odoo: ${isRun ? 'Run Once' : 'Restart with args'}${options.series ? ` (Odoo ${options.series})` : ''}`;
  pick.placeholder = isRun
    ? 'Args of the run, e.g. -d mydb -u my_module, or --test-enable --test-tags /my_module; Enter runs it'
    : 'Args for Odoo, e.g. -d mydb -u my_module --dev=xml; Enter restarts';
  pick.matchOnDescription = false;
  pick.ignoreFocusOut = true;
  pick.value = options.prefill;

  // The quick pick sorts items whose label matches the typed text first and makes the first one
  // active, so Enter could run a profile or a recent line instead of what was typed. Labels here
  // hold no args (an icon, a profile's name in brackets); the args are in the description,
  // which is not matched.
  const listed = [
    ...(options.lastWorking !== undefined ? section('Last working args', [{
      label: '$(pass)',
      description: options.lastWorking || '(no args)',
      detail: 'The last args Odoo ran with and was ready, remembered in the container',
      line: options.lastWorking,
      isTyped: false,
      alwaysShow: true,
      buttons: [editButton],
    }]) : []),
    ...section(`Profiles in ${options.argsFileName}`, options.profiles.map((profile) => ({
      label: `$(list-flat) [${profile.name ?? 'default'}]`,
      description: joinArgs(maskArgv(profile.argv)),
      line: joinArgs(profile.argv),
      isTyped: false,
      alwaysShow: true,
      buttons: [editButton],
    }))),
    ...section('Recent', options.history.map((line) => ({ label: '$(history)', description: line, line, isTyped: false, alwaysShow: true, buttons: [editButton] }))),
  ];
  const typedItem = (line: string, check: ArgsCheck): ArgsItem => ({
    label: check.errors.length ? '$(error)' : '$(debug-restart)',
    description: line.trim() ? `${verb} ${line.trim()}` : `${verb} no args: Odoo with its defaults`,
    detail: detailOf(check, isRun),
    line,
    isTyped: true,
    alwaysShow: true,
  });
  const check = (line: string) => checkArgsLine(line, options.series, options.offer, options.containerOptions);
  const problemItems = (result: ArgsCheck): ArgsItem[] => result.problems.map((problem) => ({
    label: problem.fixedLine !== undefined ? '$(lightbulb)' : problem.severity === 'error' ? '$(error)' : '$(warning)',
    description: problem.fixTitle ? `${problem.fixTitle}: ${problem.message}` : problem.message,
    ...(problem.fixedLine !== undefined ? { detail: 'Enter applies this change to the line above' } : {}),
    line: problem.fixedLine ?? pick.value,
    isTyped: false,
    isProblem: true,
    alwaysShow: true,
  }));
  const baseTitle = pick.title;
  const refresh = (blocked = false) => {
    const result = check(pick.value);
    const typed = typedItem(pick.value, result);
    const problems = problemItems(result);
    pick.title = blocked && result.errors.length
      ? `${baseTitle}: fix ${result.errors.length === 1 ? 'the error' : `the ${result.errors.length} errors`} first`
      : baseTitle;
    pick.items = [typed, ...(problems.length ? [{ label: 'Problems', kind: vscode.QuickPickItemKind.Separator, line: '', isTyped: false }, ...problems] : []), ...listed];
    // After a blocked Enter, the first problem is the active entry, so that Enter next applies its fix.
    pick.activeItems = [blocked && problems.length ? problems[0]! : typed];
  };

  return new Promise((resolve) => {
    let isDone = false;
    const finish = (result: { argv: string[]; line: string } | undefined) => {
      if (!isDone) {
        isDone = true;
        resolve(result);
        pick.hide();
      }
    };
    const edit = (line: string) => {
      pick.value = line;
      refresh();
    };
    pick.onDidChangeValue(() => refresh());
    pick.onDidTriggerItemButton((event) => edit(event.item.line));
    pick.onDidAccept(() => {
      const item = pick.activeItems[0] ?? pick.items[0];
      if (item?.isProblem) {
        // A fix goes into the line, to be looked at before Enter restarts with it.
        edit(item.line);
        return;
      }
      const line = item?.isTyped === false ? item.line : pick.value;
      const result = check(line);
      if (result.errors.length || !result.argv) {
        // Errors block the restart: the title says so, and the problems are listed under the line.
        pick.value = line;
        refresh(true);
        return;
      }
      finish({ argv: result.argv, line: line.trim() });
    });
    pick.onDidHide(() => {
      finish(undefined);
      pick.dispose();
    });
    refresh();
    pick.show();
  });
}

function section(title: string, items: ArgsItem[]): Array<ArgsItem> {
  return items.length ? [{ label: title, kind: vscode.QuickPickItemKind.Separator, line: '', isTyped: false }, ...items] : [];
}

function detailOf(check: ArgsCheck, isRun = false): string {
  const more = (count: number) => (count > 1 ? ` (${count} problems, listed below)` : '');
  if (check.errors.length) {
    return `$(error) ${check.errors[0]}${more(check.problems.length)}`;
  }
  if (check.warnings.length) {
    return `$(warning) ${check.warnings[0]}${more(check.problems.length)}`;
  }
  return isRun
    ? 'Runs beside the server, which keeps serving (--stop-after-init is added); after -u or -i it reloads.'
    : 'Database connection options are kept; -u, -i and --test-* apply to this run only.';
}
