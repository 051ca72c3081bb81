import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { setSeriesMethod, type ArgsInitializationOptions, type SetSeriesParams } from '../server/args-protocol';

export const argsLanguageId = 'odoo-args';

/**
 * The client of the args language server (`dist/server.js`, over IPC). It starts when the first
 * args document opens, not at activation, and is told the running Odoo series whenever it is
 * known or changes.
 */
export class ArgsClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private series: string | undefined;
  private readonly opened: vscode.Disposable;

  constructor(
    private readonly serverModule: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.opened = vscode.workspace.onDidOpenTextDocument((document) => this.startFor(document));
    for (const document of vscode.workspace.textDocuments) {
      this.startFor(document);
    }
  }

  setSeries(series: string): void {
    if (series === this.series) {
      return;
    }
    this.series = series;
    const client = this.client;
    if (client?.isRunning()) {
      const params: SetSeriesParams = { series };
      client.sendNotification(setSeriesMethod, params).catch((error: unknown) => this.log.warn(`Telling the args server the series: ${String(error)}`));
    }
  }

  dispose(): void {
    this.opened.dispose();
    void this.client?.stop().catch(() => undefined);
    this.client = undefined;
  }

  private startFor(document: vscode.TextDocument): void {
    if (document.languageId === argsLanguageId) {
      this.start().catch((error: unknown) => this.log.error(`The args language server did not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`));
    }
  }

  private start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    // Loaded when the first args document opens, not at activation.
    const { LanguageClient, TransportKind } = await import('vscode-languageclient/node');
    const server = { module: this.serverModule, transport: TransportKind.ipc };
    const serverOptions: ServerOptions = { run: server, debug: server };
    const initializationOptions: ArgsInitializationOptions = this.series ? { series: this.series } : {};
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: argsLanguageId }],
      initializationOptions,
      outputChannel: this.log,
    };
    this.client = new LanguageClient('odooDev.args', 'Odoo Args', serverOptions, clientOptions);
    const series = this.series;
    await this.client.start();
    this.log.info('The args language server runs.');
    // The series may have become known while the server started.
    if (this.series && this.series !== series) {
      const params: SetSeriesParams = { series: this.series };
      await this.client.sendNotification(setSeriesMethod, params);
    }
  }
}
