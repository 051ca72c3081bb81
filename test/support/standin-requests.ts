/**
 * HTTP to the stand-in from inside a container, for tests that restart Odoo: one request, and a
 * bounded loop of requests on the container's loopback under which restarts run.
 */
import * as assert from 'node:assert/strict';
import type Dockerode from 'dockerode';
import { execIn, waitFor } from './docker-bed';

/** The body of a GET of the path in argv[1] from the server on port 8069. */
const GET_8069 = `
import socket, sys
sock = socket.create_connection(('127.0.0.1', 8069), timeout=10)
sock.sendall(b'GET ' + sys.argv[1].encode() + b' HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n')
data = b''
while True:
    chunk = sock.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.partition(b'\\r\\n\\r\\n')[2].decode())
`;

/** What the server on port 8069 of the container answers to PATH, read as JSON. */
export async function standinAnswer<T>(container: Dockerode.Container, path: string): Promise<T> {
  const result = await execIn(container, ['python3', '-c', GET_8069, path]);
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

/** Until a warm process waits for the next restart on port 8069: it listens once its imports are done. */
export async function warmWaiting(container: Dockerode.Container): Promise<void> {
  await waitFor('a warm process to wait for the next restart', async () => {
    const sockets = await execIn(container, ['cat', '/proc/net/unix']);
    return sockets.stdout.includes('@odoo-dev-warm-8069') ? true : undefined;
  });
}

/**
 * A bounded loop of HTTP requests: one connection a request, until the stop file appears (or
 * the limit passes). It says which server PIDs answered and what failed, as one JSON line, and
 * writes the ready file after its first answer.
 */
export const LOAD_LOOP = `
import json, os, socket, sys, time
port, ready_file, stop_file, limit = int(sys.argv[1]), sys.argv[2], sys.argv[3], time.monotonic() + float(sys.argv[4])
answered, failures = {}, {}
while not os.path.exists(stop_file) and time.monotonic() < limit:
    try:
        sock = socket.create_connection(('127.0.0.1', port), timeout=10)
        try:
            sock.sendall(b'GET /standin/process HTTP/1.0\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n')
            data = b''
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            sock.close()
        head, _, body = data.partition(b'\\r\\n\\r\\n')
        status = head.split(b' ')[1].decode() if head.count(b' ') else 'no answer'
        if status == '200':
            pid = str(json.loads(body.decode())['pid'])
            answered[pid] = answered.get(pid, 0) + 1
            if not os.path.exists(ready_file):
                open(ready_file, 'w').close()
        else:
            failures['HTTP ' + status] = failures.get('HTTP ' + status, 0) + 1
    except (OSError, ValueError) as error:
        name = type(error).__name__
        failures[name] = failures.get(name, 0) + 1
print(json.dumps({'answered': answered, 'failures': failures, 'stopped': os.path.exists(stop_file)}))
`;

export interface LoadReport {
  /** Requests answered, by the PID of the server that answered. */
  readonly answered: Record<string, number>;
  /** Requests that failed, by what failed (`ConnectionRefusedError`, `HTTP 502`). */
  readonly failures: Record<string, number>;
  /** The loop ran until it was told to stop, not until its limit. */
  readonly stopped: boolean;
}

/** Runs BODY while the loop sends requests to PORT in the container; the loop's report. */
export async function underLoad(container: Dockerode.Container, body: () => Promise<void>, port = 8069): Promise<LoadReport> {
  const tag = `${process.pid}-${Date.now()}`;
  const ready = `/tmp/load-ready-${tag}`;
  const stop = `/tmp/load-stop-${tag}`;
  const load = execIn(container, ['python3', '-c', LOAD_LOOP, String(port), ready, stop, '90']);
  await waitFor('the request loop to get its first answer', async () => ((await execIn(container, ['test', '-e', ready])).exitCode === 0 ? true : undefined));
  try {
    await body();
  } finally {
    await execIn(container, ['touch', stop]);
  }
  const result = await load;
  assert.equal(result.exitCode, 0, result.stderr);
  const report = JSON.parse(result.stdout) as LoadReport;
  assert.equal(report.stopped, true, 'the loop ran until the test stopped it');
  return report;
}
