// The args language server's behaviour on a connection: what it can do, which Odoo series it
// speaks for, and the answers to completion, hover, code actions, with diagnostics pushed for
// every open document.
import {
  CodeActionKind,
  NotificationType,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseArgsDocument, type ArgsDocument } from '../core/args-document';
import { catalogFor, type OptionCatalog } from '../core/option-catalog';
import { containerCatalog, type ContainerOptions, type HelpOption } from '../core/option-help';
import { diagnosticsOf, quickFixesOf } from './args-diagnostics';
import { completionsAt, noModules, type ModuleSource } from './args-completion';
import { hoverAt } from './args-hover';
import type { ServerOffer } from '../core/inventory-validation';
import {
  setSeriesMethod,
  setServerOfferMethod,
  type ArgsInitializationOptions,
  type OfferedModule,
  type SetSeriesParams,
  type SetServerOfferParams,
} from './args-protocol';

const setSeriesNotification = new NotificationType<SetSeriesParams>(setSeriesMethod);
const setServerOfferNotification = new NotificationType<SetServerOfferParams>(setServerOfferMethod);

/** Characters after which the editor asks for completion by itself. */
export const triggerCharacters = ['-', '=', ','];

/**
 * Answers for the open args files on one connection. It registers its handlers when created;
 * the entry then starts the document manager and the connection.
 */
export class ArgsLanguageService {
  /** The series the extension asked for; undefined until it says. */
  private askedSeries: string | undefined;
  /** The container's own option list, once the extension has sent it. */
  private containerOptions: ContainerOptions | undefined;
  private listedText: string | undefined;
  /** The container's modules and databases, once the extension has sent them. */
  private offered: SetServerOfferParams = {};

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly modules: ModuleSource = noModules,
  ) {
    connection.onInitialize((params) => this.initialize(params));
    connection.onNotification(setSeriesNotification, (params) => this.setSeries(params.series));
    connection.onNotification(setServerOfferNotification, (params) => this.setServerOffer(params));
    connection.onCompletion(({ textDocument, position }) => {
      const doc = this.parsed(textDocument.uri);
      return doc ? completionsAt(doc, position, this.catalog, this.source()) : [];
    });
    connection.onHover(({ textDocument, position }) => {
      const doc = this.parsed(textDocument.uri);
      return doc ? hoverAt(doc, position, this.catalog) : null;
    });
    connection.onCodeAction(({ textDocument, range }) => {
      const doc = this.parsed(textDocument.uri);
      return doc ? quickFixesOf(doc, this.catalog, textDocument.uri, range, this.offer()) : [];
    });
    documents.onDidChangeContent(({ document }) => this.publishDiagnostics(document));
    documents.onDidClose(({ document }) => {
      void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    });
  }

  /** The series the answers are for, as a known series (`17.0`). */
  get series(): string {
    return this.catalog.series;
  }

  /** The series' bundled options, with the container's own list laid over them when it is known. */
  private get catalog(): OptionCatalog {
    return this.containerOptions ? containerCatalog(this.askedSeries, this.containerOptions) : catalogFor(this.askedSeries);
  }

  private initialize(params: InitializeParams): InitializeResult {
    const options = params.initializationOptions as ArgsInitializationOptions | undefined;
    if (typeof options?.series === 'string') {
      this.askedSeries = options.series;
    }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'odoo-dev args' },
    };
  }

  private setSeries(series: string): void {
    if (typeof series !== 'string') {
      return;
    }
    this.askedSeries = series;
    this.connection.console.info(`Checking args for Odoo ${this.catalog.series} (asked for ${series}).`);
    for (const document of this.documents.all()) {
      this.publishDiagnostics(document);
    }
  }

  private setServerOffer(params: SetServerOfferParams): void {
    const modules = Array.isArray(params?.modules) ? params.modules.filter((m): m is OfferedModule => typeof m?.name === 'string') : undefined;
    const databases = Array.isArray(params?.databases) ? params.databases.filter((d): d is string => typeof d === 'string') : undefined;
    this.offered = { ...(modules ? { modules } : {}), ...(databases ? { databases } : {}) };
    const listed = params?.options;
    if (listed === undefined) {
      this.containerOptions = undefined;
      this.listedText = undefined;
    } else if (Array.isArray(listed.options) && JSON.stringify(listed) !== this.listedText) {
      // Kept as one object while the list is the same, so that its merged catalog is built once.
      this.listedText = JSON.stringify(listed);
      this.containerOptions = { imageId: '', ...(typeof listed.version === 'string' ? { version: listed.version } : {}), options: listed.options.filter(isHelpOption) };
    }
    for (const document of this.documents.all()) {
      this.publishDiagnostics(document);
    }
  }

  /** The offered modules, else those of the source the server was made with. */
  private source(): ModuleSource {
    const { modules, databases } = this.offered;
    return {
      modules: async () => modules ?? await this.modules.modules(),
      databases: async () => databases ?? await this.modules.databases?.() ?? [],
    };
  }

  private offer(): ServerOffer {
    const { modules, databases } = this.offered;
    return { ...(modules ? { modules: modules.map((m) => m.name) } : {}), ...(databases ? { databases } : {}) };
  }

  private parsed(uri: string): ArgsDocument | undefined {
    const document = this.documents.get(uri);
    return document && parseArgsDocument(document.getText());
  }

  private publishDiagnostics(document: TextDocument): void {
    const diagnostics = diagnosticsOf(parseArgsDocument(document.getText()), this.catalog, this.offer());
    void this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  }
}

function isHelpOption(value: unknown): value is HelpOption {
  const option = value as HelpOption | undefined;
  return Array.isArray(option?.flags) && option.flags.every((flag) => typeof flag === 'string') && typeof option.takesValue === 'boolean'
    && typeof option.help === 'string' && typeof option.group === 'string';
}
