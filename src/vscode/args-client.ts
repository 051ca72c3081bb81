import * as vscode from 'vscode';
import type { CloseHandlerResult, ErrorHandler, ErrorHandlerResult, LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import {
  setSeriesMethod,
  setServerOfferMethod,
  type ArgsInitializationOptions,
  type SetSeriesParams,
  type SetServerOfferParams,
} from '../server/args-protocol';
import { RestartBudget } from './restart-budget';

export const argsLanguageId = 'odoo-args';

/**
 * The client of the args language server (`dist/server.js`, over IPC). It starts when the first
 * args document opens, not at activation, and is told the running Odoo series and the
 * container's modules and databases whenever they are known or change. A server that crashes
 * is started again a few times; after that it stays down and the user is told, with the log.
 */
export class ArgsClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private series: string | undefined;
  private offer: SetServerOfferParams | undefined;
  private readonly opened: vscode.Disposable;
  private readonly restarts = new RestartBudget(4, 3 * 60_000);

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

  /** The container's modules and databases, for completion and checks. */
  setServerOffer(offer: SetServerOfferParams): void {
    this.offer = offer;
    const client = this.client;
    if (client?.isRunning()) {
      client.sendNotification(setServerOfferMethod, offer).catch((error: unknown) => this.log.warn(`Telling the args server the modules: ${String(error)}`));
    }
  }

  /**
   * Stops the server and waits for it to go (what `deactivate` returns, so that VS Code waits
   * for it too); a client that never started has nothing to stop.
   */
  async stop(): Promise<void> {
    this.opened.dispose();
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.stop(2000).catch((error: unknown) => this.log.warn(`Stopping the args language server: ${String(error)}`));
    }
  }

  dispose(): void {
    void this.stop();
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
    const { ErrorAction, CloseAction, State } = await import('vscode-languageclient/node');
    const errorHandler: ErrorHandler = {
      // A message that could not be read or written is not fatal; the connection goes on.
      error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue, handled: true }),
      closed: (): CloseHandlerResult => {
        if (this.restarts.take()) {
          this.log.warn('The args language server stopped; starting it again.');
          return { action: CloseAction.Restart, handled: true };
        }
        this.reportGivenUp();
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: argsLanguageId }],
      initializationOptions,
      outputChannel: this.log,
      errorHandler,
    };
    const client = new LanguageClient('odooDev.args', 'Odoo Args', serverOptions, clientOptions);
    this.client = client;
    const series = this.series;
    // A restarted server knows nothing: tell it the series and the offer each time it starts.
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running && client === this.client) {
        void this.tellAll(client, series);
      }
    });
    await client.start();
    this.log.info('The args language server runs.');
  }

  private async tellAll(client: LanguageClient, startedWith: string | undefined): Promise<void> {
    try {
      if (this.series && this.series !== startedWith) {
        const params: SetSeriesParams = { series: this.series };
        await client.sendNotification(setSeriesMethod, params);
      }
      if (this.offer) {
        await client.sendNotification(setServerOfferMethod, this.offer);
      }
    } catch (error) {
      this.log.warn(`Telling the args server what the container has: ${String(error)}`);
    }
  }

  private reportGivenUp(): void {
    const message = `The Odoo args language server stopped ${this.restarts.limit + 1} times within ${Math.round(this.restarts.windowMs / 60_000)} minutes and was not started again: completion and checks of args files are off until the window reloads.`;
    this.log.error(message);
    void vscode.window.showWarningMessage(message, 'Show Logs').then((button) => button && this.log.show());
  }
}
