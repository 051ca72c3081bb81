/**
 * "Ready", the same for every method: the host gets HTTP 200 from /web/health of the NEW
 * server on 127.0.0.1:PORT, polled every ~10 ms. The old server still answers 200 until it
 * gets its signal, so a 200 counts only after the poller has seen the server down (refused,
 * reset or timed out): a restart always has such a gap, since the new server binds only after
 * the old one has closed its socket.
 */
import * as http from 'node:http';
import { now, sleep } from './bed';

export interface ReadyWatch {
  /** Resolves with the monotonic time of the first 200 after a gap. */
  readonly ready: Promise<number>;
  /**
   * The poller's requests so far and those that failed (refused, reset, timed out, or not
   * 200): the poller is the bounded request loop under which a restart's failures are counted.
   */
  readonly requests: () => { sent: number; failed: number };
  /** When the poller first saw the server down, once it has. */
  readonly downAt: () => number | undefined;
  readonly cancel: () => void;
}

const INTERVAL_MS = 10;

export function watchReady(port: number, timeoutMs = 60_000): ReadyWatch {
  let cancelled = false;
  let downAt: number | undefined;
  let sent = 0;
  let failed = 0;
  const started = now();
  const ready = (async () => {
    while (!cancelled) {
      const status = await healthStatus(port);
      const at = now();
      sent++;
      if (status !== 200) {
        failed++;
      }
      if (status === 200) {
        if (downAt !== undefined) {
          return at;
        }
      } else if (downAt === undefined) {
        downAt = at;
      }
      if (at - started > timeoutMs) {
        throw new Error(`no HTTP 200 from a new server on port ${port} within ${timeoutMs} ms`);
      }
      await sleep(INTERVAL_MS);
    }
    throw new Error('cancelled');
  })();
  ready.catch(() => undefined);
  return { ready, downAt: () => downAt, requests: () => ({ sent, failed }), cancel: () => { cancelled = true; } };
}

/** Status of one GET /web/health, 0 when nothing answers in time. */
export function healthStatus(port: number, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/web/health', agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve(0));
  });
}

/** Waits until the server on the port answers 200 (no gap needed): for set-up. */
export async function untilAnswering(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = now() + timeoutMs;
  while ((await healthStatus(port)) !== 200) {
    if (now() > deadline) {
      throw new Error(`nothing answered on port ${port} within ${timeoutMs} ms`);
    }
    await sleep(INTERVAL_MS);
  }
}
