/**
 * Where the keeper goes so that it lasts: which of the user's files make the container (read
 * from its labels and the workspace), and the edit of each. Compose projects get it in their
 * override file; compose-based devcontainers in a compose file of ours added to
 * `dockerComposeFile`; image- and Dockerfile-based devcontainers in the image they build.
 *
 * Pure: file texts come through the `read` function the front end passes in, and the result is
 * a list of edits `{ path, before, after }` for the front end to show, confirm and write.
 */
import * as nodePath from 'node:path';
import { parse as parseYaml } from 'yaml';
import { joinArgs, splitArgs } from './argv-text';
import { composeKeeperFile, withServiceKeeper } from './compose-service-keeper';
import { readDevcontainerJson, withBuildDockerfile, withComposeFile, withOverrideCommandFalse, type DevcontainerConfig } from './devcontainer-json-edit';
import { keeperDockerfile, withDockerfileKeeper } from './dockerfile-keeper';
import { OdooDevError } from './errors';
import { isCurrentKeeper, isKeeper, keeperAround, restartableKeeper, withoutDevcontainersWrapper, type ContainerCommandFacts, type KeeperCommand } from './restartable-keeper';

/** One file to change: `before` is undefined for a file that does not exist yet. */
export interface FileEdit {
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string;
}

/** Reads a file of the user's; undefined when it does not exist. */
export type ReadText = (path: string) => Promise<string | undefined>;

/** What makes the change take effect: recreating the compose service, or rebuilding the devcontainer. */
export type KeeperNextStep =
  | {
    readonly kind: 'compose-up';
    /** `docker-compose` (Compose 1, as the container's label says) or `docker compose`. */
    readonly program: readonly string[];
    /** The project's folder, where the command runs. */
    readonly cwd: string;
    /** Arguments after the program: `-p`/`-f` when the project needs them, then `up -d SERVICE`. */
    readonly args: readonly string[];
  }
  | {
    readonly kind: 'devcontainer-rebuild';
    readonly workspaceFolder: string;
    readonly configFile: string;
    /** The Dev Containers CLI's arguments that rebuild it: `up --workspace-folder ... --remove-existing-container`. */
    readonly cliArgs: readonly string[];
  };

export interface KeeperFilesPlan {
  readonly form: 'compose' | 'devcontainer-compose' | 'devcontainer-image' | 'devcontainer-dockerfile';
  readonly keeper: KeeperCommand;
  /** The container runs the keeper already (recreated by hand, say); the files may not have it yet. */
  readonly running: boolean;
  /** Only the files that change; empty when the files have the keeper already. */
  readonly edits: readonly FileEdit[];
  /** What the user should know before saying yes, in sentences. */
  readonly notes: readonly string[];
  readonly next: KeeperNextStep;
}

export interface KeeperFilesRequest {
  readonly facts: ContainerCommandFacts;
  /** `--compose-service NAME`: the compose service to change (default: the container's). */
  readonly composeService?: string;
  /** `--devcontainer`: change the devcontainer files; fail when there are none. */
  readonly devcontainer?: boolean;
  /** Host folders to look in for a devcontainer.json when the labels name none (the workspace). */
  readonly workspaceFolders?: readonly string[];
}

/** Our compose file beside a compose-based devcontainer.json. */
export const keeperComposeFileName = 'docker-compose.odoo-dev.yml';
/** Our Dockerfile beside an image-based devcontainer.json. */
export const keeperDockerfileName = 'Dockerfile.odoo-dev';

const labels = {
  configFile: 'devcontainer.config_file',
  localFolder: 'devcontainer.local_folder',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  service: 'com.docker.compose.service',
  project: 'com.docker.compose.project',
  version: 'com.docker.compose.version',
} as const;

const header = [
  'Added by odoo-dev keeper --write: a keeper as PID 1 runs the entrypoint and command below',
  'as its child, so that Odoo restarts with new args without stopping the container.',
  'Delete this file (and its line in devcontainer.json) to undo.',
];

