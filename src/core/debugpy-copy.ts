/**
 * Where the container has no debugpy of its own: the one the VS Code Python Debugger extension
 * bundles (`bundled/libs/debugpy`) goes into a folder of ours in the container, never into the
 * user's site-packages, and onto PYTHONPATH for the debug run only.
 */

import { OdooDevError } from './errors';

/** The VS Code extension that bundles debugpy. */
export const pythonDebuggerExtension = 'ms-python.debugpy';

/** Where the extension keeps its copy of debugpy, under its own folder. */
export const bundledDebugpyPath = ['bundled', 'libs', 'debugpy'] as const;

/** The folder of ours under which copies of debugpy go, one per version. */
export const debugpyCopiesDir = '/tmp/odoo-dev/debugpy';

/** A debugpy package folder on the host to copy into the container. */
export interface DebugpySource {
  /** The host folder named `debugpy` (the package itself). */
  readonly hostDir: string;
  /** Its version, which names the copy in the container. */
  readonly version: string;
}

/** The container folder that goes on PYTHONPATH for a copy of this version (it holds `debugpy/`). */
export function debugpyCopyDir(version: string): string {
  const safe = version.replace(/[^A-Za-z0-9._+-]/g, '_').replace(/^\.+/, '') || 'unknown';
  return `${debugpyCopiesDir}/${safe}`;
}

/** debugpy's version as its `_version.py` (or the `__init__.py` of old releases) spells it. */
export function debugpyVersionIn(source: string): string | undefined {
  return /^\s*(?:__version__|version)\s*=\s*['"]([^'"]+)['"]/m.exec(source)?.[1]
    ?? /"version"\s*:\s*"([^"]+)"/.exec(source)?.[1];
}

/** What to do where Odoo's Python has no debugpy. */
export type MissingDebugpyChoice =
  /** Ask the user, then copy the extension's debugpy into the container. */
  | { readonly kind: 'offer-copy'; readonly source: DebugpySource }
  /** The extension is missing: offer to install it (then the copy can be offered). */
  | { readonly kind: 'offer-extension' }
  /** The extension is there but its debugpy is not where it should be: say what to install. */
  | { readonly kind: 'install-in-container' };

/** The editor's answer to a missing debugpy, from what the host has. */
export function missingDebugpyChoice(host: { readonly extensionInstalled: boolean; readonly source?: DebugpySource }): MissingDebugpyChoice {
  if (host.source) {
    return { kind: 'offer-copy', source: host.source };
  }
  return host.extensionInstalled ? { kind: 'install-in-container' } : { kind: 'offer-extension' };
}

/** Reads a host file as text, or says it is not there (undefined). */
export type HostFileReader = (file: string) => string | undefined;

/**
 * The debugpy package a host folder names: the package itself (a folder with `__init__.py`
 * and debugpy's `_version.py`), or a folder that holds it as `debugpy/` (the Python Debugger
 * extension's `bundled/libs`, a site-packages). A folder that holds neither is refused with what
 * to give instead; nothing is read beyond these few files.
 */
export function debugpySourceIn(given: string, read: HostFileReader, join: (...parts: string[]) => string): DebugpySource {
  for (const dir of [given, join(given, 'debugpy')]) {
    const init = read(join(dir, '__init__.py'));
    if (init === undefined || read(join(dir, '__main__.py')) === undefined) {
      continue;
    }
    const version = debugpyVersionIn(read(join(dir, '_version.py')) ?? '') ?? debugpyVersionIn(init);
    if (version === undefined) {
      throw new OdooDevError('invalid-args', `${dir} has no debugpy version (in _version.py or __init__.py), so it is not taken as debugpy; nothing was copied or stopped.`, {
        hint: 'Give the folder of a debugpy release, such as bundled/libs/debugpy of the Python Debugger extension.',
      });
    }
    return { hostDir: dir, version };
  }
  throw new OdooDevError('invalid-args', `${given} holds no debugpy package (a folder with __init__.py and __main__.py, itself or as debugpy/ inside it); nothing was copied or stopped.`, {
    hint: 'Give the debugpy folder, or the folder that holds it, such as bundled/libs of the Python Debugger extension.',
  });
}

/** Where the Python Debugger extension installed at `extensionPath` keeps its debugpy. */
export function bundledDebugpyDir(extensionPath: string, join: (...parts: string[]) => string): string {
  return join(extensionPath, ...bundledDebugpyPath);
}
