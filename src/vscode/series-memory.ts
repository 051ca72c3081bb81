import type * as vscode from 'vscode';

const seriesKey = 'odooDev.lastSeries';

/**
 * The Odoo series last seen running in this workspace, so that the args editor knows the
 * options of the right series before the container answers.
 */
export class SeriesMemory {
  constructor(private readonly state: vscode.Memento) {}

  get last(): string | undefined {
    return this.state.get<string>(seriesKey);
  }

  remember(series: string): void {
    if (series !== this.last) {
      void this.state.update(seriesKey, series);
    }
  }
}