/**
 * The edits that make the container restartable with new args for good.
 * @throws OdooDevError `invalid-args` when no file of the user's makes this container (it was
 *   not made by compose or Dev Containers), or when one cannot be read or parsed.
 */
export async function planKeeperFiles(request: KeeperFilesRequest, read: ReadText): Promise<KeeperFilesPlan> {
  const { facts } = request;
  const found = facts.labels;
  const configFiles = composeConfigFiles(found);
  const generated = configFiles.some(isDevcontainersGenerated);
  let configFile: string | undefined = found[labels.configFile];
  if (configFile === undefined && generated) {
    // A sibling service of a compose-based devcontainer: its devcontainer.json names the same compose file.
    configFile = await findDevcontainerJson(request, configFiles.filter((file) => !isDevcontainersGenerated(file)), read);
    if (configFile === undefined) {
      throw new OdooDevError('invalid-args', `Service ${found[labels.service] ?? '?'} belongs to the compose project of a devcontainer, and no devcontainer.json in this folder names its compose file ${configFiles[0]}.`, {
        hint: 'Run this in the folder the Dev Container was opened from.',
      });
    }
  }
  if (configFile !== undefined && (request.devcontainer || request.composeService === undefined || generated)) {
    return planDevcontainer(request, configFile, read);
  }
  if (request.devcontainer) {
    throw new OdooDevError('invalid-args', 'No devcontainer.json makes this container: it has no devcontainer.config_file label, and none in the workspace names its compose files.', {
      hint: 'Leave out --devcontainer, or run this in the folder of the devcontainer.',
    });
  }
  if (found[labels.workingDir] !== undefined && configFiles.length > 0) {
    return planCompose(request, configFiles, read);
  }
  throw new OdooDevError('invalid-args', 'This container was not made by compose or by Dev Containers (it has none of their labels), so there is no file of yours to write the keeper into.', {
    hint: 'odoo-dev keeper prints the Dockerfile form to build it into the image yourself.',
  });
}

/** The keeper around what the container runs, and whether it runs the keeper already. */
function keeperFor(facts: ContainerCommandFacts, fallback?: { entrypoint?: readonly string[]; command?: readonly string[] }): { keeper: KeeperCommand; running: boolean } {
  const { entrypoint, cmd } = withoutDevcontainersWrapper(facts);
  if (isKeeper(entrypoint)) {
    // An older keeper is replaced by the current one, around what it runs.
    return { keeper: keeperAround(entrypoint, cmd), running: isCurrentKeeper(entrypoint) };
  }
  if (entrypoint.length === 0 && cmd.length === 0) {
    // The Dev Containers wrapper runs nothing (overrideCommand: true): take what the service
    // or the image would run.
    const inner = [...(fallback?.entrypoint ?? facts.imageEntrypoint)];
    // A service's own entrypoint drops the image's command, as compose does.
    const command = [...(fallback?.command ?? (fallback?.entrypoint ? [] : facts.imageCmd ?? []))];
    if (inner.length === 0 && command.length === 0) {
      throw new OdooDevError('invalid-args', 'The container runs no entrypoint or command of its own, so there is nothing for the keeper to run.', {
        hint: 'Give the compose service a command, or the image an ENTRYPOINT or CMD.',
      });
    }
    return { keeper: restartableKeeper(inner, command), running: false };
  }
  return { keeper: restartableKeeper(entrypoint, cmd), running: false };
}

