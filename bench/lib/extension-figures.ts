/**
 * What the extension costs the editor, for `npm run bench`: the sizes of the production
 * bundles and of the `.vsix` (packaged as `npm run package` packages it, from a copy of the
 * repository so that `dist/` of the working tree stays as it is), the time to load the bundle
 * and run `activate()` (against a stand-in `vscode` module that answers every call, so it
 * counts our own work and not the editor's), and the args language server's completion latency
 * on a 500-line args file over a real LSP connection (median and p95).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CompletionRequest,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from 'vscode-languageserver/node';

const root = path.resolve(__dirname, '../..');
const packaged = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'tsconfig.json', 'media', 'scripts', 'src'];

export interface ExtensionFigures {
  /** Production bundles, bytes. */
  readonly bundleBytes: { readonly extension: number; readonly server: number; readonly cli: number; readonly agent: number };
  readonly vsixBytes: number;
  /** Loading dist/extension.js and running activate(), ms, one fresh process each. */
  readonly activationMs: readonly number[];
  /** One completion request each, ms, on a 500-line args file. */
  readonly completionMs: readonly number[];
}

export async function measureExtension(say: (line: string) => void, rounds = { activation: 15, completion: 200 }): Promise<ExtensionFigures> {
  say('packaging the .vsix (production bundles)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'odoo-dev-bench-vsix-'));
  try {
    for (const entry of packaged) {
      cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
    }
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    const vsix = path.join(dir, 'bench.vsix');
    const result = spawnSync(process.execPath, ['scripts/package.mjs', '-o', vsix], { cwd: dir, encoding: 'utf8', timeout: 180000 });
    if (result.status !== 0) {
      throw new Error(`packaging failed: ${result.stdout}${result.stderr}`);
    }
    const size = (file: string) => statSync(path.join(dir, 'dist', file)).size;
    const bundleBytes = { extension: size('extension.js'), server: size('server.js'), cli: size('cli.js'), agent: size('agent.py') };
    say(`activation: ${rounds.activation} fresh processes`);
    const activationMs: number[] = [];
    for (let i = 0; i < rounds.activation; i++) {
      activationMs.push(await activationOnce(path.join(dir, 'dist', 'extension.js')));
    }
    say(`completion: ${rounds.completion} requests on a 500-line args file`);
    const completionMs = await completionLatency(path.join(dir, 'dist', 'server.js'), rounds.completion);
    return { bundleBytes, vsixBytes: statSync(vsix).size, activationMs, completionMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A child process loads the bundle with a stand-in `vscode` and times require + activate(). */
function activationOnce(bundle: string): Promise<number> {
  const script = `
    const Module = require('module');
    const { performance } = require('perf_hooks');
    // The transpiler that runs the bench may name functions through this helper.
    const __name = (f) => f;
    ${standInVscode.toString()}
    const vscode = standInVscode();
    const load = Module._load;
    Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
    const started = performance.now();
    const extension = require(${JSON.stringify(bundle)});
    const context = vscode.__context(${JSON.stringify(path.dirname(path.dirname(bundle)))});
    extension.activate(context);
    const ms = performance.now() - started;
    process.stdout.write(String(ms));
    process.exit(0);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && out ? resolve(Number(out)) : reject(new Error(`activation run failed (${code}): ${err}`))));
  });
}

/**
 * A `vscode` module for timing activation outside the editor: every property is a callable
 * that returns another such value or a disposable; events never fire; settings read as unset.
 * It runs inside the child process, so it may use nothing from this file's scope.
 */
function standInVscode(): Record<string, unknown> {
  const disposable = { dispose() { /* nothing */ } };
  const any = (): unknown => new Proxy(function () { /* callable */ }, {
    get(_target, key) {
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return () => '';
      if (key === 'dispose') return () => undefined;
      if (key === 'event') return () => disposable;
      return any();
    },
    set() { return true; },
    apply() { return any(); },
    construct() { return any() as object; },
  });
  const event = () => disposable;
  const memento = { get: (_key: string, fallback?: unknown) => fallback, update: async () => undefined, keys: () => [] };
  return new Proxy({
    workspace: new Proxy({
      isTrusted: true,
      workspaceFolders: undefined,
      textDocuments: [],
      getConfiguration: () => ({ get: (_key: string, fallback?: unknown) => fallback, inspect: () => undefined, has: () => false }),
      onDidChangeConfiguration: event,
      onDidGrantWorkspaceTrust: event,
      onDidOpenTextDocument: event,
      createFileSystemWatcher: () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() { /* nothing */ } }),
      findFiles: async () => [],
    }, { get: (target, key) => (key in target ? target[key as keyof typeof target] : any()) }),
    env: { remoteName: undefined },
    // The bundle copies the module's own keys (esbuild's ES-module interop): name every one used.
    window: new Proxy({
      showErrorMessage: async () => undefined,
      showWarningMessage: async () => undefined,
      showInformationMessage: async () => undefined,
    }, { get: (target, key) => (key in target ? target[key as keyof typeof target] : any()) }),
    ...Object.fromEntries(['commands', 'languages', 'tests', 'extensions', 'debug', 'tasks', 'Uri', 'EventEmitter', 'Disposable', 'MarkdownString',
      'ThemeColor', 'ThemeIcon', 'StatusBarAlignment', 'ProgressLocation', 'QuickPickItemKind', 'CodeLens', 'Range', 'Position', 'Location',
      'CancellationTokenSource', 'TestRunProfileKind', 'TestMessage', 'TestTag', 'TestRunRequest', 'DebugAdapterInlineImplementation',
      'FileSystemError', 'ProcessExecution', 'Task', 'TaskScope', 'WorkspaceEdit'].map((name) => [name, any()])),
    __context: (extensionPath: string) => ({
      subscriptions: [],
      workspaceState: memento,
      globalState: memento,
      extensionPath,
      asAbsolutePath: (relative: string) => `${extensionPath}/${relative}`,
      extension: { packageJSON: { version: 'bench' } },
    }),
  } as Record<string, unknown>, { get: (target, key) => (key in target ? target[key as string] : any()) });
}

/** Completion requests at the ends of lines of a 500-line args file, timed one by one. */
async function completionLatency(serverBundle: string, requests: number): Promise<number[]> {
  const child = spawn(process.execPath, [serverBundle, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  try {
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { series: '17.0' } });
    await connection.sendNotification(InitializedNotification.type, {});
    const lines = argsFileLines(500);
    const uri = 'file:///bench/.odoo-args';
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'odoo-args', version: 1, text: lines.join('\n') } });
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const line = (i * 37) % lines.length;
      const started = performance.now();
      await connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: lines[line]!.length } });
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    connection.dispose();
    child.kill();
  }
}

/** A large args file of the usual shape: profiles, comments, options with values, half-typed flags. */
function argsFileLines(count: number): string[] {
  const shapes = [
    (i: number) => `[profile_${i}]  # a profile`,
    () => '-d dev --dev=xml,qweb --log-level=debug',
    () => '-u sale,my_module --stop-after-init',
    () => '--workers 2 --max-cron-threads 1 --limit-time-real 600',
    () => '# a comment about the next line',
    () => '--test-enable --test-tags /my_module:TestSale.test_confirm',
    () => '--lo',
    () => '--dev=',
  ];
  return Array.from({ length: count }, (_, i) => shapes[i % shapes.length]!(i));
}

/** Median and p95 of samples, ms. */
export function medianP95(samples: readonly number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { median: at(0.5), p95: at(0.95) };
}

/** The figures as a small table for the bench's text report. */
export function formatExtension(figures: ExtensionFigures): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const activation = medianP95(figures.activationMs);
  const completion = medianP95(figures.completionMs);
  return [
    'The extension in the editor',
    `  bundles (production)    extension ${kb(figures.bundleBytes.extension)}, language server ${kb(figures.bundleBytes.server)}, command line ${kb(figures.bundleBytes.cli)}, agent ${kb(figures.bundleBytes.agent)}`,
    `  .vsix                   ${kb(figures.vsixBytes)}`,
    `  activation              median ${activation.median.toFixed(1)} ms, p95 ${activation.p95.toFixed(1)} ms (load + activate(), stand-in vscode, ${figures.activationMs.length} runs)`,
    `  completion, 500 lines   median ${completion.median.toFixed(2)} ms, p95 ${completion.p95.toFixed(2)} ms (${figures.completionMs.length} requests over LSP)`,
  ].join('\n');
}

/** The figures for the summary line: sizes and the medians and p95s. */
export function summarizeExtension(figures: ExtensionFigures): Record<string, number> {
  const activation = medianP95(figures.activationMs);
  const completion = medianP95(figures.completionMs);
  return {
    extensionBundleBytes: figures.bundleBytes.extension,
    serverBundleBytes: figures.bundleBytes.server,
    vsixBytes: figures.vsixBytes,
    activationMedianMs: round(activation.median),
    activationP95Ms: round(activation.p95),
    completionMedianMs: round(completion.median),
    completionP95Ms: round(completion.p95),
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
