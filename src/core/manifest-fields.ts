/** What completion shows of a module, read from its `__manifest__.py`. */
export interface ManifestFields {
  /** The manifest's `name`: the module's title. */
  readonly title?: string;
  readonly summary?: string;
  /** `installable: False` in the manifest. */
  readonly isUninstallable?: boolean;
}

/**
 * Reads `name`, `summary` and `installable` from a manifest's text without running it. A
 * manifest is a Python dict literal; only plain string literals are read (single, double or
 * triple quoted, possibly several in a row); anything else leaves the field out.
 */
export function readManifestFields(text: string): ManifestFields {
  const title = stringField(text, 'name');
  const summary = stringField(text, 'summary');
  const isUninstallable = new RegExp(`['"]installable['"]\\s*:\\s*False\\b`).test(text);
  return {
    ...(title ? { title } : {}),
    ...(summary ? { summary } : {}),
    ...(isUninstallable ? { isUninstallable } : {}),
  };
}

/** The folder name of a manifest path: `/ws/addons/my_module/__manifest__.py` is `my_module`. */
export function moduleNameOf(manifestPath: string): string | undefined {
  const parts = manifestPath.split(/[\\/]/);
  const file = parts.pop();
  if (file !== '__manifest__.py' && file !== '__openerp__.py') {
    return undefined;
  }
  const name = parts.pop();
  return name && /^[A-Za-z0-9_]+$/.test(name) ? name : undefined;
}

const literal = /\s*(?:[rRuU]?("""|'''|"|')([\s\S]*?)\1)/y;

function stringField(text: string, key: string): string | undefined {
  const keyAt = new RegExp(`(^|[{,\\s])(['"])${key}\\2\\s*:`, 'g');
  const match = keyAt.exec(text);
  if (!match) {
    return undefined;
  }
  let at = match.index + match[0].length;
  const parts: string[] = [];
  for (;;) {
    literal.lastIndex = at;
    const piece = literal.exec(text);
    if (!piece) {
      break;
    }
    parts.push(piece[2]);
    at = literal.lastIndex;
  }
  const value = parts.join('').replace(/\\n/g, ' ').replace(/\s+/g, ' ').trim();
  return value || undefined;
}
