/**
 * Items pushed by a stream's callbacks, pulled one at a time by an async reader: the bridge
 * between Node's push streams and the engine's `await next()` style.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;

  get isEnded(): boolean {
    return this.ended;
  }

  push(item: T): void {
    if (!this.ended) {
      this.items.push(item);
      this.wake();
    }
  }

  /** No more items will come; the reader gets what is left, then undefined. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** The next item, or undefined once the queue has ended and is empty (or `signal` aborted). */
  async next(signal?: AbortSignal): Promise<T | undefined> {
    while (!this.items.length && !this.ended && !signal?.aborted) {
      let onAbort: (() => void) | undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        onAbort = resolve;
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (onAbort) {
        signal?.removeEventListener('abort', onAbort);
      }
      this.waiter = undefined;
    }
    return signal?.aborted ? undefined : this.items.shift();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
