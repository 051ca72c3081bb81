/**
 * The keeper baked into an image: ENTRYPOINT and CMD lines (exec form, so nothing is
 * substituted) after the user's own lines of a Dockerfile, or a small Dockerfile of ours on top
 * of the user's image. A base image's CMD is reset by a new ENTRYPOINT, so both lines are
 * always written.
 */
import { OdooDevError } from './errors';
import { devcontainerSnippet, type KeeperCommand } from './restartable-keeper';

/** The first line of the block we add; finding it again lets a second run replace the block. */
const marker = '# odoo-dev keeper:';

function keeperBlock(keeper: KeeperCommand, eol: string): string {
  const [, entrypoint, cmd] = devcontainerSnippet(keeper).dockerfile.split('\n');
  return [
    `${marker} PID 1 is a small sh script that runs the entrypoint and command below as its child,`,
    '# so that Odoo restarts with new args without stopping the container. Remove these lines to undo.',
    entrypoint,
    cmd,
  ].join(eol);
}

/**
 * The user's Dockerfile with the keeper's lines at the end of the stage that is built (the
 * last one, or `target`), replacing the lines of an earlier run; the text unchanged when they
 * are there already.
 */
export function withDockerfileKeeper(text: string, keeper: KeeperCommand, target?: string, file = 'the Dockerfile'): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const block = keeperBlock(keeper, eol);
  const lines = text.split(/\r?\n/);
  const from = stageLines(lines, target, file);
  const old = lines.findIndex((line, i) => i >= from.start && i < from.end && line.startsWith(marker));
  if (old >= 0) {
    // Our block: the two comment lines, then ENTRYPOINT and CMD.
    let end = old + 1;
    while (end < from.end && end < old + 4 && !/^\s*$/.test(lines[end])) {
      end++;
    }
    return [...lines.slice(0, old), ...block.split(eol), ...lines.slice(end)].join(eol);
  }
  // At the end of the stage, after its last line that is not blank.
  let at = from.end;
  while (at > from.start && /^\s*$/.test(lines[at - 1])) {
    at--;
  }
  const rest = lines.slice(at);
  const after = rest.length === 0 ? [''] : at === from.end ? ['', ...rest] : rest;
  return [...lines.slice(0, at), '', ...block.split(eol), ...after].join(eol);
}

/** A Dockerfile of ours: the user's image with the keeper as its ENTRYPOINT. */
export function keeperDockerfile(image: string, keeper: KeeperCommand, header: readonly string[]): string {
  return [...header.map((line) => `# ${line}`.trimEnd()), `FROM ${image}`, '', keeperBlock(keeper, '\n'), ''].join('\n');
}

/** The line range [start, end) of the stage to edit. */
function stageLines(lines: readonly string[], target: string | undefined, file: string): { start: number; end: number } {
  const froms = lines.map((line, i) => (/^\s*FROM\s/i.test(line) ? i : -1)).filter((i) => i >= 0);
  if (froms.length === 0) {
    throw new OdooDevError('invalid-args', `${file} has no FROM line, so it is not a Dockerfile this can add to.`);
  }
  if (target === undefined) {
    return { start: froms[froms.length - 1], end: lines.length };
  }
  const stage = froms.findIndex((i) => new RegExp(`\\sAS\\s+${escapeRegExp(target)}\\s*$`, 'i').test(lines[i]));
  if (stage < 0) {
    throw new OdooDevError('invalid-args', `${file} has no stage named "${target}", which devcontainer.json builds (build.target).`);
  }
  return { start: froms[stage], end: froms[stage + 1] ?? lines.length };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
