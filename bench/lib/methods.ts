/** The restart methods measured side by side, each from command to ready. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { EngineProgress, OdooEngine } from '../../src/engine/odoo-engine';
import { execIn, now, type BenchContainer } from './bed';
import { watchReady } from './http-ready';
import type { TraceMark, TracingContainer } from './tracing-container';

export const CLI_PATH = path.resolve(__dirname, '../../dist/cli.js');
export const SCRIPT_PATH = '/tmp/original-restart.sh';
export const SCRIPT_LOG = '/tmp/odoo-script.log';
export const CALIBRATE_PATH = '/tmp/calibrate.py';

export interface Sample {
  readonly method: string;
  readonly round: number;
  readonly warmup: boolean;
  readonly container: string;
  /** Monotonic host time the command was issued. */
  readonly cmdAt: number;
  /** The host's first HTTP 200 from the new server, ms after cmdAt. */
  readonly hostReadyMs?: number;
  /** When the poller first saw the old server down, ms after cmdAt. */
  readonly downMs?: number;
  /** The ready poller's requests from the command to the new server's first 200, and how many failed. */
  readonly requests?: { readonly sent: number; readonly failed: number };
  /** The command returned (engine promise resolved, CLI/exec/docker call ended), ms after cmdAt. */
  readonly doneMs: number;
  /** Progress steps (engine callback or CLI progress lines), ms after cmdAt. */
  readonly progress?: Readonly<Record<string, number>>;
  /** Round trips of the in-process engine, ms after cmdAt. */
  readonly trace?: ReadonlyArray<{ readonly ms: number; readonly what: string; readonly event?: unknown; readonly line?: { readonly pid: number; readonly time: number } }>;
  /** Anything else worth keeping (outcome, output). */
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly error?: string;
}

/** Two arg sets per container, alternated so that every in-place restart really relaunches. */
export class ArgToggle {
  private index = 0;

  constructor(private readonly sets: readonly (readonly string[])[]) {}

  get current(): readonly string[] {
    return this.sets[this.index];
  }

  next(): readonly string[] {
    this.index = (this.index + 1) % this.sets.length;
    return this.sets[this.index];
  }
}

export function argSets(port: number): string[][] {
  const base = ['-d', 'bench', '--http-port', String(port), '--http-interface', '127.0.0.1'];
  return [[...base, '--dev=xml'], [...base, '--dev=qweb']];
}

const stepOf = (p: EngineProgress) => p.step;

/** Our restart in-process: OdooEngine on DockerOdooContainer (traced), to the host's 200. */
export async function oursEngine(method: string, engine: OdooEngine, tracer: TracingContainer, target: BenchContainer, args: readonly string[] | undefined, round: number, warmup: boolean): Promise<Sample> {
  tracer.reset();
  const progress: Record<string, number> = {};
  const watch = watchReady(target.port);
  const cmdAt = now();
  try {
    const outcome = await engine.restart(args ? { args } : {}, (p) => {
      progress[stepOf(p)] ??= now() - cmdAt;
    }, 'bench');
    const doneMs = now() - cmdAt;
    const ready = await watch.ready;
    return {
      method, round, warmup, container: target.name, cmdAt,
      hostReadyMs: ready - cmdAt,
      ...downOf(watch.downAt(), cmdAt), requests: watch.requests(),
      doneMs,
      progress,
      trace: relative(tracer.marks, cmdAt),
      detail: { plan: outcome.plan, pid: outcome.pid, stopMs: outcome.stopMs, totalMs: outcome.totalMs, overlapped: outcome.overlapped === true },
    };
  } catch (error) {
    watch.cancel();
    return { method, round, warmup, container: target.name, cmdAt, doneMs: now() - cmdAt, progress, trace: relative(tracer.marks, cmdAt), error: String((error as Error)?.message ?? error) };
  }
}

const cliSteps: ReadonlyArray<[string, RegExp]> = [
  ['plan', /odoo-dev: (replace PID|reload PID|start )/],
  ['overlap', /beside the running one|before the new server starts/],
  ['stopping', /Stopping (Odoo|the previous server)/],
  ['stopped', /Stopped (the previous server )?in/],
  ['reloading', /Reloading Odoo/],
  ['launched', /Started Odoo/],
  ['http-ready', /answers HTTP/],
  ['registry', /registry loaded/],
  // With --json the ready moment is a progress line; the object on stdout comes at the exit.
  ['ready', /odoo-dev: Odoo \(PID \d+\) is ready/],
];

