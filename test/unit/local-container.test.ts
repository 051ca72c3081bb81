import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { AgentEvent } from '../../src/core/agent-protocol';
import { OdooDevError } from '../../src/core/errors';
import type { ContainerEvent, LogLine } from '../../src/engine/odoo-container';
import { LocalContainer, PYTHON, removeLocalContainers } from '../support/local-container';
import { httpStatus, KEEPER, ODOO_UID, startLocalShape } from '../support/local-standin';
import { waitFor } from '../support/wait-for';

async function collect(lines: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const found: LogLine[] = [];
  for await (const line of lines) {
    found.push(line);
  }
  return found;
}

function recordEvents(container: LocalContainer): ContainerEvent[] {
  const events: ContainerEvent[] = [];
  container.events((event) => events.push(event), (error) => assert.fail(error));
  return events;
}

/** Sends one step to the agent and returns its events up to one of `finals`. */
async function step(session: Awaited<ReturnType<LocalContainer['openAgent']>>, request: Parameters<typeof session.send>[0], finals: AgentEvent['t'][]): Promise<AgentEvent[]> {
  session.send(request);
  const events: AgentEvent[] = [];
  for (;;) {
    const event = await session.next();
    assert.ok(event, `the agent ended before ${finals.join(' or ')}: ${JSON.stringify(events)}`);
    events.push(event);
    if (finals.includes(event.t)) {
      return events;
    }
  }
}

