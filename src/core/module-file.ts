/** A file of an Odoo module: the module's name and the path inside its folder. */
export interface ModuleFile {
  readonly module: string;
  /** `/`-separated, relative to the module's folder (`tests/test_sale.py`). */
  readonly path: string;
}

/**
 * Which module's file a path is, for a path as Odoo saw it in the container
 * (`/mnt/extra-addons/sale_ext/tests/test_sale.py`) and the modules the workspace holds: an
 * addons folder holds modules by their names, wherever it is mounted, so the module folder is
 * the last folder of the path named after one of them. Paths into no known module give
 * undefined: they are Odoo's own files, or modules the workspace does not have.
 */
export function moduleFileOf(containerPath: string, modules: ReadonlySet<string>): ModuleFile | undefined {
  const parts = containerPath.replace(/\\/g, '/').split('/');
  // The last part is the file itself; a module folder comes before it.
  for (let index = parts.length - 2; index >= 0; index--) {
    if (modules.has(parts[index])) {
      const rest = parts.slice(index + 1);
      if (rest.some((part) => part === '..' || part === '')) {
        return undefined;
      }
      return { module: parts[index], path: rest.join('/') };
    }
  }
  return undefined;
}
