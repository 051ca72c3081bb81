import { debugPortOf, defaultDebugPort } from '../core/debug-launch';
import { OdooCommandLine } from '../core/odoo-command-line';
import { DebugBridge } from '../engine/debug-bridge';
import type { OdooContainer } from '../engine/odoo-container';
import type { CliOptions } from './cli-options';

/**
 * `odoo-dev debug-adapter`: the debug adapter protocol on stdin and stdout, relayed to the
 * debugpy that Odoo runs under in the container. Everything else goes to stderr, since stdout
 * belongs to the protocol.
 */
export async function debugAdapterCommand(container: OdooContainer, options: CliOptions, readyTimeoutMs: number): Promise<number> {
  const running = await runningDebugPort(container);
  const port = options.debugPort ?? running ?? defaultDebugPort;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (options.verbose) {
    log(`odoo-dev: [debug] Relaying the debug adapter protocol to 127.0.0.1:${port} in container ${container.name}.`);
  }
  const bridge = new DebugBridge(container, port, (data) => process.stdout.write(data), {
    // A server under debugpy may still be starting (restart --debug in a task before this);
    // where none is, there is nothing to wait for but a restart under way.
    firstWaitMs: running !== undefined ? 10_000 : 1_000,
    reconnectWaitMs: readyTimeoutMs,
    log,
  });
  const onData = (chunk: Buffer) => {
    try {
      bridge.push(chunk);
    } catch (error) {
      log(`odoo-dev: ${(error as Error).message}`);
      bridge.clientEnded();
    }
  };
  process.stdin.on('data', onData);
  process.stdin.once('end', () => bridge.clientEnded());
  const code = await bridge.done;
  process.stdin.off('data', onData);
  process.stdin.pause();
  return code;
}

/** The port of the debugpy a server in the container already runs under, read from `docker top`. */
async function runningDebugPort(container: OdooContainer): Promise<number | undefined> {
  for (const row of await container.topProcesses()) {
    const command = OdooCommandLine.readTopRow(row.command);
    const port = command && debugPortOf(command);
    if (port !== undefined) {
      return port;
    }
  }
  return undefined;
}
