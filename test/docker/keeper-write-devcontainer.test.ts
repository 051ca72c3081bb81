import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { KEEPER_NAME } from '../../src/core/restartable-keeper';
import { runCli } from '../support/cli';
import { odooMasters, DB_ARGS, isAnswering, logsOf, processesIn, STANDIN_IMAGE, testDocker, waitFor } from '../support/docker-bed';

async function waitAnswering(container: Dockerode.Container, what: string): Promise<void> {
  await waitFor(what, async () => {
    const state = (await container.inspect()).State;
    if (!state.Running) {
      throw new Error(`the container exited with ${state.ExitCode}:\n${await logsOf(container)}`);
    }
    return (await isAnswering(container)) ? true : undefined;
  }, 60_000);
}

/** The Dev Containers CLI from the project's devDependencies. */
const devcontainerCli = path.resolve(__dirname, '../../node_modules/.bin/devcontainer');

function devcontainer(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(devcontainerCli, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The devcontainer.json of a compose-based Dev Container, JSONC with comments. */
const devcontainerJson = `{
  // The shop's Odoo, from the team's compose file.
  "name": "shop",
  "dockerComposeFile": "docker-compose.yml", // the only one so far
  "service": "odoo",
  "workspaceFolder": "/mnt/extra-addons",
  /* No UID layer: nothing to build here. */
  "updateRemoteUserUID": false
}
`;

const devcontainerCompose = (image: string) => `# The team's dev stack.
services:
  odoo:
    image: ${image}
    command: ["odoo", "-d", "db"]  # our database
    network_mode: none
    labels:
      odoo-dev-test: "1"
`;

describe('odoo-dev keeper --write on a compose-based devcontainer.json, rebuilt with the Dev Containers CLI (real Docker engine)', function () {
  this.timeout(300_000);
  const docker = testDocker();
  let folder: string;
  let config: string;
  let write: Awaited<ReturnType<typeof runCli>>;
  let firstId: string;

  const devContainer = async (): Promise<Dockerode.Container> => {
    const list = await docker.listContainers({ filters: { label: [`devcontainer.local_folder=${folder}`] } });
    assert.equal(list.length, 1, `one running Dev Container of ${folder}`);
    return docker.getContainer(list[0].Id);
  };

  before(async () => {
    folder = path.join(tmpdir(), `odoo-dev-test-devc-${randomBytes(4).toString('hex')}`);
    config = path.join(folder, '.devcontainer');
    await mkdir(config, { recursive: true });
    await writeFile(path.join(config, 'docker-compose.yml'), devcontainerCompose(STANDIN_IMAGE));
    await writeFile(path.join(config, 'devcontainer.json'), devcontainerJson);
    const up = await devcontainer(['up', '--workspace-folder', folder]);
    assert.equal(up.code, 0, up.output);
    const container = await devContainer();
    await waitAnswering(container, 'Odoo of the Dev Container to answer');
    assert.equal((await odooMasters(container))[0]?.pid, 1, 'Odoo is PID 1 in a compose-based Dev Container');
    firstId = container.id;
    write = await runCli(['--container', firstId, 'keeper', '--write', '--yes'], {}, folder);
  });

  after(async () => {
    if (folder) {
      const list = await docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${folder}`] } });
      for (const c of list) {
        await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
      }
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('adds a compose file of ours to dockerComposeFile, keeping the comments of devcontainer.json, and leaves the compose file as it was', async () => {
    assert.equal(write.code, 0, write.stdout + write.stderr);
    assert.match(write.stdout, /^\+\+\+ b\/\.devcontainer\/docker-compose\.odoo-dev\.yml$/m);
    assert.match(write.stdout, /cd .* && devcontainer up --workspace-folder .* --remove-existing-container\n$/);
    const json = await readFile(path.join(config, 'devcontainer.json'), 'utf8');
    for (const comment of ['// The shop\'s Odoo, from the team\'s compose file.', '// the only one so far', '/* No UID layer: nothing to build here. */']) {
      assert.ok(json.includes(comment), `comment kept: ${comment}\n--- now ---\n${json}`);
    }
    assert.match(json, /"dockerComposeFile": \[\s*"docker-compose\.yml",\s*"docker-compose\.odoo-dev\.yml"\s*\]/);
    assert.equal(await readFile(path.join(config, 'docker-compose.yml'), 'utf8'), devcontainerCompose(STANDIN_IMAGE));
  });

  it('the Dev Containers CLI rebuilds it with the keeper as PID 1, and new args then apply in place', async () => {
    const up = await devcontainer(['up', '--workspace-folder', folder, '--remove-existing-container']);
    assert.equal(up.code, 0, up.output);
    const container = await devContainer();
    assert.notEqual(container.id, firstId, 'the Dev Container was recreated');
    await waitAnswering(container, 'Odoo under the keeper to answer');
    const pid1 = (await processesIn(container)).find((p) => p.pid === 1);
    assert.deepEqual(pid1?.argv.slice(3), [KEEPER_NAME, '/entrypoint.sh', 'odoo', '-d', 'db']);
    const startedAt = (await container.inspect()).State.StartedAt;
    const restart = await runCli(['--container', container.id, 'restart', '--', '-d', 'db', '--dev=xml'], {}, folder);
    assert.equal(restart.code, 0, restart.stdout + restart.stderr);
    assert.equal((await container.inspect()).State.StartedAt, startedAt);
    const [master, ...more] = await odooMasters(container);
    assert.equal(more.length, 0);
    assert.equal(master.ppid, 1);
    assert.deepEqual(master.argv.slice(2), ['-d', 'db', '--dev=xml', ...DB_ARGS]);
  });
});
