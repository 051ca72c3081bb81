/**
 * The container's own option list on the real Docker engine: the server's program is asked for
 * `--version` and `--help` in the inventory's one exec, as the server's user, and what it lists
 * beyond the bundled catalog (an option a patched config.py adds, here the stand-in's
 * STANDIN_EXTRA_OPTIONS) is what the engine then accepts.
 */
import * as assert from 'node:assert/strict';
import { isOdooDevError, type OdooDevError } from '../../src/core/errors';
import { catalogFor } from '../../src/core/option-catalog';
import { containerCatalog, containerOptionsOf } from '../../src/core/option-help';
import { DockerOdooContainer } from '../../src/docker/docker-odoo-container';
import { OdooEngine } from '../../src/engine/odoo-engine';
import { readInventory } from '../../src/engine/server-inventory';
import { onlyOdooMaster, startShape, testDocker, type ShapeContainer } from '../support/docker-bed';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };
const extraOptions = [
  { group: 'Queue Job Configuration', flags: ['--queue-channels'], dest: 'queue_channels', metavar: 'CHANNELS', help: 'Job channels and their capacity, such as root:2' },
];

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

  it('the engine refuses an option only the container knows until it is given the container\'s list, then restarts with it', async () => {
    const engine = new OdooEngine(container, settings);
    const before = await onlyOdooMaster(shape.container);
    const args = ['-d', 'db', '--queue-channels', 'root:2'];
    const error = await engine.restart({ args }).then(
      () => assert.fail('the bundled catalog should refuse --queue-channels'),
      (e: unknown) => e as OdooDevError,
    );
    assert.ok(isOdooDevError(error, 'invalid-args'), String(error));
    assert.equal((await onlyOdooMaster(shape.container)).pid, before.pid, 'nothing was stopped');

    const inventory = await readInventory(container, { readHelp: true });
    const facts = await container.facts();
    engine.useContainerOptions(containerOptionsOf(facts.imageId!, inventory.selfDescription!));
    const outcome = await engine.restart({ args });
    assert.equal(outcome.plan, 'in-place');
    const master = await onlyOdooMaster(shape.container);
    assert.notEqual(master.pid, before.pid);
    assert.deepEqual(master.argv.slice(master.argv.indexOf('--queue-channels'), master.argv.indexOf('--queue-channels') + 2), ['--queue-channels', 'root:2']);
  });

  it('a list read from another image does not apply', async () => {
    const engine = new OdooEngine(container, settings);
    const inventory = await readInventory(container, { readHelp: true });
    engine.useContainerOptions(containerOptionsOf('sha256:other', inventory.selfDescription!));
    const error = await engine.restart({ args: ['-d', 'db', '--queue-channels', 'root:2'] }).then(
      () => assert.fail('a list of another image should not apply'),
      (e: unknown) => e as OdooDevError,
    );
    assert.ok(isOdooDevError(error, 'invalid-args'), String(error));
  });
});
