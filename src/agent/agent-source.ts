import { readFileSync } from 'node:fs';
import * as path from 'node:path';

let source: string | undefined;

/** The agent's Python source; it ships next to the bundles (and next to this file in tests). */
export function agentSource(): string {
  source ??= readFileSync(path.join(__dirname, 'agent.py'), 'utf8');
  return source;
}
