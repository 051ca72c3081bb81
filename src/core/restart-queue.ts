/**
 * Serialises restarts and coalesces the ones that arrive while one runs: at most one runs and
 * one waits, and the waiting one always carries the latest request. Every caller gets the
 * outcome of the run that covered its request.
 */
export class RestartQueue<Request, Outcome> {
  private running: Promise<Outcome> | undefined;
  private pending: { request: Request; promise: Promise<Outcome>; reasons: string[] } | undefined;

  constructor(
    private readonly run: (request: Request) => Promise<Outcome>,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  get isBusy(): boolean {
    return this.running !== undefined;
  }

  enqueue(request: Request, reason = 'requested'): Promise<Outcome> {
    if (!this.running) {
      this.log(`restart: ${reason}`);
      return this.start(request);
    }
    if (this.pending) {
      this.log(`restart: ${reason}; merged into the waiting restart, whose args it replaces`);
      this.pending.request = request;
      this.pending.reasons.push(reason);
      return this.pending.promise;
    }
    this.log(`restart: ${reason}; waits for the running one`);
    const running = this.running;
    const pending = { request, reasons: [reason] } as { request: Request; promise: Promise<Outcome>; reasons: string[] };
    pending.promise = running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      this.pending = undefined;
      return this.start(pending.request);
    });
    this.pending = pending;
    return pending.promise;
  }

  private start(request: Request): Promise<Outcome> {
    const promise = this.run(request);
    this.running = promise;
    const clear = () => {
      if (this.running === promise) {
        this.running = undefined;
      }
    };
    promise.then(clear, clear);
    return promise;
  }
}
