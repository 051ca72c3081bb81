/**
 * `npm run bench`: our restart against `docker restart` and the original script's method,
 * side by side in one run against the Odoo stand-in with its phases set to those of a real
 * Odoo 18; the requests that fail during each restart; our overhead over the stand-in's own
 * stop and boot, and how fast the watcher sees outside changes. Tables on stdout, then the summary as one JSON line (the last); the full JSON (every sample) also goes to
 * bench/results/latest.json. Progress goes to stderr. Every container made here is removed at
 * the end, also on failure or Ctrl-C. Flags and variables: bench/lib/config.ts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { agentSource } from '../src/agent/agent-source';
import { DockerOdooContainer } from '../src/docker/docker-odoo-container';
import { defaultEngineSettings } from '../src/engine/engine-types';
import { OdooEngine } from '../src/engine/odoo-engine';
import {
  BENCH_LABEL,
  createContainer,
  docker,
  execIn,
  freePorts,
  logsOf,
  machineInfo,
  now,
  removeOurContainers,
  RUN_ID,
  sleep,
  toEpoch,
  writeFileIn,
  type BenchContainer,
} from './lib/bed';
import { parseConfig } from './lib/config';
import { measureDetection, type DetectionSample } from './lib/detection';
import { formatExtension, measureExtension, summarizeExtension } from './lib/extension-figures';
import { untilAnswering } from './lib/http-ready';
import {
  agentInContainer,
  ArgToggle,
  argSets,
  calibrate,
  CALIBRATE_PATH,
  cliStartup,
  dockerRestart,
  execRoundTrip,
  originalScript,
  oursCli,
  oursEngine,
  SCRIPT_LOG,
  SCRIPT_PATH,
  type Calibration,
  type Sample,
} from './lib/methods';
import { buildReport, METHODS, type Micro } from './lib/report';
import { marksAfter, parseStandinLog, type RestartMarks } from './lib/standin-log';
import { TracingContainer } from './lib/tracing-container';

const RESULTS = path.join(__dirname, 'results', 'latest.json');
const ENDPOINT = 'unix:///var/run/docker.sock';

function say(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= removeOurContainers().then((n) => say(`removed ${n} container(s)`), () => undefined);
  return cleaning;
}

async function main(): Promise<number> {
  const config = parseConfig(process.argv.slice(2), process.env);
  const started = now();
  const machine = await machineInfo();
  const loadStart = os.loadavg()[0];
  const othersStart = await otherRunningContainers();
  say(`${machine.cpu}, ${machine.cores} cores, Docker ${machine.docker}`);
  const env = {
    STANDIN_STOP_DELAY: String(config.stopDelay),
    STANDIN_EXIT_DELAY: String(config.exitDelay),
    STANDIN_IMPORT_DELAY: String(config.importDelay),
    STANDIN_BOOT_DELAY: String(config.bootDelay),
    STANDIN_REGISTRY_DELAY: String(config.registryDelay),
    STANDIN_FIRST_ROUTE_DELAY: String(config.firstRouteDelay),
  };
  const [portOurs, portOfficial, portScript, portCalib, portDetect] = await freePorts(5);
  const ports = { ours: portOurs, official: portOfficial, script: portScript, calibrate: portCalib, detect: portDetect };
  say(`ports ${JSON.stringify(ports)}; creating containers`);
  const oursSets = argSets(portOurs);
  const scriptSets = argSets(portScript);
  const [ours, official, script, calib, detect] = await Promise.all([
    createContainer('ours', 'keeper', portOurs, env),
    createContainer('official', 'official', portOfficial, env, oursSetsFor(portOfficial)),
    createContainer('script', 'keeper', portScript, env),
    createContainer('calibrate', 'keeper', portCalib, env),
    config.detectionRounds > 0 ? createContainer('detect', 'keeper', portDetect, env) : Promise.resolve(undefined),
  ]);

  const oursTracer = new TracingContainer(new DockerOdooContainer(docker, ours.id, ours.name, ENDPOINT));
  const oursEngineInstance = new OdooEngine(oursTracer);
  // The same container, with the stop-then-start path (and the HUP for the same args): what overlapping saves.
  const oursStopFirst = new OdooEngine(oursTracer, { ...defaultEngineSettings, noOverlap: true });
  const officialTracer = new TracingContainer(new DockerOdooContainer(docker, official.id, official.name, ENDPOINT));
  const officialEngine = new OdooEngine(officialTracer);
  const oursArgs = new ArgToggle(oursSets);
  const scriptArgs = new ArgToggle(scriptSets);

  // Set-up, not measured: Odoo running in each container, the script and calibrator in place.
  await Promise.all([
    (async () => {
      await oursEngineInstance.start({ args: oursArgs.current });
      await untilAnswering(portOurs);
    })(),
    untilAnswering(portOfficial),
    (async () => {
      await writeFileIn(script.container, SCRIPT_PATH, readFileSync(path.join(__dirname, 'lib', 'original-restart.sh'), 'utf8'), '755');
      const first = await execIn(script.container, ['sh', SCRIPT_PATH, SCRIPT_LOG, ...scriptArgs.current]);
      if (first.exitCode !== 0) {
        throw new Error(`the original script failed to start Odoo: ${first.stderr}`);
      }
      await untilAnswering(portScript);
    })(),
    writeFileIn(calib.container, CALIBRATE_PATH, readFileSync(path.join(__dirname, 'lib', 'calibrate.py'), 'utf8')),
  ]);
  say('set-up done');

  const samples: Sample[] = [];
  const calibrations: Array<{ round: number; warmup: boolean; calibration: Calibration }> = [];
  const micro: Micro = { execTrueMs: [], execPythonMs: [], execAgentMs: [], agentInContainerMs: [], pythonInContainerMs: [], cliStartupMs: [], nodeStartupMs: [] };
  const total = config.warmup + config.rounds;
  for (let index = 0; index < total; index++) {
    const warmup = index < config.warmup;
    const round = warmup ? -(config.warmup - index) + 1 : index - config.warmup + 1;
    const steps: Array<[string, () => Promise<void>]> = [
      ['ours-engine', async () => { samples.push(await oursEngine('ours-engine', oursEngineInstance, oursTracer, ours, oursArgs.next(), round, warmup)); }],
      ['ours-cli', async () => { samples.push(await oursCli('ours-cli', ours, oursArgs.next(), round, warmup)); }],
      ['ours-stop-first', async () => { samples.push(await oursEngine('ours-stop-first', oursStopFirst, oursTracer, ours, oursArgs.next(), round, warmup)); }],
      // Without overlap a same-args restart is Odoo's own HUP re-exec.
      ['ours-hup', async () => { samples.push(await oursEngine('ours-hup', oursStopFirst, oursTracer, ours, undefined, round, warmup)); }],
      ['docker-restart', async () => { samples.push(await dockerRestart('docker-restart', official, round, warmup)); }],
      // After a step on another container, as ours-engine: the warm process made by the restart
      // before is done importing, as it is when a user restarts again.
      ['ours-same-args', async () => { samples.push(await oursEngine('ours-same-args', oursEngineInstance, oursTracer, ours, undefined, round, warmup)); }],
      ['ours-hup-pid1', async () => { samples.push(await oursEngine('ours-hup-pid1', officialEngine, officialTracer, official, undefined, round, warmup)); }],
      ['original-script', async () => { samples.push(await originalScript('original-script', script, scriptArgs.next(), round, warmup)); }],
      ['calibrate', async () => { calibrations.push({ round, warmup, calibration: await calibrate(calib, argSets(portCalib)[0]) }); }],
      ['reference', async () => {
        if (warmup) {
          return;
        }
        micro.execTrueMs.push(await execRoundTrip(ours, ['true']));
        micro.execPythonMs.push(await execRoundTrip(ours, ['python3', '-c', 'pass']));
        micro.execAgentMs.push(await execRoundTrip(ours, ['python3', '-c', agentSource(), '{}'], '0'));
        const inside = await agentInContainer(ours, agentSource());
        micro.agentInContainerMs.push(inside.agentSnapshotMs);
        micro.pythonInContainerMs.push(inside.pythonPassMs);
        micro.nodeStartupMs.push(await timeProcess(process.execPath, ['-e', '0']));
        micro.cliStartupMs.push(await cliStartup());
      }],
    ];
    const offset = index % steps.length;
    const order = [...steps.slice(offset), ...steps.slice(0, offset)];
    for (const [, run] of order) {
      await run();
      await sleep(config.settleMs);
    }
    const last = samples.slice(-METHODS.length).map((s) => `${s.method} ${s.error ? 'FAILED' : Math.round(s.hostReadyMs ?? NaN)}`).join(', ');
    say(`${warmup ? 'warm-up' : `round ${round}/${config.rounds}`}: ${last}`);
    for (const s of samples.slice(-METHODS.length).filter((x) => x.error)) {
      say(`  ${s.method}: ${s.error}`);
    }
  }

  let detection: DetectionSample[] = [];
  if (detect) {
    const detectEngine = new OdooEngine(new DockerOdooContainer(docker, detect.id, detect.name, ENDPOINT));
    detection = await measureDetection(detect, detectEngine, argSets(portDetect)[0], config.detectionRounds, config.watcherPollMs, say);
  }

  say('reading the stand-in logs');
  const marks = await logMarks(samples, { ours, official, script });
  const load = { start: loadStart, end: os.loadavg()[0], otherContainersStart: othersStart, otherContainersEnd: await otherRunningContainers() };
  const report = buildReport({ config, machine, samples, marks, calibrations, micro, detection, elapsedMs: now() - started, ports, load });
  // The editor's side: bundle and .vsix sizes, activation, completion latency (no Docker).
  const extension = await measureExtension(say);
  const summary = { ...report.summary, extension: summarizeExtension(extension) };
  // The tables, then the summary as one JSON line (the last line), for scripts.
  process.stdout.write(`${report.text}\n\n${formatExtension(extension)}\n\n${JSON.stringify(summary)}\n`);
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ ...report.full, extension }, null, 2)}\n`);
  say(`full results: ${path.relative(process.cwd(), RESULTS)}`);
  return 0;
}

/** The official container runs the first arg set of its own port (same args for ever). */
function oursSetsFor(port: number): string[] {
  return argSets(port)[0];
}

