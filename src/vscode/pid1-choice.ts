import * as vscode from 'vscode';
import { joinArgs } from '../core/argv-text';
import type { OdooDevError } from '../core/errors';
import { maskArgv } from '../core/secrets';

/** The ways out when new args cannot be applied in place because Odoo is PID 1. */
export interface Pid1Ways {
  /** Show the one-time change that puts a keeper in front of the image's entrypoint. */
  readonly makeRestartable: () => Promise<void>;
  /** Run them once beside the server instead, when they are an update or a test run. */
  readonly runOnce: () => Promise<void>;
  /** Restart with the args it already has (a HUP). */
  readonly restartWithSameArgs: () => Promise<void>;
}

const restartable = 'Make Container Restartable';
const once = 'Run Once Instead';
const same = 'Restart With Same Args';

/**
 * The refusal becomes a choice: what failed and why in one sentence, then the ways out as
 * buttons. Nothing happens unless one is chosen.
 */
export async function offerPid1Ways(error: OdooDevError, args: readonly string[], ways: Pid1Ways): Promise<void> {
  const line = joinArgs(maskArgv(args)) || '(no args)';
  const cut = error.message.indexOf(', so stopping it');
  const why = cut > 0 ? error.message.slice(0, cut) : 'Odoo is PID 1 in this container';
  const message = `${why}: "${line}" cannot be applied in place without stopping the container. `
    + 'Its args plus -u or -i update beside it, "Run Once" runs them beside it once, and a keeper as PID 1 makes any args work.';
  const picked = await vscode.window.showWarningMessage(message, restartable, once, same);
  if (picked === restartable) {
    await ways.makeRestartable();
  } else if (picked === once) {
    await ways.runOnce();
  } else if (picked === same) {
    await ways.restartWithSameArgs();
  }
}
