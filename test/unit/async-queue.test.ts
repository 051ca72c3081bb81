import * as assert from 'node:assert/strict';
import { AsyncQueue } from '../../src/core/async-queue';

describe('AsyncQueue', () => {
  it('hands pushed items to a waiting reader in order, then undefined once ended', async () => {
    const queue = new AsyncQueue<number>();
    const first = queue.next();
    queue.push(1);
    queue.push(2);
    assert.equal(await first, 1);
    queue.end();
    queue.push(3);
    assert.equal(await queue.next(), 2);
    assert.equal(await queue.next(), undefined);
    assert.equal(queue.isEnded, true);
  });

  it('gives undefined to a reader whose signal aborts, and keeps the items for the next one', async () => {
    const queue = new AsyncQueue<string>();
    const abort = new AbortController();
    const waiting = queue.next(abort.signal);
    abort.abort();
    assert.equal(await waiting, undefined);
    queue.push('a');
    assert.equal(await queue.next(), 'a');
  });

  it('leaves no abort listener behind on a long-lived signal', async () => {
    const queue = new AsyncQueue<number>();
    const abort = new AbortController();
    let added = 0;
    let removed = 0;
    const { signal } = abort;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => { added++; add(...args); }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => { removed++; remove(...args); }) as typeof remove;
    for (let i = 0; i < 20; i++) {
      const next = queue.next(signal);
      queue.push(i);
      assert.equal(await next, i);
    }
    assert.equal(added, 20);
    assert.equal(removed, 20);
  });
});
