/**
 * The Odoo stand-in's --dev=reload, as a local python3 process (no Docker): a changed Python file
 * of its addons paths that compiles makes the threaded server HUP itself and re-execute, as
 * Odoo's file watcher does; one that does not compile is logged and changes nothing.
 * Contract: test/fixtures/README.md.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FAST, LocalStandins, STANDIN_ADDONS, freePort } from '../support/standin-local';

describe('Odoo stand-in --dev=reload (local process)', function () {
  this.timeout(30000);
  const bed = new LocalStandins();
  let addons: string;
  beforeEach(() => {
    addons = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-reload-'));
    fs.cpSync(path.join(STANDIN_ADDONS, 'my_module'), path.join(addons, 'my_module'), { recursive: true });
  });
  afterEach(() => {
    bed.killAll();
    fs.rmSync(addons, { recursive: true, force: true });
  });
  after(() => bed.dispose());

  const start = async (dev: string) => {
    const port = await freePort();
    const standin = bed.start(['-p', String(port), '--http-interface', '127.0.0.1', '--addons-path', addons, dev], { env: FAST });
    await standin.waitForLog('AutoReload watcher running');
    return standin;
  };
  const count = (text: string, pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line)).length;

  for (const dev of ['--dev=reload', '--dev=all']) {
    it(`${dev}: a changed Python file re-executes the server, same PID`, async () => {
      const standin = await start(dev);
      assert.equal(count(standin.stderr, /odoo: Odoo version/), 1);
      fs.appendFileSync(path.join(addons, 'my_module', '__init__.py'), '\nVALUE = 1\n');
      await standin.waitForLog('autoreload: python code updated, autoreload activated');
      await standin.waitForLog(/Initiating server reload[\s\S]*odoo: Odoo version[\s\S]*AutoReload watcher running/);
      assert.equal(standin.ended, undefined, 'the server re-executes, it does not end');
      assert.match(standin.stderr, new RegExp(`${standin.pid} INFO \\? odoo: Odoo version`));
    });
  }

  it('a change that does not compile is logged and nothing restarts', async () => {
    const standin = await start('--dev=reload');
    fs.appendFileSync(path.join(addons, 'my_module', '__init__.py'), '\ndef broken(:\n');
    await standin.waitForLog(/autoreload: python code change detected, SyntaxError in .*__init__\.py/);
    assert.equal(count(standin.stderr, /autoreload activated|Initiating server reload/), 0);
    // A valid change afterwards is taken: the watcher went on.
    fs.writeFileSync(path.join(addons, 'my_module', '__init__.py'), 'VALUE = 2\n');
    await standin.waitForLog('Initiating server reload');
    assert.equal(count(standin.stderr, /autoreload activated/), 1);
  });

  it('without --dev=reload, nothing watches', async () => {
    const port = await freePort();
    const standin = bed.start(['-p', String(port), '--http-interface', '127.0.0.1', '--addons-path', addons, '--dev=xml'], { env: FAST });
    await standin.waitForLog('HTTP service (werkzeug) running on');
    assert.doesNotMatch(standin.stderr, /AutoReload watcher/);
  });
});
