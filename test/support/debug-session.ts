import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DapClient } from './dap-client';
import { httpIn, type ShapeContainer } from './docker-bed';

/** Where the stand-in's routes are in its image, as Odoo's are in dist-packages. */
export const STANDIN_ROUTES = '/usr/lib/python3/dist-packages/odoo/service/server.py';

/** The stand-in's `/standin/hello` handler line, found by its marker. */
export const helloLine = readFileSync(path.resolve(__dirname, '../fixtures/standin/odoo/service/server.py'), 'utf8')
  .split('\n')
  .findIndex((line) => line.includes('# breakpoint: hello')) + 1;

/** A DAP client of `odoo-dev debug-adapter`, attached as an editor would, with the hello breakpoint set. */
export async function attachedClient(shape: ShapeContainer, extra: readonly string[] = []): Promise<DapClient> {
  const client = new DapClient(['--container', shape.name, 'debug-adapter', ...extra]);
  await client.request('initialize', { clientID: 'odoo-dev-test', adapterID: 'debugpy', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const attach = client.send('attach', { justMyCode: false });
  await client.event('initialized');
  const set = await client.request('setBreakpoints', { source: { path: STANDIN_ROUTES }, breakpoints: [{ line: helloLine }] });
  assert.equal((set.body?.breakpoints as Array<{ verified: boolean }>)[0]?.verified, true, JSON.stringify(set));
  await client.request('configurationDone');
  assert.equal((await client.response(attach)).success, true);
  return client;
}

/**
 * A request to `/standin/hello` stops at the breakpoint: the top frame is the handler's line,
 * the request waits while its thread is stopped, and continue lets it answer. Returns the PID
 * that answered.
 */
export async function hitHello(client: DapClient, shape: ShapeContainer): Promise<number> {
  const from = client.mark;
  let finished = false;
  const answer = httpIn(shape.container, 'GET', '/standin/hello').then((result) => {
    finished = true;
    return result;
  });
  const stopped = await client.event('stopped', from, 15_000);
  assert.equal(stopped.body?.reason, 'breakpoint', JSON.stringify(stopped));
  const threadId = stopped.body?.threadId as number;
  const trace = await client.request('stackTrace', { threadId, startFrame: 0, levels: 5 });
  const [top] = trace.body?.stackFrames as Array<{ name: string; line: number; source?: { path?: string } }>;
  assert.equal(top?.source?.path, STANDIN_ROUTES);
  assert.equal(top?.line, helloLine);
  assert.equal(finished, false, 'the request must wait while its thread is stopped');
  await client.request('continue', { threadId });
  const result = await answer;
  assert.equal(result.status, 200, result.body);
  return (JSON.parse(result.body) as { pid: number }).pid;
}
