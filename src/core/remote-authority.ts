/**
 * The container behind a VS Code window, read from the window's remote authority. The Dev
 * Containers extension names its windows `dev-container+HEX` (HEX: the UTF-8 bytes of a JSON
 * object with the local folder as `hostPath`, or of the folder path itself in older versions)
 * and `attached-container+HEX` (a JSON object with `containerName`, or the bare name or ID in
 * older versions). A suffix such as `@ssh-remote+host` or `@wsl+Ubuntu` says that the Docker
 * engine is on that other machine.
 */
export type WindowContainer =
  /** A Dev Container opened from a folder: the container carries `devcontainer.local_folder`. */
  | { readonly kind: 'dev-container'; readonly hostPath: string; readonly configFile?: string; readonly via?: string }
  /** A running container the user attached to: its name or ID. */
  | { readonly kind: 'attached-container'; readonly container: string; readonly via?: string };

/** More than any real authority; a longer one is not decoded at all. */
const maxLength = 16_384;
const dockerName = /^\/?[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * The container a remote authority names, or undefined for any other window (local, SSH, WSL,
 * Codespaces) and for an authority that cannot be read. Never throws.
 */
export function windowContainerOf(authority: string | undefined): WindowContainer | undefined {
  if (!authority || authority.length > maxLength) {
    return undefined;
  }
  const at = authority.indexOf('@');
  const own = at >= 0 ? authority.slice(0, at) : authority;
  const via = at >= 0 ? authority.slice(at + 1) || undefined : undefined;
  const plus = own.indexOf('+');
  if (plus < 0) {
    return undefined;
  }
  const kind = own.slice(0, plus);
  const text = decodeHex(own.slice(plus + 1));
  if (text === undefined) {
    return undefined;
  }
  const payload = parseObject(text);
  if (kind === 'dev-container') {
    const hostPath = payload ? stringField(payload, 'hostPath') : isAbsolutePath(text) ? text : undefined;
    if (!hostPath) {
      return undefined;
    }
    const configFile = payload ? pathOf(payload.configFile) : undefined;
    return { kind, hostPath, ...(configFile ? { configFile } : {}), ...(via ? { via } : {}) };
  }
  if (kind === 'attached-container') {
    const name = payload ? stringField(payload, 'containerName') ?? stringField(payload, 'containerId') : text.trim();
    if (!name || !dockerName.test(name)) {
      return undefined;
    }
    return { kind, container: name.replace(/^\//, ''), ...(via ? { via } : {}) };
  }
  return undefined;
}

/** The UTF-8 text of a hex string, or undefined when it is not valid hex of valid UTF-8. */
function decodeHex(hex: string): string | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    return undefined;
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function stringField(object: Record<string, unknown>, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** `configFile` is a serialised URI (`{ fsPath, path, scheme }`) or, in some versions, a path. */
function pathOf(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value || undefined;
  }
  if (value !== null && typeof value === 'object') {
    const uri = value as Record<string, unknown>;
    return stringField(uri, 'fsPath') ?? stringField(uri, 'path');
  }
  return undefined;
}

/** A POSIX path, a Windows drive path (`C:\x`, `c:/x`) or a UNC path. */
function isAbsolutePath(text: string): boolean {
  return /^\//.test(text) || /^[A-Za-z]:[\\/]/.test(text) || /^\\\\/.test(text);
}
