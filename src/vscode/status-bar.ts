import * as vscode from 'vscode';
import type { StatusModel } from './status-model';
import { statusBarView, tooltipCommands } from './status-bar-view';

/** One left item, `odooDev.status`, that shows the state of Odoo and opens the actions. */
export class OdooStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private ticker: NodeJS.Timeout | undefined;
  private model: StatusModel | undefined;
  /** What the item shows now: a render that would show the same leaves it alone, so an open hover stays open. */
  private shown: string | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('odooDev.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Odoo';
    this.item.command = 'odooDev.showActions';
  }

  render(model: StatusModel): void {
    this.model = model;
    if (!model.isVisible) {
      this.tickAtNextMinute(undefined);
      this.shown = undefined;
      this.item.hide();
      return;
    }
    const view = statusBarView(model.state, model.busy, {
      ...(model.container ? { container: model.container } : {}),
      ...(model.runningSince !== undefined ? { runningSince: model.runningSince } : {}),
    });
    this.tickAtNextMinute(model.runningSince);
    const shown = JSON.stringify(view);
    if (shown === this.shown) {
      return;
    }
    this.shown = shown;
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltipLines.join('\n\n'), true);
    tooltip.isTrusted = { enabledCommands: [...tooltipCommands] };
    this.item.tooltip = tooltip;
    this.item.backgroundColor = view.isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.accessibilityInformation = { label: `Odoo status: ${view.accessibleLabel}. Activate for the Odoo actions.`, role: 'button' };
    this.item.show();
  }

  /**
   * The uptime in the tooltip counts in minutes: it is redrawn when the next minute of the
   * server's run begins, and not at all while nothing runs (near-zero idle cost).
   */
  private tickAtNextMinute(runningSince: number | undefined): void {
    clearTimeout(this.ticker);
    this.ticker = undefined;
    if (runningSince === undefined) {
      return;
    }
    const intoMinute = Math.max(0, Date.now() - runningSince) % 60_000;
    this.ticker = setTimeout(() => {
      if (this.model) {
        this.render(this.model);
      }
    }, 60_000 - intoMinute + 20);
  }

  dispose(): void {
    clearTimeout(this.ticker);
    this.item.dispose();
  }
}
