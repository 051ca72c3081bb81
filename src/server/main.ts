// The args language server's entry: a connection over stdio, IPC, a pipe or a socket, as the
// client's command line says (`--stdio`, `--node-ipc`, ...), the open documents, and the service
// that answers for them.
import { createConnection, ProposedFeatures, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ArgsLanguageService } from './args-language-service';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

new ArgsLanguageService(connection, documents);

documents.listen(connection);
connection.listen();
