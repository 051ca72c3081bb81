/** One line of Odoo's log: `YYYY-MM-DD HH:MM:SS,mmm PID LEVEL DB LOGGER: MESSAGE`. */
export interface OdooLogRecord {
  readonly time: string;
  readonly pid: number;
  readonly level: string;
  readonly db: string;
  readonly logger: string;
  readonly message: string;
}

const ansi = /\u001b\[[0-9;]*m/g;
const record = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\d+) (DEBUG|INFO|WARNING|ERROR|CRITICAL|TEST|\?) (.*?) ([\w.]+): ?(.*)$/;

/** Parses a log line; lines that continue a record (tracebacks) give undefined. */
export function parseOdooLogLine(line: string): OdooLogRecord | undefined {
  const match = record.exec(line.replace(ansi, ''));
  if (!match) {
    return undefined;
  }
  const [, time, pid, level, db, logger, message] = match;
  return { time, pid: Number(pid), level, db, logger, message };
}

/** "Registry loaded in X.XXXs": the database named by `-d` is ready (series 15 and later). */
export function isRegistryLoaded(entry: OdooLogRecord): boolean {
  return /^odoo(\.modules)?\.registry$/.test(entry.logger) && entry.message.startsWith('Registry loaded in');
}

/** Series 14 logs no registry line; readiness there is HTTP alone. */
export function logsRegistryLine(series: string | undefined): boolean {
  return series === undefined || Number.parseFloat(series.replace(/^saas~/, '')) >= 15;
}
