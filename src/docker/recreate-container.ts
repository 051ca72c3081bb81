import type Dockerode from 'dockerode';
import { OdooDevError, type OdooErrorCode } from '../core/errors';
import { keeperReplacement, bindTarget, type InspectedContainer, type KeeperReplacement, type ReplacementContext } from '../core/keeper-replacement';
import { replacementSummary, type ReplacementSummary } from '../core/replacement-summary';
import { lostLayerChanges, type LayerChange, type LostChange } from '../core/writable-layer';
import { OdooEngine, type OdooStatus } from '../engine/odoo-engine';
import { dockerError } from './docker-errors';
import { DockerOdooContainer } from './docker-odoo-container';

/** What recreating a container with the keeper would do, read before anything changes. */
export interface KeeperRecreatePlan {
  readonly name: string;
  readonly id: string;
  /** It runs the keeper already: nothing to do. */
  readonly already: boolean;
  /** Why there is nothing to gain (Odoo is not PID 1 there), when so. */
  readonly notNeeded?: string;
  readonly replacement: KeeperReplacement;
  readonly summary: ReplacementSummary;
  /** Changes in the container's writable layer that the replacement would not have. */
  readonly lostChanges: readonly LostChange[];
}

export interface RecreateOptions {
  /** How long Odoo may take to be ready in the replacement. */
  readonly readyTimeoutMs: number;
  /** Each step as it begins, in a sentence. */
  readonly onStep?: (message: string) => void;
}

export interface RecreateResult {
  readonly name: string;
  readonly id: string;
  readonly previousId: string;
  readonly entrypoint: readonly string[];
  readonly command: readonly string[];
  readonly previousEntrypoint: readonly string[];
  readonly previousCommand: readonly string[];
  /** The Odoo server under the keeper: its PID and command line, secrets masked. */
  readonly odoo: { readonly pid: number; readonly argv: readonly string[] };
  /** Something that did not work after the swap succeeded (the old container left behind). */
  readonly warnings: readonly string[];
}

/** How often the replacement is asked whether Odoo is ready; each ask is one exec. */
const readyPollMs = 250;
/** How long the old container may take to run again when it is put back. */
const putBackMs = 30_000;

