import * as vscode from 'vscode';
import { joinArgs } from '../core/argv-text';
import type { OdooDevError } from '../core/errors';
import { maskArgv } from '../core/secrets';

/** The ways out when new args cannot be applied in place because Odoo is PID 1. */
export interface Pid1Ways {
  /** Recreate the container once with the keeper, then apply the args; absent for the window's own container. */
  readonly recreateAndApply?: () => Promise<void>;
  /** Write the keeper into the compose or devcontainer files, to rebuild with. */
  readonly writeFiles: () => Promise<void>;
  /** Restart with the args it already has (a HUP). */
  readonly restartWithSameArgs: () => Promise<void>;
}

const recreate = 'Recreate and Apply';
const files = 'Make It Last in Files';
const same = 'Restart With Same Args';

/**
 * The refusal becomes a choice: what failed and why in one sentence, then the ways out as
 * buttons. Nothing happens unless one is chosen.
 */
export async function offerPid1Ways(error: OdooDevError, args: readonly string[], ways: Pid1Ways): Promise<void> {
  const line = joinArgs(maskArgv(args)) || '(no args)';
  const why = error.message.slice(0, error.message.indexOf(', so stopping it') > 0 ? error.message.indexOf(', so stopping it') : undefined);
  const message = `${why}: "${line}" cannot be applied in place without stopping the container. `
    + (ways.recreateAndApply
      ? 'Recreate the container once with a keeper as PID 1 (everything else kept) and apply them, or make it last in your compose or devcontainer files.'
      : 'This window runs in that container: make it restartable in your compose or devcontainer files, then rebuild.');
  const buttons = [...(ways.recreateAndApply ? [recreate] : []), files, same];
  const picked = await vscode.window.showWarningMessage(message, ...buttons);
  if (picked === recreate && ways.recreateAndApply) {
    await ways.recreateAndApply();
  } else if (picked === files) {
    await ways.writeFiles();
  } else if (picked === same) {
    await ways.restartWithSameArgs();
  }
}
