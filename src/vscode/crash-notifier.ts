import * as vscode from 'vscode';
import { crashNewsOf } from './crash-news';
import type { OdooLogView } from './odoo-log-view';
import type { StatusModel } from './status-model';

const showLogs = 'Show Logs';
const restartLastWorking = 'Restart with Last Working Args';

/**
 * Tells the user when Odoo crashes by itself (killed, out of memory, a fatal error), which the
 * status bar alone shows too quietly: a warning with the log and the way back.
 */
export class CrashNotifier {
  private previous: StatusModel | undefined;

  constructor(
    private readonly logView: OdooLogView,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  update(model: StatusModel): void {
    const previous = this.previous;
    this.previous = model;
    const news = previous && crashNewsOf(previous, model);
    if (!news) {
      return;
    }
    this.log.warn(news);
    void vscode.window.showWarningMessage(news, showLogs, restartLastWorking).then((button) => {
      if (button === showLogs) {
        this.logView.show();
      } else if (button === restartLastWorking) {
        void vscode.commands.executeCommand('odooDev.start');
      }
    });
  }
}
