/**
 * What a recreate loses: the changes in the container's own writable layer (`docker diff`), such
 * as a package installed by hand, less the noise every running container makes.
 */

/** One line of `docker diff`: Kind 0 changed, 1 added, 2 deleted. */
export interface LayerChange {
  readonly Kind: number;
  readonly Path: string;
}

export interface LostChange {
  readonly kind: 'changed' | 'added' | 'deleted';
  readonly path: string;
}

/** Whole trees whose content no one expects to survive a new container. */
const noiseTrees = ['/tmp', '/run', '/var/run', '/var/tmp', '/var/log', '/var/cache', '/dev', '/proc', '/sys'];
/** Files and folders that are caches or histories wherever they are. */
const noiseNames = /^(__pycache__|\.cache|\.bash_history|\.python_history|\.sh_history|\.ash_history|\.viminfo|\.lesshst|\.wget-hsts)$/;
const noiseFiles = /\.(pyc|pyo|log)$/;
/** Docker writes these over the image's own. */
const dockerFiles = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/etc/mtab', '/.dockerenv']);

const kinds: Record<number, LostChange['kind']> = { 0: 'changed', 1: 'added', 2: 'deleted' };

/**
 * The changes that would be lost, shortest form first: an added or deleted folder stands for
 * everything in it, and a folder that only changed because something in it did is left out.
 * `mountPoints`: where the container mounts volumes, binds and tmpfs (Docker creates those
 * folders in the layer; what is in them is not in the layer at all).
 */
export function lostLayerChanges(changes: readonly LayerChange[], mountPoints: readonly string[] = []): LostChange[] {
  const mounts = mountPoints.map(trimmed);
  const isNoise = (path: string) => {
    const parts = path.split('/');
    return noiseTrees.some((tree) => within(path, tree))
      || parts.some((part) => noiseNames.test(part))
      || noiseFiles.test(path)
      || dockerFiles.has(path)
      || mounts.some((mount) => within(path, mount) || within(mount, path));
  };
  const all = changes.map((c) => ({ kind: kinds[c.Kind] ?? 'changed', path: trimmed(c.Path) }));
  // A changed folder above any other change (noise included) changed only because of it.
  const parents = new Set(all.flatMap((c) => ancestors(c.path)));
  const kept = all.filter((c) => !isNoise(c.path) && !(c.kind === 'changed' && parents.has(c.path)));
  const whole = kept.filter((c) => c.kind !== 'changed').map((c) => c.path);
  return kept
    .filter((c) => !whole.some((folder) => folder !== c.path && within(c.path, folder)))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** The lost changes as lines (`added /opt/pkg`), at most `limit` of them and a count of the rest. */
export function describeLostChanges(lost: readonly LostChange[], limit = 20): string[] {
  const lines = lost.slice(0, limit).map((c) => `${c.kind} ${c.path}`);
  return lost.length > limit ? [...lines, `... and ${lost.length - limit} more (docker diff lists them all)`] : lines;
}

function within(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder === '/' ? '/' : `${folder}/`);
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    out.push(path.slice(0, i));
  }
  return out;
}

function trimmed(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