async function planCompose(request: KeeperFilesRequest, configFiles: readonly string[], read: ReadText): Promise<KeeperFilesPlan> {
  const found = request.facts.labels;
  const service = request.composeService ?? found[labels.service];
  if (service === undefined) {
    throw new OdooDevError('invalid-args', 'The container has no com.docker.compose.service label: say which service with --compose-service NAME.');
  }
  const { keeper, running } = keeperFor(request.facts);
  const workingDir = found[labels.workingDir];
  const path = pathsOf(workingDir);
  const main = configFiles[0];
  const listed = [...configFiles].reverse().find((file) => isOverrideName(path.basename(file)));
  let override = listed;
  let before = listed !== undefined ? await read(listed) : undefined;
  if (override === undefined) {
    for (const name of overrideNames(path.basename(main))) {
      const candidate = path.join(path.dirname(main), name);
      const text = await read(candidate);
      if (text !== undefined) {
        override = candidate;
        before = text;
        break;
      }
    }
  }
  override ??= path.join(path.dirname(main), overrideNames(path.basename(main))[0]);
  const after = before === undefined
    ? composeKeeperFile(service, keeper, [header[0], header[1], 'Delete this file, or these lines, to undo.', ''])
    : withServiceKeeper(before, service, keeper, override);
  const edits = after === before ? [] : [{ path: override, before, after }];
  const files = configFiles.includes(override) ? configFiles : [...configFiles, override];
  const byDefault = files.every((file, i) => path.dirname(file) === workingDir && (i === 0 ? defaultNames.includes(path.basename(file)) : isOverrideName(path.basename(file)))) && files.length <= 2;
  const project = found[labels.project];
  const defaultProject = path.basename(workingDir).toLowerCase().replace(/[^-_a-z0-9]/g, '');
  const relative = (file: string) => (path.dirname(file) === workingDir ? path.basename(file) : file);
  const args = [
    ...(project !== undefined && project !== defaultProject ? ['-p', project] : []),
    ...(byDefault ? [] : files.flatMap((file) => ['-f', relative(file)])),
    'up', '-d', service,
  ];
  const notes = [
    `Compose replaces the entrypoint and command of service ${service} with these: the keeper runs \`${joinArgs([...keeper.entrypoint.slice(4), ...keeper.command])}\`, what the container runs now.`,
    ...(before === undefined ? [`${path.basename(override)} is new; compose reads it with ${path.basename(main)}.`] : []),
  ];
  return { form: 'compose', keeper, running, edits, notes, next: { kind: 'compose-up', program: composeProgram(found[labels.version]), cwd: workingDir, args } };
}

