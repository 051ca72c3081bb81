/** Turns the samples into medians, ratios, breakdowns, tables and JSON. */
import type { MachineInfo } from './bed';
import { toEpoch } from './bed';
import type { BenchConfig } from './config';
import type { DetectionSample } from './detection';
import type { Calibration, Sample } from './methods';
import type { RestartMarks } from './standin-log';
import { ms, round, summarize, table, type Summary } from './stats';

export const METHODS: ReadonlyArray<{ id: string; label: string; shape: string }> = [
  { id: 'ours-engine', label: 'ours: engine in-process, new args', shape: 'keeper' },
  { id: 'ours-cli', label: 'ours: odoo-dev CLI, new args', shape: 'keeper' },
  { id: 'ours-stop-first', label: 'ours: engine, new args, no overlap', shape: 'keeper' },
  { id: 'ours-same-args', label: 'ours: engine, same args (overlap)', shape: 'keeper' },
  { id: 'ours-hup', label: 'ours: engine, same args, no overlap (HUP)', shape: 'keeper' },
  { id: 'ours-hup-pid1', label: 'ours: engine, same args (HUP)', shape: 'PID 1' },
  { id: 'docker-restart', label: 'docker restart (same args)', shape: 'PID 1' },
  { id: 'original-script', label: 'original script method, new args', shape: 'keeper' },
];

export interface Micro {
  readonly execTrueMs: number[];
  readonly execPythonMs: number[];
  /** `docker exec` of our agent with stdin closed: snapshot, then the end. */
  readonly execAgentMs: number[];
  /** The same agent run and `python3 -c pass`, timed inside the container (best of 3). */
  readonly agentInContainerMs: number[];
  readonly pythonInContainerMs: number[];
  readonly cliStartupMs: number[];
  readonly nodeStartupMs: number[];
}

export interface BenchData {
  readonly config: BenchConfig;
  readonly machine: MachineInfo;
  readonly samples: readonly Sample[];
  readonly marks: ReadonlyMap<Sample, RestartMarks>;
  readonly calibrations: ReadonlyArray<{ round: number; warmup: boolean; calibration: Calibration }>;
  readonly micro: Micro;
  readonly detection: readonly DetectionSample[];
  readonly elapsedMs: number;
  readonly ports: Readonly<Record<string, number>>;
  /** What else ran: 1-minute load average and other running containers, at start and end. */
  readonly load: { readonly start: number; readonly end: number; readonly otherContainersStart: number; readonly otherContainersEnd: number };
}

interface Interval {
  readonly label: string;
  readonly value: (s: Sample, m: RestartMarks | undefined) => number | undefined;
}

