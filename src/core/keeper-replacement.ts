/**
 * The replacement of a container that makes it restartable: the same container, created again
 * from what `docker inspect` says of it, with the keeper in front of its entrypoint.
 *
 * Pure: reads inspect data (Docker's own field names, typed here with the few fields we read)
 * and returns the create request and the networks to connect; nothing runs here.
 */
import { OdooDevError } from './errors';
import { isKeeper, keeperAdvice, type KeeperCommand } from './restartable-keeper';

/** A mount as `inspect` lists it under `Mounts`: what the container really has mounted. */
export interface InspectedMount {
  readonly Type?: string;
  /** The volume's name (anonymous volumes have a generated one); none for binds and tmpfs. */
  readonly Name?: string;
  readonly Source?: string;
  readonly Destination: string;
  readonly RW?: boolean;
}

/** A mount as `HostConfig.Mounts` asked for it (`--mount`). */
export interface HostMount {
  readonly Type?: string;
  readonly Source?: string;
  readonly Target: string;
  readonly ReadOnly?: boolean;
  readonly [field: string]: unknown;
}

export interface IpamConfig {
  readonly IPv4Address?: string;
  readonly IPv6Address?: string;
  readonly LinkLocalIPs?: readonly string[] | null;
}

/** One network the container is on, as inspect lists it under `NetworkSettings.Networks`. */
export interface InspectedEndpoint {
  readonly NetworkID?: string;
  readonly Aliases?: readonly string[] | null;
  readonly IPAMConfig?: IpamConfig | null;
  readonly Links?: readonly string[] | null;
  readonly DriverOpts?: Readonly<Record<string, string>> | null;
}

/** `Config` of inspect: the fields we read; every other field is carried over as it is. */
export interface InspectedConfig {
  readonly Image: string;
  readonly Entrypoint?: readonly string[] | string | null;
  readonly Cmd?: readonly string[] | string | null;
  readonly Hostname?: string;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly StopTimeout?: number | null;
  readonly [field: string]: unknown;
}

/** `HostConfig` of inspect: the fields we read; every other field is carried over as it is. */
export interface InspectedHostConfig {
  readonly NetworkMode?: string;
  readonly Binds?: readonly string[] | null;
  readonly Mounts?: readonly HostMount[] | null;
  readonly Tmpfs?: Readonly<Record<string, string>> | null;
  readonly AutoRemove?: boolean;
  readonly PortBindings?: Readonly<Record<string, ReadonlyArray<{ readonly HostIp?: string; readonly HostPort?: string }> | null>> | null;
  readonly [field: string]: unknown;
}

/** The parts of `docker inspect CONTAINER` that a recreate reads. */
export interface InspectedContainer {
  readonly Id: string;
  /** With Docker's leading slash. */
  readonly Name: string;
  /** The image's ID. */
  readonly Image: string;
  readonly State: { readonly Running: boolean; readonly Status: string };
  readonly Config: InspectedConfig;
  readonly HostConfig: InspectedHostConfig;
  readonly NetworkSettings?: { readonly Networks?: Readonly<Record<string, InspectedEndpoint>> | null } | null;
  readonly Mounts?: readonly InspectedMount[] | null;
}

/** What the recreate needs to know of the image. */
export interface ImageFacts {
  /** The image's own Config.Entrypoint (the Dev Containers wrapper is resolved with it). */
  readonly entrypoint: readonly string[];
  /** The ID of the image that the container's image name (`odoo:18`) names today; undefined when none does. */
  readonly idOfName?: string;
}

/** An endpoint as `NetworkingConfig.EndpointsConfig` and `network connect` take it. */
export interface EndpointRequest {
  readonly Aliases?: readonly string[];
  readonly IPAMConfig?: IpamConfig;
  readonly Links?: readonly string[];
  readonly DriverOpts?: Readonly<Record<string, string>>;
}

