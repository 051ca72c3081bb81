import { debugpyCopiesDir, type DebugpySource } from './debugpy-copy';
import { OdooDevError } from './errors';
import { envValue, OdooCommandLine } from './odoo-command-line';

/** debugpy's own default port, the one editors' attach configurations expect. */
export const defaultDebugPort = 5678;

/** Where debugpy listens: always the container's loopback, never an address others can reach. */
export const debugHost = '127.0.0.1';

/** How a restart runs Odoo under the debugger. */
export interface DebugRequest {
  readonly port: number;
  /**
   * How long a run that waits for its debugger (a run that ends by itself, or one-shot args)
   * waits before it ends with a message, in seconds; `defaultClientWaitS` when absent.
   */
  readonly clientWaitS?: number;
  /**
   * A debugpy to copy into the container first, where Odoo's Python has none (the VS Code
   * Python Debugger extension's): the user agreed to it.
   */
  readonly copyFrom?: DebugpySource;
  /** Container folders that go on PYTHONPATH after the hook's: a copy of debugpy made earlier. */
  readonly pythonPaths?: readonly string[];
  /**
   * A free port of the container's loopback, for a run beside a server whose own debugpy
   * already listens on `port`: the run's debugpy listens there instead.
   */
  readonly besidePort?: number;
}

export const defaultClientWaitS = 120;

/**
 * Where the agent writes the debug runs' sitecustomize (agent.py's DEBUG_HOOK_DIR): put first on
 * PYTHONPATH, it brings debugpy back after Odoo re-executes itself and bounds the wait for a client.
 */
export const debugHookDir = '/tmp/odoo-dev/debug';

/** The variables the hook reads: where debugpy listens, and how long a waiting run waits. */
const listenVariable = 'ODOO_DEV_DEBUGPY';
const waitVariable = 'ODOO_DEV_DEBUGPY_WAIT';
/** The folders of ours on PYTHONPATH: the hook's, and a copy of debugpy where the image has none. */
const ourFolders = '/tmp/odoo-dev/';

const pythonName = /^python(\d+(\.\d+)*)?[a-z]?$/;

/**
 * The same command line run under the container's debugpy: `python -m debugpy --listen
 * 127.0.0.1:PORT <script> ARGS --workers 0`. A wrapper already in front (an earlier debug run)
 * is replaced, and prefork is turned off because the debugger does not follow forked workers.
 */
export function underDebugger(command: OdooCommandLine, debug: DebugRequest): OdooCommandLine {
  if (!Number.isInteger(debug.port) || debug.port < 1 || debug.port > 65535) {
    throw new OdooDevError('invalid-args', `The debug port must be a whole number from 1 to 65535, not ${debug.port}.`, {
      hint: 'Nothing was stopped; give another --debug-port.',
    });
  }
  const plain = withoutDebugger(command);
  const [first = 'python3', ...rest] = plain.program;
  // debugpy's own following of exec and subprocesses would turn Odoo's re-exec into a child
  // session that no client of ours attaches; the hook brings debugpy back instead.
  const wrapper = ['-m', 'debugpy', '--listen', `${debugHost}:${debug.port}`, '--configure-subProcess', 'False', ...(waitsForClient(plain) ? ['--wait-for-client'] : [])];
  // A script run by its shebang (`odoo ARGS`) gets the interpreter every Odoo container has.
  const isInterpreter = pythonName.test(first.split('/').pop() ?? '');
  const program = isInterpreter ? [first, ...wrapper, ...rest] : ['python3', ...wrapper, first, ...rest];
  // The subcommand word (`gevent`, `shell`) stays in front of the args.
  const word = plain.isServer ? [] : [plain.subcommand];
  return OdooCommandLine.compose(program, [...word, ...threadedArgs(plain.args, plain)], plain.series, plain.isModuleLaunch);
}

/** The command line without a debugpy wrapper in front of the script. */
export function withoutDebugger(command: OdooCommandLine): OdooCommandLine {
  const wrapper = debugWrapper(command.program);
  if (!wrapper) {
    return command;
  }
  const program = [...command.program.slice(0, wrapper.start), ...command.program.slice(wrapper.end)];
  return OdooCommandLine.compose(program, command.args, command.series, command.isModuleLaunch);
}

/** The port a debugpy wrapper in front of the script listens on, if there is one. */
export function debugPortOf(command: OdooCommandLine): number | undefined {
  return debugWrapper(command.program)?.port;
}

/**
 * Whether the run waits for a debugger before Odoo starts: one that ends by itself (tests,
 * `--stop-after-init`, exports) or does its one-shot work while it loads (`-u`, `-i`, at-install
 * tests), where the code to debug runs before any client could attach to a server already going.
 */
