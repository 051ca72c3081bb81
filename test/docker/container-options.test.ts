/**
 * The container's own option list on the real Docker engine: the server's program is asked for
 * `--version` and `--help` in the inventory's one exec, as the server's user, and what it lists
 * beyond the bundled catalog (an option a patched config.py adds, here the stand-in's
 * STANDIN_EXTRA_OPTIONS) is what the engine accepts: it reads the list itself, in the restart's
 * one exec, when the bundled catalog refuses the args.
 */
import * as assert from 'node:assert/strict';
import { isOdooDevError, type OdooDevError } from '../../src/core/errors';
import { catalogFor } from '../../src/core/option-catalog';
import { containerCatalog, containerOptionsOf } from '../../src/core/option-help';
import { DockerOdooContainer } from '../../src/docker/docker-odoo-container';
import { OdooEngine } from '../../src/engine/odoo-engine';
import { readInventory } from '../../src/engine/server-inventory';
import { runCli } from '../support/cli';
import { onlyOdooMaster, startShape, testDocker, type ShapeContainer } from '../support/docker-bed';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };
const extraOptions = [
  { group: 'Queue Job Configuration', flags: ['--queue-channels'], dest: 'queue_channels', metavar: 'CHANNELS', help: 'Job channels and their capacity, such as root:2' },
];

/** The execs Docker created in the container from `sinceMs` until now, from its event log: their actions (`exec_create: CMD`). */
async function execsCreated(shape: ShapeContainer, sinceMs: number): Promise<string[]> {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const stream = await testDocker().getEvents({ since: Math.floor(sinceMs / 1000), until, filters: { container: [shape.id], event: ['exec_create'] } });
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
  }
  return text.split('\n').filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { timeNano: number; Action: string })
    .filter((event) => event.timeNano / 1e6 >= sinceMs)
    .map((event) => event.Action);
}

describe('the container\'s own option list (real Docker engine)', function () {
  this.timeout(90_000);
  let shape: ShapeContainer;
  let container: DockerOdooContainer;

  beforeEach(async () => {
    shape = await startShape('keeper-exec', { series: '18.0', odooArgs: ['-d', 'db'], env: { STANDIN_EXTRA_OPTIONS: JSON.stringify(extraOptions) } });
    container = new DockerOdooContainer(testDocker(), shape.id, shape.name, 'unix:///var/run/docker.sock');
  });
  afterEach(() => shape?.remove());

  it('reads --version and --help of the running server\'s program in the inventory\'s exec, only when asked', async () => {
    const plain = await readInventory(container);
    assert.equal(plain.selfDescription, undefined);
    const inventory = await readInventory(container, { readHelp: true });
    assert.equal(inventory.selfDescription?.version, 'Odoo Server 18.0');
    const facts = await container.facts();
    assert.match(facts.imageId ?? '', /^sha256:[0-9a-f]{64}$/);
    const options = containerOptionsOf(facts.imageId!, inventory.selfDescription!);
    assert.ok(options);
    const queue = options.options.find((o) => o.flags.includes('--queue-channels'));
    assert.deepEqual(queue, { flags: ['--queue-channels'], takesValue: true, metavar: 'CHANNELS', help: extraOptions[0].help, group: 'Queue Job Configuration' });
    const catalog = containerCatalog(undefined, options);
    assert.equal(catalog.series, '18.0', 'the series comes from --version');
    assert.equal(catalog.byFlag('--queue-channels')?.fromContainer, true);
    assert.equal(catalogFor('18.0').byFlag('--queue-channels'), undefined);
  });

  it('args the bundled catalog refuses: the engine asks the container\'s --help in its one exec, then restarts with them', async () => {
    const engine = new OdooEngine(container, settings);
    const before = await onlyOdooMaster(shape.container);
    const since = Date.now();
    const outcome = await engine.restart({ args: ['-d', 'db', '--queue-channels', 'root:2'] });
    assert.equal(outcome.plan, 'in-place');
    // One exec for the whole restart, the --help read included.
    const execs = await execsCreated(shape, since);
    assert.equal(execs.length, 1, execs.join('\n'));
    const master = await onlyOdooMaster(shape.container);
    assert.notEqual(master.pid, before.pid);
    const at = master.argv.indexOf('--queue-channels');
    assert.deepEqual(master.argv.slice(at, at + 2), ['--queue-channels', 'root:2']);
    assert.equal(engine.knownContainerOptions?.imageId, (await container.facts()).imageId);
  });

  it('an option the container does not list either is still refused, and nothing stops', async () => {
    const engine = new OdooEngine(container, settings);
    const before = await onlyOdooMaster(shape.container);
    const error = await engine.restart({ args: ['-d', 'db', '--queue-chanels', 'root:2'] }).then(
      () => assert.fail('--queue-chanels should be refused'),
      (e: unknown) => e as OdooDevError,
    );
    assert.ok(isOdooDevError(error, 'invalid-args'), String(error));
    assert.match(error.message, /did you mean --queue-channels\?/);
    assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid, 'nothing was stopped');
  });

  it('args the bundled catalog accepts do not wait for --help', async () => {
    const engine = new OdooEngine(container, settings);
    await engine.restart({ args: ['-d', 'db', '--log-level=debug'] });
    assert.equal(engine.knownContainerOptions, undefined);
  });

  it('odoo-dev restart accepts the container\'s option too', async () => {
    const result = await runCli(['--container', shape.name, 'restart', '--', '-d', 'db', '--queue-channels', 'root:3']);
    assert.equal(result.code, 0, result.stderr);
    const master = await onlyOdooMaster(shape.container);
    assert.equal(master.argv[master.argv.indexOf('--queue-channels') + 1], 'root:3');
  });
});
