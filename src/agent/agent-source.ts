import { readFileSync } from 'node:fs';
import * as path from 'node:path';

let source: string | undefined;

/** The agent's Python source; it ships next to the bundles (and next to this file in tests). */
export function agentSource(): string {
  source ??= readFileSync(path.join(__dirname, 'agent.py'), 'utf8');
  return source;
}

let hookSource: string | undefined;

/** The debug runs' sitecustomize (see debugpy_hook.py); it ships next to the agent. */
export function debugHookSource(): string {
  hookSource ??= readFileSync(path.join(__dirname, 'debugpy_hook.py'), 'utf8');
  return hookSource;
}

let warmSourceText: string | undefined;

/** The warm process's program (see warm.py); it ships next to the agent. */
export function warmSource(): string {
  warmSourceText ??= readFileSync(path.join(__dirname, 'warm.py'), 'utf8');
  return warmSourceText;
}
