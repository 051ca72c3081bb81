import type { VersionInfo } from '../core/agent-protocol';
import type { RunReport } from '../core/run-report';

export interface EngineSettings {
  /** How long the graceful stop may take before the timeout policy applies. */
  readonly stopTimeoutMs: number;
  /** After the timeout: a second TERM, then KILL of the master and its children; else fail. */
  readonly killAfterTimeout: boolean;
  /** How long a server may take from launch to ready. */
  readonly readyTimeoutMs: number;
  /** Program to start when nothing runs and nothing is remembered (default `odoo` on PATH). */
  readonly startProgram?: readonly string[];
  /** Always stop the old server before the new one starts, even where they could overlap. */
  readonly noOverlap?: boolean;
  /** Always start the new server cold, never from the warm process. */
  readonly noWarm?: boolean;
}

export const defaultEngineSettings: EngineSettings = {
  stopTimeoutMs: 30_000,
  killAfterTimeout: false,
  readyTimeoutMs: 120_000,
};

/** A step of a running restart, for progress lines and notifications. */
export interface EngineProgress {
  /**
   * `overlap`: with `pid`, the new server boots beside that one, which answers meanwhile;
   * without, the old server stops first, and the message says why.
   */
  readonly step: 'plan' | 'overlap' | 'stopping' | 'forcing' | 'stopped' | 'reloading' | 'launched' | 'http-ready' | 'registry' | 'ready' | 'run-started' | 'run-ended' | 'debug' | 'debug-wait';
  readonly message: string;
  /** The server the step is about, where there is one. */
  readonly pid?: number;
  /** `debug-wait`: the port of the container's loopback where the run's debugpy waits for a client. */
  readonly debugPort?: number;
  /** `debug-wait`: the run ends by itself, and its debugpy with it; no server comes after it on that port. */
  readonly endsByItself?: boolean;
  /**
   * `ready`: the outcome of a restart or start as it stands once the new server is ready, told
   * before what follows off the critical path (the previous server's stop, the warm process
   * for the next restart). The operation's own result comes when that is done, with `stopMs`
   * and `totalMs`, or fails when it failed; the new server is ready either way.
   */
  readonly outcome?: RestartOutcome;
}

export type Progress = (progress: EngineProgress) => void;

export interface RestartOutcome {
  /** `completed`: a run that ends by itself ran to its end; `stopped`: a stop, or nothing ran. */
  readonly plan: 'hup' | 'in-place' | 'start' | 'stopped' | 'completed';
  readonly pid: number;
  /** The server's argv with secrets masked. */
  readonly argv: readonly string[];
  readonly version?: VersionInfo;
  readonly database?: string;
  readonly exitCode?: number;
  /** A run that ended by itself: its test summary and first error, from its log. */
  readonly report?: RunReport;
  /** A run beside the live server: the server afterwards, and how it took the run's result. */
  readonly server?: { readonly pid: number; readonly how: 'hup' | 'in-place' | 'untouched' };
  readonly stopMs?: number;
  /** The new server booted beside the old one, which answered until the new one was ready. */
  readonly overlapped?: boolean;
  /**
   * From the command to the new server ready, where that came before the end (an overlap:
   * the old server's stop follows, off the critical path); `totalMs` is the whole.
   */
  readonly readyMs?: number;
  /** The new server came from the warm process: Odoo's imports were done before the restart. */
  readonly warm?: boolean;
  /** When the new server was ready, in ms since the epoch; the engine turns it into `readyMs`. */
  readonly readyAt?: number;
  /** The server runs under debugpy, listening on this port of the container's loopback. */
  readonly debugPort?: number;
  readonly totalMs: number;
}

/** What the engine does, for whoever shows the state (the watcher, the status bar). */
export type EngineActivity =
  | { readonly kind: 'progress'; readonly progress: EngineProgress }
  | { readonly kind: 'finished'; readonly outcome: RestartOutcome }
  | { readonly kind: 'failed'; readonly error: unknown };
