/**
 * Which modules changed since their last update, the way click-odoo-update tells: a checksum of
 * each module's files, kept per database after every update, compared with the files now.
 */

/**
 * Files that do not change what an update does: bytecode, translation templates, static assets
 * (served from disk as they are) and tests (run from disk); click-odoo-update's default list.
 */
export const checksumExclude: readonly string[] = ['*.pyc', '*.pyo', 'i18n/*.pot', 'i18n_extra/*.pot', 'static/*', 'tests/*'];

/** The checksums kept for one database: module name to checksum, as of its last update. */
export interface RecordedChecksums {
  readonly database: string;
  readonly modules: Readonly<Record<string, string>>;
  /** When they were recorded (ISO 8601). */
  readonly at: string;
}

/**
 * The modules whose files differ from what was recorded at their last update, or that have no
 * record at all (never updated this way), in name order.
 */
export function changedModules(current: Readonly<Record<string, string>>, recorded: RecordedChecksums | undefined): string[] {
  return Object.keys(current).filter((name) => recorded?.modules[name] !== current[name]).sort();
}

/** The record after an update of `updated`: their new checksums, the others as they were. */
export function afterUpdate(current: Readonly<Record<string, string>>, updated: readonly string[], recorded: RecordedChecksums | undefined, database: string, at: Date): RecordedChecksums {
  const modules: Record<string, string> = { ...(recorded?.modules ?? {}) };
  for (const name of updated) {
    if (current[name] !== undefined) {
      modules[name] = current[name];
    }
  }
  return { database, modules, at: at.toISOString() };
}

/** Reads a record kept in the container; anything else (none, another shape) is no record. */
export function readRecordedChecksums(value: unknown, database: string): RecordedChecksums | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const record = value as Partial<RecordedChecksums>;
  if (record.database !== database || typeof record.modules !== 'object' || record.modules === null) {
    return undefined;
  }
  const modules = Object.fromEntries(Object.entries(record.modules).filter(([, sum]) => typeof sum === 'string'));
  return { database, modules, at: typeof record.at === 'string' ? record.at : '' };
}

/** The key the record of a database is kept under: any database name gives a safe file name. */
export function checksumsKey(database: string): string {
  const hex = Array.from(new TextEncoder().encode(database), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `checksums-${hex}`;
}
