import { KEEPER_HOLDER } from './keeper-holder';

/**
 * A keeper as PID 1 that makes a container whose image runs Odoo as PID 1 restartable with new
 * args: it runs the image's entrypoint and command as a child (so the entrypoint still adds its
 * database options, and the child writes to PID 1's stdout and stderr, that is `docker logs`),
 * through our socket holder where the image has `python3` (so the first Odoo already serves on a
 * socket that outlives it, and the first restart overlaps), stays alive when Odoo exits, reaps
 * zombies, and on `docker stop` (TERM, or INT) sends TERM to every process whose parent is PID 1
 * (the first Odoo, the one our engine relaunched, which the kernel reparents to PID 1, the
 * holder) and exits 0 once those it may signal have ended.
 *
 * Pure: builds argv lists and the text of the snippets; nothing runs here.
 */

/** `$0` of the keeper's shell; it names the keeper in `ps` and lets us recognise it. */
export const KEEPER_NAME = 'odoo-keeper';

/** What follows the keeper's first line: find its children, stop them on TERM/INT, wait. */
const KEEPER_LOOP = [
  'kids() { k=; for d in /proc/[0-9]*; do s=; while read -r f v; do case $f in State:) s=$v;; PPid:) [ "$v" = 1 ] && [ "${s%% *}" != Z ] && k="$k ${d#/proc/}"; break;; esac; done 2>/dev/null <"$d/status"; done; };',
  'alive() { kids; a=; for p in $k; do kill -0 "$p" 2>/dev/null && a=1; done; [ -n "$a" ]; };',
  'stop() { trap "" TERM INT; kids; [ -z "$k" ] || kill -TERM $k 2>/dev/null; while alive; do sleep 0.1 2>/dev/null || sleep 1; done; exit 0; };',
  'trap stop TERM INT;',
  'while :; do sleep 86400 & wait $!; done',
];

/**
 * The keeper before it started Odoo through the socket holder, as containers made restartable
 * then still run it: a keeper, whose first Odoo has a socket of its own.
 */
export const OLDER_KEEPER_SCRIPT = ['"$@" &', ...KEEPER_LOOP].join(' ');

/**
 * The keeper, a POSIX `sh -c` script (dash, busybox ash and bash all run it; no `ps` needed).
 * The entrypoint and command are its positional args, never part of the script text.
 *
 * - The first line starts the entrypoint with its command as a child: through the socket
 *   holder (keeper-holder.ts, which ends in `exec` of the entrypoint either way) where there is
 *   a `python3` on PATH, else directly.
 * - `kids` lists the live (not zombie) processes whose parent is PID 1, from /proc.
 * - `stop` sends TERM to them once (Odoo's graceful stop; INT is forwarded as TERM, which Odoo
 *   treats alike and which a background job cannot have ignored), waits for those it may
 *   signal to end, and exits 0.
 * - The main loop waits on a long `sleep`: `wait` returns at once for a trapped signal, and the
 *   shell reaps every child that ends meanwhile, adopted orphans included.
 */
export const KEEPER_SCRIPT = [
  `if [ $# -gt 0 ] && command -v python3 >/dev/null 2>&1; then python3 -c '${KEEPER_HOLDER}' "$@" & else "$@" & fi;`,
  ...KEEPER_LOOP,
].join(' ');

export interface KeeperCommand {
  /** The container's new ENTRYPOINT. */
  readonly entrypoint: string[];
  /** The container's new CMD (the image's, unchanged). */
  readonly command: string[];
}

/** The keeper's entrypoint and command around the image's own entrypoint and command. */
export function restartableKeeper(imageEntrypoint: readonly string[], imageCmd: readonly string[]): KeeperCommand {
  return {
    entrypoint: ['/bin/sh', '-c', KEEPER_SCRIPT, KEEPER_NAME, ...imageEntrypoint],
    command: [...imageCmd],
  };
}

/** Whether an entrypoint (or a Dev Containers wrapper's command) already starts with our keeper, as it is now or as it was. */
export function isKeeper(argv: readonly string[]): boolean {
  return argv[1] === '-c' && (argv[2] === KEEPER_SCRIPT || argv[2] === OLDER_KEEPER_SCRIPT) && argv[3] === KEEPER_NAME;
}

