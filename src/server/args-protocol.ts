// What the extension and the args language server agree on beyond LSP itself. Plain names and
// types only, so that the extension can import this file without the server's libraries.

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

/** Every diagnostic of the server has this source. */
export const diagnosticSource = 'odoo-dev';
