/**
 * `odoo-dev test` and `odoo-dev update --changed` against the Odoo stand-in in real containers:
 * the fixture addon my_tests really runs beside the live server, which keeps its PID and keeps
 * answering throughout, also a prefork server (whose workers the run does not copy: it runs as
 * one process, and Odoo logs its end-of-run count); Ctrl+C stops the run and leaves nothing of it
 * in the container; only modules whose files changed are updated. Needs `bash test/setup/docker-bed.sh` and a build.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliPath, runCli, type CliResult } from '../support/cli';
import { execIn, httpIn, isAnswering, logsOf, processesIn, startShape, waitFor, type Shape, type ShapeContainer } from '../support/docker-bed';

const FIXTURE = path.resolve(__dirname, '../fixtures/standin/addons/my_tests');
const IN_CONTAINER = '/mnt/extra-addons/my_tests/tests/test_my_tests.py';

interface TestRecord {
  readonly kind: string;
  readonly id?: string;
  readonly outcome?: string;
  readonly message?: string;
  readonly location?: { readonly file: string; readonly line: number; readonly containerFile: string };
  readonly total?: number;
  readonly changed?: string[];
}

const records = (result: CliResult): TestRecord[] => result.stdout.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as TestRecord);

/** The Odoo server masters (not runs beside them, not gevent) of a container. */
async function serverPids(shape: ShapeContainer): Promise<number[]> {
  const odoo = (await processesIn(shape.container)).filter((p) => p.argv.includes('/usr/bin/odoo') && !p.argv.includes('--stop-after-init'));
  const pids = new Set(odoo.map((p) => p.pid));
  return odoo.filter((p) => !pids.has(p.ppid) && !p.argv.includes('gevent')).map((p) => p.pid);
}

/** Runs `work`, asking the server all along whether it answers and which PID it has; each answer is kept. */
async function watchedWhile<T>(shape: ShapeContainer, work: Promise<T>): Promise<{ value: T; seen: Array<{ answering: boolean; pids: number[] }> }> {
  let done = false;
  const finished = work.finally(() => { done = true; });
  const seen: Array<{ answering: boolean; pids: number[] }> = [];
  while (!done) {
    // Each probe is an exec of its own: the loop waits on Docker, not on a timer.
    seen.push({ answering: await isAnswering(shape.container), pids: await serverPids(shape) });
  }
  return { value: await finished, seen };
}

const shapes: Array<[string, Shape]> = [['official image: Odoo is PID 1', 'official'], ['keeper: Odoo started by an exec', 'keeper-exec']];

