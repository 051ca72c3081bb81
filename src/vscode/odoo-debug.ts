import * as vscode from 'vscode';
import { dapFrame, DapReader } from '../core/dap-messages';
import { defaultDebugPort, type DebugRequest } from '../core/debug-launch';
import { pathMappingsFor } from '../core/debug-path-mappings';
import { DebugBridge } from '../engine/debug-bridge';
import type { OdooConnection } from './odoo-connection';
import { windowContainer } from './window-hints';

/** The debug type of ours: VS Code talks to the container's debugpy through the Docker API. */
export const odooDebugType = 'odoo';

/** How long the first attach waits for a server that is still starting under debugpy. */
const firstWaitMs = 15_000;
/** How long the session waits for the next server's debugpy after a restart. */
const reconnectWaitMs = 120_000;

/**
 * The editor's side of debugging Odoo in its container: a debug type whose adapter is the
 * DebugBridge, run in the extension host (no TCP port on the host at all), a configuration
 * provider that fills in the path mappings, and the memory of whether restarts should keep
 * debugpy (a session is on) or drop it (the user stopped debugging).
 */
export class OdooDebugging implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly sessions = new Set<vscode.DebugSession>();
  /** A session of ours ended in this window since the last Restart and Debug. */
  private endedHere = false;

  constructor(private readonly connection: OdooConnection, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.debug.registerDebugAdapterDescriptorFactory(odooDebugType, { createDebugAdapterDescriptor: (session) => this.adapterFor(session) }),
      vscode.debug.registerDebugConfigurationProvider(odooDebugType, { resolveDebugConfiguration: (_folder, config) => this.resolve(config) }),
      vscode.debug.onDidStartDebugSession((session) => {
        // A session on a run that ends by itself ends with it: it says nothing about restarts.
        if (session.type === odooDebugType && !isRunSession(session.configuration)) {
          this.sessions.add(session);
        }
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        if (this.sessions.delete(session) && this.sessions.size === 0) {
          this.endedHere = true;
          this.log.info('The Odoo debug session ended; Odoo keeps running, and the next restart runs it without debugpy.');
        }
      }),
    );
  }

  /**
   * What a restart asks for: debugpy kept while a session is on, dropped once the user stopped
   * debugging here, and otherwise the program as it runs.
   */
  get restartDebug(): DebugRequest | false | undefined {
    if (this.sessions.size) {
      return { port: portOf(this.firstSession?.configuration) };
    }
    return this.endedHere ? false : undefined;
  }

  /** A restart ran Odoo without debugpy: later restarts keep the program as it runs again. */
  debuggerDropped(): void {
    this.endedHere = false;
  }

  /** Attaches the editor to the server that Restart and Debug just ran under debugpy. */
  async attach(port: number): Promise<void> {
    this.endedHere = false;
    if (this.sessions.size) {
      // The bridge of the running session attaches itself again to the new server.
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    const started = await vscode.debug.startDebugging(folder, {
      type: odooDebugType,
      request: 'attach',
      name: 'Odoo: Attach in the container',
      port,
      justMyCode: false,
    });
    if (!started) {
      throw new Error('VS Code did not start the debug session; see the Debug Console.');
    }
  }

  /**
   * Attaches the editor to a run that waits for a debugger on `port` (a one-shot run, a test
   * run, an update): a run that ends by itself gets a session of its own that ends with it, and
   * a server that waits (one-shot args on a server) is attached as Restart and Debug attaches.
   */
  async attachWaiting(port: number, endsByItself: boolean): Promise<void> {
    if (!endsByItself) {
      await this.attach(port);
      return;
    }
    this.log.info(`A run waits for a debugger on port ${port} in the container: attaching.`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const started = await vscode.debug.startDebugging(folder, {
      type: odooDebugType,
      request: 'attach',
      name: 'Odoo: Attach to the run',
      port,
      justMyCode: false,
      [runSessionKey]: true,
    });
    if (!started) {
      throw new Error('VS Code did not start the debug session of the run; see the Debug Console.');
    }
  }

  /** Ends the debug sessions of ours; Odoo keeps running. */
  async stopSessions(): Promise<void> {
    for (const session of [...this.sessions]) {
      await vscode.debug.stopDebugging(session);
    }
    this.endedHere = true;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
  }

  private get firstSession(): vscode.DebugSession | undefined {
    return this.sessions.values().next().value;
  }

  private async resolve(config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration> {
    const resolved: vscode.DebugConfiguration = { ...config, type: odooDebugType, request: config.request ?? 'attach', name: config.name ?? 'Odoo: Attach in the container' };
    resolved.port = portOf(config);
    // Inside a Dev Containers window the editor's paths are the container's: none needed.
    if (resolved.pathMappings === undefined && !windowContainer()) {
      const { container } = await this.connection.connect(true);
      const { binds = [] } = await container.facts();
      const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
      const mappings = pathMappingsFor(binds, folders);
      this.log.info(`Debug path mappings: ${mappings.map((m) => `${m.localRoot} -> ${m.remoteRoot}`).join(', ') || 'none (no workspace folder is mounted in the container)'}`);
      resolved.pathMappings = mappings;
    }
    return resolved;
  }

  private async adapterFor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const { container } = await this.connection.connect(true);
    const port = portOf(session.configuration);
    this.log.info(`Debugging: relaying the debug adapter protocol to 127.0.0.1:${port} in container ${container.name}.`);
    const log = (line: string) => this.log.info(line);
    return new vscode.DebugAdapterInlineImplementation(new BridgeAdapter((toClient) => new DebugBridge(container, port, toClient, {
      firstWaitMs,
      // A run's debugpy ends with the run, and none comes after it on that port.
      reconnectWaitMs: isRunSession(session.configuration) ? 0 : reconnectWaitMs,
      log,
    }), log));
  }
}

/** VS Code's inline debug adapter over the bridge: messages in, bytes to the bridge, messages out. */
class BridgeAdapter implements vscode.DebugAdapter {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private readonly bridge: DebugBridge;

  constructor(open: (toClient: (data: Buffer) => void) => DebugBridge, log: (line: string) => void) {
    const reader = new DapReader((message) => {
      // What the bridge itself tells (waiting for a restarted server, attached again) goes to the log too.
      if (message.type === 'event' && message.event === 'output' && message.seq === 0) {
        log(String(message.body?.output ?? '').trim());
      }
      this.emitter.fire(message as vscode.DebugProtocolMessage);
    });
    this.bridge = open((data) => reader.push(data));
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    this.bridge.push(dapFrame(message));
  }

  dispose(): void {
    this.bridge.clientEnded();
    this.emitter.dispose();
  }
}

/** Marks the debug configuration of a session on a run that ends by itself. */
const runSessionKey = 'odooDevRun';

function isRunSession(config: vscode.DebugConfiguration | undefined): boolean {
  return config?.[runSessionKey] === true;
}

function portOf(config: vscode.DebugConfiguration | undefined): number {
  const port: unknown = config?.port;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : defaultDebugPort;
}

