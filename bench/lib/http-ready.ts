/**
 * "Ready", the same for every method: the host gets HTTP 200 from GET /standin/process of a NEW
 * server generation on 127.0.0.1:PORT, polled every ~10 ms. The stand-in names its generation
 * in that answer (it changes with every start, a HUP re-exec included), so a restart that
 * overlaps the old and the new server, and never has a gap, is measured like one that has.
 * Every request of the loop that fails during the window (refused, reset, timed out, or not
 * 200) counts, not only those after the server was seen down.
 */
import * as http from 'node:http';
import { now, sleep } from './bed';

export interface ReadyWatch {
  /** Resolves with the monotonic time of the first 200 from a new server generation. */
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
    // The first answer comes from the server the command replaces: the watch starts before it.
    let oldGeneration: string | undefined;
    while (!cancelled) {
      const answer = await generationOf(port);
      const at = now();
      sent++;
      if (answer.status !== 200) {
        failed++;
        downAt ??= at;
        // Down before any answer: whatever answers next is the new server.
        oldGeneration ??= '';
      } else if (oldGeneration === undefined) {
        oldGeneration = answer.generation;
      } else if (answer.generation !== oldGeneration) {
        return at;
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

/** Status and server generation of one GET /standin/process; status 0 when nothing answers in time. */
export function generationOf(port: number, timeoutMs = 2000): Promise<{ status: number; generation?: string }> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/standin/process', agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, generation: (JSON.parse(body) as { generation?: string }).generation });
        } catch {
          resolve({ status: 0 });
        }
      });
      response.on('error', () => resolve({ status: 0 }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ status: 0 }));
  });
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
