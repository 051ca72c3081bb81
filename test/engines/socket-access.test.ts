import * as assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { runCli } from '../support/cli';
import { containerStartedAt, onlyOdooMaster, startShape, type ShapeContainer } from '../support/docker-bed';
import { loginEnv, readEngines } from './engines';

// The real odoo-dev run as a user who is not in the docker group, against the Docker bed's
// socket (root:docker, 660): it says which socket refused and what to do, exits 3, and the
// container is as it was.

const SOCKET = '/var/run/docker.sock';

describe('odoo-dev as a user who may not open the Docker socket', function () {
  this.timeout(60_000);
  const { noAccess } = readEngines();
  const user = { uid: noAccess.uid, gid: noAccess.gid };
  const env = loginEnv(noAccess);
  let shape: ShapeContainer;

  before(async () => {
    const socket = statSync(SOCKET);
    assert.ok(socket.isSocket(), `${SOCKET} is not a socket`);
    assert.equal(socket.mode & 0o006, 0, `${SOCKET} is open to every user`);
    assert.notEqual(socket.uid, noAccess.uid);
    assert.notEqual(socket.gid, noAccess.gid);
    shape = await startShape('keeper-exec');
  });
  after(async () => {
    await shape?.remove();
  });

  const refused = (stderr: string, source: string) => {
    assert.ok(stderr.includes(`Cannot reach Docker at unix://${SOCKET} (from ${source}) (EACCES): the socket is not open to your user.`), stderr);
    assert.match(stderr, /Add your user to the docker group \(`sudo usermod -aG docker \$USER`, then log in again\)/);
    assert.match(stderr, /rootless Docker.*odooDev\.docker\.host or DOCKER_HOST/);
  };

  it('status names the socket found by the endpoint resolution and what to do, with exit 3', async () => {
    const result = await runCli(['--container', shape.name, 'status'], env, undefined, user);
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.stdout, '');
    refused(result.stderr, 'the default socket');
  });

  it('a restart with new args is refused the same way and changes nothing', async () => {
    const before = await onlyOdooMaster(shape.container);
    const since = await containerStartedAt(shape.container);
    const result = await runCli(['--container', shape.name, 'restart', '--', '-d', 'other', '--dev=xml'], { ...env, DOCKER_HOST: `unix://${SOCKET}` }, undefined, user);
    assert.equal(result.code, 3, result.stderr);
    refused(result.stderr, 'DOCKER_HOST');
    assert.doesNotMatch(result.stdout + result.stderr, /Stopping Odoo|restarted/);
    const after = await onlyOdooMaster(shape.container);
    assert.equal(after.pid, before.pid);
    assert.deepEqual(after.argv, before.argv);
    assert.equal(await containerStartedAt(shape.container), since);
  });
});