async function planDevcontainer(request: KeeperFilesRequest, configFile: string, read: ReadText): Promise<KeeperFilesPlan> {
  const path = pathsOf(configFile);
  const text = await read(configFile);
  if (text === undefined) {
    throw new OdooDevError('invalid-args', `${configFile}, the devcontainer.json that made this container, does not exist here.`, {
      hint: 'Run this on the machine and in the folder the Dev Container was opened from.',
    });
  }
  const config = readDevcontainerJson(text, configFile);
  const folder = path.dirname(configFile);
  const localFolder = request.facts.labels[labels.localFolder] ?? (path.basename(folder) === '.devcontainer' ? path.dirname(folder) : folder);
  const isDefaultConfig = [path.join(localFolder, '.devcontainer', 'devcontainer.json'), path.join(localFolder, '.devcontainer.json')].includes(configFile);
  const next: KeeperNextStep = {
    kind: 'devcontainer-rebuild',
    workspaceFolder: localFolder,
    configFile,
    cliArgs: ['up', '--workspace-folder', localFolder, ...(isDefaultConfig ? [] : ['--config', configFile]), '--remove-existing-container'],
  };
  const edits: FileEdit[] = [];
  const notes: string[] = [];
  const change = (file: string, before: string | undefined, after: string) => {
    if (after !== before) {
      edits.push({ path: file, before, after });
    }
  };

  if (config.dockerComposeFile !== undefined) {
    const composeFiles = (Array.isArray(config.dockerComposeFile) ? config.dockerComposeFile : [config.dockerComposeFile])
      .filter((file): file is string => typeof file === 'string')
      .map((file) => path.resolve(folder, file));
    const main = typeof config.service === 'string' ? config.service : undefined;
    const service = request.composeService ?? request.facts.labels[labels.service] ?? main;
    if (service === undefined) {
      throw new OdooDevError('invalid-args', `${configFile} names no service: say which with --compose-service NAME.`);
    }
    const fallback = await serviceCommand(composeFiles, service, read);
    const { keeper, running } = keeperFor(request.facts, fallback);
    const ours = path.join(folder, keeperComposeFileName);
    const oursBefore = await read(ours);
    change(ours, oursBefore, oursBefore === undefined ? composeKeeperFile(service, keeper, [...header, '']) : withServiceKeeper(oursBefore, service, keeper, ours));
    let json = withComposeFile(text, keeperComposeFileName);
    if (service === main && config.overrideCommand === true) {
      json = withOverrideCommandFalse(json);
      notes.push('devcontainer.json sets "overrideCommand": true, which replaces the command with an idle loop, so the keeper would never run: this sets it to false, as compose-based devcontainers have it by default.');
    }
    change(configFile, text, json);
    notes.push(`${keeperComposeFileName} goes last in "dockerComposeFile", so its entrypoint and command win over the other compose files for service ${service}.`);
    return { form: 'devcontainer-compose', keeper, running, edits, notes, next };
  }

  const { keeper, running } = keeperFor(request.facts);
  const dockerfile = typeof config.build?.dockerfile === 'string' ? config.build.dockerfile : typeof config.dockerFile === 'string' ? config.dockerFile : undefined;
  let json = text;
  let form: KeeperFilesPlan['form'];
  if (dockerfile !== undefined) {
    form = 'devcontainer-dockerfile';
    const file = path.resolve(folder, dockerfile);
    const before = await read(file);
    if (before === undefined) {
      throw new OdooDevError('invalid-args', `${file}, the Dockerfile that ${configFile} builds, does not exist.`);
    }
    const target = typeof config.build?.target === 'string' ? config.build.target : undefined;
    change(file, before, withDockerfileKeeper(before, keeper, target, file));
    notes.push(`The ENTRYPOINT and CMD lines go at the end of ${target ? `stage ${target} of ` : ''}${path.basename(file)}, after your own lines.`);
  } else if (typeof config.image === 'string') {
    form = 'devcontainer-image';
    const ours = path.join(folder, keeperDockerfileName);
    change(ours, await read(ours), keeperDockerfile(config.image, keeper, [
      header[0], header[1],
      `Built instead of pulling "${config.image}" (devcontainer.json's "image"); to undo, delete this file and put "image": ${JSON.stringify(config.image)} back in place of "build".`,
      '',
    ]));
    json = withBuildDockerfile(json, keeperDockerfileName);
    notes.push(`devcontainer.json builds ${keeperDockerfileName} (FROM ${config.image}) instead of pulling ${config.image}.`);
  } else {
    throw new OdooDevError('invalid-args', `${configFile} has neither "image", "build" nor "dockerComposeFile", so the keeper has no place to go.`);
  }
  if (config.overrideCommand !== false) {
    json = withOverrideCommandFalse(json);
    notes.push(config.overrideCommand === true
      ? 'devcontainer.json sets "overrideCommand": true, which replaces the image\'s command with an idle loop, so the keeper would never run: this sets it to false.'
      : 'Image-based devcontainers replace the image\'s command with an idle loop unless "overrideCommand" is false: this sets it, so that the keeper runs.');
  }
  change(configFile, text, json);
  return { form, keeper, running, edits, notes, next };
}

/**
 * The service's own entrypoint and command from its compose files (the last file that sets
 * one wins, as compose merges them), for when the container runs neither.
 */
