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

/** The loggers Odoo's `--log-level` shortcuts set (odoo/netsvc.py, PSEUDOCONFIG_MAPPER). */
const logLevelLoggers: Readonly<Record<string, readonly string[]>> = {
  debug_rpc_answer: ['odoo:DEBUG', 'odoo.sql_db:INFO', 'odoo.http.rpc:DEBUG'],
  debug_rpc: ['odoo:DEBUG', 'odoo.sql_db:INFO', 'odoo.http.rpc.request:DEBUG'],
  debug: ['odoo:DEBUG', 'odoo.sql_db:INFO'],
  debug_sql: ['odoo.sql_db:DEBUG'],
  info: [],
  runbot: ['odoo:RUNBOT', 'werkzeug:WARNING'],
  warn: ['odoo:WARNING', 'werkzeug:WARNING'],
  error: ['odoo:ERROR', 'werkzeug:ERROR'],
  critical: ['odoo:CRITICAL', 'werkzeug:CRITICAL'],
};

const levels: Readonly<Record<string, number>> = {
  NOTSET: 0, DEBUG: 10, INFO: 20, RUNBOT: 25, TEST: 25, WARN: 30, WARNING: 30, ERROR: 40, CRITICAL: 50,
};

/**
 * Whether Odoo started with these settings writes its "Registry loaded" INFO line to its
 * output: not with `--logfile` or `--syslog`, nor when `--log-level` or a `--log-handler`
 * raises the registry's logger above INFO. Handlers apply in order, and a logger's level is
 * that of its nearest configured ancestor, as in Python's logging.
 */
export function showsRegistryLine(settings: { logfile?: string; syslog?: boolean; logLevel?: string; logHandlers: readonly string[] }): boolean {
  if (settings.logfile || settings.syslog) {
    return false;
  }
  const configured = new Map<string, number>([['', levels.INFO]]);
  for (const spec of [...(logLevelLoggers[settings.logLevel ?? 'info'] ?? []), ...settings.logHandlers]) {
    const at = spec.lastIndexOf(':');
    const logger = at < 0 ? '' : spec.slice(0, at);
    const level = levels[(at < 0 ? spec : spec.slice(at + 1)).toUpperCase()];
    if (level !== undefined) {
      configured.set(logger, level);
    }
  }
  const effective = (name: string): number => {
    for (let logger = name; ; logger = logger.includes('.') ? logger.slice(0, logger.lastIndexOf('.')) : '') {
      const level = configured.get(logger);
      if (level !== undefined && level !== levels.NOTSET) {
        return level;
      }
      if (logger === '') {
        return levels.INFO;
      }
    }
  };
  return ['odoo.modules.registry', 'odoo.registry'].every((logger) => effective(logger) <= levels.INFO);
}