/** Whether it starts with the keeper as it is now: the older one starts Odoo on a socket of its own. */
export function isCurrentKeeper(argv: readonly string[]): boolean {
  return argv[1] === '-c' && argv[2] === KEEPER_SCRIPT && argv[3] === KEEPER_NAME;
}

/** Whether it starts with a keeper written before the socket holder, which the current one replaces. */
export function isOlderKeeper(argv: readonly string[]): boolean {
  return isKeeper(argv) && !isCurrentKeeper(argv);
}

/** The current keeper around what the container runs: around what its keeper runs, where it has one of any age. */
export function keeperAround(entrypoint: readonly string[], cmd: readonly string[]): KeeperCommand {
  return restartableKeeper(isKeeper(entrypoint) ? entrypoint.slice(4) : entrypoint, cmd);
}

/**
 * A YAML flow sequence of double-quoted scalars. JSON string syntax is valid YAML
 * double-quoted syntax; `$` is doubled because compose interpolates `$` in every value
 * (`$$` is a literal `$`).
 */
export function composeSequence(words: readonly string[]): string {
  const quoted = (w: string) => JSON.stringify(w.replace(/\$/g, '$$$$')).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `[${words.map(quoted).join(', ')}]`;
}

const plainKey = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The lines to merge into the service in docker-compose.yml (or a compose override file). */
export function composeSnippet(service: string, keeper: KeeperCommand): string {
  const key = plainKey.test(service) ? service : JSON.stringify(service);
  return [
    'services:',
    `  ${key}:`,
    `    entrypoint: ${composeSequence(keeper.entrypoint)}`,
    `    command: ${composeSequence(keeper.command)}`,
    '',
  ].join('\n');
}

export interface DevcontainerSnippet {
  /** Members to merge into devcontainer.json (a JSON object). */
  readonly devcontainerJson: string;
  /**
   * For an image- or Dockerfile-based devcontainer: the Dockerfile that bakes the keeper into
   * the image (`build.dockerfile` in devcontainer.json). Compose-based ones take
   * `composeSnippet` instead.
   */
  readonly dockerfile: string;
}

/**
 * What a devcontainer needs. `"overrideCommand": false` makes the Dev Containers wrapper
 * `exec` the image's ENTRYPOINT and CMD (here: the keeper) instead of idling without Odoo.
 *
 * `runArgs: ["--entrypoint", ...]` cannot do it: `--entrypoint` takes one word, not a list
 * (the script and the image entrypoint would have to go into CMD), and the Dev Containers CLI
 * puts its own `--entrypoint /bin/sh` after `runArgs`, so it wins anyway. The keeper therefore
 * goes into the image, as ENTRYPOINT and CMD of a small Dockerfile (exec form: JSON, no
 * variable substitution, so `$` stays single), or for compose-based devcontainers into the
 * compose file.
 */
export function devcontainerSnippet(keeper: KeeperCommand, image = 'odoo:18'): DevcontainerSnippet {
  return {
    devcontainerJson: `{\n  "build": { "dockerfile": "Dockerfile" },\n  "overrideCommand": false\n}\n`,
    dockerfile: [
      `FROM ${image}`,
      `ENTRYPOINT ${JSON.stringify(keeper.entrypoint)}`,
      `CMD ${JSON.stringify(keeper.command)}`,
      '',
    ].join('\n'),
  };
}

/** Whether argv is the Dev Containers wrapper (`/bin/sh -c 'echo Container started ...' -`). */
export function isDevcontainersWrapper(argv: readonly string[]): boolean {
  return argv.length === 4 && argv[1] === '-c' && (argv[2] ?? '').startsWith('echo Container started') && argv[3] === '-';
}

/**
 * The entrypoint and command that the Dev Containers wrapper execs, or the container's own when
 * there is no wrapper. The Dev Containers CLI (seen with 0.89) puts the wrapper in front in two
 * ways: compose-based, the Entrypoint is the wrapper followed by the service's entrypoint and
 * the Cmd is the service's command; image-based, the Entrypoint is `/bin/sh` and the Cmd is
 * `-c WRAPPER -` followed by the image's entrypoint and command. Where the wrapper is followed
 * by both, the image's entrypoint tells them apart.
 */
