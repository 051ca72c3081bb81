import * as assert from 'node:assert/strict';
import type Dockerode from 'dockerode';
import { isOdooDevError } from '../../src/core/errors';
import { listRunningContainers } from '../../src/docker/container-list';
import { findOdooContainer } from '../../src/docker/find-container';

interface ScriptedContainer {
  readonly id: string;
  readonly name: string;
  readonly state?: string;
  readonly labels?: Record<string, string>;
  /** The command lines `docker top` shows, one per process. */
  readonly commands?: readonly string[];
  /** `top` fails, as for a container that stops while we look. */
  readonly topFails?: boolean;
}

/** A Docker client that answers from a script and counts what it is asked. */
function scriptedDocker(containers: readonly ScriptedContainer[], listError?: Error, inspectError?: Error) {
  const asked = { tops: [] as string[], lists: [] as boolean[], inspects: [] as string[] };
  /** As Docker resolves a container: full ID, then exact name, then a unique ID prefix. */
  const resolve = (wanted: string): ScriptedContainer => {
    const exact = containers.find((c) => c.id === wanted) ?? containers.find((c) => c.name === wanted);
    const prefixed = containers.filter((c) => c.id.startsWith(wanted));
    if (!exact && prefixed.length > 1) {
      throw Object.assign(new Error(`multiple IDs found with provided prefix: ${wanted}`), { statusCode: 400 });
    }
    const found = exact ?? prefixed[0];
    if (!found) {
      throw Object.assign(new Error(`No such container: ${wanted}`), { statusCode: 404 });
    }
    return found;
  };
  const client = {
    listContainers: async (options: { all: boolean }): Promise<Partial<Dockerode.ContainerInfo>[]> => {
      asked.lists.push(options.all);
      if (listError) {
        throw listError;
      }
      return containers
        .filter((c) => options.all || (c.state ?? 'running') === 'running')
        .map((c) => ({ Id: c.id, Names: [`/${c.name}`], State: c.state ?? 'running', Image: 'odoo:17', Labels: c.labels ?? {} }));
    },
    getContainer: (id: string) => ({
      inspect: async (): Promise<Partial<Dockerode.ContainerInspectInfo>> => {
        asked.inspects.push(id);
        if (inspectError) {
          throw inspectError;
        }
        const c = resolve(id);
        const state = c.state ?? 'running';
        return {
          Id: c.id,
          Name: `/${c.name}`,
          Image: 'sha256:0d00',
          State: { Running: state === 'running', Status: state } as Dockerode.ContainerInspectInfo['State'],
          Config: { Image: 'odoo:17', User: 'odoo', Env: [], WorkingDir: '/', Labels: c.labels ?? {}, Tty: false } as unknown as Dockerode.ContainerInspectInfo['Config'],
          Mounts: [],
        };
      },
      top: async (options: { ps_args: string }) => {
        asked.tops.push(id);
        assert.equal(options.ps_args, '-o pid,ppid,uid,args');
        const container = containers.find((c) => c.id === id);
        if (!container || container.topFails) {
          throw Object.assign(new Error('container is not running'), { statusCode: 409 });
        }
        return { Titles: ['PID', 'PPID', 'UID', 'COMMAND'], Processes: (container.commands ?? []).map((command, i) => [String(i + 10), '1', '0', command]) };
      },
    }),
  };
  return { docker: client as unknown as Dockerode, asked };
}

const odooCommand = '/usr/bin/python3 /usr/bin/odoo -d db';
const folder = '/home/dev/project';
const address = 'unix:///var/run/docker.sock (from the default socket)';