async function serviceCommand(files: readonly string[], service: string, read: ReadText): Promise<{ entrypoint?: string[]; command?: string[] }> {
  const out: { entrypoint?: string[]; command?: string[] } = {};
  for (const file of files) {
    const text = await read(file);
    if (text === undefined) {
      continue;
    }
    let doc: unknown;
    try {
      doc = parseYaml(text) as unknown;
    } catch {
      continue;
    }
    const entry = (doc as { services?: Record<string, { entrypoint?: unknown; command?: unknown }> } | null)?.services?.[service];
    for (const key of ['entrypoint', 'command'] as const) {
      const value = entry?.[key];
      if (Array.isArray(value)) {
        out[key] = value.map(String);
      } else if (typeof value === 'string') {
        out[key] = splitArgs(value);
      }
    }
  }
  return out;
}

async function findDevcontainerJson(request: KeeperFilesRequest, composeFiles: readonly string[], read: ReadText): Promise<string | undefined> {
  if (composeFiles.length === 0) {
    return undefined;
  }
  for (const folder of request.workspaceFolders ?? []) {
    const path = pathsOf(folder);
    for (const candidate of [path.join(folder, '.devcontainer', 'devcontainer.json'), path.join(folder, '.devcontainer.json')]) {
      const text = await read(candidate);
      if (text === undefined) {
        continue;
      }
      let config: DevcontainerConfig;
      try {
        config = readDevcontainerJson(text, candidate);
      } catch {
        continue;
      }
      const listed = Array.isArray(config.dockerComposeFile) ? config.dockerComposeFile : [config.dockerComposeFile];
      const resolved = listed.filter((file): file is string => typeof file === 'string').map((file) => path.resolve(path.dirname(candidate), file));
      if (resolved.includes(composeFiles[0])) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The project's compose files as absolute paths (Compose 1 lists them relative to the project folder). */
function composeConfigFiles(found: Readonly<Record<string, string>>): string[] {
  const workingDir = found[labels.workingDir];
  const list = found[labels.configFiles];
  if (workingDir === undefined || list === undefined) {
    return [];
  }
  const path = pathsOf(workingDir);
  return list.split(',').map((file) => file.trim()).filter(Boolean).map((file) => path.resolve(workingDir, file));
}

/** The compose files the Dev Containers CLI writes for itself, in a folder of its own. */
function isDevcontainersGenerated(file: string): boolean {
  return /(^|[\\/])docker-compose\.devcontainer\.[^\\/]*$/.test(file);
}

/** The names compose looks for when no -f is given (Compose 1 and 2). */
const defaultNames = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

const isOverrideName = (name: string) => /^(docker-)?compose\.override\.ya?ml$/.test(name);

/** The override names compose reads beside `main`, the one matching its spelling first. */
function overrideNames(main: string): string[] {
  const all = ['docker-compose.override.yml', 'docker-compose.override.yaml', 'compose.override.yml', 'compose.override.yaml'];
  const match = /^((?:docker-)?compose)\.(ya?ml)$/.exec(main);
  const first = match ? `${match[1]}.override.${match[2]}` : all[0];
  return [first, ...all.filter((name) => name !== first)];
}

/** Compose 1 is the `docker-compose` program; Compose 2 is `docker compose` (its label says 2.x). */
function composeProgram(version: string | undefined): string[] {
  return version !== undefined && version.startsWith('1.') ? ['docker-compose'] : ['docker', 'compose'];
}

/** Host paths as the labels spell them: a Windows host's (`C:\...`) or a POSIX one's. */
function pathsOf(sample: string): typeof nodePath.posix {
  return /^[A-Za-z]:[\\/]|^\\\\/.test(sample) ? nodePath.win32 : nodePath.posix;
}

/**
 * The command line that applies the change, and the folder to run it in: `docker-compose up -d
 * SERVICE` for compose, the Dev Containers CLI's `devcontainer up ... --remove-existing-container`
 * for a devcontainer (where VS Code's "Rebuild Container" does the same).
 */
export function nextStepCommand(next: KeeperNextStep): { readonly cwd: string; readonly argv: readonly string[] } {
  return next.kind === 'compose-up'
    ? { cwd: next.cwd, argv: [...next.program, ...next.args] }
    : { cwd: next.workspaceFolder, argv: ['devcontainer', ...next.cliArgs] };
}