export function buildReport(data: BenchData): { text: string; summary: Record<string, unknown>; full: Record<string, unknown> } {
  const { config, machine } = data;
  const measured = data.samples.filter((s) => !s.warmup);
  const valid = (s: Sample) => !s.error && s.hostReadyMs !== undefined && invalidity(s, data.marks.get(s)) === undefined;
  const of = (id: string) => measured.filter((s) => s.method === id && valid(s));
  const calibrations = data.calibrations.filter((c) => !c.warmup);
  const calByRound = new Map(calibrations.map((c) => [c.round, c.calibration]));
  const calStop = summarize(calibrations.map((c) => c.calibration.stopMs));
  const calBoot = summarize(calibrations.map((c) => c.calibration.bootMs));
  const calClosed = summarize(calibrations.map((c) => c.calibration.termToClosedMs));
  const calListen = summarize(calibrations.map((c) => c.calibration.listenMs));
  const standinOwn = (round: number) => {
    const c = calByRound.get(round);
    return c ? c.stopMs + c.bootMs : undefined;
  };

  const lines: string[] = [];
  const say = (line = '') => lines.push(line);

  say(`Odoo Dev Container restart bench, ${new Date().toISOString()}`);
  say(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, kernel ${machine.kernel}, Docker ${machine.docker} (API ${machine.dockerApi}, ${machine.storageDriver}), Node ${machine.node}`);
  say(`load: 1-min load average ${data.load.start.toFixed(2)} at start, ${data.load.end.toFixed(2)} at end; other running containers ${data.load.otherContainersStart} at start, ${data.load.otherContainersEnd} at end`);
  say(`stand-in phases (s): STANDIN_STOP_DELAY=${config.stopDelay} STANDIN_EXIT_DELAY=${config.exitDelay} STANDIN_IMPORT_DELAY=${config.importDelay} STANDIN_BOOT_DELAY=${config.bootDelay} STANDIN_REGISTRY_DELAY=${config.registryDelay} STANDIN_FIRST_ROUTE_DELAY=${config.firstRouteDelay}; series 17.0, threaded, args -d bench --http-port PORT --dev=xml|qweb`);
  say(`rounds: ${config.rounds} measured (+${config.warmup} warm-up), methods interleaved and rotated per round; containers on --network host, host polls GET /standin/process every 10 ms`);
  say(`ready = the host's first HTTP 200 from the NEW server (the stand-in names its generation in each answer, so an overlapping restart with no gap is measured alike)`);
  say();

  // --- headline: command to the new server answering, ratio, failed requests -------------
  const med = (id: string) => summarize(of(id).map((s) => s.hostReadyMs!))?.median;
  const ratio = (a: string, b: string) => {
    const x = med(a);
    const y = med(b);
    return x !== undefined && y !== undefined ? round(x / y, 2) : undefined;
  };
  const requestsJson: Record<string, unknown> = {};
  const headRows: string[][] = [];
  for (const id of ['ours-engine', 'ours-cli', 'ours-stop-first', 'ours-same-args', 'ours-hup', 'docker-restart']) {
    const method = METHODS.find((m) => m.id === id)!;
    const samples = of(id);
    const sent = samples.reduce((n, s) => n + (s.requests?.sent ?? 0), 0);
    const failed = samples.reduce((n, s) => n + (s.requests?.failed ?? 0), 0);
    const perRestart = summarize(samples.map((s) => s.requests?.failed ?? NaN));
    requestsJson[id] = { sent, failed, failedPerRestart: perRestart, restarts: samples.length };
    headRows.push([method.label, method.shape, ms(med(id)), fmt(ratio(id, 'docker-restart')), `${failed} of ${sent}`, ms(perRestart?.median)]);
  }
  say('Command to the new server answering, and failed requests during the restart');
  say(table(['method', 'shape', 'median ms', 'x docker restart', 'failed requests (all rounds)', 'failed per restart (median)'], headRows));
  say('  requests: the ready poller, one GET /standin/process at a time on loopback every 10 ms (2 s timeout each), from the command to the new server\'s first 200; failed = refused, reset, timed out or not 200');
  say();

  // --- 1-3: command to ready -------------------------------------------------------------
  const rows: string[][] = [];
  const methodsJson: Record<string, unknown> = {};
  for (const method of METHODS) {
    const samples = of(method.id);
    const ready = summarize(samples.map((s) => s.hostReadyMs!));
    const done = summarize(samples.map((s) => s.doneMs));
    const failed = measured.filter((s) => s.method === method.id && !valid(s)).length;
    rows.push([method.label, method.shape, ms(ready?.median), ms(ready?.min), ms(ready?.max), ms(done?.median), `${samples.length}${failed ? ` (${failed} bad)` : ''}`]);
    methodsJson[method.id] = { label: method.label, shape: method.shape, hostReadyMs: ready, commandDoneMs: done, valid: samples.length, invalid: failed };
  }
  say('Command to ready (ms; "returns" = engine promise resolved / CLI or docker call or exec ended)');
  say(table(['method', 'shape', 'median', 'min', 'max', 'returns', 'n'], rows));
  say();

  // --- ratios -----------------------------------------------------------------------------
  const ratios = {
    oursEngineVsDockerRestart: ratio('ours-engine', 'docker-restart'),
    oursEngineVsOriginalScript: ratio('ours-engine', 'original-script'),
    oursCliVsDockerRestart: ratio('ours-cli', 'docker-restart'),
    oursCliVsOriginalScript: ratio('ours-cli', 'original-script'),
    oursHupPid1VsDockerRestart: ratio('ours-hup-pid1', 'docker-restart'),
    oursStopFirstVsDockerRestart: ratio('ours-stop-first', 'docker-restart'),
  };
  // The goals: no failed request during our restart; the engine within 0.45x and the CLI within
  // 0.6x of docker restart.
  const oursFailed = (id: string) => of(id).reduce((n, s) => n + (s.requests?.failed ?? 0), 0);
  const verdict = (value: number | undefined, limit: number) => (value === undefined ? 'not measured' : value <= limit ? 'met' : 'missed');
  const targets = {
    failedRequests: { engine: oursFailed('ours-engine'), cli: oursFailed('ours-cli'), goal: 0 },
    engineRatio: { value: ratios.oursEngineVsDockerRestart, goal: 0.45, verdict: verdict(ratios.oursEngineVsDockerRestart, 0.45) },
    cliRatio: { value: ratios.oursCliVsDockerRestart, goal: 0.6, verdict: verdict(ratios.oursCliVsDockerRestart, 0.6) },
  };
  say(`Goals: 0 failed requests (ours: engine ${targets.failedRequests.engine}, CLI ${targets.failedRequests.cli}); engine <= 0.45x docker restart (${fmt(targets.engineRatio.value)}: ${targets.engineRatio.verdict}); CLI <= 0.6x (${fmt(targets.cliRatio.value)}: ${targets.cliRatio.verdict})`);
  say(`Ratios of medians: ours (engine) / docker restart ${fmt(ratios.oursEngineVsDockerRestart)}, ours (engine) / original script ${fmt(ratios.oursEngineVsOriginalScript)}, ours (CLI) / docker restart ${fmt(ratios.oursCliVsDockerRestart)}, ours (CLI) / original script ${fmt(ratios.oursCliVsOriginalScript)}, ours HUP on PID 1 / docker restart ${fmt(ratios.oursHupPid1VsDockerRestart)}`);
  say();

  // --- 4: overhead ------------------------------------------------------------------------
  const nominal = Math.round((config.stopDelay + config.exitDelay + config.importDelay + config.bootDelay + config.registryDelay) * 1000);
  const overheadRows: string[][] = [];
  const overheadJson: Record<string, unknown> = {};
  for (const id of ['ours-engine', 'ours-cli', 'ours-same-args', 'ours-hup', 'ours-hup-pid1', 'docker-restart', 'original-script']) {
    const samples = of(id);
    const vsMeasured = summarize(samples.map((s) => { const own = standinOwn(s.round); return own === undefined ? NaN : s.hostReadyMs! - own; }));
    const vsNominal = summarize(samples.map((s) => s.hostReadyMs! - nominal));
    const engineReady = id.startsWith('ours') ? summarize(samples.map((s) => { const own = standinOwn(s.round); return own === undefined ? NaN : s.doneMs - own; })) : undefined;
    overheadRows.push([METHODS.find((m) => m.id === id)!.label + (id === 'ours-hup-pid1' || id === 'docker-restart' ? ' [PID 1]' : ''), ms(vsMeasured?.median), ms(vsMeasured?.min), ms(vsMeasured?.max), ms(vsNominal?.median), ms(engineReady?.median)]);
    overheadJson[id] = { minusMeasuredStandinMs: vsMeasured, minusNominalDelaysMs: vsNominal, ...(engineReady ? { returnsMinusMeasuredStandinMs: engineReady } : {}) };
  }
  say(`The stand-in's own times, measured in a container with no Docker round trip (median [min-max] of ${calibrations.length}):`);
  say(`  stop  (SIGTERM to process gone)     ${ms(calStop?.median)} ms [${ms(calStop?.min)}-${ms(calStop?.max)}]  (socket closed after ${ms(calClosed?.median)} ms; knobs ${config.stopDelay * 1000} + ${config.exitDelay * 1000} ms)`);
  say(`  boot  (spawn to HTTP 200)           ${ms(calBoot?.median)} ms [${ms(calBoot?.min)}-${ms(calBoot?.max)}]  (listening after ${ms(calListen?.median)} ms; knobs ${config.importDelay * 1000} + ${config.bootDelay * 1000} + ${config.registryDelay * 1000} ms + Python start-up)`);
  say(`  stop + boot, paired per round       ${ms(summarize(calibrations.map((c) => c.calibration.stopMs + c.calibration.bootMs))?.median)} ms (knobs: ${nominal} ms)`);
  say();
  say('Overhead = command-to-ready minus the stand-in\'s own stop + boot (ms; paired with the same round\'s calibration)');
  say(table(['method', 'median', 'min', 'max', 'minus knobs', 'returns minus own'], overheadRows));
  const scriptExpected = calStop && calBoot ? Math.ceil(calStop.median / 1000) * 1000 + calBoot.median : undefined;
  say(`  The 1 s polling method should land near ceil(stop) + boot = ${ms(scriptExpected)} ms plus one exec and the /proc scan: measured ${ms(med('original-script'))} ms.`);
  say();

  // --- where the time goes ---------------------------------------------------------------
  const phases: Interval[] = [
    { label: 'command -> old server signalled (log)', value: (s, m) => (m?.signalled !== undefined ? m.signalled - toEpoch(s.cmdAt) : undefined) },
    { label: 'signalled -> new server\'s first log line', value: (_s, m) => (m?.signalled !== undefined && m.started !== undefined ? m.started - m.signalled : undefined) },
    { label: 'first log line -> listening (log)', value: (_s, m) => (m?.started !== undefined && m.listening !== undefined ? m.listening - m.started : undefined) },
    { label: 'listening -> host sees 200', value: (s, m) => (m?.listening !== undefined && s.hostReadyMs !== undefined ? toEpoch(s.cmdAt) + s.hostReadyMs - m.listening : undefined) },
    { label: 'host sees 200 -> command returns', value: (s) => (s.hostReadyMs !== undefined ? s.doneMs - s.hostReadyMs : undefined) },
  ];
  const phaseIds = ['ours-engine', 'ours-cli', 'ours-same-args', 'ours-hup', 'ours-hup-pid1', 'docker-restart', 'original-script'];
  const phaseJson: Record<string, unknown> = {};
  const phaseRows = phases.map((p) => [p.label, ...phaseIds.map((id) => {
    const sum = summarize(of(id).map((s) => p.value(s, data.marks.get(s)) ?? NaN));
    const entry = (phaseJson[id] ??= {}) as Record<string, unknown>;
    entry[p.label] = sum;
    return ms(sum?.median);
  })]);
  say('Where the time goes, from the stand-in\'s own log stamps (median ms; same clock as the host)');
  say(table(['phase', 'engine', 'CLI', 'same args', 'HUP', 'HUP pid1', 'docker rst', 'script'], phaseRows));
  say();

  const engineSteps: Interval[] = [
    { label: 'inspect (facts)', value: (s) => span(s, 'facts>', 'facts<') },
    { label: 'agent exec + snapshot', value: (s) => span(s, 'agent>', 'agent<') },
    { label: 'probe step (health + version_info)', value: (s) => span(s, 'send:probe', 'recv:probe') },
    { label: 'validate + plan (host)', value: (s) => diff(mark(s, 'recv:probe'), firstMark(s, ['send:replace', 'send:stop', 'send:hup'])) },
    { label: 'stop step: sent -> TERM reported', value: (s) => diff(firstMark(s, ['send:replace', 'send:stop']), mark(s, 'recv:stopping')) },
    { label: 'stop step: TERM -> gone (stand-in stop)', value: (s) => span(s, 'recv:stopping', 'recv:stopped') },
    { label: 'launch (fork, setsid, execve)', value: (s) => span(s, 'send:launch', 'recv:launched') ?? span(s, 'recv:stopped', 'recv:launched') },
    { label: 'ready step (boot, agent polls 20 ms)', value: (s) => span(s, 'send:ready', 'recv:ready') },
    { label: 'hup step: sent -> HUP reported', value: (s) => span(s, 'send:hup', 'recv:hup-sent') },
    { label: 'hup step: HUP -> ready (stop + re-exec + boot)', value: (s) => span(s, 'recv:hup-sent', 'recv:ready') },
    { label: 'registry: ready -> new server\'s line seen', value: (s, m) => diff(mark(s, 'recv:ready'), registryLineSeen(s, m)) },
    { label: '  line stamped by the stand-in -> seen', value: (s, m) => (m?.registry !== undefined ? diff(m.registry - toEpoch(s.cmdAt), registryLineSeen(s, m)) : undefined) },
    { label: 'engine\'s registry step - actual registry line', value: (s, m) => (m?.registry !== undefined && s.progress?.registry !== undefined ? s.progress.registry - (m.registry - toEpoch(s.cmdAt)) : undefined) },
    { label: 'close agent (finish -> exec ended)', value: (s) => span(s, 'close>', 'close<') },
    { label: 'total (command -> promise resolved)', value: (s) => s.doneMs },
    { label: 'the stand-in\'s own stop + boot (calibration)', value: (s) => standinOwn(s.round) },
  ];
  const engineJson: Record<string, unknown> = {};
  const engineRows = engineSteps.map((step) => {
    const cells = ['ours-engine', 'ours-same-args', 'ours-hup', 'ours-hup-pid1'].map((id) => {
      const sum = summarize(of(id).map((s) => step.value(s, data.marks.get(s)) ?? NaN));
      const entry = (engineJson[id] ??= {}) as Record<string, unknown>;
      if (sum) {
        entry[step.label] = sum;
      }
      return ms(sum?.median);
    });
    return [step.label, ...cells];
  }).filter((row) => row.slice(1).some((c) => c !== '-'));
  say('Our engine\'s round trips, traced around DockerOdooContainer (median ms)');
  say(table(['step', 'new args', 'same args', 'HUP', 'HUP pid1'], engineRows));
  const early = (id: string) => {
    const list = of(id).filter((s) => data.marks.get(s)?.registry !== undefined && s.progress?.registry !== undefined);
    return { early: list.filter((s) => s.progress!.registry! < data.marks.get(s)!.registry! - toEpoch(s.cmdAt)).length, of: list.length };
  };
  const earlyJson = { 'ours-engine': early('ours-engine'), 'ours-cli': early('ours-cli'), 'ours-same-args': early('ours-same-args'), 'ours-hup': early('ours-hup'), 'ours-hup-pid1': early('ours-hup-pid1') };
  say(`  registry reported before the new server logged it: ${Object.entries(earlyJson).map(([id, e]) => `${id} ${e.early}/${e.of}`).join(', ')}`);
  say();

  const cliPlan = summarize(of('ours-cli').map((s) => s.progress?.plan ?? NaN));
  const cliReady = summarize(of('ours-cli').map((s) => s.progress?.ready ?? NaN));
  const cliExit = summarize(of('ours-cli').map((s) => s.doneMs));
  const enginePlan = summarize(of('ours-engine').map((s) => s.progress?.plan ?? NaN));
  const execTrue = summarize(data.micro.execTrueMs);
  const execPython = summarize(data.micro.execPythonMs);
  const execAgent = summarize(data.micro.execAgentMs);
  const agentInside = summarize(data.micro.agentInContainerMs);
  const pythonInside = summarize(data.micro.pythonInContainerMs);
  const cliStart = summarize(data.micro.cliStartupMs);
  const nodeStart = summarize(data.micro.nodeStartupMs);
  say('Reference round trips (median [min-max] ms)');
  say(`  docker exec \`true\` (create, start attached, end, inspect)   ${ms(execTrue?.median)} [${ms(execTrue?.min)}-${ms(execTrue?.max)}]`);
  say(`  docker exec \`python3 -c pass\`                               ${ms(execPython?.median)} [${ms(execPython?.min)}-${ms(execPython?.max)}]`);
  say(`  docker exec of our agent (snapshot, stdin closed)            ${ms(execAgent?.median)} [${ms(execAgent?.min)}-${ms(execAgent?.max)}]`);
  say(`  inside the container, no Docker: python3 -c pass ${ms(pythonInside?.median)}, our agent to its snapshot ${ms(agentInside?.median)}`);
  say(`  node -e 0                                                   ${ms(nodeStart?.median)} [${ms(nodeStart?.min)}-${ms(nodeStart?.max)}]`);
  say(`  node dist/cli.js --version (Node + bundle load)              ${ms(cliStart?.median)} [${ms(cliStart?.min)}-${ms(cliStart?.max)}]`);
  say(`  odoo-dev restart: command -> ready told ${ms(cliReady?.median)}, -> exit ${ms(cliExit?.median)} (the previous server's stop and the warm process in between)`);
  say(`  command -> plan reported: engine in-process ${ms(enginePlan?.median)}, CLI ${ms(cliPlan?.median)} (CLI start-up, container lookup and its own client: +${ms(cliPlan && enginePlan ? cliPlan.median - enginePlan.median : undefined)})`);
  say();

  // --- 5: detection -----------------------------------------------------------------------
  const killSeen = summarize(data.detection.map((d) => d.killToStoppedMs ?? NaN));
  const stopSeen = summarize(data.detection.map((d) => d.stopCallToContainerStoppedMs ?? NaN));
  const dieSeen = summarize(data.detection.map((d) => d.dieToContainerStoppedMs ?? NaN));
  const stopCall = summarize(data.detection.map((d) => d.stopCallMs ?? NaN));
  if (data.detection.length) {
    say(`Detection by the watcher (OdooWatcher, process poll every ${config.watcherPollMs} ms, Docker events), ms`);
    say(table(['outside change -> watcher reports', 'median', 'min', 'max', 'n'], [
      ['kill -9 of the Odoo master (host) -> stopped', ms(killSeen?.median), ms(killSeen?.min), ms(killSeen?.max), String(killSeen?.n ?? 0)],
      ['docker stop called -> container-stopped', ms(stopSeen?.median), ms(stopSeen?.min), ms(stopSeen?.max), String(stopSeen?.n ?? 0)],
      ['  daemon\'s die event -> container-stopped', ms(dieSeen?.median), ms(dieSeen?.min), ms(dieSeen?.max), String(dieSeen?.n ?? 0)],
      ['  (the docker stop call itself)', ms(stopCall?.median), ms(stopCall?.min), ms(stopCall?.max), String(stopCall?.n ?? 0)],
    ]));
    say();
  }

  const bad = data.samples.filter((s) => !s.warmup && (s.error || invalidity(s, data.marks.get(s))));
  if (bad.length) {
    say(`Left out (${bad.length}):`);
    for (const s of bad) {
      say(`  ${s.method} round ${s.round}: ${s.error ?? invalidity(s, data.marks.get(s))}`);
    }
    say();
  }
  say(`bench run took ${Math.round(data.elapsedMs / 1000)} s`);

  const summary = {
    when: new Date().toISOString(),
    machine,
    config,
    ports: data.ports,
    load: data.load,
    methods: methodsJson,
    ratios,
    targets,
    requests: requestsJson,
    standin: { stopMs: calStop, bootMs: calBoot, termToSocketClosedMs: calClosed, listenMs: calListen, knobsMs: { stop: config.stopDelay * 1000, exit: config.exitDelay * 1000, import: config.importDelay * 1000, boot: config.bootDelay * 1000, registry: config.registryDelay * 1000, firstRoute: config.firstRouteDelay * 1000 } },
    overhead: overheadJson,
    originalScriptExpectedMs: scriptExpected,
    phases: phaseJson,
    engineSteps: engineJson,
    registryReportedEarly: earlyJson,
    reference: { execTrueMs: execTrue, execPythonMs: execPython, execAgentMs: execAgent, agentInContainerMs: agentInside, pythonInContainerMs: pythonInside, nodeStartupMs: nodeStart, cliStartupMs: cliStart, commandToPlan: { engine: enginePlan, cli: cliPlan }, cliReadyToldMs: cliReady, cliExitMs: cliExit },
    detection: { watcherPollMs: config.watcherPollMs, killToStoppedMs: killSeen, stopCallToContainerStoppedMs: stopSeen, dieToContainerStoppedMs: dieSeen, stopCallMs: stopCall },
    leftOut: bad.map((s) => ({ method: s.method, round: s.round, why: s.error ?? invalidity(s, data.marks.get(s)) })),
    elapsedMs: Math.round(data.elapsedMs),
  };
  const full = {
    ...summary,
    samples: data.samples.map((s) => ({ ...s, marks: data.marks.get(s) })),
    calibrations: data.calibrations,
    micro: data.micro,
    detectionSamples: data.detection,
  };
  return { text: lines.join('\n'), summary, full };
}

/** Why a sample does not count, if it does not: the wrong plan, or a 200 that the log says came too early. */
function invalidity(s: Sample, m: RestartMarks | undefined): string | undefined {
  const plan = s.detail?.plan;
  const overlaps = s.method === 'ours-engine' || s.method === 'ours-cli' || s.method === 'ours-same-args';
  if ((overlaps || s.method === 'ours-stop-first') && plan !== 'in-place') {
    return `expected an in-place restart, got ${String(plan)}`;
  }
  const overlapped = s.detail?.overlapped === true;
  if (overlaps && !overlapped) {
    return 'expected the new server to boot beside the old one';
  }
  if (s.method === 'ours-stop-first' && overlapped) {
    return 'expected a stop before the new server started';
  }
  if ((s.method === 'ours-hup' || s.method === 'ours-hup-pid1') && plan !== 'hup') {
    return `expected a HUP reload, got ${String(plan)}`;
  }
  if (m?.listening !== undefined && s.hostReadyMs !== undefined && toEpoch(s.cmdAt) + s.hostReadyMs < m.listening - 2) {
    return 'the host saw 200 before the new server listened';
  }
  if (m && m.listening === undefined && s.hostReadyMs !== undefined) {
    return 'the log shows no new server listening';
  }
  return undefined;
}

/** When the engine's log follow delivered the NEW server's registry line (ms after the command). */
function registryLineSeen(s: Sample, m: RestartMarks | undefined): number | undefined {
  if (!m?.newPid || m.started === undefined) {
    return undefined;
  }
  return s.trace?.find((t) => t.what === 'logs:registry' && t.line !== undefined && t.line.pid === m.newPid && t.line.time >= m.started! - 5)?.ms;
}

function diff(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : b - a;
}

/** The first of these marks that the trace has (the agent protocol has grown: stop + launch may be one `replace` step). */
function firstMark(s: Sample, names: readonly string[]): number | undefined {
  return s.trace?.find((t) => names.includes(t.what))?.ms;
}

function mark(s: Sample, what: string): number | undefined {
  return s.trace?.find((t) => t.what === what)?.ms;
}

function span(s: Sample, from: string, to: string): number | undefined {
  const a = mark(s, from);
  if (a === undefined) {
    return undefined;
  }
  const b = s.trace?.find((t) => t.what === to && t.ms >= a)?.ms;
  return b === undefined ? undefined : b - a;
}

function fmt(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(2)}x`;
}

export type { Summary };