/** Reads the container, its image, its layer changes and its Odoo: changes nothing. */
export async function planKeeperRecreate(docker: Dockerode, endpoint: string, id: string, context: ReplacementContext = {}): Promise<KeeperRecreatePlan> {
  const call = <T>(what: string, action: () => Promise<T>) => action().catch((error: unknown) => { throw dockerError(error, what, endpoint); });
  const old = docker.getContainer(id);
  const inspect = await call(`Inspecting container ${id}`, () => old.inspect()) as unknown as InspectedContainer;
  const name = inspect.Name.replace(/^\//, '');
  const image = await call(`Inspecting the image of ${name}`, () => docker.getImage(inspect.Image).inspect());
  // The name may mean another image by now (a pull, a build), or none.
  const idOfName = await docker.getImage(inspect.Config.Image).inspect().then((i) => i.Id, () => undefined);
  const replacement = keeperReplacement(inspect, { entrypoint: asList(image.Config?.Entrypoint), ...(idOfName ? { idOfName } : {}) }, context);
  // An empty diff is `null`, which dockerode hands back as the raw body, a Buffer.
  const diff: unknown = replacement.already ? [] : await call(`Reading the changes in ${name}'s writable layer`, () => old.changes());
  const changes = Array.isArray(diff) ? diff as LayerChange[] : [];
  const lostChanges = lostLayerChanges(changes, mountPointsOf(inspect));
  const base = { name, id: inspect.Id, replacement, lostChanges, summary: replacementSummary(inspect, replacement, lostChanges) };
  if (replacement.already) {
    return { ...base, already: true };
  }
  const status = await new OdooEngine(new DockerOdooContainer(docker, inspect.Id, name, endpoint)).status();
  if (status.server && !status.server.isPid1 && !replacement.outdated) {
    return {
      ...base,
      already: false,
      notNeeded: `Odoo is not PID 1 in container ${name} (PID ${status.server.pid}): odoo-dev restarts it there with new args as it is, so recreating it gains nothing.`,
    };
  }
  return { ...base, already: false };
}

/**
 * Replaces the container by one with the keeper as PID 1: create it under a temporary name,
 * stop the old one gracefully, swap the names, join the networks, start it, wait until Odoo is
 * ready, then remove the old one (not its volumes). On any failure the replacement is removed
 * and the old container runs again under its name; the error says what failed and how it ended.
 */
export async function recreateWithKeeper(docker: Dockerode, endpoint: string, plan: KeeperRecreatePlan, options: RecreateOptions): Promise<RecreateResult> {
  const { replacement, name } = plan;
  const step = (message: string) => options.onStep?.(message);
  const old = docker.getContainer(plan.id);
  const now = await old.inspect().catch((error: unknown) => { throw dockerError(error, `Inspecting container ${name}`, endpoint); });
  if (now.Id !== plan.id || now.Name.replace(/^\//, '') !== name || !now.State.Running) {
    throw new OdooDevError('recreate-refused', `Container ${name} changed since the plan was made (${now.State.Running ? 'renamed or replaced' : now.State.Status}); nothing was changed.`, {
      hint: 'Run it again to see the new plan.',
    });
  }
  const stamp = timestamp(new Date());
  const temporary = `${name}-keeper-new-${stamp}`;
  const backup = `${name}-before-keeper-${stamp}`;
  const done = { created: undefined as Dockerode.Container | undefined, stopped: false, renamedOld: false, renamedNew: false };
  let current = `creating the replacement ${temporary}`;
  try {
    step(`Creating the replacement of ${name} as ${temporary}, with the keeper in front of its entrypoint.`);
    done.created = await docker.createContainer({ ...replacement.create, name: temporary } as unknown as Dockerode.ContainerCreateOptions);
    const created = done.created;

    current = `stopping ${name}`;
    step(`Stopping ${name} (Odoo has up to ${replacement.stopTimeoutSeconds} s to stop gracefully).`);
    await old.stop().catch((error: unknown) => {
      // 304: it stopped by itself meanwhile.
      if ((error as { statusCode?: number }).statusCode !== 304) {
        throw error;
      }
    });
    done.stopped = true;

    current = `renaming ${name} to ${backup}`;
    step(`Renaming ${name} to ${backup}, and the replacement to ${name}.`);
    await old.rename({ name: backup });
    done.renamedOld = true;
    current = `renaming ${temporary} to ${name}`;
    await created.rename({ name });
    done.renamedNew = true;

    for (const attachment of replacement.connect) {
      current = `connecting the replacement to network ${attachment.name}`;
      step(`Connecting it to network ${attachment.name}.`);
      await docker.getNetwork(attachment.network).connect({ Container: created.id, EndpointConfig: attachment.endpoint as Dockerode.EndpointSettings });
    }

    current = 'starting the replacement';
    step(`Starting the replacement ${created.id.slice(0, 12)}.`);
    await created.start();

    current = 'waiting for Odoo to be ready in the replacement';
    step(`Waiting for Odoo to be ready under the keeper (up to ${Math.round(options.readyTimeoutMs / 1000)} s).`);
    const status = await waitUntilReady(new OdooEngine(new DockerOdooContainer(docker, created.id, name, endpoint)), options.readyTimeoutMs);

    step(`Removing the previous container ${backup} (its volumes stay).`);
    const warnings: string[] = [];
    await old.remove({ v: false }).catch((error: unknown) => {
      warnings.push(`The previous container ${backup} could not be removed (${dockerError(error, 'Removing it', endpoint).message}); it is stopped: remove it with docker rm ${backup} once you no longer need it.`);
    });
    return {
      name,
      id: created.id,
      previousId: plan.id,
      entrypoint: replacement.keeper.entrypoint,
      command: replacement.keeper.command,
      previousEntrypoint: replacement.previous.entrypoint,
      previousCommand: replacement.previous.cmd,
      odoo: { pid: status.server?.pid ?? 0, argv: status.server?.argv ?? [] },
      warnings,
    };
  } catch (error) {
    const failure = dockerError(error, `Recreating ${name}`, endpoint);
    const logTail = done.created ? await logTailOf(new DockerOdooContainer(docker, done.created.id, name, endpoint)) : [];
    const putBack = await putOldBack(old, done, name).then(() => undefined, (e: unknown) => e as Error);
    throw recreateFailure(failure, current, name, backup, putBack, logTail);
  }
}

/** Polls the engine's status until Odoo answers under the keeper, fails, or the time is up. */
async function waitUntilReady(engine: OdooEngine, timeoutMs: number): Promise<OdooStatus> {
  const deadline = Date.now() + timeoutMs;
  let seenOdoo = false;
  let last = 'no Odoo process yet';
  for (;;) {
    let status: OdooStatus | undefined;
    try {
      status = await engine.status();
    } catch (error) {
      last = (error as Error).message;
    }
    if (status?.state === 'container-stopped') {
      throw new OdooDevError('crashed', `The replacement stopped (${status.container.state}) before Odoo was ready.`);
    }
    if (status?.state === 'running' && status.server) {
      if (status.server.isPid1) {
        throw new OdooDevError('launch-failed', 'Odoo is PID 1 in the replacement too: the keeper did not start it as its child.');
      }
      return status;
    }
    if (status?.server) {
      seenOdoo = true;
      last = `Odoo (PID ${status.server.pid}) does not answer yet`;
    } else if (status && seenOdoo) {
      throw new OdooDevError('crashed', 'Odoo exited in the replacement before it was ready.');
    }
    if (Date.now() >= deadline) {
      throw new OdooDevError('not-ready', `Odoo was not ready in the replacement within ${Math.round(timeoutMs / 1000)} s (${last}).`, {
        hint: 'Give it longer with --ready-timeout (or odooDev.restart.readyTimeout).',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, readyPollMs));
  }
}

/** Undoes what was done, last step first: the replacement goes, the old container comes back. */
async function putOldBack(old: Dockerode.Container, done: { created: Dockerode.Container | undefined; stopped: boolean; renamedOld: boolean }, name: string): Promise<void> {
  if (done.created) {
    await done.created.remove({ force: true, v: false }).catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode !== 404) {
        throw error;
      }
    });
  }
  if (done.renamedOld) {
    await old.rename({ name });
  }
  if (done.stopped) {
    await old.start().catch((error: unknown) => {
      // 304: it runs already.
      if ((error as { statusCode?: number }).statusCode !== 304) {
        throw error;
      }
    });
    const deadline = Date.now() + putBackMs;
    while (!(await old.inspect()).State.Running) {
      if (Date.now() >= deadline) {
        throw new Error(`it did not run within ${putBackMs / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function recreateFailure(failure: OdooDevError, step: string, name: string, backup: string, putBack: Error | undefined, logTail: string[]): OdooDevError {
  const code: OdooErrorCode = failure.code;
  const cause = failure.message.replace(/\.$/, '');
  if (!putBack) {
    return new OdooDevError(code, `Making ${name} restartable failed while ${step}: ${cause}. Nothing changed: the replacement was removed and ${name} runs again as before.`, {
      ...(failure.hint ? { hint: failure.hint } : {}),
      cause: failure,
      details: { ...failure.details, step, rolledBack: true, ...(logTail.length ? { logTail } : {}) },
    });
  }
  return new OdooDevError(code, `Making ${name} restartable failed while ${step}: ${cause}; putting the old container back failed too (${putBack.message}).`, {
    hint: `Check with docker ps -a: the old container is ${name} or ${backup}; rename it back with docker rename ${backup} ${name} (after removing a replacement of that name), then docker start ${name}.`,
    cause: failure,
    details: { ...failure.details, step, rolledBack: false, ...(logTail.length ? { logTail } : {}) },
  });
}

/** The replacement's last log lines, which say why Odoo did not come up. */
async function logTailOf(container: DockerOdooContainer): Promise<string[]> {
  try {
    const lines: string[] = [];
    for await (const line of container.logs({ tail: 30 })) {
      lines.push(line.text);
    }
    return lines;
  } catch {
    return [];
  }
}

/** Where the container mounts something: Docker makes those folders in the layer. */
function mountPointsOf(inspect: InspectedContainer): string[] {
  return [
    ...(inspect.Mounts ?? []).map((m) => m.Destination),
    ...Object.keys(inspect.HostConfig.Tmpfs ?? {}),
    ...(inspect.HostConfig.Binds ?? []).map(bindTarget),
  ];
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function asList(value: string | string[] | null | undefined): string[] {
  return value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
}
