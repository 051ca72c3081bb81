import { isRegistryLoaded, parseOdooLogLine } from '../core/odoo-log';
import { maskText } from '../core/secrets';
import type { OdooContainer } from './odoo-container';

/** Waits in the container's log for the registry line of one server. */
export interface RegistryWatch {
  readonly abort: AbortController;
  /** True once the line is there; false when the watch ended without it. */
  readonly found: Promise<boolean>;
}

/**
 * With `-d`, Odoo is ready once it logs "Registry loaded"; only lines of this PID logged after
 * `since` count (a re-executed server keeps its PID, and its earlier line must not).
 */
export function watchRegistry(container: OdooContainer, pid: number, since: number, deadline: number, log: (line: string) => void): RegistryWatch {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
  const found = (async () => {
    try {
      for await (const line of container.logs({ since, follow: true, signal: abort.signal })) {
        const record = parseOdooLogLine(line.text);
        if (record && record.pid === pid && line.time >= since * 1000 && isRegistryLoaded(record)) {
          return true;
        }
      }
    } catch (error) {
      log(`following the log failed: ${String(error)}`);
    } finally {
      clearTimeout(timer);
    }
    return false;
  })();
  return { abort, found };
}

/**
 * The log lines since a server started (the last `limit` of them), secrets masked. Docker may lag a moment behind a
 * process that has just exited, so an empty answer is asked again for up to a second.
 */
export async function readLogTail(container: OdooContainer, since: number, secrets: readonly string[], log: (line: string) => void, limit = 40): Promise<string[]> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const lines: string[] = [];
    try {
      for await (const line of container.logs({ since })) {
        if (line.time >= since * 1000) {
          lines.push(maskText(line.text, secrets));
        }
      }
    } catch (error) {
      log(`reading the log failed: ${String(error)}`);
      return [];
    }
    if (lines.length || Date.now() >= deadline) {
      return lines.slice(-limit);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
