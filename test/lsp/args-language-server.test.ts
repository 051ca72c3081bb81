// The built args language server (dist/server.js), spoken to over its stdio the way an editor
// does: JSON-RPC with LSP messages, nothing mocked.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseOptionHelp } from '../../src/core/option-help';
import { STANDIN_PACKAGES, STANDIN_SCRIPT } from '../support/standin-local';
import {
  CodeActionRequest,
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  NotificationType,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type InitializeResult,
  type MarkupContent,
  type MessageConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver/node';

const root = path.resolve(__dirname, '../..');
const serverPath = path.join(root, 'dist', 'server.js');
/** How long any answer or notification may take; the server answers in milliseconds. */
const deadlineMs = 10_000;

/** Builds the bundles when dist/server.js is missing or older than the code it is built from. */
function ensureBuilt(): void {
  const newestSource = (dir: string): number => Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
  }));
  let built = 0;
  try {
    built = statSync(serverPath).mtimeMs;
  } catch {
    // Not built yet.
  }
  if (built < Math.max(newestSource(path.join(root, 'src', 'server')), newestSource(path.join(root, 'src', 'core')))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  }
}

function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No ${what} within ${deadlineMs} ms`)), deadlineMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** One server process and the client end of its connection. */
class ServerUnderTest {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  readonly exited: Promise<number | null>;
  private stderr = '';
  private readonly waiting = new Map<string, Array<(params: PublishDiagnosticsParams) => void>>();

  constructor() {
    this.child = spawn(process.execPath, [serverPath, '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const waiters = this.waiting.get(params.uri) ?? [];
      this.waiting.delete(params.uri);
      waiters.forEach((resolve) => resolve(params));
    });
    this.connection.listen();
  }

  /** The next diagnostics published for `uri`; ask before sending what causes them. */
  nextDiagnostics(uri: string): Promise<Diagnostic[]> {
    const next = new Promise<PublishDiagnosticsParams>((resolve) => {
      this.waiting.set(uri, [...(this.waiting.get(uri) ?? []), resolve]);
    });
    return withDeadline(next, `diagnostics for ${uri} (server stderr: ${this.stderr || 'empty'})`).then((params) => params.diagnostics);
  }

  async initialize(initializationOptions?: object): Promise<InitializeResult> {
    const result = await withDeadline(this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      ...(initializationOptions ? { initializationOptions } : {}),
    }), 'initialize result');
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** Opens a document and gives its first diagnostics. */
  async open(uri: string, text: string): Promise<Diagnostic[]> {
    const diagnostics = this.nextDiagnostics(uri);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'odoo-args', version: 1, text },
    });
    return diagnostics;
  }

  async completion(uri: string, line: number, character: number): Promise<CompletionItem[]> {
    const result = await withDeadline(this.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line, character },
    }), 'completion');
    return Array.isArray(result) ? result : result?.items ?? [];
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill();
    }
    this.connection.dispose();
    await this.exited;
  }
}

/** Diagnostics as `[severity, range, source, message]`, with the range as `line:char-line:char`. */
function shown(diagnostics: readonly Diagnostic[]): Array<[number | undefined, string, string | undefined, string]> {
  return diagnostics.map((d) => [
    d.severity,
    `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`,
    d.source,
    d.message,
  ]);
}

function labels(items: readonly CompletionItem[]): string[] {
  return items.map((item) => item.label);
}

const error = 1;
const warning = 2;

const argsUri = 'file:///work/project/.odoo-args';
const argsText = [
  '# Everyday work',
  '-d dev --dev=xml,qweb --with-demo',
  '--updte sale',
  '',
  '[debug]  # one-off',
  '--log-level=debg --workers 0 -d dev -i sale',
  '[broken]',
  '--db-filter "^x',
  '',
].join('\n');

describe('args language server over LSP (dist/server.js --stdio)', function () {
  this.timeout(60_000);
  let server: ServerUnderTest;
  let initializeResult: InitializeResult;
  let openDiagnostics: Diagnostic[];

  before(async () => {
    ensureBuilt();
    server = new ServerUnderTest();
    initializeResult = await server.initialize({ series: '19.0' });
    openDiagnostics = await server.open(argsUri, argsText);
  });

  after(async () => {
    await server?.stop();
  });

  it('announces completion with its trigger characters, hover and quick fixes', () => {
    const { capabilities } = initializeResult;
    assert.deepEqual(capabilities.completionProvider?.triggerCharacters, ['-', '=', ',']);
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.equal(capabilities.textDocumentSync, 2);
  });

  it('publishes the problems of every profile and the syntax errors, on the exact words', () => {
    assert.deepEqual(shown(openDiagnostics), [
      [error, '7:12-7:15', 'odoo-dev', 'Unclosed double quote: add the closing " or write \\" for a literal quote.'],
      [error, '2:0-2:12', 'odoo-dev', 'Odoo 19.0 has no option --updte; did you mean --update?'],
      [error, '5:0-5:16', 'odoo-dev', '--log-level does not accept "debg"; did you mean "debug"?'],
    ]);
  });

  it('completes the flags of the series where a word starts, with docs', async () => {
    const items = await server.completion(argsUri, 3, 0);
    assert.ok(labels(items).includes('--update'), labels(items).join(' '));
    assert.ok(labels(items).includes('-u'));
    assert.ok(labels(items).includes('--with-demo'), '--with-demo exists in 19.0');
    assert.ok(!labels(items).includes('--help'), 'options that make Odoo exit are not offered');
    const update = items.find((item) => item.label === '--update') as CompletionItem;
    assert.match(update.detail ?? '', /^module names separated by commas/);
    assert.match((update.documentation as MarkupContent).value, /Upgrade the listed modules/);
    assert.match((update.documentation as MarkupContent).value, /One-shot: upgrade runs once/);
    const logLevel = items.find((item) => item.label === '--log-level') as CompletionItem;
    assert.equal(logLevel.detail, 'one of the listed values; default info');
    assert.deepEqual(logLevel.textEdit, { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, newText: '--log-level=' });
  });

  it('completes only long flags after --, replacing what is typed', async () => {
    const items = await server.completion(argsUri, 2, 4);
    assert.ok(items.length > 20);
    assert.ok(items.every((item) => item.label.startsWith('--')), labels(items).join(' '));
    const update = items.find((item) => item.label === '--update') as CompletionItem;
    assert.deepEqual((update.textEdit as TextEdit).range, { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } });
  });

  it('completes the --dev values of the series after a comma, leaving out those given', async () => {
    const items = await server.completion(argsUri, 1, '-d dev --dev=xml,'.length);
    assert.deepEqual(labels(items).sort(), ['access', 'all', 'qweb', 'reload', 'replica', 'werkzeug']);
    const all = items.find((item) => item.label === 'all') as CompletionItem;
    assert.equal(all.detail, 'turns on access, qweb, reload, xml');
    const position = { line: 1, character: 17 };
    assert.deepEqual((all.textEdit as TextEdit).range, { start: position, end: position });
  });

  it('completes --log-level values after = and after a space', async () => {
    const afterEquals = await server.completion(argsUri, 5, '--log-level='.length);
    assert.ok(labels(afterEquals).includes('debug'), labels(afterEquals).join(' '));
    assert.deepEqual((afterEquals.find((item) => item.label === 'debug')?.textEdit as TextEdit).range,
      { start: { line: 5, character: 12 }, end: { line: 5, character: 12 } });
    const uri = 'file:///work/project/space.odoo-args';
    await server.open(uri, '--log-level \n[database]\n-d ');
    const afterSpace = await server.completion(uri, 0, '--log-level '.length);
    assert.deepEqual(labels(afterSpace).sort(), ['critical', 'debug', 'debug_rpc', 'debug_rpc_answer', 'debug_sql', 'error', 'info', 'notset', 'runbot', 'test', 'warn']);
    assert.equal(afterSpace.find((item) => item.label === 'info')?.detail, 'default');
    assert.deepEqual(await server.completion(uri, 2, 3), [], 'a database name goes after -d, not an option');
  });

  it('offers nothing inside comments and headers', async () => {
    assert.deepEqual(await server.completion(argsUri, 0, 5), []);
    assert.deepEqual(await server.completion(argsUri, 4, 3), []);
  });

  it('shows the option under the mouse: summary, flags, type, default', async () => {
    const hover = await withDeadline(server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: argsUri },
      position: { line: 1, character: 10 },
    }), 'hover');
    assert.ok(hover);
    const { value } = hover.contents as MarkupContent;
    assert.match(value, /\*\*--dev\*\* \(Odoo 19\.0\)/);
    assert.match(value, /Comma list of developer features/);
    assert.match(value, /Takes: values separated by commas/);
    assert.doesNotMatch(value, /commaList/, 'no internal type names');
    assert.match(value, /`all` turns on: access, qweb, reload, xml/);
    assert.deepEqual(hover.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 21 } });
  });

  it('says when an option is one-shot, also on its value', async () => {
    for (const character of [37, 40]) {
      const hover = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: argsUri }, position: { line: 5, character } });
      const { value } = hover?.contents as MarkupContent;
      assert.match(value, /\*\*-i, --init\*\*/);
      assert.match(value, /One-shot: install runs once/);
    }
    const blank = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: argsUri }, position: { line: 3, character: 0 } });
    assert.equal(blank, null);
  });

  it('fixes a misspelt option with a quick fix that the diagnostics then drop', async () => {
    const range = { start: { line: 2, character: 3 }, end: { line: 2, character: 3 } };
    const actions = await withDeadline(server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: argsUri },
      range,
      context: { diagnostics: [] },
    }), 'code actions') as CodeAction[];
    assert.equal(actions.length, 1, JSON.stringify(actions));
    const [action] = actions;
    assert.equal(action.title, 'Change to --update sale');
    assert.equal(action.kind, 'quickfix');
    assert.match(action.diagnostics?.[0].message ?? '', /did you mean --update/);
    const edits = action.edit?.changes?.[argsUri] ?? [];
    assert.deepEqual(edits, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 12 } }, newText: '--update sale' }]);

    const fixed = TextDocument.applyEdits(TextDocument.create(argsUri, 'odoo-args', 1, argsText), edits);
    const diagnostics = server.nextDiagnostics(argsUri);
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: argsUri, version: 2 },
      contentChanges: [{ range: edits[0].range, text: edits[0].newText }],
    });
    assert.deepEqual(shown(await diagnostics).map(([, where]) => where), ['7:12-7:15', '5:0-5:16']);
    assert.match(fixed.split('\n')[2], /^--update sale$/);
  });

  it('offers a removal where the fix is to remove words', async () => {
    const uri = 'file:///work/project/remove.odoo-args';
    await server.open(uri, '-d db --version --workers 2');
    const actions = await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 8 }, end: { line: 0, character: 8 } },
      context: { diagnostics: [] },
    }) as CodeAction[];
    assert.deepEqual(actions.map((a) => [a.title, a.edit?.changes?.[uri]]), [
      ['Remove --version', [{ range: { start: { line: 0, character: 6 }, end: { line: 0, character: 16 } }, newText: '' }]],
    ]);
  });

  it('checks again for the series set by odooDev/setSeries', async () => {
    const diagnostics = server.nextDiagnostics(argsUri);
    await server.connection.sendNotification(new NotificationType<{ series: string }>('odooDev/setSeries'), { series: '17.0' });
    const in17 = shown(await diagnostics);
    assert.deepEqual(in17.find(([, where]) => where === '1:22-1:33'),
      [error, '1:22-1:33', 'odoo-dev', '--with-demo does not exist in Odoo 17.0 (it exists in 19.0); remove it.']);
    const items = await server.completion(argsUri, 3, 0);
    assert.ok(!labels(items).includes('--with-demo'));
    const devValues = await server.completion(argsUri, 1, '-d dev --dev='.length);
    // 17 still honours the post-mortem debuggers (odoo/tools/debugger.py): offered too.
    assert.deepEqual(labels(devValues).sort(), ['all', 'ipdb', 'pdb', 'pudb', 'qweb', 'reload', 'wdb', 'xml']);

    const back = server.nextDiagnostics(argsUri);
    await server.connection.sendNotification(new NotificationType<{ series: string }>('odooDev/setSeries'), { series: '19.0' });
    assert.ok(!shown(await back).some(([, where]) => where === '1:22-1:33'));
  });

  it('shuts down and exits with 0 when asked', async () => {
    await withDeadline(server.connection.sendRequest(ShutdownRequest.type), 'shutdown');
    await server.connection.sendNotification(ExitNotification.type);
    assert.equal(await withDeadline(server.exited, 'exit'), 0);
  });
});

describe('args language server started for an older series', function () {
  this.timeout(60_000);
  let server: ServerUnderTest;

  before(() => {
    ensureBuilt();
    server = new ServerUnderTest();
  });

  after(async () => {
    await server?.stop();
  });

  it('takes the series from initializationOptions', async () => {
    await server.initialize({ series: 'saas~17.2' });
    const diagnostics = await server.open('file:///work/old.odoo-args', '-d db --with-demo --log-level=warn\n');
    assert.deepEqual(shown(diagnostics), [
      [error, '0:6-0:17', 'odoo-dev', '--with-demo does not exist in Odoo 17.0 (it exists in 19.0); remove it.'],
    ]);
  });

  it('marks warnings as warnings', async () => {
    const diagnostics = await server.open('file:///work/warn.odoo-args', '-u sale\n');
    assert.deepEqual(shown(diagnostics).map(([severity, where]) => [severity, where]), [[warning, '0:0-0:7']]);
  });
});

describe('args language server told what the container offers (odooDev/setServerOffer)', function () {
  this.timeout(60_000);
  let server: ServerUnderTest;
  const uri = 'file:///work/offer.odoo-args';
  const offer = new NotificationType<object>('odooDev/setServerOffer');

  before(async () => {
    ensureBuilt();
    server = new ServerUnderTest();
    await server.initialize({ series: '17.0' });
  });

  after(async () => {
    await server?.stop();
  });

  it('says nothing about modules and databases it was not told of', async () => {
    const diagnostics = await server.open(uri, '-d deb -u my_modul\n[modules]\n-u \n[databases]\n-d \n');
    assert.ok(!shown(diagnostics).some(([, , , message]) => /No (module|database)/.test(message)), JSON.stringify(shown(diagnostics)));
    assert.deepEqual(labels(await server.completion(uri, 2, 3)), []);
  });

  it('completes the modules with their summaries and the databases, and flags unknown ones with the closest name', async () => {
    const diagnostics = server.nextDiagnostics(uri);
    await server.connection.sendNotification(offer, {
      modules: [
        { name: 'my_module', summary: 'A fake addon', where: 'container' },
        { name: 'sale', summary: 'Sales', where: 'container' },
        { name: 'workspace_module', summary: 'Only in the workspace', where: 'workspace' },
      ],
      databases: ['dev', 'test'],
    });
    const found = shown(await diagnostics);
    assert.ok(found.some(([severity, where, , message]) => severity === warning && where === '0:0-0:6'
      && message === 'No database "deb" on the server: Odoo would create it; did you mean "dev"?'), JSON.stringify(found));
    assert.ok(found.some(([, where, , message]) => where === '0:7-0:18' && /No module "my_modul" .*did you mean "my_module"\?/.test(message)), JSON.stringify(found));

    const modules = await server.completion(uri, 2, 3);
    assert.deepEqual(labels(modules), ['my_module', 'sale', 'workspace_module']);
    assert.equal(modules[0]!.detail, 'A fake addon');
    assert.equal(modules[2]!.labelDetails?.description, 'workspace');
    assert.deepEqual(labels(await server.completion(uri, 4, 3)), ['dev', 'test']);
  });

  it('offers the fix as a quick fix', async () => {
    const actions = await withDeadline(server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } },
      context: { diagnostics: [] },
    }), 'code actions') as CodeAction[];
    assert.ok(actions.some((action) => action.title === 'Change to -d dev'), JSON.stringify(actions.map((a) => a.title)));
  });
});

describe('args language server told the container\'s own options (odooDev/setServerOffer)', function () {
  this.timeout(60_000);
  let server: ServerUnderTest;
  const uri = 'file:///work/container-options.odoo-args';
  const offer = new NotificationType<object>('odooDev/setServerOffer');
  const text = '-d dev --queue-channels root:2\n--queue\n';
  // What the container's Odoo 18 prints for --help, with an option a patched config.py adds.
  const help = execFileSync('python3', [STANDIN_SCRIPT, '--help'], {
    env: {
      ...process.env,
      PYTHONPATH: STANDIN_PACKAGES,
      STANDIN_SERIES: '18.0',
      STANDIN_EXTRA_OPTIONS: JSON.stringify([{ group: 'Queue Job Configuration', flags: ['--queue-channels'], metavar: 'CHANNELS', help: 'Job channels and their capacity, such as root:2' }]),
    },
    encoding: 'utf8',
  });

  before(async () => {
    ensureBuilt();
    server = new ServerUnderTest();
    await server.initialize({ series: '18.0' });
  });

  after(async () => {
    await server?.stop();
  });

  const unknownQueue = (diagnostics: readonly Diagnostic[]) => shown(diagnostics).filter(([severity, where]) => severity === error && where.startsWith('0:7-'));

  it('flags an option the bundled catalog lacks while the container\'s list is not known', async () => {
    const diagnostics = await server.open(uri, text);
    assert.equal(unknownQueue(diagnostics).length, 1, JSON.stringify(shown(diagnostics)));
    assert.ok(!labels(await server.completion(uri, 1, 7)).includes('--queue-channels'));
  });

  it('completes the container\'s option, shows its help, and does not flag it once told the list', async () => {
    const diagnostics = server.nextDiagnostics(uri);
    await server.connection.sendNotification(offer, { options: { version: 'Odoo Server 18.0', options: parseOptionHelp(help) } });
    assert.deepEqual(unknownQueue(await diagnostics), []);
    const items = await server.completion(uri, 1, 7);
    assert.ok(labels(items).includes('--queue-channels'), JSON.stringify(labels(items)));
    const hover = await withDeadline(server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 0, character: 10 },
    }), 'hover');
    assert.match((hover?.contents as MarkupContent).value, /Job channels and their capacity, such as root:2/);
  });

  it('forgets the list when told an offer without one', async () => {
    const diagnostics = server.nextDiagnostics(uri);
    await server.connection.sendNotification(offer, {});
    assert.equal(unknownQueue(await diagnostics).length, 1);
  });
});