describe('findOdooContainer', () => {
  it('finds a named container by one inspect, whose answer is also its first facts', async () => {
    const { docker, asked } = scriptedDocker([{ id: 'aaa', name: 'odoo', commands: [odooCommand] }, { id: 'bbb', name: 'other', state: 'exited' }]);
    const found = await findOdooContainer(docker, address, { explicit: { name: 'other', from: '--container' } });
    assert.equal(found.container.name, 'other');
    assert.equal(found.container.id, 'bbb');
    assert.equal(found.how, '--container');
    assert.deepEqual(asked.tops, []);
    assert.deepEqual(asked.lists, [], 'no listing');
    const facts = await found.container.facts();
    assert.equal(facts.running, false, 'a stopped container is found too, and its state told');
    assert.deepEqual(asked.inspects, ['other'], 'the first facts came from the lookup');
    await found.container.facts();
    assert.deepEqual(asked.inspects, ['other', 'bbb'], 'later facts are asked again');
  });

  for (const [name, expected] of [['/other', 'other'], ['bb', 'other'], ['bbb', 'other']] as const) {
    it(`finds "${name}" by one inspect, shown by its name`, async () => {
      const { docker, asked } = scriptedDocker([{ id: 'aaa', name: 'odoo' }, { id: 'bbb', name: 'other' }]);
      const found = await findOdooContainer(docker, address, { explicit: { name, from: '--container' } });
      assert.equal(found.container.name, expected);
      assert.deepEqual(asked.lists, []);
    });
  }

  const unclear: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['nothing of that name', 'nope', /No container is named "nope" or has an ID starting with it\./],
    ['an ID prefix of two', 'ab', /The ID prefix "ab" matches 2 containers: one, two\./],
    ['a name Docker would not take', 'my odoo', /No container is named "my odoo"/],
  ];
  for (const [what, name, message] of unclear) {
    it(`says why where the inspect finds no one container: ${what}`, async () => {
      const { docker, asked } = scriptedDocker([{ id: 'abc', name: 'one' }, { id: 'abd', name: 'two' }]);
      await assert.rejects(findOdooContainer(docker, address, { explicit: { name, from: '--container' } }), (error: Error) => {
        assert.match(error.message, message);
        return true;
      });
      assert.deepEqual(asked.lists, [true], 'the listing tells why');
      assert.deepEqual(asked.inspects, name.includes(' ') ? [] : [name]);
    });
  }

  it('says Docker is unreachable when the inspect cannot reach it, without a listing', async () => {
    const { docker, asked } = scriptedDocker([], undefined, Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }));
    await assert.rejects(findOdooContainer(docker, address, { explicit: { name: 'odoo', from: '--container' } }), (error: unknown) => isOdooDevError(error, 'docker-unreachable'));
    assert.deepEqual(asked.lists, []);
  });

  it('decides by the Dev Container label without looking at any process', async () => {
    const { docker, asked } = scriptedDocker([{ id: 'aaa', name: 'odoo', commands: [odooCommand] }, { id: 'ddd', name: 'vsc-project', labels: { 'devcontainer.local_folder': folder } }]);
    const found = await findOdooContainer(docker, address, { workspaceFolder: folder });
    assert.equal(found.container.name, 'vsc-project');
    assert.equal(found.how, `the Dev Container of ${folder}`);
    assert.deepEqual(asked.tops, []);
  });

  it('looks at the processes of running containers only when the hints do not decide', async () => {
    const { docker, asked } = scriptedDocker([
      { id: 'aaa', name: 'db', commands: ['postgres: odoo db 127.0.0.3(51234) idle'] },
      { id: 'bbb', name: 'web', commands: ['/bin/sh -c sleep infinity', odooCommand] },
      { id: 'ccc', name: 'old', state: 'exited', commands: [odooCommand] },
      { id: 'eee', name: 'going', topFails: true },
    ]);
    const found = await findOdooContainer(docker, address, { workspaceFolder: '/elsewhere' });
    assert.equal(found.container.name, 'web');
    assert.equal(found.how, 'the only running container with an Odoo process');
    assert.deepEqual([...asked.tops].sort(), ['aaa', 'bbb', 'eee']);
  });

  it('passes on a selection found gone', async () => {
    const { docker } = scriptedDocker([{ id: 'bbb', name: 'web', commands: [odooCommand] }]);
    const found = await findOdooContainer(docker, address, { selected: 'removed' });
    assert.equal(found.droppedSelection, 'removed');
    assert.equal(found.container.name, 'web');
  });

  it('says what it tried when no container runs Odoo', async () => {
    const { docker } = scriptedDocker([{ id: 'aaa', name: 'db', commands: ['postgres'] }]);
    await assert.rejects(findOdooContainer(docker, address, {}), (error: unknown) => {
      assert.ok(isOdooDevError(error, 'container-not-found'));
      assert.match(error.message, /no running container runs an Odoo process.*running: db/);
      return true;
    });
  });

  it('names the engine when Docker cannot be reached', async () => {
    const { docker } = scriptedDocker([], Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }));
    await assert.rejects(findOdooContainer(docker, address, {}), (error: unknown) => {
      assert.ok(isOdooDevError(error, 'docker-unreachable'));
      assert.match(error.message, /unix:\/\/\/var\/run\/docker\.sock \(from the default socket\)/);
      return true;
    });
  });
});

describe('listRunningContainers', () => {
  it('lists running containers, those running Odoo first, each group by name', async () => {
    const { docker, asked } = scriptedDocker([
      { id: 'aaa', name: 'zeta' },
      { id: 'bbb', name: 'web-2', commands: [odooCommand] },
      { id: 'ccc', name: 'alpha' },
      { id: 'ddd', name: 'web-1', commands: [odooCommand] },
      { id: 'eee', name: 'old', state: 'exited', commands: [odooCommand] },
    ]);
    const listed = await listRunningContainers(docker, address);
    assert.deepEqual(listed.map((c) => [c.name, c.runsOdoo]), [['web-1', true], ['web-2', true], ['alpha', false], ['zeta', false]]);
    assert.deepEqual(listed[0], { id: 'ddd', name: 'web-1', state: 'running', image: 'odoo:17', labels: {}, runsOdoo: true });
    assert.deepEqual(asked.lists, [false]);
  });
});
