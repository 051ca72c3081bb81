import * as assert from 'node:assert/strict';
import { isOdooDevError, type OdooDevError } from '../../../src/core/errors';
import { OdooEngine } from '../../../src/engine/odoo-engine';
import { removeLocalContainers, type LocalContainer } from '../../support/local-container';
import { onlyMaster, startLocalShape } from '../../support/local-standin';

const settings = { stopTimeoutMs: 10_000, killAfterTimeout: false, readyTimeoutMs: 20_000 };
const extraOptions = [{ group: 'Queue Job Configuration', flags: ['--queue-channels'], dest: 'queue_channels', metavar: 'CHANNELS', help: 'Job channels' }];

// The engine's second look at args the bundled catalog refuses: the container's own --help,
// read through the restart's agent by the real agent, against the local stand-in.
describe('OdooEngine and the container\'s own option list (local container)', function () {
  this.timeout(30_000);
  let container: LocalContainer;
  before(async () => {
    container = await startLocalShape('keeper-exec', {
      series: '18.0',
      odooArgs: ['-d', 'db'],
      env: { STANDIN_EXTRA_OPTIONS: JSON.stringify(extraOptions) },
      imageId: 'sha256:local-standin',
    });
  });
  after(async () => {
    await container?.remove();
    await removeLocalContainers();
  });

  it('does not read --help for args the bundled catalog accepts', async () => {
    const engine = new OdooEngine(container, settings);
    await engine.restart({ args: ['-d', 'db', '--log-level=debug'] });
    assert.equal(engine.knownContainerOptions, undefined);
  });

  it('reads it once for args the catalog refuses, and restarts with an option only the container lists', async () => {
    const engine = new OdooEngine(container, settings);
    const lines: string[] = [];
    const logged = new OdooEngine(container, settings, (line) => lines.push(line));
    await logged.restart({ args: ['-d', 'db', '--queue-channels', 'root:2'] });
    const master = onlyMaster(container);
    assert.equal(master.argv[master.argv.indexOf('--queue-channels') + 1], 'root:2');
    assert.equal(logged.knownContainerOptions?.imageId, 'sha256:local-standin');
    assert.equal(logged.knownContainerOptions?.version, 'Odoo Server 18.0');
    await logged.restart({ args: ['-d', 'db', '--queue-channels', 'root:3'] });
    assert.equal(lines.filter((line) => /options from odoo --help/.test(line)).length, 1, lines.join('\n'));
    assert.equal(engine.knownContainerOptions, undefined, 'another engine learned nothing');
  });

  it('without an image id to keep it by, refuses as the bundled catalog does', async () => {
    const other = await startLocalShape('keeper-exec', { series: '18.0', odooArgs: ['-d', 'db'], env: { STANDIN_EXTRA_OPTIONS: JSON.stringify(extraOptions) } });
    try {
      const engine = new OdooEngine(other, settings);
      const error = await engine.restart({ args: ['-d', 'db', '--queue-channels', 'root:2'] }).then(
        () => assert.fail('refused without the container\'s list'),
        (e: unknown) => e as OdooDevError,
      );
      assert.ok(isOdooDevError(error, 'invalid-args'), String(error));
    } finally {
      await other.remove();
    }
  });
});
