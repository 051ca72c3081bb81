import { parseOdooLogLine } from './odoo-log';

/**
 * Picks one process's lines out of a log that several write to (the container's, where the live
 * server and a run beside it both log): its records, by their PID, and the lines that continue
 * them (tracebacks), which carry no PID and belong to the record before them on the same stream.
 */
export class RunLogLines {
  private readonly lastPid = new Map<string, number | undefined>();

  constructor(readonly pid: number) {}

  /** Whether this line, the next on `stream`, is one of the process's. */
  accepts(text: string, stream = 'stderr'): boolean {
    const record = parseOdooLogLine(text);
    if (record) {
      this.lastPid.set(stream, record.pid);
      return record.pid === this.pid;
    }
    return this.lastPid.get(stream) === this.pid;
  }
}
