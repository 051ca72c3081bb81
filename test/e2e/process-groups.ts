/**
 * Ends whole process groups and proves that nothing of them is left: code-server and Chromium
 * each start helpers (extension host, renderers, crash handler) that must not outlive a test.
 */
import { readdirSync, readFileSync } from 'fs';

interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  /** One-letter state: R, S, Z (zombie), ... */
  state: string;
}

function statOf(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name in parentheses may hold spaces and parentheses: split after the last ')'.
  const [state, ppid, pgid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(ppid), pgid: Number(pgid), state: state ?? '?' };
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => statOf(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
}

export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** What stop() ends: whole process groups, and any process whose command line has `marker`. */
export interface ProcessSet {
  groups: readonly number[];
  /** A path unique to one run (helpers that leave their group still name it). */
  marker?: string;
}

/** Live members of the set (zombies have exited: they only wait to be reaped). */
export function membersOf(set: ProcessSet): ProcStat[] {
  return allProcesses().filter(
    (p) =>
      p.state !== 'Z' &&
      p.pid !== process.pid &&
      (set.groups.includes(p.pgid) || (set.marker !== undefined && commandLineOf(p.pid).includes(set.marker))),
  );
}

/** The group of our child process whose command line contains `marker`, if it runs. */
export function childGroupWith(marker: string): number | undefined {
  const child = allProcesses().find((p) => p.ppid === process.pid && commandLineOf(p.pid).includes(marker));
  return child?.pgid;
}

/**
 * Sends TERM to each group and member, waits up to `graceMs` for all of them to exit, then
 * KILLs what is left and waits again. Throws, naming the survivors, when something still
 * runs. Never signals the test process's own group.
 */
export async function endProcesses(set: ProcessSet, graceMs = 5000): Promise<void> {
  const own = statOf(process.pid)?.pgid;
  const groups = set.groups.filter((g) => g > 1 && g !== own);
  const target = { ...set, groups };
  const send = (signal: NodeJS.Signals, pids: readonly number[]) => {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // ESRCH: already gone.
      }
    }
  };
  const emptied = async (timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (membersOf(target).length > 0) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  };
  send('SIGTERM', [...groups.map((g) => -g), ...membersOf(target).map((p) => p.pid)]);
  if (await emptied(graceMs)) return;
  send('SIGKILL', [...groups.map((g) => -g), ...membersOf(target).map((p) => p.pid)]);
  if (await emptied(2000)) return;
  const left = membersOf(target).map((p) => `${p.pid} ${commandLineOf(p.pid).slice(0, 120)}`);
  throw new Error(`processes still running after SIGKILL:\n${left.join('\n')}`);
}

/** Last resort when the test process exits without stop(): KILL, synchronously. */
export function killGroupsNow(groups: readonly number[]): void {
  const own = statOf(process.pid)?.pgid;
  for (const group of groups) {
    if (group <= 1 || group === own) continue;
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
