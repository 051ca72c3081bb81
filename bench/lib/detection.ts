/**
 * How fast the watcher (what the status bar follows) notices a change made outside the
 * extension: a `kill -9` of the Odoo master from the host, and a `docker stop` of the container.
 */
import type { Readable } from 'node:stream';
import type { OdooEngine } from '../../src/engine/odoo-engine';
import { OdooWatcher, type WatchState } from '../../src/engine/odoo-watcher';
import { docker, now, sleep, toEpoch, type BenchContainer } from './bed';

export interface DetectionSample {
  readonly round: number;
  /** kill -9 (host) to the watcher's `stopped`. */
  readonly killToStoppedMs?: number;
  /** The `docker stop` call to the watcher's `container-stopped`. */
  readonly stopCallToContainerStoppedMs?: number;
  /** The daemon's `die` event stamp to the watcher's `container-stopped`. */
  readonly dieToContainerStoppedMs?: number;
  /** How long the `docker stop` call itself took. */
  readonly stopCallMs?: number;
}

export async function measureDetection(target: BenchContainer, engine: OdooEngine, args: readonly string[], rounds: number, pollMs: number, say: (line: string) => void): Promise<DetectionSample[]> {
  const states: Array<{ at: number; state: WatchState }> = [];
  const watcher = new OdooWatcher(engine, (state) => states.push({ at: now(), state }), { pollMs });
  const waitState = async (kinds: readonly WatchState['kind'][], from: number, timeoutMs = 15_000): Promise<number> => {
    const deadline = now() + timeoutMs;
    for (;;) {
      const hit = states.find((s) => s.at >= from && kinds.includes(s.state.kind));
      if (hit) {
        return hit.at;
      }
      if (now() > deadline) {
        throw new Error(`the watcher did not report ${kinds.join(' or ')} within ${timeoutMs} ms (last: ${JSON.stringify(states[states.length - 1]?.state)})`);
      }
      await sleep(2);
    }
  };
  // Our own view of the daemon's events, for the time the container really died.
  const dies: number[] = [];
  const events = (await docker.getEvents({ filters: { container: [target.id], type: ['container'], event: ['die'] } })) as unknown as Readable;
  events.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter((l) => l.trim())) {
      try {
        const event = JSON.parse(line) as { timeNano?: number };
        if (event.timeNano) {
          dies.push(event.timeNano / 1e6);
        }
      } catch {
        // a partial line; the stamp is not needed for that one
      }
    }
  });
  const samples: DetectionSample[] = [];
  // The change lands at evenly spread phases of the watcher's poll timer (shuffled), so that a
  // few rounds already give a fair median: a random phase each time would scatter it.
  const phases = () => shuffle(Array.from({ length: rounds }, (_, i) => ((i + 0.5) / rounds) * pollMs));
  const killPhases = phases();
  const stopPhases = phases();
  try {
    await watcher.start();
    const ensureOdoo = async () => {
      if (watcher.current?.kind !== 'running') {
        const from = now();
        await engine.start({ args });
        await waitState(['running'], from);
      }
    };
    for (let round = 1; round <= rounds; round++) {
      await ensureOdoo();
      // The watcher's next poll is about pollMs after it reported `running`.
      await sleep(killPhases[round - 1]);
      const top = await target.container.top({ ps_args: '-o pid,args' });
      // Our warm process names the script too (`path=/usr/bin/odoo`): not the server.
      const master = (top.Processes ?? []).find((row: string[]) => /(^| )\S*python\S* \/usr\/bin\/odoo( |$)/.test(row[row.length - 1]) && !/ gevent( |$)/.test(row[row.length - 1]));
      if (!master) {
        throw new Error('no Odoo master to kill');
      }
      const killedAt = now();
      process.kill(Number(master[0]), 'SIGKILL');
      const seen = await waitState(['stopped', 'crashed'], killedAt);
      samples.push({ round, killToStoppedMs: seen - killedAt });
      say(`detection ${round}/${rounds}: kill -9 seen after ${Math.round(seen - killedAt)} ms`);
    }
    for (let round = 1; round <= rounds; round++) {
      await ensureOdoo();
      await sleep(stopPhases[round - 1]);
      const diesBefore = dies.length;
      const stopAt = now();
      await target.container.stop({ t: 10 });
      const stopCallMs = now() - stopAt;
      const seen = await waitState(['container-stopped'], stopAt);
      for (let i = 0; dies.length === diesBefore && i < 200; i++) {
        await sleep(5);
      }
      const dieEpoch = dies[diesBefore];
      const sample: DetectionSample = {
        round,
        stopCallToContainerStoppedMs: seen - stopAt,
        stopCallMs,
        ...(dieEpoch !== undefined ? { dieToContainerStoppedMs: toEpoch(seen) - dieEpoch } : {}),
      };
      const old = samples[round - 1];
      samples[round - 1] = { ...old, ...sample };
      say(`detection ${round}/${rounds}: docker stop seen after ${Math.round(seen - stopAt)} ms (stop call ${Math.round(stopCallMs)} ms)`);
      const startAt = now();
      await target.container.start();
      await waitState(['stopped', 'running', 'starting'], startAt);
    }
  } finally {
    watcher.dispose();
    events.destroy();
  }
  return samples;
}

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}
