/**
 * Typed errors of the engine. Each says what failed, why, and what to do, so every front end can
 * show `message` as it is; `code` lets scripts and the command line map them to exit codes.
 */
export type OdooErrorCode =
  | 'docker-unreachable'
  | 'container-not-found'
  | 'container-ambiguous'
  | 'container-not-running'
  | 'invalid-args'
  | 'odoo-not-found'
  | 'odoo-ambiguous'
  | 'already-running'
  | 'pid1-refused'
  | 'recreate-refused'
  | 'unsafe-hup'
  | 'stop-timeout'
  | 'launch-failed'
  | 'crashed'
  | 'run-failed'
  | 'not-ready'
  | 'agent-failed'
  | 'cancelled';

export class OdooDevError extends Error {
  readonly code: OdooErrorCode;
  /** What the user can do about it, one sentence; front ends may show it apart from the message. */
  readonly hint: string | undefined;
  /** Facts for scripts (`--json`) and for the "Show Logs" view: exit code, log tail, PIDs. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: OdooErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(options.hint ? `${message} ${options.hint}` : message, { cause: options.cause });
    this.name = 'OdooDevError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }
}

export function isOdooDevError(error: unknown, code?: OdooErrorCode): error is OdooDevError {
  return error instanceof OdooDevError && (code === undefined || error.code === code);
}