/** The same restart through the built command line: `node dist/cli.js --container X restart -- ARGS`. */
export async function oursCli(method: string, target: BenchContainer, args: readonly string[] | undefined, round: number, warmup: boolean): Promise<Sample> {
  const progress: Record<string, number> = {};
  const watch = watchReady(target.port);
  const cmdAt = now();
  const argv = [CLI_PATH, '--container', target.name, 'restart', '--json', ...(args ? ['--', ...args] : [])];
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      for (const [step, pattern] of cliSteps) {
        if (progress[step] === undefined && pattern.test(stderr)) {
          progress[step] = now() - cmdAt;
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const doneMs = now() - cmdAt;
  if (result.code !== 0) {
    watch.cancel();
    return { method, round, warmup, container: target.name, cmdAt, doneMs, progress, error: `odoo-dev exited ${result.code}: ${result.stderr.trim()} ${result.stdout.trim()}` };
  }
  const ready = await watch.ready;
  let outcome: Record<string, unknown> = {};
  try {
    outcome = JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    // keep the text
  }
  return {
    method, round, warmup, container: target.name, cmdAt,
    hostReadyMs: ready - cmdAt,
    ...downOf(watch.downAt(), cmdAt), requests: watch.requests(),
    doneMs,
    progress,
    detail: { plan: outcome.plan, pid: outcome.pid, stopMs: outcome.stopMs, totalMs: outcome.totalMs, overlapped: outcome.overlapped === true },
  };
}

/** `docker restart` of the official shape (the stand-in is PID 1), to the host's 200. */
export async function dockerRestart(method: string, target: BenchContainer, round: number, warmup: boolean): Promise<Sample> {
  const watch = watchReady(target.port);
  const cmdAt = now();
  try {
    await target.container.restart();
    const doneMs = now() - cmdAt;
    const ready = await watch.ready;
    return { method, round, warmup, container: target.name, cmdAt, hostReadyMs: ready - cmdAt, ...downOf(watch.downAt(), cmdAt), requests: watch.requests(), doneMs };
  } catch (error) {
    watch.cancel();
    return { method, round, warmup, container: target.name, cmdAt, doneMs: now() - cmdAt, error: String((error as Error)?.message ?? error) };
  }
}

/** The original script's method: one `docker exec` of a POSIX sh script, then the host's 200. */
export async function originalScript(method: string, target: BenchContainer, args: readonly string[], round: number, warmup: boolean): Promise<Sample> {
  const watch = watchReady(target.port);
  const cmdAt = now();
  const result = await execIn(target.container, ['sh', SCRIPT_PATH, SCRIPT_LOG, ...args]);
  const doneMs = now() - cmdAt;
  if (result.exitCode !== 0) {
    watch.cancel();
    return { method, round, warmup, container: target.name, cmdAt, doneMs, error: `script exited ${result.exitCode}: ${result.stderr.trim()}` };
  }
  const ready = await watch.ready;
  return {
    method, round, warmup, container: target.name, cmdAt,
    hostReadyMs: ready - cmdAt,
    ...downOf(watch.downAt(), cmdAt), requests: watch.requests(),
    doneMs,
    detail: { output: result.stdout.trim() },
  };
}

export interface Calibration {
  readonly bootMs: number;
  readonly listenMs: number;
  readonly termToClosedMs: number;
  readonly stopMs: number;
}

/** The stand-in's own boot and stop, measured inside a container with no Docker in between. */
export async function calibrate(target: BenchContainer, args: readonly string[]): Promise<Calibration> {
  const result = await execIn(target.container, ['python3', CALIBRATE_PATH, String(target.port), ...args]);
  const parsed = JSON.parse(result.stdout.trim() || '{}') as Partial<Calibration> & { error?: string };
  if (result.exitCode !== 0 || parsed.error || parsed.bootMs === undefined) {
    throw new Error(`calibration failed: ${parsed.error ?? result.stderr}`);
  }
  return parsed as Calibration;
}

/** One bare `docker exec` round trip (create, start attached, end, inspect). */
export async function execRoundTrip(target: BenchContainer, cmd: readonly string[], user = 'odoo'): Promise<number> {
  const started = now();
  const result = await execIn(target.container, cmd, user);
  if (result.exitCode !== 0) {
    throw new Error(`${cmd.join(' ')} failed: ${result.stderr}`);
  }
  return now() - started;
}

/** `node dist/cli.js --version`: Node's start-up plus loading the bundle. */
export async function cliStartup(): Promise<number> {
  const started = now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, '--version'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return now() - started;
}

function downOf(downAt: number | undefined, cmdAt: number): { downMs?: number } {
  return downAt === undefined ? {} : { downMs: downAt - cmdAt };
}

function relative(marks: readonly TraceMark[], cmdAt: number) {
  return marks.map((m) => ({ ms: m.at - cmdAt, what: m.what, ...(m.event ? { event: m.event } : {}), ...(m.line ? { line: m.line } : {}) }));
}

const IN_CONTAINER_TIMER = `
import json, subprocess, sys, time
def run(argv):
    start = time.monotonic()
    subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.monotonic() - start) * 1000
agent = sys.argv[1]
print(json.dumps({'pythonPassMs': min(run(['python3', '-c', 'pass']) for _ in range(3)),
                  'agentSnapshotMs': min(run(['python3', '-c', agent, '{}']) for _ in range(3))}))
`;

/**
 * Inside the container, no Docker in between (best of 3): \`python3 -c pass\`, and our agent
 * run to its snapshot (stdin closed, so it reports the snapshot and ends).
 */
export async function agentInContainer(target: BenchContainer, agent: string): Promise<{ pythonPassMs: number; agentSnapshotMs: number }> {
  const result = await execIn(target.container, ['python3', '-c', IN_CONTAINER_TIMER, agent], '0');
  if (result.exitCode !== 0) {
    throw new Error(`timing the agent failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as { pythonPassMs: number; agentSnapshotMs: number };
}
