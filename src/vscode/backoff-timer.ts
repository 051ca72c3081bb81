// Plain timers, no `vscode`: the back-off is unit-tested with scripted timers.

/** The timer functions the back-off uses; tests pass their own. */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * One pending retry at a time, each further apart: Docker may come up, or the container be
 * created, long after the window opened, and looking every two seconds all day costs.
 */
export class BackoffTimer {
  private delayMs: number;
  private handle: unknown;

  constructor(
    private readonly firstMs = 2000,
    private readonly maxMs = 30_000,
    private readonly timers: Timers = realTimers,
  ) {
    this.delayMs = firstMs;
  }

  get isPending(): boolean {
    return this.handle !== undefined;
  }

  /** The delay the next `schedule` waits. */
  get nextDelayMs(): number {
    return this.delayMs;
  }

  /** Runs `run` after the current delay and doubles it, up to the maximum; one pending run at most. */
  schedule(run: () => void): void {
    if (this.handle !== undefined) {
      return;
    }
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.maxMs);
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      run();
    }, delay);
  }

  /** Drops the pending run; the delay stays where it was. */
  cancel(): void {
    if (this.handle !== undefined) {
      this.timers.clearTimeout(this.handle);
      this.handle = undefined;
    }
  }

  /** A try succeeded: the next failure retries soon again. */
  succeeded(): void {
    this.delayMs = this.firstMs;
  }
}
