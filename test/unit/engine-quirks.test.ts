import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { isOdooDevError } from '../../src/core/errors';
import { dockerError } from '../../src/docker/docker-errors';
import { DockerOdooContainer } from '../../src/docker/docker-odoo-container';
import { topOf } from '../../src/docker/docker-top';
import { engineQuirks, eventActionOf, logTimeOf, quirksOf, type VersionAnswer } from '../../src/docker/engine-quirks';
import type { ContainerEvent, LogLine } from '../../src/engine/odoo-container';

// What the engines answered to GET /version on the test bed (trimmed), one per engine.
const dockerVersion: VersionAnswer = { Version: '20.10.24+dfsg1', Components: [{ Name: 'Engine', Version: '20.10.24+dfsg1' }, { Name: 'containerd', Version: '1.6.20' }] };
const podmanVersion: VersionAnswer = { Version: '4.3.1', Components: [{ Name: 'Podman Engine', Version: '4.3.1' }, { Name: 'Conmon', Version: 'conmon version 2.1.6' }] };

/** One frame of Docker's multiplexed stream. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

interface Script {
  version?: VersionAnswer;
  top?: (psArgs: string) => unknown;
  /** What inspect says of the container, for each call in turn (the last one stays). */
  running?: boolean[];
  logs?: Buffer;
  events?: PassThrough;
  exec?: PassThrough;
}

/** A dockerode client that answers from a script, for one container `c1`. */
function scripted(script: Script) {
  const asked = { psArgs: [] as string[], logs: [] as Record<string, unknown>[] };
  const container = {
    inspect: async () => {
      const running = (script.running && script.running.length > 1 ? script.running.shift() : script.running?.[0]) ?? true;
      return { Id: 'c1', Name: '/web', Config: { Tty: false, Image: 'odoo:17', Env: [], Labels: {} }, State: { Running: running, Status: running ? 'running' : 'exited' } };
    },
    top: async (options: { ps_args: string }) => {
      asked.psArgs.push(options.ps_args);
      return script.top?.(options.ps_args);
    },
    logs: async (options: Record<string, unknown>) => {
      asked.logs.push(options);
      return script.logs ?? Buffer.alloc(0);
    },
    exec: async () => ({ start: async () => script.exec }),
  };
  const client = {
    version: async () => script.version ?? dockerVersion,
    getContainer: () => container,
    getEvents: async () => script.events,
  };
  return { docker: client as unknown as Dockerode, asked };
}