describe('odoo-dev test and update --changed (real Docker engine)', function () {
  this.timeout(120_000);
  const folders: string[] = [];
  /** An empty folder to run the CLI in, or one holding a copy of the fixture addon, as a workspace does. */
  const folder = (withAddon: boolean) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-dev-tests-'));
    folders.push(dir);
    if (withAddon) {
      fs.cpSync(FIXTURE, path.join(dir, 'addons', 'my_tests'), { recursive: true });
    }
    return dir;
  };
  after(() => {
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, shape] of shapes) {
    describe(name, () => {
      let odoo: ShapeContainer;
      before(async () => {
        odoo = await startShape(shape, { odooArgs: ['-d', 'db'] });
      });
      after(() => odoo?.remove());

      it('test my_tests --json: one record per test with its outcome and the failure\'s file and line; the server untouched', async () => {
        const [before] = await serverPids(odoo);
        const { value: result, seen } = await watchedWhile(odoo, runCli(['--container', odoo.name, 'test', 'my_tests', '--json'], {}, folder(false)));
        assert.equal(result.code, 1, `a test failed, so the exit code is 1\n${result.stderr}`);
        const tests = records(result).filter((r) => r.kind === 'test');
        assert.deepEqual(Object.fromEntries(tests.map((t) => [t.id, t.outcome])), {
          'my_tests/test_my_tests:TestAtInstall.test_at_install': 'passed',
          'my_tests/test_my_tests:TestMyTests.test_error': 'errored',
          'my_tests/test_my_tests:TestMyTests.test_fail': 'failed',
          'my_tests/test_my_tests:TestMyTests.test_pass': 'passed',
          'my_tests/test_my_tests:TestMyTests.test_skip': 'skipped',
          'my_tests/test_my_tests:TestMyTests.test_skip_decorated': 'skipped',
        });
        const failed = tests.find((t) => t.outcome === 'failed')!;
        assert.equal(failed.message, 'AssertionError: 4 != 5 : arithmetic is broken');
        // No copy of the module here: the file is named as the container has it.
        assert.deepEqual(failed.location, { file: IN_CONTAINER, line: 16, containerFile: IN_CONTAINER });
        assert.equal(tests.find((t) => t.outcome === 'errored')!.location?.line, 19);
        assert.equal(records(result).at(-1)?.kind, 'summary');
        assert.ok(seen.length > 0, 'the server was watched during the run');
        assert.deepEqual(seen.filter((s) => !s.answering || s.pids.join() !== String(before)), [], `the server answered with PID ${before} throughout`);
        assert.deepEqual(await serverPids(odoo), [before]);
        assert.equal(await isAnswering(odoo.container), true);
        assert.doesNotMatch(await logsOf(odoo.container), /Initiating server reload/, 'a test run does not reload the server');
      });

      it('test MODULE:Class.method from a folder holding the module: only that test, its file in the folder', async () => {
        const dir = folder(true);
        const result = await runCli(['--container', odoo.name, 'test', 'my_tests:TestMyTests.test_fail', '--json'], {}, dir);
        assert.equal(result.code, 1, result.stderr);
        const tests = records(result).filter((r) => r.kind === 'test');
        assert.deepEqual(tests.map((t) => t.id), ['my_tests/test_my_tests:TestMyTests.test_fail']);
        assert.deepEqual(tests[0].location, { file: path.join(dir, 'addons/my_tests/tests/test_my_tests.py'), line: 16, containerFile: IN_CONTAINER });
        const passing = await runCli(['--container', odoo.name, 'test', 'my_tests:TestMyTests.test_pass'], {}, dir);
        assert.equal(passing.code, 0, passing.stdout + passing.stderr);
        assert.match(passing.stdout, /^passed +my_tests TestMyTests\.test_pass /m);
      });
    });
  }

  /** The image's config file, plus `workers = 2`: a prefork server whose command line does not say so. */
  const preforkConfig = () => {
    const file = path.join(folder(false), 'odoo.conf');
    fs.writeFileSync(file, '[options]\naddons_path = /mnt/extra-addons\ndata_dir = /var/lib/odoo\nworkers = 2\nmax_cron_threads = 0\n', { mode: 0o644 });
    return file;
  };
  const preforks: Array<[string, () => Promise<ShapeContainer>]> = [
    ['prefork: a master started with --workers 2 is PID 1', () => startShape('prefork', { odooArgs: ['-d', 'db'] })],
    ['prefork by the config file: workers = 2 in odoo.conf, not on the command line', () => startShape('official', { odooArgs: ['-d', 'db'], binds: [`${preforkConfig()}:/etc/odoo/odoo.conf:ro`] })],
  ];
  for (const [name, start] of preforks) {
    describe(name, () => {
      let odoo: ShapeContainer;
      before(async () => {
        odoo = await start();
      });
      after(() => odoo?.remove());

      /** Whether /web/health itself answers 200 `{"status": "pass"}`. */
      const healthy = async () => {
        const health = await httpIn(odoo.container, 'GET', '/web/health');
        return health.status === 200 && (JSON.parse(health.body) as { status?: string }).status === 'pass';
      };
      const family = async () => (await processesIn(odoo.container)).filter((p) => p.ppid === 1 && p.argv.includes('/usr/bin/odoo')).map((p) => p.pid).sort();

      it('test my_tests --json runs as one process beside it: each test with its outcome, the master, its workers and /web/health unchanged', async () => {
        await waitFor('the prefork server to answer /web/health', async () => ((await healthy()) ? true : undefined), 30_000);
        const children = await family();
        assert.equal(children.length, 3, 'two workers and the gevent process');
        const probes: boolean[] = [];
        let done = false;
        const work = runCli(['--container', odoo.name, 'test', 'my_tests', '--json'], {}, folder(false)).finally(() => { done = true; });
        while (!done) {
          // Each probe is an exec of its own: the loop waits on Docker, not on a timer.
          probes.push((await healthy()) && (await serverPids(odoo)).join() === '1');
        }
        const result = await work;
        assert.equal(result.code, 1, `a test failed, so the exit code is 1, and the run is not reported as failed\n${result.stderr}`);
        assert.doesNotMatch(result.stderr, /The run \(PID \d+\) ended with/);
        const tests = records(result).filter((r) => r.kind === 'test');
        assert.deepEqual(Object.fromEntries(tests.map((t) => [t.id, t.outcome])), {
          'my_tests/test_my_tests:TestAtInstall.test_at_install': 'passed',
          'my_tests/test_my_tests:TestMyTests.test_error': 'errored',
          'my_tests/test_my_tests:TestMyTests.test_fail': 'failed',
          'my_tests/test_my_tests:TestMyTests.test_pass': 'passed',
          'my_tests/test_my_tests:TestMyTests.test_skip': 'skipped',
          'my_tests/test_my_tests:TestMyTests.test_skip_decorated': 'skipped',
        });
        assert.deepEqual(tests.find((t) => t.outcome === 'failed')!.location, { file: IN_CONTAINER, line: 16, containerFile: IN_CONTAINER });
        const summary = records(result).at(-1)!;
        assert.equal(summary.kind, 'summary');
        assert.equal(summary.total, 6);
        // One process: it ran threaded, so it logged Odoo's own count and no warning about workers.
        const log = await logsOf(odoo.container);
        assert.match(log, / ERROR db odoo\.tests\.result: 1 failed, 1 error\(s\) of 6 tests when loading database 'db'/);
        assert.doesNotMatch(log, /Unit testing in workers mode could fail/);
        assert.ok(probes.length > 0, 'the server was watched during the run');
        assert.deepEqual(probes.filter((ok) => !ok), [], 'PID 1 answered /web/health throughout');
        assert.deepEqual(await serverPids(odoo), [1]);
        assert.deepEqual(await family(), children, 'the same workers and gevent process');
        assert.equal(await healthy(), true);
        assert.doesNotMatch(log, /Initiating server reload/, 'a test run does not reload the server');
      });
    });
  }

  it('bad input: an unknown test name and no database say what to do, and run nothing', async () => {
    const odoo = await startShape('keeper-exec', { odooArgs: [] });
    try {
      const bad = await runCli(['--container', odoo.name, 'test', 'my-tests'], {}, folder(false));
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /"my-tests" is not a test to run: "my-tests" is not a module name\. Name tests as MODULE/);
      const noDb = await runCli(['--container', odoo.name, 'test', 'my_tests'], {}, folder(false));
      assert.equal(noDb.code, 2);
      assert.match(noDb.stderr, /runs without -d, so there is no database to test in\. Name the database \(odoo-dev test --db NAME\)/);
      assert.doesNotMatch(await logsOf(odoo.container), /--test-enable|Starting post tests/);
    } finally {
      await odoo.remove();
    }
  });

  it('Ctrl+C stops the run in the container: nothing of it is left, and the server goes on', async () => {
    const odoo = await startShape('official', { odooArgs: ['-d', 'db'] });
    try {
      const child = spawn(process.execPath, [cliPath, '--container', odoo.name, 'test', 'my_tests:TestSlow.test_waits', '--no-update'], { cwd: folder(false), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      // The test of TestSlow waits forever: it runs once the container's log says it started.
      await waitFor('TestSlow.test_waits to start', async () => (/Starting TestSlow\.test_waits \.\.\./.test(await logsOf(odoo.container)) ? true : undefined), 30_000);
      const runs = (await processesIn(odoo.container)).filter((p) => p.argv.includes('--test-enable'));
      assert.equal(runs.length, 1, 'the run is there before Ctrl+C');
      child.kill('SIGINT');
      assert.equal(await exited, 1, stderr);
      assert.match(stderr, /The run \(PID \d+\) was cancelled and stopped; nothing of it is left in the container/);
      assert.deepEqual((await processesIn(odoo.container)).filter((p) => p.argv.includes('--test-enable')), []);
      assert.deepEqual(await serverPids(odoo), [1]);
      assert.equal(await isAnswering(odoo.container), true);
    } finally {
      await odoo.remove();
    }
  });

  it('update --changed: first every module, then nothing, then only the module whose files changed', async () => {
    const odoo = await startShape('official', { odooArgs: ['-d', 'db'] });
    const update = () => runCli(['--container', odoo.name, 'update', '--changed', '--json'], {}, cwd);
    const cwd = folder(false);
    const loadings = async () => (await logsOf(odoo.container)).split('\n').filter((line) => / db odoo\.modules\.loading: loading \w+$/.test(line)).map((line) => line.split(' ').pop());
    try {
      // Never updated this way: no checksum is recorded, so each module counts as changed.
      const first = await update();
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual(records(first)[0].changed, ['my_module', 'my_tests', 'sale_extension']);
      assert.deepEqual(await loadings(), ['my_module', 'my_tests', 'sale_extension']);

      const none = await update();
      assert.equal(none.code, 0, none.stderr);
      assert.deepEqual(records(none)[0].changed, []);
      assert.deepEqual(await loadings(), ['my_module', 'my_tests', 'sale_extension'], 'nothing ran');

      // A test file changes what the tests do, not what an update does.
      const touchTest = await execIn(odoo.container, ['sh', '-c', 'echo "# touched" >> /mnt/extra-addons/my_tests/tests/test_slow.py'], { user: 'odoo' });
      assert.equal(touchTest.exitCode, 0, touchTest.stderr);
      assert.deepEqual(records(await update())[0].changed, []);

      const touch = await execIn(odoo.container, ['sh', '-c', 'echo "# changed" >> /mnt/extra-addons/my_module/__init__.py'], { user: 'odoo' });
      assert.equal(touch.exitCode, 0, touch.stderr);
      const changed = await update();
      assert.equal(changed.code, 0, changed.stderr);
      assert.deepEqual(records(changed)[0].changed, ['my_module']);
      assert.deepEqual(await loadings(), ['my_module', 'my_tests', 'sale_extension', 'my_module']);
      // An update loads new code: the PID 1 server reloads in place, the container stays.
      assert.match(await logsOf(odoo.container), / 1 INFO \? odoo\.service\.server: Initiating server reload/);
      assert.deepEqual(await serverPids(odoo), [1]);
      assert.equal(await isAnswering(odoo.container), true);

      // --test: the tests of what changed run in the same run; failing tests do not undo the update.
      const reloads = async () => ((await logsOf(odoo.container)).match(/Initiating server reload/g) ?? []).length;
      const reloadsBefore = await reloads();
      const touchTests = await execIn(odoo.container, ['sh', '-c', 'echo "# changed" >> /mnt/extra-addons/my_tests/__init__.py'], { user: 'odoo' });
      assert.equal(touchTests.exitCode, 0, touchTests.stderr);
      const tested = await runCli(['--container', odoo.name, 'update', '--changed', '--test', '--json'], {}, cwd);
      assert.equal(tested.code, 1, `a test failed\n${tested.stderr}`);
      const testedRecords = records(tested);
      assert.equal(testedRecords.filter((r) => r.kind === 'test').length, 6);
      assert.deepEqual(testedRecords.at(-1)?.changed, ['my_tests']);
      assert.equal(await reloads(), reloadsBefore + 1, 'the server loaded the updated code');
      assert.deepEqual(records(await update())[0].changed, []);

      const text = await runCli(['--container', odoo.name, 'update', '--changed'], {}, cwd);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^No module changed since its last update in database db \(3 checked\); nothing was run\.$/m);
    } finally {
      await odoo.remove();
    }
  });
});
