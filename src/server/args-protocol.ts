// What the extension and the args language server agree on beyond LSP itself. Plain names and
// types only, so that the extension can import this file without the server's libraries.
import type { HelpOption } from '../core/option-help';

/** `initializationOptions` of the args language server. */
export interface ArgsInitializationOptions {
  /** The Odoo series (or any version string) that runs in the container; the newest known if unset. */
  readonly series?: string;
}

/** Sent when the container's Odoo series becomes known or changes; open documents are checked again. */
export const setSeriesMethod = 'odooDev/setSeries';

export interface SetSeriesParams {
  readonly series: string;
}

/**
 * Sent when the container's modules and databases are known or change (a new container, a
 * restart): completion offers them, and diagnostics check `-i`, `-u` and `-d` against them.
 */
export const setServerOfferMethod = 'odooDev/setServerOffer';

export interface OfferedModule {
  readonly name: string;
  /** The manifest's `summary`, else its `name`. */
  readonly summary?: string;
  /** Where it was found: `container` (an addons path) or `workspace` (a `__manifest__.py`). */
  readonly where?: 'container' | 'workspace';
}

export interface SetServerOfferParams {
  /** Undefined: not known (nothing is flagged); empty: known to be none. */
  readonly modules?: readonly OfferedModule[];
  readonly databases?: readonly string[];
  /**
   * The options the container's own Odoo lists (`odoo --help`), laid over the bundled catalog
   * of the series, and what its `--version` said. Undefined: not known; the catalog alone counts.
   */
  readonly options?: { readonly version?: string; readonly options: readonly HelpOption[] };
}

/** Every diagnostic of the server has this source. */
export const diagnosticSource = 'odoo-dev';
