import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KEEPER_NAME, OLDER_KEEPER_SCRIPT, restartableKeeper } from '../../src/core/restartable-keeper';
import { runCli } from '../support/cli';
import { underLoad, warmWaiting } from '../support/standin-requests';
import {
  DB_ARGS,
  execIn,
  isAnswering,
  logsOf,
  processesIn,
  removeTestContainers,
  startShape,
  STANDIN_IMAGE,
  TEST_LABEL,
  TEST_RUN,
  testDocker,
  waitFor,
} from '../support/docker-bed';
import type Dockerode from 'dockerode';

type Proc = Awaited<ReturnType<typeof processesIn>>[number];

const isOdoo = (p: Proc) => p.argv.includes('/usr/bin/odoo');

async function masters(container: Dockerode.Container): Promise<Proc[]> {
  const all = await processesIn(container);
  const odoo = all.filter((p) => isOdoo(p) && p.state !== 'Z');
  const pids = new Set(odoo.map((p) => p.pid));
  return odoo.filter((p) => !pids.has(p.ppid) && !p.argv.includes('gevent'));
}

async function waitAnswering(container: Dockerode.Container, what: string): Promise<void> {
  await waitFor(what, async () => {
    const state = (await container.inspect()).State;
    if (!state.Running) {
      throw new Error(`container exited with ${state.ExitCode}:\n${await logsOf(container)}`);
    }
    return (await isAnswering(container)) ? true : undefined;
  }, 20_000);
}

