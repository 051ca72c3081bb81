import { parseOdooLogLine } from './odoo-log';

/** How a server that is gone ended, as its own log tells. */
export type ServerEnding =
  /** It shut down as Odoo does on TERM or INT (`Initiating shutdown`, `Stopping gracefully`). */
  | { readonly kind: 'shutdown' }
  /** It logged, but no shutdown: something killed it (SIGKILL, the out-of-memory killer) or it died. */
  | { readonly kind: 'no-shutdown'; readonly lastError?: string }
  /** None of its lines are in this log (it logs to a file, or its output never reached the log). */
  | { readonly kind: 'unknown' };

/** Odoo's own words when it stops on a signal, threaded and prefork, 14 to 19. */
const shutdownMessages = /^(Initiating shutdown|Stopping gracefully|Stopping workers gracefully|Forced shutdown)/;
/** Where a run of the server begins: at start, and again after a HUP re-executed it (same PID). */
const startMessage = /^Odoo version /;

/**
 * Reads the log lines for the last run of the server with this PID (the container's PID, as
 * Odoo logs it): whether it shut down, and else its last error. Odoo's plain "Forced shutdown."
 * line (threaded) counts too.
 */
export function serverEndingOf(lines: readonly string[], pid: number): ServerEnding {
  let seen = false;
  let shutdown = false;
  let lastError: string | undefined;
  let ours = false;
  for (const line of lines) {
    const record = parseOdooLogLine(line);
    if (!record) {
      if (ours && line.trim() === 'Forced shutdown.') {
        shutdown = true;
      }
      continue;
    }
    ours = record.pid === pid;
    if (!ours) {
      continue;
    }
    seen = true;
    if (startMessage.test(record.message)) {
      shutdown = false;
      lastError = undefined;
    } else if (shutdownMessages.test(record.message)) {
      shutdown = true;
    } else if (record.level === 'ERROR' || record.level === 'CRITICAL') {
      lastError = `${record.level} ${record.logger}: ${record.message}`;
    }
  }
  if (!seen) {
    return { kind: 'unknown' };
  }
  return shutdown ? { kind: 'shutdown' } : { kind: 'no-shutdown', ...(lastError ? { lastError } : {}) };
}
