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

/** Debian's Compose 1, run in the project's folder; its output is kept for the failure message. */
function compose(cwd: string, args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker-compose', [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function composeUp(cwd: string): Promise<void> {
  const up = await compose(cwd, ['up', '-d']);
  assert.equal(up.code, 0, up.output);
}

async function waitAnswering(container: Dockerode.Container, what: string): Promise<void> {
  await waitFor(what, async () => {
    const state = (await container.inspect()).State;
    if (!state.Running) {
      throw new Error(`the container exited with ${state.ExitCode}:\n${await logsOf(container)}`);
    }
    return (await isAnswering(container)) ? true : undefined;
  }, 20_000);
}

/** The user's compose file: comments, a flow list, quoted and plain scalars, a blank line. */
const composeFile = (image: string) => `# The shop's Odoo, as the team runs it.
services:
  odoo:   # the web server
    image: ${image}
    command: ["odoo", "-d", "db"]   # our database

    network_mode: none  # nothing leaves the machine
    labels:
      odoo-dev-test: "1"
    environment:
      STANDIN_SERIES: "18.0"   # the series we ship
`;

/** The user's own override file, merged into rather than replaced. */
const overrideFile = `# Local tweaks, not committed.
services:
  odoo:
    environment:
      SHOP: demo   # a marker the test reads back
`;

describe('odoo-dev keeper --write on a compose project, then docker-compose up -d (real Docker engine, Compose 1)', function () {
  this.timeout(120_000);
  const docker = testDocker();
  let folder: string;
  let service: Dockerode.Container;
  let write: Awaited<ReturnType<typeof runCli>>;
  let original: { id: string; startedAt: string };

  const serviceContainer = async (): Promise<Dockerode.Container> => {
    const project = path.basename(folder);
    const list = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.service=odoo'] } });
    assert.equal(list.length, 1, `one running container of service odoo in project ${project}`);
    return docker.getContainer(list[0].Id);
  };

  before(async () => {
    // Lower case only: compose names the project after the folder, lower-cased.
    folder = path.join(tmpdir(), `odoo-dev-test-write-${randomBytes(4).toString('hex')}`);
    await mkdir(folder);
    await writeFile(path.join(folder, 'docker-compose.yml'), composeFile(STANDIN_IMAGE));
    await writeFile(path.join(folder, 'docker-compose.override.yml'), overrideFile);
    await composeUp(folder);
    service = await serviceContainer();
    await waitAnswering(service, 'Odoo of the compose service to answer');
    const [pid1] = await odooMasters(service);
    assert.equal(pid1.pid, 1, 'Odoo is PID 1 before');
    const info = await service.inspect();
    original = { id: info.Id, startedAt: info.State.StartedAt };
    write = await runCli(['--container', info.Name.replace(/^\//, ''), 'keeper', '--write', '--yes'], {}, folder);
  });

  after(async () => {
    if (folder) {
      await compose(folder, ['down', '-v', '--remove-orphans']);
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('shows the diff of the override file and writes it, with a copy of it as it was', async () => {
    assert.equal(write.code, 0, write.stdout + write.stderr);
    assert.match(write.stdout, /^--- a\/docker-compose\.override\.yml\n\+\+\+ b\/docker-compose\.override\.yml\n/m);
    assert.match(write.stdout, /^\+ {4}entrypoint: \["\/bin\/sh", "-c", /m);
    assert.match(write.stdout, /^\+ {4}command: \["odoo", "-d", "db"\]$/m);
    assert.match(write.stdout, /Wrote docker-compose\.override\.yml \(as it was: docker-compose\.override\.yml\.before-odoo-dev\)\./);
    const override = path.join(folder, 'docker-compose.override.yml');
    assert.ok(write.stdout.includes(`To undo: mv ${override}.before-odoo-dev ${override}\n`), write.stdout);
    assert.match(write.stdout, new RegExp(`Next, recreate the service so that the keeper becomes PID 1:\\n {2}cd ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} && docker-compose up -d odoo\\n`));
    assert.equal(await readFile(path.join(folder, 'docker-compose.override.yml.before-odoo-dev'), 'utf8'), overrideFile);
  });

  it('leaves the compose file byte for byte as it was, and keeps every line and comment of the override file', async () => {
    assert.equal(await readFile(path.join(folder, 'docker-compose.yml'), 'utf8'), composeFile(STANDIN_IMAGE));
    const override = await readFile(path.join(folder, 'docker-compose.override.yml'), 'utf8');
    for (const line of overrideFile.split('\n').filter(Boolean)) {
      assert.ok(override.includes(`${line}\n`), `line kept: ${line}\n--- now ---\n${override}`);
    }
    // Nothing changes the container before the user recreates it.
    const info = await service.inspect();
    assert.equal(info.Id, original.id);
    assert.equal(info.State.StartedAt, original.startedAt);
  });

  it('docker-compose up -d, as printed, recreates the service with the keeper as PID 1 and Odoo as its child', async () => {
    await composeUp(folder);
    service = await serviceContainer();
    const info = await service.inspect();
    assert.notEqual(info.Id, original.id, 'compose recreated the service');
    await waitAnswering(service, 'Odoo under the keeper to answer');
    const pid1 = (await processesIn(service)).find((p) => p.pid === 1);
    assert.deepEqual(pid1?.argv.slice(3), [KEEPER_NAME, '/entrypoint.sh', 'odoo', '-d', 'db']);
    const [master, ...more] = await odooMasters(service);
    assert.equal(more.length, 0);
    assert.equal(master.ppid, 1);
    assert.deepEqual(master.argv.slice(1), ['/usr/bin/odoo', '-d', 'db', ...DB_ARGS]);
    // Both files still count: the override's environment and the main file's.
    assert.ok(info.Config.Env.includes('SHOP=demo'));
    assert.ok(info.Config.Env.includes('STANDIN_SERIES=18.0'));
  });

  it('then odoo-dev restart -- NEW ARGS applies them in place: the container is not restarted', async () => {
    const info = await service.inspect();
    const result = await runCli(['--container', info.Name.replace(/^\//, ''), 'restart', '--', '-d', 'db', '--dev=xml'], {}, folder);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const now = await service.inspect();
    assert.equal(now.Id, info.Id);
    assert.equal(now.State.StartedAt, info.State.StartedAt);
    const [master, ...more] = await odooMasters(service);
    assert.equal(more.length, 0);
    assert.equal(master.ppid, 1);
    assert.deepEqual(master.argv.slice(2), ['-d', 'db', '--dev=xml', ...DB_ARGS]);
  });

  it('a second keeper --write finds the keeper in the files and changes nothing', async () => {
    const info = await service.inspect();
    const override = await readFile(path.join(folder, 'docker-compose.override.yml'), 'utf8');
    const again = await runCli(['--container', info.Name.replace(/^\//, ''), 'keeper', '--write', '--yes'], {}, folder);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /runs the odoo-dev keeper as PID 1, and its files keep it: nothing to change\./);
    assert.equal(await readFile(path.join(folder, 'docker-compose.override.yml'), 'utf8'), override);
    // And compose sees nothing to recreate.
    await composeUp(folder);
    assert.equal((await serviceContainer()).id, info.Id);
  });
});