describe('LocalContainer: a container made of namespaces, no Docker', function () {
  this.timeout(20_000);
  after(() => removeLocalContainers());

  describe('the keeper as PID 1, as a user with no passwd entry', () => {
    let container: LocalContainer;
    let events: ContainerEvent[];
    before(async () => {
      assert.equal(fs.readFileSync('/etc/passwd', 'utf8').split('\n').some((line) => line.split(':')[2] === String(ODOO_UID)), false, `uid ${ODOO_UID} must have no passwd entry on this machine`);
      container = new LocalContainer({ command: KEEPER, uid: ODOO_UID, gid: ODOO_UID, env: ['LANG=C.UTF-8'], labels: { purpose: 'test' } });
      events = recordEvents(container);
      await container.start();
    });

    it('runs its command as PID 1 of its own PID namespace, as the configured user', async () => {
      const [pid1, ...others] = container.processes();
      assert.equal(pid1.pid, 1);
      assert.equal(pid1.ppid, 0);
      assert.deepEqual(pid1.argv, KEEPER);
      assert.equal(pid1.uid, ODOO_UID);
      assert.equal(pid1.gid, ODOO_UID);
      assert.equal(pid1.cwd, '/');
      assert.deepEqual(pid1.env, ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8']);
      assert.ok(others.every((p) => p.ppid === 1), JSON.stringify(others));
      assert.deepEqual(events.map((e) => e.action), ['start']);
    });

    it('reports facts like docker inspect', async () => {
      const facts = await container.facts();
      assert.equal(facts.running, true);
      assert.equal(facts.state, 'running');
      assert.equal(facts.user, `${ODOO_UID}:${ODOO_UID}`);
      assert.deepEqual(facts.env, ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8']);
      assert.equal(facts.workingDir, '');
      assert.deepEqual(facts.labels, { purpose: 'test' });
    });

    it('lists its processes with host PIDs, as docker top does', async () => {
      const top = await container.topProcesses();
      const pid1 = top.find((p) => p.pid === container.hostPid1);
      assert.ok(pid1, JSON.stringify(top));
      assert.notEqual(pid1.pid, 1);
      assert.equal(pid1.uid, ODOO_UID);
      assert.equal(pid1.command, KEEPER.join(' '));
      assert.ok(top.every((p) => p.pid === pid1.pid || p.ppid === pid1.pid), 'only the container\'s processes');
    });

    it('logs PID 1\'s output, stamped when read, with since, tail and follow', async () => {
      const first = await waitFor('the keeper\'s first line', () => container.logText().includes('Container started\n') || undefined);
      assert.ok(first);
      const all = await collect(container.logs({}));
      assert.deepEqual(all.map((l) => [l.stream, l.text]), [['stdout', 'Container started']]);
      const abort = new AbortController();
      const followed: string[] = [];
      const following = (async () => {
        for await (const line of container.logs({ since: Date.now() / 1000, follow: true, signal: abort.signal })) {
          followed.push(line.text);
        }
      })();
      const before = Date.now();
      const written = await container.exec(['/bin/sh', '-c', 'echo one > /proc/1/fd/1; echo two > /proc/1/fd/2'], { uid: ODOO_UID });
      assert.equal(written.code, 0, written.stderr);
      await waitFor('both lines followed', () => (followed.length === 2 ? true : undefined));
      abort.abort();
      await following;
      assert.deepEqual(followed, ['one', 'two']);
      const recent = await collect(container.logs({ since: before / 1000 }));
      assert.deepEqual(recent.map((l) => [l.stream, l.text]), [['stdout', 'one'], ['stderr', 'two']]);
      assert.ok(recent.every((l) => l.time >= before && l.time <= Date.now()));
      assert.deepEqual((await collect(container.logs({ tail: 1 }))).map((l) => l.text), ['two']);
      assert.deepEqual(await collect(container.logs({ tail: 0 })), []);
    });

    it('has its own /tmp and its own loopback', async () => {
      fs.writeFileSync(container.hostPath('/tmp/mine'), 'x');
      const seen = await container.exec([PYTHON, '-c', [
        'import os, socket',
        'print(sorted(os.listdir("/tmp")))',
        's = socket.socket(); s.bind(("127.0.0.1", 8069)); s.listen(); print("bound")',
      ].join('\n')]);
      assert.equal(seen.code, 0, seen.stderr);
      assert.equal(seen.stdout, "['mine']\nbound\n");
    });

    it('runs the agent as root, which reads every process and resolves a bare uid', async () => {
      const execs = events.filter((e) => e.action === 'exec_create').length;
      const session = await container.openAgent({ lock: true, user: `${ODOO_UID}:${ODOO_UID}` });
      try {
        assert.equal(events.filter((e) => e.action === 'exec_create').length, execs + 1, 'opening the agent is an exec');
        const { snapshot } = session;
        assert.deepEqual(snapshot.user, { spec: `${ODOO_UID}:${ODOO_UID}`, uid: ODOO_UID, gid: ODOO_UID });
        const pid1 = snapshot.processes.find((p) => p.pid === 1);
        assert.deepEqual(pid1?.argv, KEEPER);
        assert.equal(pid1?.cwd, '/');
        assert.ok(pid1?.env?.includes('LANG=C.UTF-8'), 'the environment of a process of another user');
        assert.ok(!snapshot.processes.some((p) => p.argv[0] === PYTHON && p.argv[1] === '-c'), 'the agent leaves itself out');
      } finally {
        await session.close();
      }
    });

    it('lets a server launched by the agent as PID 1\'s user write to the log through /proc/1/fd/1', async () => {
      const session = await container.openAgent({ lock: true });
      try {
        const script = 'echo "launched as $(id -u) in $(pwd)"; echo "to stderr" >&2';
        const events = await step(session, { step: 'launch', argv: ['/bin/sh', '-c', script], env: ['PATH=/usr/bin:/bin'], cwd: '/tmp', uid: ODOO_UID, gid: ODOO_UID }, ['launched', 'launch-failed']);
        const launched = events[events.length - 1];
        assert.equal(launched.t, 'launched', JSON.stringify(events));
        assert.equal(launched.t === 'launched' && launched.logTo, 'docker-logs');
      } finally {
        await session.close();
      }
      await waitFor('the launched output in the log', () => (/launched as 10101 in \/tmp\n(.*\n)*to stderr\n/.test(container.logText()) ? true : undefined));
    });

    it('maps an agent that fails before its snapshot to agent-failed, with the agent\'s words', async () => {
      // A user spec that is no string makes the agent fail while it builds the snapshot.
      await assert.rejects(container.openAgent({ user: 5 as unknown as string }), (error: OdooDevError) => {
        assert.equal(error.code, 'agent-failed');
        assert.match(error.message, /The agent in container \S+ failed: AttributeError/);
        return true;
      });
    });

    it('stops like docker stop: TERM to PID 1, die with its exit code, then start again with its log and /tmp kept', async () => {
      const hostPid1 = container.hostPid1;
      await container.stop();
      assert.deepEqual(events.slice(-3).map((e) => [e.action, e.exitCode]), [['kill', undefined], ['die', 0], ['stop', undefined]]);
      assert.equal((await container.facts()).state, 'exited');
      assert.throws(() => process.kill(hostPid1, 0), /ESRCH/);
      await assert.rejects(container.topProcesses(), (error: OdooDevError) => error.code === 'container-not-running');
      await assert.rejects(container.openAgent(), (error: OdooDevError) => error.code === 'container-not-running');
      await container.start();
      assert.equal(events[events.length - 1].action, 'start');
      assert.notEqual(container.hostPid1, hostPid1);
      await waitFor('the second start line', () => (container.logText().match(/Container started/g)?.length === 2 ? true : undefined));
      assert.ok(fs.existsSync(container.hostPath('/tmp/mine')));
      assert.ok(fs.existsSync(container.hostPath('/tmp/odoo-dev/lock')), 'the agent\'s lock is in the container\'s /tmp');
    });

    it('is removed like docker rm -f: every process killed, destroy, then not found', async () => {
      const hostPids = container.processes().map((p) => p.hostPid);
      const dir = container.dir;
      await container.remove();
      assert.deepEqual(events.slice(-2).map((e) => e.action), ['die', 'destroy']);
      for (const pid of hostPids) {
        assert.throws(() => process.kill(pid, 0), /ESRCH/, `process ${pid} survived: ${fs.existsSync(`/proc/${pid}`) ? fs.readFileSync(`/proc/${pid}/status`, "utf8") : ""}`);
      }
      assert.equal(fs.existsSync(dir), false);
      await assert.rejects(container.facts(), (error: OdooDevError) => error.code === 'container-not-found');
    });
  });

  describe('the stand-in as PID 1 (the official image\'s shape)', () => {
    it('runs with the host\'s /usr/bin/python3, answers on its own 127.0.0.1:8069, and a second one does too', async () => {
      const [one, two] = await Promise.all([startLocalShape('official'), startLocalShape('official')]);
      for (const container of [one, two]) {
        const [pid1] = container.processes();
        assert.equal(pid1.pid, 1);
        assert.equal(pid1.argv[0], PYTHON);
        assert.equal(fs.readlinkSync(`/proc/${pid1.hostPid}/exe`), fs.realpathSync(PYTHON));
        assert.equal(await httpStatus(container, '/web/health'), 200);
        assert.match(container.logText(), / 1 INFO \? odoo\.service\.server: HTTP service \(werkzeug\) running on \S+:8069/);
      }
      const events = recordEvents(one);
      await one.stop();
      assert.deepEqual(events.filter((e) => e.action === 'die').map((e) => e.exitCode), [0], 'Odoo as PID 1 exits 0 on TERM');
      assert.equal(await httpStatus(two, '/web/health'), 200, 'the other container is untouched');
    });
  });
});
