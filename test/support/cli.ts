import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const cliPath = path.resolve(__dirname, '../../dist/cli.js');

/** Another user to run `odoo-dev` as (the tests run as root); supplementary groups are dropped. */
export interface CliUser {
  readonly uid: number;
  readonly gid: number;
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `odoo-dev` to its end. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string, user?: CliUser): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}), ...user });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running `odoo-dev` (status --watch) whose output the test reads as it comes. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  /** The exit code, once the process has ended. */
  readonly exited: Promise<number | null>;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly args: readonly string[], env: NodeJS.ProcessEnv = {}, user?: CliUser) {
    this.child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...user });
    this.child.stdout!.on('data', (chunk: Buffer) => { this.stdout += chunk.toString('utf8'); this.notify(); });
    this.child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString('utf8'); this.notify(); });
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  /** Resolves when `check` holds on the output so far; fails after `timeoutMs` with `what`. */
  waitFor<T>(what: string, check: (self: CliProcess) => T | undefined, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check(this);
        if (value !== undefined) {
          this.listeners.delete(attempt);
          clearTimeout(timer);
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(attempt);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      this.listeners.add(attempt);
      attempt();
    });
  }

  /**
   * Sends TERM and resolves the exit code once the process has ended; fails when it has not
   * ended within `deadlineMs`, and then kills it, so that no test leaves it running.
   */
  async terminate(deadlineMs: number): Promise<number | null> {
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`odoo-dev ${this.args.join(' ')} did not end within ${deadlineMs} ms of TERM; stderr:\n${this.stderr}`));
      }, deadlineMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** For `finally`: TERM, and KILL when that did not end it within 5 s (a failure shown elsewhere). */
  stop(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    this.child.kill('SIGTERM');
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    kill.unref();
    void this.exited.then(() => clearTimeout(kill));
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}
