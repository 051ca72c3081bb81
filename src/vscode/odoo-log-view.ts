import * as vscode from 'vscode';
import { joinArgs } from '../core/argv-text';
import type { OdooDevError } from '../core/errors';
import { isProbeLine } from '../core/probe-lines';
import { maskArgv } from '../core/secrets';
import type { LogLine, OdooContainer } from '../engine/odoo-container';

interface Following {
  readonly container: OdooContainer;
  readonly abort: AbortController;
  isActive: boolean;
  /** The earlier lines are shown; until then markers wait, so that they follow those lines. */
  hasHistory: boolean;
  readonly pendingMarkers: string[];
}

/** Lines kept to tell whether a crash's log tail was already shown. */
const recentLimit = 500;

/**
 * The "Odoo" output view: the container's log, followed across restarts (Odoo's output stays
 * on the container's log, which is continuous), with a marker line at each restart. Created on
 * first use; following stops with the extension.
 */
export class OdooLogView implements vscode.Disposable {
  private channel: vscode.OutputChannel | undefined;
  private following: Following | undefined;
  /** Docker's stamp of the last line shown, and the lines shown with that very stamp. */
  private lastTime = 0;
  private atLastTime = new Set<string>();
  private readonly recent: string[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {}

  show(preserveFocus = false): void {
    this.output.show(preserveFocus);
  }

  /** Follows this container's log: its last lines first, then as they come. */
  follow(container: OdooContainer): void {
    if (this.following?.container === container) {
      if (!this.following.isActive) {
        this.run(this.following);
      }
      return;
    }
    if (this.following) {
      this.following.abort.abort();
      this.output.appendLine(`──── container ${container.name} ────`);
      this.lastTime = 0;
      this.atLastTime = new Set();
    }
    this.following = { container, abort: new AbortController(), isActive: false, hasHistory: false, pendingMarkers: [] };
    this.run(this.following);
  }

  /** Switches to another container, if the view is in use; otherwise it stays unstarted. */
  followIfStarted(container: OdooContainer): void {
    if (this.following) {
      this.follow(container);
    }
  }

  /** When the container runs again: its log stream ended when it stopped. */
  resume(): void {
    if (this.following && !this.following.isActive) {
      this.run(this.following);
    }
  }

  /** `──── restart 17:01:02: -d db --dev=xml ────`; secrets masked. */
  mark(action: string, args?: readonly string[]): void {
    const time = new Date().toTimeString().slice(0, 8);
    const what = args ? `: ${args.length ? joinArgs(maskArgv(args)) : '(no args)'}` : '';
    const marker = `──── ${action} ${time}${what} ────`;
    if (this.following && !this.following.hasHistory) {
      this.following.pendingMarkers.push(marker);
    } else {
      this.output.appendLine(marker);
    }
  }

  /**
   * Shows why Odoo crashed or is not ready. Its log lines are on the container's log when Odoo
   * writes there; when they were not seen here (Odoo logs to a file in the container, or the
   * view was not following), the error's log tail is shown instead.
   */
  showFailure(error: OdooDevError): void {
    const tail = Array.isArray(error.details.logTail) ? error.details.logTail.filter((line): line is string => typeof line === 'string') : [];
    const lastLine = [...tail].reverse().find((line) => line.trim() !== '');
    if (lastLine !== undefined && !this.recent.some((line) => sameLine(line, lastLine))) {
      this.output.appendLine(`──── ${{ crashed: 'crash', 'run-failed': 'failed run' }[error.code as string] ?? 'not ready'}: the last lines of Odoo's output ────`);
      for (const line of tail) {
        this.output.appendLine(line);
      }
    }
  }

  dispose(): void {
    this.following?.abort.abort();
    this.following = undefined;
    this.channel?.dispose();
  }

  private get output(): vscode.OutputChannel {
    this.channel ??= vscode.window.createOutputChannel('Odoo');
    return this.channel;
  }

  private run(following: Following): void {
    following.isActive = true;
    void this.pump(following).finally(() => { following.isActive = false; });
  }

  private async pump(following: Following): Promise<void> {
    const { container, abort } = following;
    try {
      if (!following.hasHistory) {
        const startedAt = Date.now();
        for await (const line of container.logs({ tail: 200, signal: abort.signal })) {
          this.append(line);
        }
        following.hasHistory = true;
        for (const marker of following.pendingMarkers.splice(0)) {
          this.output.appendLine(marker);
        }
        // With no earlier lines, follow from a little before now: Docker's clock may differ from ours.
        this.lastTime ||= startedAt - 5000;
      }
      for await (const line of container.logs({ follow: true, since: this.lastTime / 1000, signal: abort.signal })) {
        this.append(line);
      }
    } catch (error) {
      if (!abort.signal.aborted) {
        this.log.warn(`Following the log of ${container.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      // A marker must not wait for history that will not come.
      following.hasHistory = true;
      for (const marker of following.pendingMarkers.splice(0)) {
        this.output.appendLine(marker);
      }
    }
  }

  /** Shows a line once: a stream resumed from a time gives again the lines of that very time. */
  private append(line: LogLine): void {
    if (line.time < this.lastTime || (line.time === this.lastTime && this.atLastTime.has(line.text))) {
      return;
    }
    if (line.time !== this.lastTime) {
      this.lastTime = line.time;
      this.atLastTime = new Set();
    }
    this.atLastTime.add(line.text);
    if (isProbeLine(line.text)) {
      // Our own readiness and status requests: noise in the user's log.
      return;
    }
    this.output.appendLine(line.text);
    this.recent.push(line.text);
    if (this.recent.length > recentLimit) {
      this.recent.splice(0, this.recent.length - recentLimit);
    }
  }
}

/** Whether a shown line is the tail's line, whose secrets the engine masked as `***`. */
function sameLine(shown: string, masked: string): boolean {
  if (!masked.includes('***')) {
    return shown === masked;
  }
  const pattern = masked.split('***').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?');
  return new RegExp(`^${pattern}$`, 's').test(shown);
}