export function waitsForClient(command: OdooCommandLine): boolean {
  return command.endsByItself || command.persistentArgs.length < command.args.length;
}

/**
 * The environment of a debug run: the hook's folder (and `extraPaths`, a copy of debugpy) first
 * on PYTHONPATH, where debugpy listens, how long a waiting run waits, and for Odoo's gevent
 * process (which gevent monkey-patches) debugpy's gevent mode.
 */
export function debugEnv(env: readonly string[], command: OdooCommandLine, debug: DebugRequest, extraPaths: readonly string[] = debug.pythonPaths ?? copiesIn(env)): string[] {
  const plain = plainEnv(env);
  const path = envValue(plain, 'PYTHONPATH');
  const kept = plain.filter((entry) => !entry.startsWith('PYTHONPATH='));
  const pythonPath = [debugHookDir, ...extraPaths, ...(path ? [path] : [])].join(':');
  const wait = Math.round(debug.clientWaitS ?? defaultClientWaitS);
  return [
    ...kept,
    `PYTHONPATH=${pythonPath}`,
    `${listenVariable}=${debugHost}:${debug.port}`,
    ...(waitsForClient(withoutDebugger(command)) ? [`${waitVariable}=${wait}`] : []),
    ...(command.subcommand === 'gevent' && envValue(plain, 'GEVENT_SUPPORT') === undefined ? ['GEVENT_SUPPORT=True'] : []),
  ];
}

/** The copies of debugpy an earlier debug run had on its PYTHONPATH: the next one keeps them. */
function copiesIn(env: readonly string[]): string[] {
  return (envValue(env, 'PYTHONPATH') ?? '').split(':').filter((folder) => folder.startsWith(`${debugpyCopiesDir}/`));
}

/**
 * The environment without what a debug run added: our variables and folders. GEVENT_SUPPORT
 * stays, since the user may have set it, and it means nothing without debugpy.
 */
export function plainEnv(env: readonly string[]): string[] {
  const result: string[] = [];
  for (const entry of env) {
    if (entry.startsWith(`${listenVariable}=`) || entry.startsWith(`${waitVariable}=`)) {
      continue;
    }
    if (entry.startsWith('PYTHONPATH=')) {
      const rest = entry.slice('PYTHONPATH='.length).split(':').filter((folder) => !folder.startsWith(ourFolders));
      if (rest.length && rest.some((folder) => folder !== '')) {
        result.push(`PYTHONPATH=${rest.join(':')}`);
      }
      continue;
    }
    result.push(entry);
  }
  return result;
}

/** Whether the args ask for prefork, which breakpoints do not survive. */
export function forcesThreaded(command: OdooCommandLine): boolean {
  const workers = command.value('workers');
  return workers !== undefined && workers !== '0';
}

function threadedArgs(args: readonly string[], command: OdooCommandLine): readonly string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--workers') {
      i++;
      continue;
    }
    if (arg.startsWith('--workers=')) {
      continue;
    }
    kept.push(arg);
  }
  // Also where the config file sets workers: the command line wins over it.
  return command.isServer ? [...kept, '--workers', '0'] : kept;
}

/** `-m debugpy` and its own options, up to the script or `-m odoo`. */
function debugWrapper(program: readonly string[]): { start: number; end: number; port?: number } | undefined {
  const start = program.findIndex((token, i) => token === '-m' && program[i + 1] === 'debugpy');
  if (start < 0) {
    return undefined;
  }
  let port: number | undefined;
  let end = start + 2;
  while (end < program.length) {
    const token = program[end] ?? '';
    if (token === '--listen' || token === '--connect' || token === '--log-to' || token.startsWith('--configure-')) {
      if (token === '--listen') {
        port = listenPort(program[end + 1] ?? '');
      }
      end += 2;
    } else if (token.startsWith('--')) {
      end += 1;
    } else {
      break;
    }
  }
  return { start, end, ...(port !== undefined ? { port } : {}) };
}

function listenPort(address: string): number | undefined {
  const match = /(?:^|:)(\d+)$/.exec(address);
  return match ? Number(match[1]) : undefined;
}

/**
 * Where a script that debugpy runs is a bare name (`odoo`): debugpy reads it as a file of the
 * working directory, so the launch must find it on the PATH, as the shell would have.
 */
export function scriptsToResolve(argv: readonly string[]): number[] {
  const wrapper = debugWrapper(argv);
  if (!wrapper) {
    return [];
  }
  const script = argv[wrapper.end];
  return script !== undefined && script !== '-m' && !script.includes('/') ? [wrapper.end] : [];
}
