/**
 * How often something that crashed may be started again: at most `limit` times within
 * `windowMs`; older restarts no longer count. Pure, with the clock given, for a unit test.
 */
export class RestartBudget {
  private readonly taken: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether one more restart is allowed now; counts it when it is. */
  take(): boolean {
    const now = this.now();
    while (this.taken.length && now - this.taken[0]! >= this.windowMs) {
      this.taken.shift();
    }
    if (this.taken.length >= this.limit) {
      return false;
    }
    this.taken.push(now);
    return true;
  }
}