describe('engine quirks', () => {
  it('tells Podman from Docker by /version', () => {
    assert.equal(quirksOf(dockerVersion).engine, 'docker');
    assert.equal(quirksOf(dockerVersion).description, 'Docker Engine 20.10.24+dfsg1');
    assert.equal(quirksOf(podmanVersion).engine, 'podman');
    assert.equal(quirksOf(podmanVersion).description, 'Podman 4.3.1');
    assert.equal(quirksOf({}).engine, 'docker', 'an answer without components is Docker\'s behaviour');
  });

  it('asks /version once per client, and takes an engine that cannot say for Docker', async () => {
    let calls = 0;
    const docker = { version: async () => { calls += 1; return podmanVersion; } } as unknown as Dockerode;
    await engineQuirks(docker);
    await engineQuirks(docker);
    assert.equal(calls, 1);
    const mute = { version: async () => { throw new Error('no'); } } as unknown as Dockerode;
    assert.equal((await engineQuirks(mute)).engine, 'docker');
    assert.equal((await engineQuirks({} as Dockerode)).engine, 'docker', 'a client without version()');
  });

  describe('top', () => {
    it('Docker: the host\'s ps with -o, host PIDs', async () => {
      const { docker, asked } = scripted({ top: () => ({ Titles: ['PID', 'PPID', 'UID', 'COMMAND'], Processes: [['4242', '4200', '101', '/usr/bin/python3 /usr/bin/odoo -d db']] }) });
      assert.deepEqual(await topOf(docker, 'c1'), [{ pid: 4242, ppid: 4200, uid: 101, command: '/usr/bin/python3 /usr/bin/odoo -d db' }]);
      assert.deepEqual(asked.psArgs, ['-o pid,ppid,uid,args']);
      assert.equal(quirksOf(dockerVersion).topPids, 'host');
    });

    it('Podman: its own descriptors (no -o, no uid), container PIDs, a user name for the user', async () => {
      // Podman 4.3.1's answer for a keeper container whose Odoo came from an exec (PPID 0: its
      // parent is outside the container).
      const { docker, asked } = scripted({
        version: podmanVersion,
        top: (psArgs) => (psArgs === 'pid,ppid,user,args' ? {
          Titles: ['PID', 'PPID', 'USER', 'COMMAND'],
          Processes: [['1', '0', 'root', '/bin/sh -c echo Container started'], ['7', '0', 'odoo', '/usr/bin/python3 /usr/bin/odoo --db_host db']],
        } : Buffer.alloc(0)),
      });
      assert.deepEqual(await topOf(docker, 'c1'), [
        { pid: 1, ppid: 0, uid: -1, command: '/bin/sh -c echo Container started' },
        { pid: 7, ppid: 0, uid: -1, command: '/usr/bin/python3 /usr/bin/odoo --db_host db' },
      ]);
      assert.deepEqual(asked.psArgs, ['pid,ppid,user,args']);
      assert.equal(quirksOf(podmanVersion).topPids, 'container');
    });

    it('Podman\'s empty answer to descriptors it does not know is an error, not "no processes"', async () => {
      const { docker, asked } = scripted({ version: podmanVersion, top: () => Buffer.alloc(0) });
      await assert.rejects(topOf(docker, 'c1', 300), /Podman 4\.3\.1 answered top with ps_args "pid,ppid,user,args" without a process list/);
      assert.ok(asked.psArgs.length >= 2, 'a running container is asked again before the answer counts as an error');
    });

    it('Podman\'s empty answer for a container that does not run reads as Docker\'s "not running"', async () => {
      const { docker } = scripted({ version: podmanVersion, top: () => Buffer.alloc(0), running: [false] });
      const container = new DockerOdooContainer(docker, 'c1', 'web', 'unix:///run/podman/podman.sock');
      await assert.rejects(container.topProcesses(), (error: unknown) => isOdooDevError(error, 'container-not-running'));
    });

    it('Podman\'s empty answer while the container comes up is asked again, until it lists the processes', async () => {
      let calls = 0;
      const listing = { Titles: ['PID', 'PPID', 'USER', 'COMMAND'], Processes: [['1', '0', 'odoo', '/usr/bin/python3 /usr/bin/odoo']] };
      const { docker } = scripted({ version: podmanVersion, top: () => (++calls < 3 ? Buffer.alloc(0) : listing) });
      assert.deepEqual(await topOf(docker, 'c1'), [{ pid: 1, ppid: 0, uid: -1, command: '/usr/bin/python3 /usr/bin/odoo' }]);
      assert.equal(calls, 3);
    });

    it('Docker\'s answers are taken at once: an empty one is an error, and inspect is not asked', async () => {
      const { docker, asked } = scripted({ top: () => Buffer.alloc(0), running: [false] });
      await assert.rejects(topOf(docker, 'c1'), /Docker Engine 20\.10\.24\+dfsg1 answered top/);
      assert.equal(asked.psArgs.length, 1);
    });
  });

  describe('log timestamps', () => {
    const since = Date.parse('2026-12-02T09:10:19.500Z') / 1000;
    const stamped = Date.parse('2026-12-02T09:10:19Z');

    it('Docker: nanoseconds, taken as they are', () => {
      assert.equal(logTimeOf(quirksOf(dockerVersion), stamped, since), stamped);
    });

    it('Podman: whole seconds; a line returned for `since` counts from `since`', () => {
      assert.equal(logTimeOf(quirksOf(podmanVersion), stamped, since), since * 1000);
      assert.equal(logTimeOf(quirksOf(podmanVersion), stamped, undefined), stamped);
      assert.equal(logTimeOf(quirksOf(podmanVersion), stamped + 5000, since), stamped + 5000);
    });

    it('through the adapter: Podman\'s registry line of the second the server started is not before it', async () => {
      const logs = frame(2, '2026-12-02T09:10:19Z 2026-12-02 09:10:19,969 151 INFO db odoo.modules.registry: Registry loaded in 0.303s\n');
      const { docker, asked } = scripted({ version: podmanVersion, logs });
      const lines: LogLine[] = [];
      for await (const line of new DockerOdooContainer(docker, 'c1', 'web', 'unix:///run/podman/podman.sock').logs({ since })) {
        lines.push(line);
      }
      assert.equal(lines.length, 1);
      assert.ok(lines[0].time >= since * 1000, 'the engine\'s reading filter (line.time >= since) keeps the line');
      assert.equal(lines[0].stream, 'stderr');
      assert.equal(asked.logs[0].since, '1796202619.500000000');
    });
  });

  describe('events', () => {
    it('Podman\'s words mapped to Docker\'s: remove is destroy, exec_died is exec_die', () => {
      const podman = quirksOf(podmanVersion);
      assert.equal(eventActionOf(podman, 'remove'), 'destroy');
      assert.equal(eventActionOf(podman, 'exec_died'), 'exec_die');
      assert.equal(eventActionOf(podman, 'die'), 'die');
      assert.equal(eventActionOf(quirksOf(dockerVersion), 'remove'), 'remove');
    });

    it('through the adapter: a Podman container removed from outside reads as destroyed', async () => {
      const events = new PassThrough();
      const { docker } = scripted({ version: podmanVersion, events });
      const seen: ContainerEvent[] = [];
      const subscription = new DockerOdooContainer(docker, 'c1', 'web', 'unix:///run/podman/podman.sock').events((e) => seen.push(e), () => undefined);
      // Two events as Podman 4.3.1 sent them for a forced removal.
      events.write(`${JSON.stringify({ status: 'die', Action: 'die', Actor: { Attributes: { exitCode: '137' } }, timeNano: 1796202791922594192 })}\n`);
      events.write(`${JSON.stringify({ status: 'remove', Action: 'remove', Actor: { Attributes: {} }, time: 1796202792 })}\n`);
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 100 && seen.length < 2; i += 1) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      subscription.dispose();
      assert.deepEqual(seen.map((e) => [e.action, e.exitCode]), [['die', 137], ['destroy', undefined]]);
    });
  });
});

