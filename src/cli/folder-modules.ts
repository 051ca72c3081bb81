import * as fs from 'node:fs';
import * as path from 'node:path';
import { readPythonTestClasses, readTestModuleNames } from '../core/python-tests';

/** Folders that hold no module of the user's: skipped while looking. */
const skipped = new Set(['node_modules', '__pycache__', 'static', 'dist']);
const maxDepth = 4;

/**
 * The Odoo modules under a folder (a folder with a `__manifest__.py`), by name, the nearest one
 * of a name first; at most `maxDepth` folders deep, hidden folders and the ones of `skipped` left
 * out, and nothing inside a module (a module holds no module).
 */
export function findFolderModules(root: string): Map<string, string> {
  const found = new Map<string, string>();
  let level = [root];
  for (let depth = 0; depth <= maxDepth && level.length; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      if (depth > 0 && fs.existsSync(path.join(folder, '__manifest__.py'))) {
        const name = path.basename(folder);
        if (!found.has(name)) {
          found.set(name, folder);
        }
        continue;
      }
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(folder, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (entry.isDirectory() && !entry.name.startsWith('.') && !skipped.has(entry.name)) {
          next.push(path.join(folder, entry.name));
        }
      }
    }
    level = next.sort();
  }
  return found;
}

/** Whether a module has tests Odoo loads: a `tests` package. */
export function hasTests(moduleFolder: string): boolean {
  return fs.existsSync(path.join(moduleFolder, 'tests', '__init__.py'));
}

/** The tags of a test class of a module, read from its test files; undefined when it is not found. */
export function classTags(moduleFolder: string, className: string): readonly string[] | undefined {
  let names: string[];
  try {
    names = readTestModuleNames(fs.readFileSync(path.join(moduleFolder, 'tests', '__init__.py'), 'utf8'));
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const source = fs.readFileSync(path.join(moduleFolder, 'tests', `${name}.py`), 'utf8');
      const found = readPythonTestClasses(source).find((c) => c.name === className);
      if (found) {
        return found.tags;
      }
    } catch {
      // A test module that is a package, or unreadable: not where the class is.
    }
  }
  return undefined;
}
