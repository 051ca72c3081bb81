import type Dockerode from 'dockerode';
import { isOdooTopCommand } from '../core/odoo-processes';
import type { TopProcess } from '../engine/odoo-container';
import { engineQuirks, isTopAnswer } from './engine-quirks';

/** Docker's answer to `top`: the column titles, then one row of words per process. */
export interface DockerTopAnswer {
  readonly Titles?: readonly string[] | null;
  readonly Processes?: readonly (readonly string[])[] | null;
}

/**
 * The processes of a `docker top` answer. The titles depend on the host's `ps` (`COMMAND`,
 * `CMD` or `ARGS` for the command line), so columns are found by title; without a PPID or UID
 * column those read 0 and -1, without a command title the last column is the command, since
 * Docker leaves the rest of the line, spaces included, in the last one.
 */
export function topProcessesOf(answer: DockerTopAnswer): TopProcess[] {
  const titles = (answer.Titles ?? []).map((title) => title.toUpperCase());
  const pid = titles.indexOf('PID');
  const ppid = titles.indexOf('PPID');
  const uid = titles.indexOf('UID');
  const command = titles.findIndex((title) => title === 'COMMAND' || title === 'CMD' || title === 'ARGS');
  const processes: TopProcess[] = [];
  for (const row of answer.Processes ?? []) {
    const pidValue = numberOf(row[pid]);
    // Docker itself needs the PID column; a row without one is not a process we can act on.
    if (pidValue === undefined) {
      continue;
    }
    processes.push({
      pid: pidValue,
      ppid: numberOf(row[ppid]) ?? 0,
      uid: numberOf(row[uid]) ?? -1,
      command: (command >= 0 ? row[command] : row[row.length - 1]) ?? '',
    });
  }
  return processes;
}

/** Whether a process seen with `docker top` runs an Odoo program (server or other command). */
export function isOdooProcess(process: TopProcess): boolean {
  return isOdooTopCommand(process.command);
}

/**
 * Whether an Odoo process runs in the container, seen from the host (`docker top`, no exec).
 * A container that stops or goes away while we look runs nothing.
 */
export async function runsOdoo(docker: Dockerode, id: string): Promise<boolean> {
  try {
    return (await topOf(docker, id)).some(isOdooProcess);
  } catch {
    return false;
  }
}

/**
 * `top` with the columns a `TopProcess` needs, asked in the words of the engine (see
 * `EngineQuirks.topPsArgs`); an answer without a process list is an error, not "no process".
 */
export async function topOf(docker: Dockerode, id: string, emptyAnswerMs = emptyTopDeadlineMs): Promise<TopProcess[]> {
  const quirks = await engineQuirks(docker);
  const container = docker.getContainer(id);
  // An empty answer from an engine that gives one for a container that does not run: the
  // container's state says which it was. One that runs again by now is asked again, until a
  // deadline; past it the empty answer is the error it is for an unknown descriptor.
  const deadline = Date.now() + emptyAnswerMs;
  for (;;) {
    const answer: unknown = await container.top({ ps_args: quirks.topPsArgs });
    if (isTopAnswer(answer)) {
      return topProcessesOf(answer as DockerTopAnswer);
    }
    if (quirks.topOfStopped !== 'empty' || Date.now() >= deadline) {
      throw new Error(`${quirks.description} answered top with ps_args "${quirks.topPsArgs}" without a process list`);
    }
    const info = await container.inspect();
    if (!info.State.Running) {
      // What Docker answers in that case, so that every caller reads it the same way.
      throw Object.assign(new Error(`container ${id} is not running`), { statusCode: 409, json: { message: `container ${id} is not running` } });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How long an empty `top` of a running container is asked again (see `EngineQuirks.topOfStopped`). */
const emptyTopDeadlineMs = 3000;

function numberOf(word: string | undefined): number | undefined {
  return word !== undefined && /^\d+$/.test(word.trim()) ? Number(word) : undefined;
}
