// What the user is told when a command fails, as plain data: no `vscode` here, so that a unit
// test covers every error code.
import { OdooDevError, type OdooErrorCode } from '../core/errors';

export interface ErrorNotice {
  /** What failed, why, what to do: at most two sentences after the engine's own. */
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** "Show Logs" opens the Odoo log view (crash, not ready) or the extension's log. */
  readonly logs: 'odoo' | 'extension';
  /** "Open Settings" opens the settings UI filtered to this id; none when no setting helps. */
  readonly setting?: string;
  /** A command that deals with the cause, offered instead of settings where one does. */
  readonly action?: { readonly title: string; readonly command: string };
}

/**
 * The engine's hints name the command line's flags; in the editor the settings do that job.
 * Codes missing here keep the engine's hint, which already reads right in both.
 */
const editorHints: Partial<Record<OdooErrorCode, string>> = {
  'stop-timeout': 'Raise odooDev.restart.stopTimeout, or turn on odooDev.restart.killAfterTimeout to force the stop after it.',
  'not-ready': 'It may still be loading: see the log, or raise odooDev.restart.readyTimeout.',
  'odoo-ambiguous': 'Stop the servers you do not need (their PIDs are above), then try again.',
  'container-ambiguous': 'Run "Odoo: Select Container", or name it in odooDev.container.',
  'pid1-refused': 'Restart with its args plus -u or -i to update beside it, use "Run Once" for a run that ends by itself, or make the container restartable once ("Make Restartable") to run it with new args.',
};

const settingOf: Partial<Record<OdooErrorCode, string>> = {
  'docker-unreachable': 'odooDev.docker.host',
  'container-not-found': 'odooDev.container',
  'container-ambiguous': 'odooDev.container',
  'stop-timeout': 'odooDev.restart',
  'not-ready': 'odooDev.restart.readyTimeout',
  'launch-failed': 'odooDev.start.command',
};

const actionOf: Partial<Record<OdooErrorCode, { title: string; command: string }>> = {
  'pid1-refused': { title: 'Make Restartable', command: 'odooDev.makeRestartable' },
};

/** After a crash with other args than the last that worked: Start brings back the remembered command. */
const lastWorking = { title: 'Restart with Last Working Args', command: 'odooDev.start' };

const odooLogCodes = new Set<OdooErrorCode>(['crashed', 'run-failed', 'not-ready', 'launch-failed', 'stop-timeout']);

/** The notice for a failed command; undefined when the user cancelled and wants no popup. */
export function errorNotice(error: unknown, what: string): ErrorNotice | undefined {
  if (!(error instanceof OdooDevError)) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      message: `${what} failed: ${reason.replace(/\.?$/, '.')} The log has the details.`,
      severity: 'error',
      logs: 'extension',
    };
  }
  if (error.code === 'cancelled') {
    return undefined;
  }
  const hint = editorHints[error.code];
  const message = hint ? `${withoutHint(error)} ${hint}` : error.message;
  const setting = settingOf[error.code];
  const action = actionOf[error.code] ?? (error.code === 'crashed' && Array.isArray(error.details.lastWorkingArgv) ? lastWorking : undefined);
  return {
    message,
    severity: error.code === 'not-ready' || error.code === 'already-running' ? 'warning' : 'error',
    logs: odooLogCodes.has(error.code) ? 'odoo' : 'extension',
    ...(setting ? { setting } : {}),
    ...(action ? { action } : {}),
  };
}

/** The engine's message without its own hint, which `OdooDevError` appends to it. */
function withoutHint(error: OdooDevError): string {
  return error.hint && error.message.endsWith(` ${error.hint}`) ? error.message.slice(0, -(error.hint.length + 1)) : error.message;
}
