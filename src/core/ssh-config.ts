/**
 * The parts of OpenSSH's client configuration and known_hosts that reaching a Docker engine over
 * `ssh://` needs, read as `ssh` reads them: the first value of an option wins, `IdentityFile`
 * adds up, `Host` patterns take `*`, `?` and `!`. `Match` and `Include` blocks are not followed.
 */

/** What ~/.ssh/config says for one host alias. */
export interface SshHostConfig {
  readonly hostName?: string;
  readonly user?: string;
  readonly port?: number;
  readonly identityFiles: readonly string[];
  readonly userKnownHostsFiles: readonly string[];
  /** `yes`, `accept-new`, `no`/`off`, `ask` (read as `yes`: nobody is there to ask). */
  readonly strictHostKeyChecking?: string;
  readonly identityAgent?: string;
}

/** The options of `config` (the text of ~/.ssh/config) that apply to `alias`, `~` expanded. */
export function sshConfigFor(config: string | undefined, alias: string, home: string): SshHostConfig {
  const found = new Map<string, string>();
  const identityFiles: string[] = [];
  let applies = true;
  for (const raw of (config ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) {
      continue;
    }
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!match) {
      continue;
    }
    const key = match[1].toLowerCase();
    const value = unquote(match[2].trim());
    if (key === 'host') {
      applies = hostMatches(value.split(/\s+/), alias);
      continue;
    }
    if (key === 'match') {
      // Match blocks need conditions we do not evaluate: their options are left out.
      applies = false;
      continue;
    }
    if (!applies) {
      continue;
    }
    if (key === 'identityfile') {
      identityFiles.push(expandHome(value, home));
    } else if (!found.has(key)) {
      found.set(key, value);
    }
  }
  const port = Number(found.get('port'));
  const hostName = found.get('hostname')?.replace(/%h/g, alias);
  const knownHosts = found.get('userknownhostsfile');
  const identityAgent = found.get('identityagent');
  return {
    ...(hostName ? { hostName } : {}),
    ...(found.get('user') ? { user: found.get('user') } : {}),
    ...(Number.isInteger(port) && port > 0 ? { port } : {}),
    identityFiles,
    userKnownHostsFiles: knownHosts && knownHosts.toLowerCase() !== 'none'
      ? knownHosts.split(/\s+/).map((file) => expandHome(file, home))
      : [`${home}/.ssh/known_hosts`, `${home}/.ssh/known_hosts2`],
    ...(found.get('stricthostkeychecking') ? { strictHostKeyChecking: found.get('stricthostkeychecking')!.toLowerCase() } : {}),
    ...(identityAgent ? { identityAgent: expandHome(identityAgent, home) } : {}),
  };
}

/** OpenSSH's Host matching: any positive pattern matches and no negated one does. */
export function hostMatches(patterns: readonly string[], host: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (wildcard(negated ? pattern.slice(1) : pattern).test(host)) {
      if (negated) {
        return false;
      }
      matched = true;
    }
  }
  return matched;
}

/** How a host key reads against known_hosts. */
export type HostKeyVerdict = 'known' | 'changed' | 'revoked' | 'unknown';

/** One host key as the server offers it: its type (`ssh-ed25519`) and the base64 blob. */
export interface OfferedHostKey {
  readonly type: string;
  readonly base64: string;
}

/**
 * Looks `host` (with `port`, written `[host]:port` when not 22) up in known_hosts texts. Hashed
 * names (`|1|salt|hash`) are checked with `hmacSha1(saltBase64, name)`, which returns base64.
 * A listed key of the same type that differs is `changed`, as OpenSSH warns.
 */
export function checkHostKey(
  knownHosts: readonly string[],
  host: string,
  port: number,
  key: OfferedHostKey,
  hmacSha1: (saltBase64: string, text: string) => string,
): HostKeyVerdict {
  const name = port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
  let sameType = false;
  for (const text of knownHosts) {
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) {
        continue;
      }
      const words = line.split(/\s+/);
      const marker = words[0].startsWith('@') ? words.shift()! : undefined;
      const [hosts, type, base64] = words;
      if (!hosts || !type || !base64 || marker === '@cert-authority' || !namesMatch(hosts, name, hmacSha1)) {
        continue;
      }
      if (marker === '@revoked') {
        if (base64 === key.base64) {
          return 'revoked';
        }
        continue;
      }
      if (type === key.type && base64 === key.base64) {
        return 'known';
      }
      sameType ||= type === key.type;
    }
  }
  return sameType ? 'changed' : 'unknown';
}

function namesMatch(field: string, name: string, hmacSha1: (saltBase64: string, text: string) => string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    return Boolean(salt && hash) && hmacSha1(salt, name) === hash;
  }
  return hostMatches(field.toLowerCase().split(','), name);
}

function wildcard(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

function expandHome(path: string, home: string): string {
  return path.replace(/^~(?=\/|$)/, home).replace(/%d/g, home);
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
