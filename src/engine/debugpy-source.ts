import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { debugpySourceIn, type DebugpySource } from '../core/debugpy-copy';

/**
 * The debugpy package that a host folder names (itself, or its `debugpy/`), with its version,
 * for copying into a container that has none; a folder that is no debugpy is refused before
 * anything is copied or stopped.
 */
export function readDebugpySource(dir: string): DebugpySource {
  return debugpySourceIn(path.resolve(dir), readText, path.join);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
