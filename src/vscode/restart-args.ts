// The pure side of "Restart with args": the args to prefill, checking a typed line, and the
// history. No `vscode` here, so that unit tests cover all of it.
import { validateArgsForSeries } from '../core/arg-validation';
import { ArgsSyntaxError, joinArgs, splitArgs } from '../core/argv-text';
import { offerProblems, type ServerOffer } from '../core/inventory-validation';
import { catalogFor } from '../core/option-catalog';
import { containerCatalog, type ContainerOptions } from '../core/option-help';
import { OdooCommandLine } from '../core/odoo-command-line';
import { mask } from '../core/secrets';

/**
 * The args a user would type to get the running server back: its argv after the Odoo script
 * (and the `server` command word), without the connection options (`-c`, `--db_host`,
 * `--db_port`, `-r`, `-w`) that the image's entrypoint added, which a restart keeps by itself.
 * Takes the masked argv of the status; an argv that is not Odoo's gives no args.
 */
export function currentArgs(argv: readonly string[] | undefined, series?: string): string[] {
  const command = argv?.length ? OdooCommandLine.read(argv, series) : undefined;
  return command?.argsWithoutConnection ?? [];
}

/** A typed line, read and checked. */
export interface ArgsCheck {
  /** The argv, unless the line cannot be split. */
  readonly argv?: string[];
  /** What blocks the restart; each one sentence saying what to do. */
  readonly errors: readonly string[];
  /** What is allowed but probably not meant. */
  readonly warnings: readonly string[];
  /** Every problem in the order of the words, with the line that fixes it where one does. */
  readonly problems: readonly LineProblem[];
}

/** One problem of a typed line. */
export interface LineProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** The whole line with this problem fixed ("did you mean"), to apply from the input. */
  readonly fixedLine?: string;
  /** What the fix does, for its entry: `Change to --log-level=debug`, `Remove --bogus`. */
  readonly fixTitle?: string;
}

/**
 * Splits the line like a shell without expansion and checks it by the language server's rules
 * for the series. With no known series, as in the engine, only what every known series refuses
 * is an error (`validateArgsForSeries`). With the container's own option list, its options count,
 * as in the engine. A value shown masked (`***`) is an error: it would reach Odoo as three stars.
 */
export function checkArgsLine(text: string, series?: string, offer: ServerOffer = {}, container?: ContainerOptions): ArgsCheck {
  let argv: string[];
  try {
    argv = splitArgs(text);
  } catch (error) {
    if (error instanceof ArgsSyntaxError) {
      return { errors: [error.message], warnings: [], problems: [{ severity: 'error', message: error.message }] };
    }
    throw error;
  }
  const catalog = container ? containerCatalog(series, container) : catalogFor(series);
  const found = [...validateArgsForSeries(argv, series, container), ...offerProblems(argv, catalog, offer)]
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const masked = argv.some((word) => word === mask || word.endsWith(`=${mask}`) || /^-s*w\*\*\*$/.test(word))
    ? [`A value shows as ${mask} because it is secret: type the real value, or remove the option (database connection options are kept by themselves).`]
    : [];
  const problems: LineProblem[] = [
    ...masked.map((message) => ({ severity: 'error' as const, message })),
    ...found.map((problem) => {
      const replaceWith = problem.fix?.replaceWith;
      if (!replaceWith) {
        return { severity: problem.severity, message: problem.message };
      }
      const fixed = [...argv.slice(0, problem.start), ...replaceWith, ...argv.slice(problem.end)];
      const fixTitle = replaceWith.length ? `Change to ${joinArgs(replaceWith)}` : `Remove ${joinArgs(argv.slice(problem.start, problem.end))}`;
      return { severity: problem.severity, message: problem.message, fixedLine: joinArgs(fixed), fixTitle };
    }),
  ];
  return {
    argv,
    errors: problems.filter((p) => p.severity === 'error').map((p) => p.message),
    warnings: problems.filter((p) => p.severity === 'warning').map((p) => p.message),
    problems,
  };
}

/** The history with `entry` first, without duplicates or blank entries, at most `max` long. */
export function pushHistory(history: readonly string[], entry: string, max = 10): string[] {
  const line = entry.trim();
  const rest = history.filter((item) => item.trim() !== line && item.trim() !== '');
  return (line ? [line, ...rest] : rest).slice(0, max);
}

/** The stored history, whatever the workspace state holds (it may come from an older version). */
export function historyOf(stored: unknown): string[] {
  return Array.isArray(stored) ? stored.filter((item): item is string => typeof item === 'string') : [];
}

/** What "Restart with args" opens with: the line to edit, and the recent lines listed below it. */
export interface InputLines {
  readonly prefill: string;
  /** Newest first, without the prefill, which shows already (and is the last working args where those show). */
  readonly history: readonly string[];
}

/**
 * The prefill and the recent lines. A running server's own args come first; after a crash or a
 * stop, the last args that worked (the way back), not the ones typed last, which may be those
 * that crashed; with neither, the last line typed. No line is listed twice.
 */
export function inputLines(running: { argv: readonly string[] } | undefined, series: string | undefined, lastWorking: string | undefined, history: readonly string[]): InputLines {
  const prefill = running ? joinArgs(currentArgs(running.argv, series)) : lastWorking ?? history[0] ?? '';
  return { prefill, history: history.filter((line) => line !== prefill) };
}