/** The body of `POST /containers/create`: Config's fields, HostConfig and the first network. */
export interface ContainerCreateRequest {
  readonly Image: string;
  readonly Entrypoint: readonly string[];
  readonly Cmd: readonly string[];
  readonly HostConfig: Readonly<Record<string, unknown>>;
  readonly NetworkingConfig?: { readonly EndpointsConfig: Readonly<Record<string, EndpointRequest>> };
  readonly [field: string]: unknown;
}

/** A network to connect the replacement to after it is created (Docker takes one at create). */
export interface NetworkAttachment {
  /** The network's ID when inspect gives it, else its name. */
  readonly network: string;
  /** Its name, for messages. */
  readonly name: string;
  readonly endpoint: EndpointRequest;
}

export interface KeeperReplacement {
  /** The container's name, without Docker's slash. */
  readonly name: string;
  readonly oldId: string;
  /** It runs the keeper already: nothing to do. */
  readonly already: boolean;
  /** It runs the older keeper, which starts Odoo on a socket of its own: the replacement has the current one. */
  readonly outdated: boolean;
  /** The replacement's entrypoint and command. */
  readonly keeper: KeeperCommand;
  /** The container's own entrypoint and command, as inspect gives them, to restore by hand. */
  readonly previous: { readonly entrypoint: readonly string[]; readonly cmd: readonly string[] };
  readonly create: ContainerCreateRequest;
  readonly connect: readonly NetworkAttachment[];
  /** How long `docker stop` gives the old one (its StopTimeout, else Docker's 10 s). */
  readonly stopTimeoutSeconds: number;
  /** What differs from the old container although it is copied, in a sentence each. */
  readonly differences: readonly string[];
}

export interface ReplacementContext {
  /** The VS Code window runs in this container: recreating it would cut the window off. */
  readonly isWindowContainer?: boolean;
}

/** Docker's default stop timeout, when the container sets none. */
const defaultStopTimeoutSeconds = 10;
const builtinModes = new Set(['host', 'none']);

/**
 * The same container with the keeper in front of its entrypoint: every setting inspect reports
 * is carried over (Config and HostConfig field by field), the same volumes are mounted (an
 * anonymous volume by its name, so no data moves), and the networks are joined again with their
 * aliases, static addresses and links.
 *
 * @throws OdooDevError (unless it runs the keeper already) `container-not-running`, or
 *   `recreate-refused` for the window's own container, a `--rm` container (stopping it would
 *   remove it, and with it the way back) and a swarm task.
 */