describe('the restartable keeper on a real Docker engine', function () {
  this.timeout(90_000);
  const keeper = restartableKeeper(['/entrypoint.sh'], ['odoo']);
  let container: Dockerode.Container;
  let name: string;

  before(async () => {
    name = `odoo-dev-test-restartable-${randomBytes(4).toString('hex')}`;
    container = await testDocker().createContainer({
      name,
      Image: STANDIN_IMAGE,
      Entrypoint: keeper.entrypoint,
      Cmd: keeper.command,
      Labels: { [TEST_LABEL]: TEST_RUN },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    await waitAnswering(container, 'Odoo under the keeper to answer');
  });
  after(() => removeTestContainers());

  it('runs the keeper as PID 1 and the entrypoint\'s Odoo, with its db args, as its child', async () => {
    const all = await processesIn(container);
    const pid1 = all.find((p) => p.pid === 1);
    assert.equal(pid1?.argv[0], '/bin/sh');
    assert.deepEqual(pid1?.argv.slice(3), [KEEPER_NAME, '/entrypoint.sh', 'odoo']);
    const [master, ...more] = await masters(container);
    assert.equal(more.length, 0);
    assert.equal(master.ppid, 1);
    assert.deepEqual(master.argv.slice(-DB_ARGS.length), DB_ARGS);
  });

  it('starts its first Odoo on a socket of ours: the first restart with new args overlaps under load, and the next one starts warm', async () => {
    const [first] = await masters(container);
    assert.match(await logsOf(container), new RegExp(` ${first.pid} INFO \\? odoo\\.service\\.server: HTTP service \\(werkzeug\\) running through socket activation`));
    assert.match((await execIn(container, ['cat', '/proc/net/unix'])).stdout, / @odoo-dev-holder-8069$/m, 'the keeper\'s holder serves the socket');
    const holders = (await processesIn(container)).filter((p) => p.argv[0] === 'odoo-keeper');
    assert.deepEqual(holders.map((p) => [p.ppid, ...p.argv.filter(Boolean)]), [[1, 'odoo-keeper', 'holder', '8069']], 'the holder names itself in ps');
    const pids = [first.pid];
    const report = await underLoad(container, async () => {
      const restarted = await runCli(['--container', name, 'restart', '--', '-d', 'db', '--log-level=info']);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stderr, /Starting the new server beside the running one \(PID \d+ answers meanwhile\)/);
      pids.push((await masters(container))[0]!.pid);
      await warmWaiting(container);
      const again = await runCli(['--container', name, 'restart', '--', '-d', 'db', '--log-level=warn']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /beside PID \d+ from the warm process/);
      pids.push((await masters(container))[0]!.pid);
    });
    assert.deepEqual(report.failures, {}, `requests failed during the restarts: ${JSON.stringify(report)}`);
    assert.deepEqual(Object.keys(report.answered).map(Number).sort((a, b) => a - b), [...pids].sort((a, b) => a - b), 'every generation answered');
    const found = await masters(container);
    assert.equal(found.length, 1, JSON.stringify(found.map((p) => p.argv)));
    assert.deepEqual(found[0]!.argv.slice(2), ['-d', 'db', '--log-level=warn', ...DB_ARGS]);
  });

  it('restarts Odoo in place with new args: exit 0, same container start, one master, db args kept, output in docker logs', async () => {
    const startedAt = (await container.inspect()).State.StartedAt;
    const [before] = await masters(container);
    const result = await runCli(['--container', name, 'restart', '--', '-d', 'db', '--dev=xml']);
    assert.equal(result.code, 0, result.stderr);
    const info = await container.inspect();
    assert.equal(info.State.Running, true);
    assert.equal(info.State.StartedAt, startedAt, 'the container restarted');
    assert.equal(info.RestartCount, 0);
    const found = await masters(container);
    assert.equal(found.length, 1, JSON.stringify(found.map((p) => p.argv)));
    const [after] = found;
    assert.notEqual(after.pid, before.pid);
    assert.deepEqual(after.argv.slice(2), ['-d', 'db', '--dev=xml', ...DB_ARGS]);
    // The first Odoo was the keeper's own child: reaped, no zombie left.
    const zombies = (await processesIn(container)).filter((p) => p.state === 'Z');
    assert.deepEqual(zombies, []);
    const logs = await logsOf(container);
    assert.match(logs, new RegExp(` ${after.pid} INFO \\? odoo: Odoo version`));
    assert.match(logs, new RegExp(` ${after.pid} INFO db odoo\\.modules\\.registry: Registry loaded`));
  });

  it('reaps orphans adopted by PID 1', async () => {
    // The shell exits at once; its background sleep is reparented to PID 1 and dies soon after.
    const result = await execIn(container, ['sh', '-c', 'sleep 0.3 & echo $!']);
    const orphan = Number(result.stdout.trim());
    await waitFor(`orphan ${orphan} to be reaped`, async () => {
      const p = (await processesIn(container)).find((x) => x.pid === orphan);
      return p === undefined ? true : undefined;
    }, 5000);
  });

  it('keeps the container up when Odoo stops, and odoo-dev start brings it back', async () => {
    const startedAt = (await container.inspect()).State.StartedAt;
    const stop = await runCli(['--container', name, 'stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(await masters(container), []);
    assert.equal((await container.inspect()).State.Running, true);
    const start = await runCli(['--container', name, 'start', '--', '-d', 'db']);
    assert.equal(start.code, 0, start.stderr);
    const [master, ...more] = await masters(container);
    assert.equal(more.length, 0);
    assert.deepEqual(master.argv.slice(2), ['-d', 'db', ...DB_ARGS]);
    assert.equal((await container.inspect()).State.StartedAt, startedAt);
  });

  it('stops promptly on docker stop: TERM reaches Odoo, the container exits 0 well before the timeout', async () => {
    const [master] = await masters(container);
    const started = Date.now();
    await container.stop({ t: 5 });
    const took = Date.now() - started;
    const info = await container.inspect();
    assert.equal(info.State.Running, false);
    assert.ok([0, 143].includes(info.State.ExitCode), `exit code ${info.State.ExitCode}`);
    assert.ok(took < 4000, `docker stop took ${took} ms (the timeout is 5 s)`);
    const logs = await logsOf(container);
    // The stand-in logs its graceful stop: the relaunched server got the forwarded TERM.
    assert.match(logs, new RegExp(` ${master.pid} INFO .*Initiating shutdown`), logs.slice(-1500));
    process.stderr.write(`      docker stop took ${took} ms, exit code ${info.State.ExitCode}\n`);
  });

  it('waits for a slow graceful stop of its own child on docker stop instead of cutting it short', async () => {
    const slow = await testDocker().createContainer({
      Image: STANDIN_IMAGE,
      Entrypoint: keeper.entrypoint,
      Cmd: keeper.command,
      Env: ['STANDIN_STOP_DELAY=1.5'],
      Labels: { [TEST_LABEL]: TEST_RUN },
      HostConfig: { NetworkMode: 'none' },
    });
    await slow.start();
    await waitAnswering(slow, 'the slow-stopping Odoo to answer');
    const started = Date.now();
    await slow.stop({ t: 5 });
    const took = Date.now() - started;
    const { ExitCode } = (await slow.inspect()).State;
    assert.equal(ExitCode, 0);
    // At least Odoo's own 1.5 s stop (the keeper waited for it), far less than the 5 s timeout.
    assert.ok(took >= 1400 && took < 4000, `docker stop took ${took} ms`);
    process.stderr.write(`      docker stop with a 1.5 s graceful stop took ${took} ms, exit code ${ExitCode}\n`);
  });

  it('a same-args restart of the keeper\'s first Odoo, on the keeper\'s socket, boots it again beside it under load: the container stays, one master with the same args', async () => {
    const other = await testDocker().createContainer({
      name: `${name}-same-args`,
      Image: STANDIN_IMAGE,
      Entrypoint: keeper.entrypoint,
      Cmd: keeper.command,
      Labels: { [TEST_LABEL]: TEST_RUN },
      HostConfig: { NetworkMode: 'none' },
    });
    await other.start();
    await waitAnswering(other, 'Odoo under the keeper to answer');
    const startedAt = (await other.inspect()).State.StartedAt;
    const [first] = await masters(other);
    assert.equal(first.ppid, 1, 'the keeper\'s own child');
    let after: Proc | undefined;
    const report = await underLoad(other, async () => {
      const restarted = await runCli(['--container', `${name}-same-args`, 'restart']);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stderr, new RegExp(`Starting the new server beside the running one \\(PID ${first.pid} answers meanwhile\\)`));
      [after] = await masters(other);
    });
    assert.deepEqual(report.failures, {}, `requests failed during the restart: ${JSON.stringify(report)}`);
    const found = await masters(other);
    assert.equal(found.length, 1, JSON.stringify(found.map((p) => p.argv)));
    assert.notEqual(found[0]!.pid, first.pid);
    assert.equal(found[0]!.pid, after?.pid);
    assert.deepEqual(found[0]!.argv.slice(2), first.argv.slice(2));
    assert.equal((await other.inspect()).State.StartedAt, startedAt, 'the container restarted');
    assert.match(await logsOf(other), new RegExp(` ${found[0]!.pid} INFO \\? odoo: Odoo version`), 'its output in docker logs, as the first one\'s');
  });

  it('in front of an entrypoint that forks Odoo instead of exec: Odoo binds its own port, answers, reloads with HUP for the same args, and restarts with new args', async () => {
    // sh runs the entrypoint as its child (a command follows it), so Odoo's PID is not the one
    // the holder gave the socket to: Odoo must ignore it and bind the port itself.
    const forking = restartableKeeper(['/bin/sh', '-c', '/entrypoint.sh "$@"; exit $?', 'sh'], ['odoo']);
    const other = await testDocker().createContainer({
      name: `${name}-forking`,
      Image: STANDIN_IMAGE,
      Entrypoint: forking.entrypoint,
      Cmd: forking.command,
      Labels: { [TEST_LABEL]: TEST_RUN },
      HostConfig: { NetworkMode: 'none' },
    });
    await other.start();
    await waitAnswering(other, 'Odoo behind a forking entrypoint to answer');
    const [first] = await masters(other);
    assert.notEqual(first.ppid, 1, 'Odoo is the entrypoint shell\'s child');
    assert.match(await logsOf(other), new RegExp(` ${first.pid} INFO \\? odoo\\.service\\.server: HTTP service \\(werkzeug\\) running on `));
    // Not on our socket, a same-args restart cannot boot beside it: a HUP, as before.
    const reloaded = await runCli(['--container', `${name}-forking`, 'restart']);
    assert.equal(reloaded.code, 0, reloaded.stderr);
    assert.match(reloaded.stderr, new RegExp(`Reloading PID ${first.pid} with SIGHUP rather than beside it: the running server has a socket of its own`));
    assert.equal((await masters(other))[0]?.pid, first.pid, 'a HUP keeps the PID');
    const restarted = await runCli(['--container', `${name}-forking`, 'restart', '--', '-d', 'db', '--log-level=info']);
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.match(restarted.stderr, /before the new server starts: the running server has a socket of its own/);
    const [after, ...more] = await masters(other);
    assert.equal(more.length, 0);
    assert.deepEqual(after.argv.slice(2), ['-d', 'db', '--log-level=info', ...DB_ARGS]);
    assert.equal(await isAnswering(other), true);
  });

  it('odoo-dev keeper prints this keeper for an official-image container, and recognises it once it runs', async () => {
    const official = await startShape('official', { wait: false });
    try {
      const result = await runCli(['--container', official.name, 'keeper', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const advice = JSON.parse(result.stdout) as { already: boolean; form: string; entrypoint: string[]; command: string[]; text: string };
      assert.equal(advice.already, false);
      assert.equal(advice.form, 'dockerfile');
      assert.deepEqual({ entrypoint: advice.entrypoint, command: advice.command }, keeper);
      assert.ok(advice.text.split('\n').includes(`FROM ${STANDIN_IMAGE}`), advice.text);
      const compose = await runCli(['--container', official.name, 'keeper', '--compose-service', 'odoo']);
      assert.equal(compose.code, 0, compose.stderr);
      assert.match(compose.stdout, /^ {4}entrypoint: \["\/bin\/sh", "-c", "if \[ \$\$# -gt 0 \] && command -v python3 /m);
      assert.match(compose.stdout, /^ {4}command: \["odoo"\]$/m);
    } finally {
      await official.remove();
    }
    const again = await runCli(['--container', name, 'keeper']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already runs the odoo-dev keeper/);
  });

  it('odoo-dev keeper exits 4 for a missing container', async () => {
    const result = await runCli(['--container', 'odoo-dev-test-no-such-container', 'keeper']);
    assert.equal(result.code, 4, result.stderr);
  });
});

describe('a container made restartable by the older keeper, on a real Docker engine', function () {
  this.timeout(90_000);
  const current = restartableKeeper(['/entrypoint.sh'], ['odoo']);
  let name: string;

  before(async () => {
    name = `odoo-dev-test-older-keeper-${randomBytes(4).toString('hex')}`;
    const container = await testDocker().createContainer({
      name,
      Image: STANDIN_IMAGE,
      Entrypoint: ['/bin/sh', '-c', OLDER_KEEPER_SCRIPT, KEEPER_NAME, '/entrypoint.sh'],
      Cmd: ['odoo'],
      Labels: { [TEST_LABEL]: TEST_RUN },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    await waitAnswering(container, 'Odoo under the older keeper to answer');
  });
  after(() => removeTestContainers());

  it('restarts with new args, stopping first, and says that the current keeper would not; keeper --apply puts it in, and the next restart overlaps', async () => {
    const advice = await runCli(['--container', name, 'keeper']);
    assert.equal(advice.code, 0, advice.stderr);
    assert.match(advice.stdout, /runs an older odoo-dev keeper as PID 1/);
    const status = await runCli(['--container', name, 'status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^keeper {5}an older one: .*odoo-dev keeper --apply replaces it$/m);
    const restarted = await runCli(['--container', name, 'restart', '--', '-d', 'db', '--log-level=info']);
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.match(restarted.stderr, /before the new server starts: the running server has a socket of its own: this container's keeper is an older one.*odoo-dev keeper --apply/);
    const apply = await runCli(['--container', name, 'keeper', '--apply', '--yes']);
    assert.equal(apply.code, 0, apply.stderr);
    const container = testDocker().getContainer(name);
    assert.deepEqual((await container.inspect()).Config.Entrypoint, current.entrypoint);
    await waitAnswering(container, 'Odoo under the current keeper to answer');
    const again = await runCli(['--container', name, 'restart', '--', '-d', 'db', '--log-level=warn']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Starting the new server beside the running one/);
    const upgraded = JSON.parse((await runCli(['--container', name, 'status', '--json'])).stdout) as { server?: { olderKeeper?: boolean } };
    assert.ok(upgraded.server, 'a server runs');
    assert.equal(upgraded.server.olderKeeper, undefined, 'the current keeper is not an older one');
    const found = await masters(container);
    assert.equal(found.length, 1, JSON.stringify(found.map((p) => p.argv)));
    assert.deepEqual(found[0]!.argv.slice(2), ['-d', 'db', '--log-level=warn', ...DB_ARGS]);
  });
});
