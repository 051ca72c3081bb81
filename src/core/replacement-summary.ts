import type { InspectedContainer, KeeperReplacement } from './keeper-replacement';
import { isKeeper, KEEPER_NAME } from './restartable-keeper';
import { maskArgv } from './secrets';
import { describeLostChanges, type LostChange } from './writable-layer';

/** What a recreate keeps and loses, in lines for the command line's plan and the editor's dialog. */
export interface ReplacementSummary {
  readonly kept: readonly string[];
  readonly lost: readonly string[];
}

/** The keeper's script is long and always the same: messages show it by its name. */
export function shortEntrypoint(entrypoint: readonly string[]): string {
  return isKeeper(entrypoint)
    ? ['/bin/sh', '-c', '<odoo-dev keeper>', KEEPER_NAME, ...entrypoint.slice(4)].map(quoted).join(' ')
    : entrypoint.map(quoted).join(' ');
}

/** An argv as a JSON array, secrets masked: what `--entrypoint`/compose's `entrypoint:` would take. */
export function argvJson(argv: readonly string[]): string {
  return JSON.stringify(maskArgv(argv));
}

export function replacementSummary(inspect: InspectedContainer, replacement: KeeperReplacement, lostChanges: readonly LostChange[]): ReplacementSummary {
  const config = inspect.Config;
  const host = inspect.HostConfig;
  const labels = Object.keys(config.Labels ?? {});
  const env = asStrings(config.Env);
  const kept: string[] = [
    `image ${config.Image}${replacement.create.Image === config.Image ? '' : ` (as ${replacement.create.Image})`}`,
    `command ${maskArgv(replacement.keeper.command).map(quoted).join(' ') || '(none)'}`,
    `user ${stringOf(config.User) || 'the image\'s'}, working directory ${stringOf(config.WorkingDir) || 'the image\'s'}`,
    `${env.length} environment variables (${env.map((e) => e.split('=')[0]).join(', ')})`,
    `${labels.length} labels${labels.some((l) => l.startsWith('com.docker.compose.')) ? ' (compose\'s included)' : ''}`,
    ...mountLines(inspect),
    ...networkLines(inspect, replacement),
    ...portLines(host.PortBindings ?? {}),
    `restart policy ${stringOf((host.RestartPolicy as { Name?: string } | undefined)?.Name) || 'no'}, stop timeout ${replacement.stopTimeoutSeconds} s${config.StopSignal ? `, stop signal ${stringOf(config.StopSignal)}` : ''}`,
    'every other setting inspect shows: hostname, resources, capabilities, devices, security options, log driver, health check, DNS, extra hosts, sysctls, TTY',
  ];
  const lost = [
    `the container itself, ${replacement.oldId.slice(0, 12)}, and its docker logs history (the replacement has a new ID)`,
    ...replacement.differences,
    ...(lostChanges.length
      ? [`these ${lostChanges.length} changes in its writable layer (not in a volume):`, ...describeLostChanges(lostChanges).map((line) => `  ${line}`)]
      : ['nothing in its writable layer (docker diff shows only noise such as /tmp, logs and .pyc files)']),
  ];
  return { kept, lost };
}

function mountLines(inspect: InspectedContainer): string[] {
  const lines: string[] = [];
  const shown = new Set<string>();
  for (const m of inspect.Mounts ?? []) {
    shown.add(m.Destination);
    const ro = m.RW === false ? ' (read-only)' : '';
    if (m.Type === 'volume') {
      const anonymous = /^[0-9a-f]{64}$/.test(m.Name ?? '');
      lines.push(`${anonymous ? 'anonymous volume' : 'volume'} ${anonymous ? (m.Name ?? '').slice(0, 12) : m.Name} at ${m.Destination}${ro}: the same volume, its data stays`);
    } else if (m.Type === 'bind') {
      lines.push(`bind ${m.Source} at ${m.Destination}${ro}`);
    } else {
      lines.push(`${m.Type ?? 'mount'} at ${m.Destination}`);
    }
  }
  for (const target of Object.keys(inspect.HostConfig.Tmpfs ?? {})) {
    if (!shown.has(target)) {
      lines.push(`tmpfs at ${target} (empty again, as after any restart)`);
    }
  }
  return lines;
}

function networkLines(inspect: InspectedContainer, replacement: KeeperReplacement): string[] {
  const mode = inspect.HostConfig.NetworkMode ?? 'default';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
    return [`network mode ${mode}`];
  }
  const endpoints = {
    ...(replacement.create.NetworkingConfig?.EndpointsConfig ?? {}),
    ...Object.fromEntries(replacement.connect.map((a) => [a.name, a.endpoint])),
  };
  return Object.entries(endpoints).map(([name, e]) => {
    const extras = [
      ...(e.Aliases?.length ? [`aliases ${e.Aliases.join(', ')}`] : []),
      ...(e.IPAMConfig?.IPv4Address ? [`address ${e.IPAMConfig.IPv4Address}`] : []),
      ...(e.IPAMConfig?.IPv6Address ? [`address ${e.IPAMConfig.IPv6Address}`] : []),
      ...(e.Links?.length ? [`links ${e.Links.join(', ')}`] : []),
    ];
    return `network ${name}${extras.length ? ` (${extras.join('; ')})` : ''}`;
  });
}

function portLines(bindings: NonNullable<InspectedContainer['HostConfig']['PortBindings']>): string[] {
  return Object.entries(bindings).flatMap(([port, list]) =>
    (list ?? []).map((b) => `published port ${b.HostIp ? `${b.HostIp}:` : ''}${b.HostPort || '(any)'} -> ${port}`));
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function quoted(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