export function keeperReplacement(inspect: InspectedContainer, image: ImageFacts, context: ReplacementContext = {}): KeeperReplacement {
  const name = inspect.Name.replace(/^\//, '');
  const config = inspect.Config;
  const host = inspect.HostConfig;
  const previous = { entrypoint: asList(config.Entrypoint), cmd: asList(config.Cmd) };
  const advice = keeperAdvice({
    entrypoint: previous.entrypoint,
    cmd: previous.cmd,
    imageEntrypoint: image.entrypoint,
    image: config.Image,
    labels: config.Labels ?? {},
  });
  const { already, outdated } = advice;
  if (!already) {
    refuseUnsafe(inspect, name, context);
  }
  const differences: string[] = [];
  const shortId = inspect.Id.slice(0, 12);
  // Docker adds these aliases by itself on user-defined networks; the replacement gets its own.
  const ownAliases = new Set([shortId, ...(config.Hostname ? [config.Hostname] : [])]);
  const mode = host.NetworkMode ?? 'default';
  const sharesNetwork = mode.startsWith('container:');

  const ownConfig: Record<string, unknown> = { ...config };
  if (config.Hostname === shortId) {
    // Docker's default hostname is the container's short ID: the replacement gets its own.
    delete ownConfig.Hostname;
    differences.push(`Its hostname was Docker's default, its short ID ${shortId}; the replacement's is its own short ID.`);
  }
  if (sharesNetwork) {
    // The network's owner decides these; Docker refuses them with `--network container:`.
    for (const field of ['Hostname', 'Domainname', 'ExposedPorts', 'MacAddress']) {
      delete ownConfig[field];
    }
  }

  const create: ContainerCreateRequest = {
    ...ownConfig,
    Image: imageReference(inspect, image, differences),
    Entrypoint: advice.keeper.entrypoint,
    Cmd: advice.keeper.command,
    HostConfig: { ...host, Mounts: mountsOf(inspect) },
    ...networkingOf(inspect, mode, ownAliases),
  };
  for (const [port, bindings] of Object.entries(host.PortBindings ?? {})) {
    if ((bindings ?? []).some((b) => !b.HostPort)) {
      differences.push(`Port ${port} is published on a port Docker picks; the replacement gets a new one.`);
    }
  }
  const connect = attachmentsOf(inspect, mode, ownAliases);
  return {
    name,
    oldId: inspect.Id,
    already,
    outdated,
    keeper: advice.keeper,
    previous,
    create,
    connect,
    stopTimeoutSeconds: typeof config.StopTimeout === 'number' && config.StopTimeout >= 0 ? config.StopTimeout : defaultStopTimeoutSeconds,
    differences,
  };
}

function refuseUnsafe(inspect: InspectedContainer, name: string, context: ReplacementContext): void {
  if (context.isWindowContainer) {
    throw new OdooDevError('recreate-refused', `This VS Code window runs in container ${name}, so recreating it would cut the window off.`, {
      hint: 'Write the keeper into the compose or devcontainer files instead (Odoo: Make Container Restartable), then rebuild the container.',
    });
  }
  if (!inspect.State.Running) {
    throw new OdooDevError('container-not-running', `Container ${name} is ${inspect.State.Status}, not running.`, {
      hint: 'Start it, check that Odoo runs in it, then make it restartable.',
    });
  }
  if (inspect.HostConfig.AutoRemove) {
    throw new OdooDevError('recreate-refused', `Container ${name} was started with --rm: stopping it would remove it, and with it the way back if the replacement fails.`, {
      hint: 'Put the keeper into the command that starts it instead (odoo-dev keeper prints it).',
    });
  }
  const labels = inspect.Config.Labels ?? {};
  if (labels['com.docker.swarm.task.id'] !== undefined || labels['com.docker.swarm.service.id'] !== undefined) {
    throw new OdooDevError('recreate-refused', `Container ${name} is a task of a swarm service, which would start a container of its own again.`, {
      hint: 'Put the keeper into the service definition instead (odoo-dev keeper --compose-service NAME prints it).',
    });
  }
}

/**
 * The image the container was made from. Its name when the name still means that image; its ID
 * when the tag has moved since (a pull or a build), so that the replacement runs the same code.
 */
function imageReference(inspect: InspectedContainer, image: ImageFacts, differences: string[]): string {
  const named = inspect.Config.Image;
  if (image.idOfName === inspect.Image || inspect.Image.replace(/^sha256:/, '').startsWith(named.replace(/^sha256:/, ''))) {
    return named;
  }
  differences.push(`The name ${named} now means another image; the replacement is made from the one the container runs, ${inspect.Image.replace(/^sha256:/, '').slice(0, 12)}, and \`docker ps\` shows that ID.`);
  return inspect.Image;
}

/**
 * HostConfig.Mounts for the replacement: the container's own `--mount`s (an anonymous volume
 * given its name), then every volume that Binds, Mounts and Tmpfs do not already cover (the
 * image's VOLUMEs, `-v /path`, `--volumes-from`) as a volume mount by name, so that the
 * replacement mounts the same volumes instead of new, empty ones.
 */
function mountsOf(inspect: InspectedContainer): HostMount[] {
  const host = inspect.HostConfig;
  const actual = inspect.Mounts ?? [];
  const volumeAt = (target: string) => actual.find((m) => m.Type === 'volume' && m.Destination === target && m.Name);
  const own = (host.Mounts ?? []).map((m) => {
    const named = m.Type === 'volume' && !m.Source ? volumeAt(m.Target)?.Name : undefined;
    return named ? { ...m, Source: named } : { ...m };
  });
  const covered = new Set([
    ...(host.Binds ?? []).map(bindTarget),
    ...own.map((m) => m.Target),
    ...Object.keys(host.Tmpfs ?? {}),
  ].map(withoutTrailingSlash));
  const more = actual
    .filter((m) => m.Type === 'volume' && m.Name && !covered.has(withoutTrailingSlash(m.Destination)))
    .map((m): HostMount => ({ Type: 'volume', Source: m.Name, Target: m.Destination, ReadOnly: m.RW === false }));
  return [...own, ...more];
}

/** The container path of a `-v` spec: `SRC:DST[:OPTS]`, or `DST` alone. */
export function bindTarget(spec: string): string {
  const parts = spec.split(':');
  return parts.length === 1 ? parts[0] : parts[1];
}

/** The network the container is created on, with its endpoint (Docker joins one at create). */
function networkingOf(inspect: InspectedContainer, mode: string, ownAliases: ReadonlySet<string>): Pick<ContainerCreateRequest, 'NetworkingConfig'> {
  const primary = primaryNetwork(inspect, mode);
  if (!primary) {
    return {};
  }
  return { NetworkingConfig: { EndpointsConfig: { [primary.name]: endpointOf(primary.endpoint, ownAliases) } } };
}

/** The other networks, joined after create. */
function attachmentsOf(inspect: InspectedContainer, mode: string, ownAliases: ReadonlySet<string>): NetworkAttachment[] {
  if (builtinModes.has(mode) || mode.startsWith('container:')) {
    return [];
  }
  const primary = primaryNetwork(inspect, mode);
  return Object.entries(inspect.NetworkSettings?.Networks ?? {})
    .filter(([name]) => name !== primary?.name)
    .map(([name, endpoint]) => ({ network: endpoint.NetworkID || name, name, endpoint: endpointOf(endpoint, ownAliases) }));
}

function primaryNetwork(inspect: InspectedContainer, mode: string): { name: string; endpoint: InspectedEndpoint } | undefined {
  if (builtinModes.has(mode) || mode.startsWith('container:')) {
    return undefined;
  }
  const networks = Object.entries(inspect.NetworkSettings?.Networks ?? {});
  const wanted = mode === 'default' ? 'bridge' : mode;
  const found = networks.find(([name]) => name === wanted)
    ?? networks.find(([, e]) => e.NetworkID !== undefined && e.NetworkID !== '' && (e.NetworkID === wanted || e.NetworkID.startsWith(wanted)));
  return found ? { name: found[0], endpoint: found[1] } : undefined;
}

/**
 * What the user set on an endpoint: aliases (less the old container's short ID and hostname,
 * which Docker adds by itself and which the replacement gets as its own), static addresses,
 * links and driver options. Dynamic addresses and MAC addresses are Docker's to give.
 */
function endpointOf(endpoint: InspectedEndpoint, ownAliases: ReadonlySet<string>): EndpointRequest {
  const aliases = (endpoint.Aliases ?? []).filter((a) => !ownAliases.has(a));
  const ipam = endpoint.IPAMConfig;
  const hasIpam = !!ipam && (!!ipam.IPv4Address || !!ipam.IPv6Address || (ipam.LinkLocalIPs ?? []).length > 0);
  const links = endpoint.Links ?? [];
  const driverOpts = endpoint.DriverOpts ?? {};
  return {
    ...(aliases.length ? { Aliases: aliases } : {}),
    ...(hasIpam ? { IPAMConfig: ipam } : {}),
    ...(links.length ? { Links: links } : {}),
    ...(Object.keys(driverOpts).length ? { DriverOpts: driverOpts } : {}),
  };
}

/** The keeper taken off again: the entrypoint it runs, and the same command. */
export function withoutKeeper(keeper: KeeperCommand): KeeperCommand {
  return isKeeper(keeper.entrypoint) ? { entrypoint: keeper.entrypoint.slice(4), command: [...keeper.command] } : keeper;
}

function asList(value: readonly string[] | string | null | undefined): string[] {
  return value === null || value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
