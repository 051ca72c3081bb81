import * as vscode from 'vscode';
import { isOdooDevError } from '../core/errors';
import { errorNotice } from './error-notice';
import type { OdooLogView } from './odoo-log-view';

const showLogs = 'Show Logs';
const openSettings = 'Open Settings';

/**
 * The one place a failed command ends up: the stack goes to the log, the user gets what failed,
 * why and what to do, with at most "Show Logs" and "Open Settings".
 */
export class ErrorReporter {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly logView: OdooLogView,
  ) {}

  /** Wraps a command so that nothing it throws escapes unreported. */
  command<A extends unknown[]>(title: string, run: (...args: A) => Promise<unknown>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        await run(...args);
      } catch (error) {
        this.show(error, title);
      }
    };
  }

  /** What the user did not ask for fails into the log only; the status bar shows the state. */
  background(what: string, error: unknown): void {
    this.log.warn(`${what}: ${describe(error)}`);
  }

  show(error: unknown, what: string): void {
    const notice = errorNotice(error, what);
    if (!notice) {
      this.log.info(`${what}: ${describe(error)}`);
      return;
    }
    this.log.error(`${what}: ${describe(error)}`);
    if (isOdooDevError(error) && (error.code === 'crashed' || error.code === 'run-failed' || error.code === 'not-ready')) {
      this.logView.showFailure(error);
    }
    const buttons = [showLogs, ...(notice.setting ? [openSettings] : notice.action ? [notice.action.title] : [])];
    const shown = notice.severity === 'warning'
      ? vscode.window.showWarningMessage(notice.message, ...buttons)
      : vscode.window.showErrorMessage(notice.message, ...buttons);
    void shown.then((button) => {
      if (button === showLogs) {
        if (notice.logs === 'odoo') {
          this.logView.show();
        } else {
          this.log.show();
        }
      } else if (button === openSettings && notice.setting) {
        void vscode.commands.executeCommand('workbench.action.openSettings', notice.setting);
      } else if (notice.action && button === notice.action.title) {
        void vscode.commands.executeCommand(notice.action.command);
      }
    });
  }
}

/** The message, the stack, and the causes, for the log. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const parts = [error.stack ?? `${error.name}: ${error.message}`];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    parts.push(`caused by: ${cause instanceof Error ? cause.stack ?? cause.message : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join('\n');
}
