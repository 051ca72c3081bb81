/**
 * The stand-in's own log lines (`YYYY-MM-DD HH:MM:SS,mmm PID LEVEL DB LOGGER: MESSAGE`, UTC,
 * stamped by the process when it writes them) place its stop and boot on the host's timeline:
 * containers share the host's clock.
 */
import { parseOdooLogLine } from '../../src/core/odoo-log';

export interface StandinRecord {
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly pid: number;
  readonly message: string;
}

export function parseStandinLog(text: string): StandinRecord[] {
  const records: StandinRecord[] = [];
  for (const line of text.split('\n')) {
    const record = parseOdooLogLine(line);
    if (record) {
      const time = Date.parse(`${record.time.replace(' ', 'T').replace(',', '.')}Z`);
      records.push({ time, pid: record.pid, message: record.message });
    }
  }
  return records;
}

/** What the log tells about one restart that began at `from` (epoch ms). */
export interface RestartMarks {
  /** The old server got its signal ("Initiating shutdown" / "Initiating server reload"). */
  readonly signalled?: number;
  /** The new server's first line ("Odoo version"). */
  readonly started?: number;
  /** "HTTP service (werkzeug) running". */
  readonly listening?: number;
  /** "Registry loaded in". */
  readonly registry?: number;
  readonly oldPid?: number;
  readonly newPid?: number;
}

export function marksAfter(records: readonly StandinRecord[], from: number, until: number): RestartMarks {
  // The stamps are truncated to the millisecond.
  const within = records.filter((r) => r.time >= Math.floor(from) - 1 && r.time <= until);
  const signal = within.find((r) => /^Initiating (shutdown|server reload)/.test(r.message));
  // The new server's first line: after the old one's signal when it stops first, before it
  // when the new one boots beside the old one (an overlap).
  const start = within.find((r) => /^Odoo version/.test(r.message));
  const listen = start && within.find((r) => r.pid === start.pid && r.time >= start.time && /^HTTP service \(werkzeug\) running/.test(r.message));
  const registry = listen && within.find((r) => r.pid === start.pid && r.time >= listen.time && /^Registry loaded in/.test(r.message));
  return {
    ...(signal ? { signalled: signal.time, oldPid: signal.pid } : {}),
    ...(start ? { started: start.time, newPid: start.pid } : {}),
    ...(listen ? { listening: listen.time } : {}),
    ...(registry ? { registry: registry.time } : {}),
  };
}
