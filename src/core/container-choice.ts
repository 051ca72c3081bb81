import { OdooDevError } from './errors';

/** A container as a listing shows it. */
export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ContainerHints {
  /** `odooDev.container` or `--container`: a name or an ID (prefix). */
  readonly explicit?: string;
  /** The folder this window or terminal works in. */
  readonly workspaceFolder?: string;
}

const localFolder = 'devcontainer.local_folder';
const composeDir = 'com.docker.compose.project.working_dir';

/**
 * The container named by the user, else the Dev Container of this folder, else the compose
 * service of this project that runs Odoo. Undefined when none of these apply; the caller then
 * looks for the only running container with an Odoo process (`onlyOdooContainer`).
 */
export function preferredContainer(list: readonly ContainerSummary[], hints: ContainerHints): ContainerSummary | undefined {
  if (hints.explicit) {
    const wanted = hints.explicit.replace(/^\//, '');
    const found = list.find((c) => c.name === wanted) ?? list.find((c) => c.id === wanted)
      ?? uniqueMatch(list.filter((c) => c.id.startsWith(wanted)), wanted);
    if (!found) {
      throw new OdooDevError('container-not-found', `No container is named "${wanted}" or has an ID starting with it.`, {
        hint: `Existing containers: ${names(list) || 'none'}; check odooDev.container or --container.`,
      });
    }
    return found;
  }
  const folder = hints.workspaceFolder?.replace(/\/+$/, '');
  if (!folder) {
    return undefined;
  }
  const running = list.filter((c) => c.state === 'running');
  const devContainer = running.filter((c) => c.labels[localFolder]?.replace(/\/+$/, '') === folder);
  if (devContainer.length === 1) {
    return devContainer[0];
  }
  return undefined;
}

/** Among running containers, the compose ones of this folder first, the one running Odoo. */
export function onlyOdooContainer(list: readonly ContainerSummary[], runsOdoo: ReadonlySet<string>, hints: ContainerHints): ContainerSummary {
  const folder = hints.workspaceFolder?.replace(/\/+$/, '');
  const odoo = list.filter((c) => c.state === 'running' && runsOdoo.has(c.id));
  const ofProject = odoo.filter((c) => folder && c.labels[composeDir]?.replace(/\/+$/, '') === folder);
  if (ofProject.length === 1) {
    return ofProject[0];
  }
  if (odoo.length === 1) {
    return odoo[0];
  }
  const tried = [
    folder ? `no Dev Container labelled ${localFolder}=${folder}` : undefined,
    folder ? `no single compose service of ${folder} running Odoo` : undefined,
    odoo.length ? `${odoo.length} running containers run Odoo (${names(odoo)})` : 'no running container runs an Odoo process',
  ].filter(Boolean).join('; ');
  return failChoice(odoo.length ? 'container-ambiguous' : 'container-not-found', tried, list);
}

function failChoice(code: 'container-ambiguous' | 'container-not-found', tried: string, list: readonly ContainerSummary[]): never {
  const running = list.filter((c) => c.state === 'running');
  throw new OdooDevError(code, `Could not tell which container runs Odoo: ${tried}.`, {
    hint: `Name it in odooDev.container or with --container (running: ${names(running) || 'none'}).`,
  });
}

function uniqueMatch(matches: readonly ContainerSummary[], wanted: string): ContainerSummary | undefined {
  if (matches.length > 1) {
    throw new OdooDevError('container-ambiguous', `The ID prefix "${wanted}" matches ${matches.length} containers: ${names(matches)}.`, {
      hint: 'Give more of the ID, or the name.',
    });
  }
  return matches[0];
}

function names(list: readonly ContainerSummary[]): string {
  return list.map((c) => c.name).join(', ');
}