export function withoutDevcontainersWrapper(facts: ContainerCommandFacts): { entrypoint: string[]; cmd: string[] } {
  const all = [...facts.entrypoint, ...facts.cmd];
  if (!isDevcontainersWrapper(all.slice(0, 4))) {
    return { entrypoint: [...facts.entrypoint], cmd: [...facts.cmd] };
  }
  if (facts.entrypoint.length > 4) {
    return { entrypoint: facts.entrypoint.slice(4), cmd: [...facts.cmd] };
  }
  const rest = all.slice(4);
  const image = facts.imageEntrypoint;
  const startsWithImage = image.length > 0 && image.every((word, i) => rest[i] === word);
  return startsWithImage ? { entrypoint: [...image], cmd: rest.slice(image.length) } : { entrypoint: [], cmd: rest };
}

/** What `odoo-dev keeper` reads from the container and its image. */
export interface ContainerCommandFacts {
  /** The container's Config.Entrypoint and Config.Cmd (compose overrides included). */
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** The image's Config.Entrypoint. */
  readonly imageEntrypoint: readonly string[];
  /** The image's Config.Cmd, when known: what runs where the container's own command is gone. */
  readonly imageCmd?: readonly string[];
  /** The image as the container names it (`odoo:18`). */
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface KeeperAdvice {
  /** The container already runs our keeper; nothing to change. */
  readonly already: boolean;
  /** It runs the older keeper, which starts Odoo on a socket of its own: the advice replaces it. */
  readonly outdated: boolean;
  readonly keeper: KeeperCommand;
  /** Where the snippet goes: `compose`, or `dockerfile` (with devcontainer.json members when asked). */
  readonly form: 'compose' | 'dockerfile';
  readonly text: string;
}

/**
 * The change that makes this container restartable, in the form asked for: a compose service
 * (`composeService`, default the container's compose label), a devcontainer (`devcontainer`:
 * compose-based ones get `overrideCommand: false` and the compose lines, image-based ones a
 * Dockerfile), else a Dockerfile.
 */
export function keeperAdvice(facts: ContainerCommandFacts, want: { composeService?: string; devcontainer?: boolean } = {}): KeeperAdvice {
  const { entrypoint, cmd } = withoutDevcontainersWrapper(facts);
  const already = isCurrentKeeper(entrypoint);
  const outdated = isOlderKeeper(entrypoint);
  const keeper = keeperAround(entrypoint, cmd);
  const service = want.composeService ?? facts.labels['com.docker.compose.service'];
  const runs = entrypoint.length || cmd.length ? [...(isKeeper(entrypoint) ? entrypoint.slice(4) : entrypoint), ...cmd].join(' ') : 'the image\'s command';
  const what = outdated
    ? `The container runs an older odoo-dev keeper as PID 1. It restarts Odoo with new args already, but it starts \`${runs}\` on a socket of its own, so the first restart after each container start stops the server before the new one boots. The current keeper starts it on a listening socket that outlives it, so that every restart boots the new server while the old one still answers. Recreate the container to apply it.`
    : `The keeper, a small sh script, becomes PID 1 and runs \`${runs}\` as its child: Odoo is no longer PID 1, so odoo-dev restarts it with new args (keeping the entrypoint's database options), its output still reaches docker logs, and docker stop still stops it gracefully. Recreate the container to apply it.`;
  if (service !== undefined && (want.composeService !== undefined || !want.devcontainer || facts.labels['com.docker.compose.service'] !== undefined)) {
    const json = want.devcontainer ? `\nand in devcontainer.json (the default for compose, say it anyway):\n\n${JSON.stringify({ overrideCommand: false }, null, 2)}\n` : '';
    return { already, outdated, keeper, form: 'compose', text: `${what}\n\nAdd to docker-compose.yml (or a compose override file):\n\n${composeSnippet(service, keeper)}${json}` };
  }
  const snippet = devcontainerSnippet(keeper, facts.image);
  const json = want.devcontainer
    ? `\nand in devcontainer.json (\`runArgs: ["--entrypoint", ...]\` cannot do this: it takes one word, and the Dev Containers CLI sets its own --entrypoint after runArgs):\n\n${snippet.devcontainerJson}`
    : '\nthen build it and run the container from the new image.\n';
  return { already, outdated, keeper, form: 'dockerfile', text: `${what}\n\nPut into a Dockerfile:\n\n${snippet.dockerfile}${json}` };
}
