/** Bench settings: flags win over environment variables, which win over the defaults. */

export interface BenchConfig {
  /** Measured rounds per method (methods interleaved within each round). */
  readonly rounds: number;
  /** Rounds run first and not counted (cold caches, first exec of an image). */
  readonly warmup: number;
  /** Rounds of each detection measurement (0 skips them). */
  readonly detectionRounds: number;
  /**
   * The stand-in's phases, in seconds; the defaults are those of a real Odoo 18 (base + web,
   * threaded, `-d`) measured in odoo-facts.md: TERM to socket closed, socket closed to process
   * gone, interpreter start and imports before the first log line, HTTP start, registry, and
   * the first routed request's routing map.
   */
  readonly stopDelay: number;
  readonly exitDelay: number;
  readonly importDelay: number;
  readonly bootDelay: number;
  readonly registryDelay: number;
  readonly firstRouteDelay: number;
  /** The watcher's process poll, as the CLI's `status --watch` uses it. */
  readonly watcherPollMs: number;
  /** Pause between two measurements, so that one's tail never overlaps the next. */
  readonly settleMs: number;
}

const usage = `Usage: tsx bench/restart-bench.ts [--rounds N] [--warmup N] [--detection-rounds N]
  [--stop-delay S] [--exit-delay S] [--import-delay S] [--boot-delay S] [--registry-delay S]
  [--first-route-delay S] [--watcher-poll-ms MS]
Environment: BENCH_ROUNDS, BENCH_WARMUP, BENCH_DETECTION_ROUNDS, BENCH_STOP_DELAY,
  BENCH_EXIT_DELAY, BENCH_IMPORT_DELAY, BENCH_BOOT_DELAY, BENCH_REGISTRY_DELAY,
  BENCH_FIRST_ROUTE_DELAY, BENCH_WATCHER_POLL_MS, BENCH_SETTLE_MS,
  BENCH_TEST_LABEL=0 (leave the odoo-dev-test=1 label off, so that a test run's clean-up
  at the same time does not remove the bench's containers).
`;

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(usage);
      process.exit(0);
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      throw new Error(`unexpected argument ${arg}\n${usage}`);
    }
    flags.set(match[1], match[2] ?? argv[++i] ?? '');
  }
  const pick = (flag: string, variable: string, fallback: number, integer = false): number => {
    const text = flags.get(flag) ?? env[variable];
    if (text === undefined || text === '') {
      return fallback;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      throw new Error(`--${flag} / ${variable}: not a valid value: ${text}`);
    }
    return value;
  };
  for (const flag of flags.keys()) {
    if (!['rounds', 'warmup', 'detection-rounds', 'stop-delay', 'exit-delay', 'import-delay', 'boot-delay', 'registry-delay', 'first-route-delay', 'watcher-poll-ms', 'settle-ms'].includes(flag)) {
      throw new Error(`unknown option --${flag}\n${usage}`);
    }
  }
  const rounds = Math.max(1, pick('rounds', 'BENCH_ROUNDS', 7, true));
  return {
    rounds,
    warmup: pick('warmup', 'BENCH_WARMUP', 1, true),
    detectionRounds: pick('detection-rounds', 'BENCH_DETECTION_ROUNDS', rounds, true),
    stopDelay: pick('stop-delay', 'BENCH_STOP_DELAY', 0.4),
    exitDelay: pick('exit-delay', 'BENCH_EXIT_DELAY', 0.2),
    importDelay: pick('import-delay', 'BENCH_IMPORT_DELAY', 0.6),
    bootDelay: pick('boot-delay', 'BENCH_BOOT_DELAY', 0.2),
    registryDelay: pick('registry-delay', 'BENCH_REGISTRY_DELAY', 0.2),
    firstRouteDelay: pick('first-route-delay', 'BENCH_FIRST_ROUTE_DELAY', 0.17),
    watcherPollMs: pick('watcher-poll-ms', 'BENCH_WATCHER_POLL_MS', 1000),
    settleMs: pick('settle-ms', 'BENCH_SETTLE_MS', 200),
  };
}
