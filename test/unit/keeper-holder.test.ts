/**
 * The keeper's socket holder run on this machine's python3, as the keeper runs it in front of
 * the image's entrypoint: what it decides to hold from Odoo's args and config file, that it
 * always ends in the entrypoint with the same words, and that it never gets in the way of an
 * Odoo that must bind its own socket. Addresses are on loopback; nothing listens here (the
 * holder listens only once an Odoo server runs, which the Docker tests cover).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KEEPER_HOLDER } from '../../src/core/keeper-holder';

/** What the entrypoint sees: its words, socket activation, and fd 3. */
const PROBE = `
import json, os, socket, sys
try:
    s = socket.socket(fileno=os.dup(3))
    fd3 = {"address": list(s.getsockname()), "listening": s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1}
except OSError:
    fd3 = None
print(json.dumps({"argv": sys.argv[1:], "fds": os.environ.get("LISTEN_FDS"), "ownPid": os.environ.get("LISTEN_PID") == str(os.getpid()), "fd3": fd3}))
`;

interface Seen {
  readonly argv: string[];
  readonly fds: string | null;
  readonly ownPid: boolean;
  readonly fd3: { address: [string, number]; listening: boolean } | null;
}

function throughHolder(args: readonly string[], env: NodeJS.ProcessEnv = {}): Seen {
  const run = spawnSync('python3', ['-c', KEEPER_HOLDER, 'python3', '-c', PROBE, ...args], { env: { PATH: process.env.PATH, HOME: tmpdir(), ...env }, timeout: 10_000 });
  assert.equal(run.status, 0, run.stderr.toString());
  const seen = JSON.parse(run.stdout.toString()) as Seen;
  assert.deepEqual(seen.argv, args, 'the entrypoint gets the same words');
  return seen;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function config(lines: readonly string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'keeper-holder-')), 'odoo.conf');
  writeFileSync(file, ['[options]', ...lines, ''].join('\n'));
  return file;
}

const notHeld = (seen: Seen) => {
  assert.equal(seen.fds, null, 'no socket activation');
  assert.equal(seen.fd3, null, 'no fd 3');
};

describe('the keeper\'s socket holder', function () {
  this.timeout(20_000);

  it('binds the port and interface of the args, passes it as fd 3 with LISTEN_FDS and the PID Odoo will have, and does not listen yet', async () => {
    const port = await freePort();
    const seen = throughHolder(['--http-interface=127.0.0.1', '--http-port', String(port), '-d', 'db']);
    assert.equal(seen.fds, '1');
    assert.equal(seen.ownPid, true, 'LISTEN_PID is the PID the entrypoint execs into');
    assert.deepEqual(seen.fd3, { address: ['127.0.0.1', port], listening: false });
  });

  it('reads the port from the short option and from the config file (-c, then $ODOO_RC)', async () => {
    const short = await freePort();
    assert.deepEqual(throughHolder(['-p', String(short), '--http-interface', '127.0.0.1']).fd3?.address, ['127.0.0.1', short]);
    const fromFile = await freePort();
    const file = config([`http_port = ${fromFile}`, 'http_interface = 127.0.0.1']);
    assert.deepEqual(throughHolder(['-c', file]).fd3?.address, ['127.0.0.1', fromFile]);
    const fromEnv = await freePort();
    assert.deepEqual(throughHolder([], { ODOO_RC: config([`http_port = ${fromEnv}`, 'http_interface = 127.0.0.1']) }).fd3?.address, ['127.0.0.1', fromEnv]);
    // The args win over the file, as in Odoo.
    assert.deepEqual(throughHolder([`--http-port=${short}`], { ODOO_RC: file }).fd3?.address, ['127.0.0.1', short]);
  });

  it('holds nothing for prefork (args or config file), --no-http, http_enable = False, or an IPv6 interface', async () => {
    const port = String(await freePort());
    notHeld(throughHolder(['--workers=2', '-p', port, '--http-interface=127.0.0.1']));
    notHeld(throughHolder(['-p', port], { ODOO_RC: config(['workers = 3', 'http_interface = 127.0.0.1']) }));
    notHeld(throughHolder(['--no-http', '-p', port, '--http-interface=127.0.0.1']));
    notHeld(throughHolder(['-p', port], { ODOO_RC: config(['http_enable = False', 'http_interface = 127.0.0.1']) }));
    notHeld(throughHolder(['-p', port, '--http-interface', '::1']));
  });

  it('leaves a port that something else listens on alone: the entrypoint runs without a socket', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      notHeld(throughHolder(['-p', String((server.address() as net.AddressInfo).port), '--http-interface=127.0.0.1']));
    } finally {
      server.close();
    }
  });

  it('exits 127 with the reason when the entrypoint cannot run', () => {
    const run = spawnSync('python3', ['-c', KEEPER_HOLDER, '/nonexistent/entrypoint.sh', '--no-http'], { timeout: 10_000 });
    assert.equal(run.status, 127);
    assert.match(run.stderr.toString(), /^odoo-keeper: \/nonexistent\/entrypoint\.sh: No such file or directory$/m);
  });
});