async function logMarks(samples: readonly Sample[], containers: Record<'ours' | 'official' | 'script', BenchContainer>): Promise<Map<Sample, RestartMarks>> {
  const scriptLog = await execIn(containers.script.container, ['cat', SCRIPT_LOG]);
  const records = new Map([
    [containers.ours.name, parseStandinLog(await logsOf(containers.ours.container))],
    [containers.official.name, parseStandinLog(await logsOf(containers.official.container))],
    [containers.script.name, parseStandinLog(scriptLog.stdout)],
  ]);
  const marks = new Map<Sample, RestartMarks>();
  for (const s of samples) {
    const list = records.get(s.container);
    if (list) {
      const end = s.cmdAt + Math.max(s.doneMs, s.hostReadyMs ?? 0) + 1000;
      marks.set(s, marksAfter(list, toEpoch(s.cmdAt), toEpoch(end)));
    }
  }
  return marks;
}

/** Running containers that are not this run's: other test runs share the machine. */
async function otherRunningContainers(): Promise<number> {
  const list = await docker.listContainers();
  return list.filter((c) => c.Labels?.[BENCH_LABEL] !== RUN_ID).length;
}

function timeProcess(command: string, args: readonly string[]): Promise<number> {
  const startedAt = now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(now() - startedAt));
  });
}

// `on`, not `once`: a Ctrl-C reaches us twice (from the terminal and relayed by tsx), and the
// second must not end the process before the containers are gone.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) {
      return;
    }
    interrupted = true;
    say(`${signal}: removing the bench's containers`);
    void cleanup().finally(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (error: unknown) => {
    process.stderr.write(`bench: failed: ${(error as Error)?.stack ?? String(error)}\n`);
    if (/no such container/i.test(String((error as Error)?.message))) {
      process.stderr.write('bench: a container of the bench disappeared: a test run\'s clean-up removes every container labelled odoo-dev-test=1. Run the bench while no tests run, or with BENCH_TEST_LABEL=0.\n');
    }
    await cleanup();
    process.exit(1);
  },
);
