/** A bind mount as the container has it: a host folder seen at another path inside. */
export interface BindMount {
  /** The folder on the Docker host. */
  readonly source: string;
  /** Where the container sees it. */
  readonly destination: string;
}

/** One entry of debugpy's `pathMappings`: a folder of the editor and the same folder in the container. */
export interface PathMapping {
  readonly localRoot: string;
  readonly remoteRoot: string;
}

/**
 * Where the workspace's files are inside the container, from the container's bind mounts, so
 * that a breakpoint set in the editor binds to the file the server runs: a workspace folder that
 * is a mount or lies inside one maps to its path in the container; a mount that lies inside a
 * workspace folder (its addons, Odoo's own source) maps that part of it. Longest host paths come
 * first, as debugpy takes the first mapping that matches. Paths are POSIX (a Linux container's).
 */
export function pathMappingsFor(mounts: readonly BindMount[], workspaceFolders: readonly string[]): PathMapping[] {
  const mappings: PathMapping[] = [];
  const seen = new Set<string>();
  const add = (localRoot: string, remoteRoot: string) => {
    const key = `${localRoot}\n${remoteRoot}`;
    if (!seen.has(key)) {
      seen.add(key);
      mappings.push({ localRoot, remoteRoot });
    }
  };
  for (const folder of workspaceFolders.map(trimmed)) {
    for (const mount of mounts) {
      const source = trimmed(mount.source);
      const destination = trimmed(mount.destination);
      if (!source.startsWith('/') || !destination.startsWith('/')) {
        continue;
      }
      if (isWithin(folder, source)) {
        // The workspace folder is the mount or inside it.
        add(folder, joined(destination, folder.slice(source.length)));
      } else if (isWithin(source, folder)) {
        // The mount is a part of the workspace folder.
        add(source, destination);
      }
    }
  }
  return mappings.sort((a, b) => b.localRoot.length - a.localRoot.length);
}

function trimmed(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder === '/' ? '/' : `${folder}/`);
}

function joined(root: string, rest: string): string {
  return rest ? `${root === '/' ? '' : root}${rest}` : root;
}