describe('Docker errors by engine and transport', () => {
  it('EACCES names the socket and says what to do', () => {
    const error = dockerError(Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }), 'Listing containers', 'unix:///var/run/docker.sock (from the default socket)');
    assert.equal(error.code, 'docker-unreachable');
    assert.match(error.message, /^Cannot reach Docker at unix:\/\/\/var\/run\/docker\.sock \(from the default socket\) \(EACCES\): the socket is not open to your user\./);
    assert.match(error.message, /add your user to the docker group|Add your user to the docker group/);
    assert.match(error.message, /rootless Docker, or Podman/);
  });

  it('a connection that breaks under the agent is a lost connection, not the agent\'s end', async () => {
    const exec = new PassThrough();
    const { docker } = scripted({ exec });
    const container = new DockerOdooContainer(docker, 'c1', 'web', 'ssh://odoo-dev-bed (from --docker-host)');
    exec.write(frame(1, `${JSON.stringify({ t: 'snapshot', processes: [] })}\n`));
    const session = await container.openAgent();
    exec.destroy(Object.assign(new Error('the ssh connection to ssh://odoo-dev-bed was lost'), { code: 'ECONNRESET' }));
    await assert.rejects(session.next(), (error: unknown) => {
      assert.ok(isOdooDevError(error, 'docker-unreachable'), String(error));
      assert.match(error.message, /The connection to Docker at ssh:\/\/odoo-dev-bed \(from --docker-host\) broke while the agent ran \(ECONNRESET\); the agent in the container finishes the step it was on\./);
      assert.match(error.message, /odoo-dev status/);
      return true;
    });
  });

  it('an agent whose output simply ends has ended', async () => {
    const exec = new PassThrough();
    const { docker } = scripted({ exec });
    exec.write(frame(1, `${JSON.stringify({ t: 'snapshot', processes: [] })}\n`));
    const session = await new DockerOdooContainer(docker, 'c1', 'web', 'unix:///var/run/docker.sock').openAgent();
    exec.end();
    assert.equal(await session.next(), undefined);
  });
});
