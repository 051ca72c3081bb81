import { OdooDevError } from './errors';
import type { WindowContainer } from './remote-authority';

/** A container as a listing shows it. */
export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** What the front end knows about the container the user means. */
export interface ContainerHints {
  /**
   * A container the user named, by name or ID (prefix); `from` says where, as the label and
   * the error name it (`the odooDev.container setting`, `--container`, `$ODOO_DEV_CONTAINER`).
   */
  readonly explicit?: { readonly name: string; readonly from: string };
  /** The container the user chose for this workspace with "Odoo: Select Container". */
  readonly selected?: string;
  /** The container behind this VS Code window, read from its remote authority. */
  readonly window?: WindowContainer;
  /** The folder this window or terminal works in. */
  readonly workspaceFolder?: string;
}

/** The container chosen, and how, for the log. */
export interface ContainerChoice {
  readonly container: ContainerSummary;
  /** How it was found: `the odooDev.container setting`, `the Dev Container of /home/dev/app`, ... */
  readonly how: string;
  /** The container chosen for this workspace, which no longer exists: the caller forgets it. */
  readonly droppedSelection?: string;
}

/** The label Dev Containers puts on the container of a folder. */
export const devContainerFolderLabel = 'devcontainer.local_folder';
/** The label Docker Compose puts on the containers of a project. */
export const composeFolderLabel = 'com.docker.compose.project.working_dir';

const selectedHow = 'the container selected for this workspace';
const attachedHow = 'the container this window is attached to';
const onlyOdooHow = 'the only running container with an Odoo process';

/**
 * The container the user means, the same for the command line and the editor, in this order:
 * (1) the one named by `explicit`; (2) the one `selected` for this workspace, unless it is gone
 * (then `droppedSelection` says so and the search goes on); (3) the container of this window,
 * attached by name or the Dev Container of its host folder; (4) the running Dev Container of
 * the folder; (5) the folder's compose service running Odoo; (6) the only running container
 * with an Odoo process.
 *
 * Steps 5 and 6 need `runsOdoo`, the IDs of the containers with an Odoo process, which costs
 * a look at each running container: without it the function returns undefined where it would
 * need it, so that the caller looks only then and asks again with it.
 *
 * @throws OdooDevError `container-not-found` or `container-ambiguous`, saying what was tried;
 *   its `details.droppedSelection` carries a selection that turned out to be gone.
 */
export function chooseContainer(list: readonly ContainerSummary[], hints: ContainerHints): ContainerChoice | undefined;
export function chooseContainer(list: readonly ContainerSummary[], hints: ContainerHints, runsOdoo: ReadonlySet<string>): ContainerChoice;
export function chooseContainer(list: readonly ContainerSummary[], hints: ContainerHints, runsOdoo?: ReadonlySet<string>): ContainerChoice | undefined {
  if (hints.explicit) {
    const { name, from } = hints.explicit;
    const named = byName(list, name);
    if (!named) {
      throw new OdooDevError('container-not-found', `No container is named "${withoutSlash(name)}" or has an ID starting with it.`, {
        hint: `Existing containers: ${names(list) || 'none'}; check ${from}.`,
      });
    }
    return { container: named, how: from };
  }

  const tried: string[] = [];
  let dropped: { readonly droppedSelection?: string } = {};
  if (hints.selected) {
    const selected = byName(list, hints.selected);
    if (selected) {
      return { container: selected, how: selectedHow };
    }
    dropped = { droppedSelection: hints.selected };
    tried.push(`${selectedHow}, ${hints.selected}, is gone`);
  }

  const { window } = hints;
  if (window?.kind === 'attached-container') {
    const attached = byName(list, window.container);
    if (!attached) {
      throw new OdooDevError('container-not-found', `This window is attached to container "${window.container}", which does not exist.`, {
        hint: `Existing containers: ${names(list) || 'none'}; attach the window to a running container, or name one in odooDev.container.`,
        details: dropped,
      });
    }
    return { container: attached, how: attachedHow, ...dropped };
  }

  // A Dev Container window's own folder is on the host; the label names that folder.
  const folder = withoutTrailingSlash(window?.kind === 'dev-container' ? window.hostPath : hints.workspaceFolder);
  const running = list.filter((c) => c.state === 'running');
  if (folder) {
    const devContainers = running.filter((c) => withoutTrailingSlash(c.labels[devContainerFolderLabel]) === folder);
    if (devContainers.length === 1) {
      const how = window ? `the Dev Container of this window (${folder})` : `the Dev Container of ${folder}`;
      return { container: devContainers[0], how, ...dropped };
    }
    tried.push(devContainers.length
      ? `${devContainers.length} running Dev Containers are labelled ${devContainerFolderLabel}=${folder} (${names(devContainers)})`
      : `no running Dev Container is labelled ${devContainerFolderLabel}=${folder}`);
  }

  if (!runsOdoo) {
    return undefined;
  }
  const odoo = running.filter((c) => runsOdoo.has(c.id));
  if (folder) {
    const ofFolder = odoo.filter((c) => withoutTrailingSlash(c.labels[composeFolderLabel]) === folder);
    if (ofFolder.length === 1) {
      const service = ofFolder[0].labels['com.docker.compose.service'];
      return { container: ofFolder[0], how: `the compose service ${service ?? ofFolder[0].name} of ${folder}`, ...dropped };
    }
    tried.push(ofFolder.length
      ? `${ofFolder.length} compose services of ${folder} run Odoo (${names(ofFolder)})`
      : `no compose service of ${folder} runs Odoo`);
  }
  if (odoo.length === 1) {
    return { container: odoo[0], how: onlyOdooHow, ...dropped };
  }
  tried.push(odoo.length ? `${odoo.length} running containers run Odoo (${names(odoo)})` : 'no running container runs an Odoo process');
  throw new OdooDevError(odoo.length ? 'container-ambiguous' : 'container-not-found', `Could not tell which container runs Odoo: ${tried.join('; ')}.`, {
    hint: `Name it in odooDev.container or with --container (running: ${names(running) || 'none'}).`,
    details: dropped,
  });
}

/** A name first, then a full ID, then a unique ID prefix: a name may look like an ID prefix. */
function byName(list: readonly ContainerSummary[], name: string): ContainerSummary | undefined {
  const wanted = withoutSlash(name);
  const exact = list.find((c) => c.name === wanted) ?? list.find((c) => c.id === wanted);
  if (exact) {
    return exact;
  }
  const matches = list.filter((c) => c.id.startsWith(wanted));
  if (matches.length > 1) {
    throw new OdooDevError('container-ambiguous', `The ID prefix "${wanted}" matches ${matches.length} containers: ${names(matches)}.`, {
      hint: 'Give more of the ID, or the name.',
    });
  }
  return matches[0];
}

/** Docker shows names with a leading slash (`/odoo`); users type them either way. */
function withoutSlash(name: string): string {
  return name.replace(/^\//, '');
}

function withoutTrailingSlash(path: string | undefined): string | undefined {
  return path?.replace(/\/+$/, '') || undefined;
}

function names(list: readonly ContainerSummary[]): string {
  return list.map((c) => c.name).join(', ');
}
